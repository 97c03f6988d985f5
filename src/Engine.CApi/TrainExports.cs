// The training export: phase-space arrays in, a model handle out.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Engine.Common;
using Engine.Data;
using Engine.Features;
using Engine.Training;

namespace Engine.CApi;

internal static unsafe class TrainExports
{
    [UnmanagedCallersOnly(EntryPoint = "hgn_train", CallConvs = [typeof(CallConvCdecl)])]
    public static int Train(long snapshots, long natoms, int dimension, double* q, double* p, double* dq, double* dp,
                            double* masses, int* species, long* edges, long nedges, double cutoff, double* cell,
                            int family, int sampler, int* widths, int seed, byte* lengthUnit, byte* energyUnit, nint* model)
    {
        try
        {
            if (model == null) throw new InvalidInputException("'model' (the output handle pointer) is NULL");
            *model = 0;
            if (dimension is < 1 or > 3) throw new InvalidInputException($"'dimension' is {dimension}; it must be 1, 2 or 3");
            int n = NativeInput.Count(natoms, "natoms", dimension);
            int m = NativeInput.Count(snapshots, "snapshots", n * dimension);
            int size = m * n * dimension;
            if (family is < 0 or > 2) throw new InvalidInputException($"'family' is {family}; use HGN_FAMILY_GRAPH (0), HGN_FAMILY_PAIR (1) or HGN_FAMILY_GRAPH_FRAME (2)");
            if (sampler is < 0 or > 1) throw new InvalidInputException($"'sampler' is {sampler}; use HGN_SAMPLER_SWIM (0) or HGN_SAMPLER_ELM (1)");
            int[]? edgeArray = NativeInput.Edges(edges, nedges, n);
            if (edgeArray is not null && cutoff != 0) throw new InvalidInputException($"give either 'edges' (a fixed topology, with 'cutoff' = 0) or a 'cutoff', not both (cutoff = {cutoff})");
            if (edgeArray is null && !(cutoff > 0 && double.IsFinite(cutoff))) throw new InvalidInputException($"'cutoff' is {cutoff}; without 'edges' the graph needs a positive finite cutoff");
            if (masses == null) throw new InvalidInputException("'masses' is NULL; training needs the particle masses [natoms]");
            var defaults = new TrainingOptions();
            int Width(int k, int fallback)
            {
                if (widths == null || widths[k] == 0) return fallback;
                if (widths[k] < 0) throw new InvalidInputException($"'widths[{k}]' is {widths[k]}; widths must be positive (0 = default)");
                return widths[k];
            }
            var kind = (ModelFamily)family;
            var options = new TrainingOptions
            {
                Family = kind == ModelFamily.Pair ? ModelFamily.Pair : ModelFamily.Graph,
                Construction = kind == ModelFamily.GraphFrame ? GraphConstruction.Frame : GraphConstruction.Invariant,
                Sampler = (SamplerKind)sampler,
                Seed = seed,
                WidthPair = kind == ModelFamily.Pair ? Width(0, defaults.WidthPair) : defaults.WidthPair,
                WidthNode = kind != ModelFamily.Pair ? Width(0, defaults.WidthNode) : defaults.WidthNode,
                WidthEdge = kind != ModelFamily.Pair ? Width(1, defaults.WidthEdge) : defaults.WidthEdge,
                WidthMessage = kind != ModelFamily.Pair ? Width(2, defaults.WidthMessage) : defaults.WidthMessage,
                Progress = Log.Sink(),
            };
            var data = new PhaseSpaceData
            {
                Snapshots = m, Particles = n, Dimension = dimension,
                Q = Array(q, size, "q"), P = Array(p, size, "p"), Dq = Array(dq, size, "dq"), Dp = Array(dp, size, "dp"),
                Mass = Array(masses, n, "masses"), Species = NativeInput.Species(species, n),
                Edges = edgeArray, Cutoff = edgeArray is null ? cutoff : null, Box = NativeInput.Box(cell, dimension),
                LengthUnit = lengthUnit == null ? "reduced" : NativeInput.Utf8(lengthUnit, "length_unit"),
                EnergyUnit = energyUnit == null ? "reduced" : NativeInput.Utf8(energyUnit, "energy_unit"),
            };
            var (trained, _) = Trainer.Train(data, options);
            *model = HandleTable.Add(new ModelHandle(trained));
            return Status.Ok;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    private static double[] Array(double* p, int length, string name)
    {
        if (p == null) throw new InvalidInputException($"'{name}' is NULL; it must point to {length} doubles");
        return new ReadOnlySpan<double>(p, length).ToArray();
    }
}
