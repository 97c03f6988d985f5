// Exports of the model handle: load (path, memory), save, free, and the queries an MD host needs.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Engine.Common;
using Engine.Features;
using Engine.Model;

namespace Engine.CApi;

internal static unsafe class ModelExports
{
    [UnmanagedCallersOnly(EntryPoint = "hgn_model_load", CallConvs = [typeof(CallConvCdecl)])]
    public static int Load(byte* path, nint* model)
    {
        try
        {
            if (model == null) throw new InvalidInputException("'model' (the output handle pointer) is NULL");
            *model = 0;
            string file = NativeInput.Utf8(path, "path");
            byte[] bytes;
            try { bytes = File.ReadAllBytes(file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new CApiFileException($"cannot read model file '{file}': {e.Message}", e);
            }
            *model = HandleTable.Add(new ModelHandle(ModelFile.FromBytes(bytes, file)));
            return Status.Ok;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "hgn_model_load_memory", CallConvs = [typeof(CallConvCdecl)])]
    public static int LoadMemory(byte* data, long size, nint* model)
    {
        try
        {
            if (model == null) throw new InvalidInputException("'model' (the output handle pointer) is NULL");
            *model = 0;
            if (data == null) throw new InvalidInputException("'data' is NULL");
            if (size < 0 || size > int.MaxValue) throw new InvalidInputException($"'size' is {size}; it must be in [0, {int.MaxValue}]");
            *model = HandleTable.Add(new ModelHandle(ModelFile.FromBytes(new ReadOnlySpan<byte>(data, (int)size), "memory")));
            return Status.Ok;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "hgn_model_save", CallConvs = [typeof(CallConvCdecl)])]
    public static int Save(nint model, byte* path)
    {
        try
        {
            var m = HandleTable.Get<ModelHandle>(model, "model");
            string file = NativeInput.Utf8(path, "path");
            try { ModelFile.Save(m.Model, file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or InvalidInputException)
            {
                throw new CApiFileException($"cannot write model file '{file}': {e.Message}", e);
            }
            return Status.Ok;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "hgn_model_free", CallConvs = [typeof(CallConvCdecl)])]
    public static void Free(nint* model)
    {
        try
        {
            if (model == null) return;
            HandleTable.Remove<ModelHandle>(*model)?.Release();
            *model = 0;
        }
        catch (Exception e) { LastError.Set(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "hgn_model_family", CallConvs = [typeof(CallConvCdecl)])]
    public static int Family(nint model, int* family) => Query(model, family, "family", m => (int)m.Family);

    [UnmanagedCallersOnly(EntryPoint = "hgn_model_dimension", CallConvs = [typeof(CallConvCdecl)])]
    public static int Dimension(nint model, int* dimension) => Query(model, dimension, "dimension", m => m.Dimension);

    [UnmanagedCallersOnly(EntryPoint = "hgn_model_is_separable", CallConvs = [typeof(CallConvCdecl)])]
    public static int IsSeparable(nint model, int* separable) => Query(model, separable, "separable", m => m.IsSeparable ? 1 : 0);

    [UnmanagedCallersOnly(EntryPoint = "hgn_model_uses_edges", CallConvs = [typeof(CallConvCdecl)])]
    public static int UsesEdges(nint model, int* usesEdges) => Query(model, usesEdges, "uses_edges", m => m.Graph.UsesFixedEdges ? 1 : 0);

    [UnmanagedCallersOnly(EntryPoint = "hgn_model_species_count", CallConvs = [typeof(CallConvCdecl)])]
    public static int SpeciesCount(nint model, int* count) =>
        Query(model, count, "count", m => m.SpeciesCount);

    [UnmanagedCallersOnly(EntryPoint = "hgn_model_species_name", CallConvs = [typeof(CallConvCdecl)])]
    public static int SpeciesName(nint model, int code, byte** name)
    {
        try
        {
            var m = HandleTable.Get<ModelHandle>(model, "model");
            if (name == null) throw new InvalidInputException("'name' is NULL");
            *name = null;
            int count = m.Model.SpeciesCount;
            if (count == 0)
                throw new InvalidInputException($"this {m.Model.Family} model does not resolve species (hgn_model_species_count = 0), so it has no species names");
            if (code < 0 || code >= count)
                throw new InvalidInputException($"'code' is {code}; valid species codes of this model are 0 … {count - 1}");
            *name = m.SpeciesName(code);
            return Status.Ok;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "hgn_model_cutoff", CallConvs = [typeof(CallConvCdecl)])]
    public static int Cutoff(nint model, double* cutoff)
    {
        try
        {
            var m = HandleTable.Get<ModelHandle>(model, "model").Model;
            if (cutoff == null) throw new InvalidInputException("'cutoff' is NULL");
            *cutoff = m.Graph.UsesFixedEdges ? 0 : m.Graph.Cutoff;
            return Status.Ok;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "hgn_model_influence_distance", CallConvs = [typeof(CallConvCdecl)])]
    public static int InfluenceDistance(nint model, double* distance)
    {
        try
        {
            var m = HandleTable.Get<ModelHandle>(model, "model").Model;
            if (distance == null) throw new InvalidInputException("'distance' is NULL");
            // Pair and frame-free graph models sum terms of single pairs (one message-passing layer): a particle's
            // energy depends on particles within one cutoff. The frame model's frame is built from the whole
            // configuration, so its influence is unbounded.
            *distance = m.Family == ModelFamily.GraphFrame ? double.PositiveInfinity : m.Graph.UsesFixedEdges ? 0 : m.Graph.Cutoff;
            return Status.Ok;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "hgn_model_needs_ghost_neighbors", CallConvs = [typeof(CallConvCdecl)])]
    public static int NeedsGhostNeighbors(nint model, int* needed) => Query(model, needed, "needed", _ => 0);

    [UnmanagedCallersOnly(EntryPoint = "hgn_model_units", CallConvs = [typeof(CallConvCdecl)])]
    public static int Units(nint model, byte** lengthUnit, byte** energyUnit)
    {
        try
        {
            var m = HandleTable.Get<ModelHandle>(model, "model");
            if (lengthUnit != null) *lengthUnit = m.LengthUnit;
            if (energyUnit != null) *energyUnit = m.EnergyUnit;
            return Status.Ok;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    private static int Query(nint model, int* output, string name, Func<HamiltonianModel, int> read)
    {
        try
        {
            var m = HandleTable.Get<ModelHandle>(model, "model").Model;
            if (output == null) throw new InvalidInputException($"'{name}' is NULL");
            *output = read(m);
            return Status.Ok;
        }
        catch (Exception e) { return LastError.Set(e); }
    }
}
