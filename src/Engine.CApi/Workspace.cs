// What an hgn_workspace handle holds: per-thread evaluators and integrators, rebuilt only when the system changes.
using Engine.Common;
using Engine.Dynamics;
using Engine.Model;

namespace Engine.CApi;

/// <summary>
/// Scratch of one thread over one model. The evaluator of the last system (particle count, masses, species,
/// edges, cell) is kept and the raw C inputs are compared against it, so an MD loop that calls hgn_compute every
/// step allocates nothing after the first call. Not thread-safe: one workspace per thread.
/// </summary>
internal sealed unsafe class Workspace(HamiltonianModel model)
{
    public HamiltonianModel Model { get; } = model;
    private int _n = -1;
    private double[]? _mass;      // null = not given (potential-only calls use unit masses)
    private int[]? _species;      // null = not given (all 0)
    private int[]? _edges;
    private double[] _cell = [];  // raw cell as given; empty = open boundaries
    private ModelEvaluator? _evaluator;
    private Integrator? _integrator;
    private NeighborListEvaluator? _neighborList;
    private int _busy;

    /// <summary>
    /// Marks the workspace in use for one call (<c>using var busy = ws.Enter();</c>); a second thread entering at the
    /// same time is refused (HGN_E_ARG) instead of silently sharing the scratch buffers. The returned struct releases
    /// the mark when disposed; being a struct, the <c>using</c> allocates nothing on the per-step call path.
    /// </summary>
    public Busy Enter()
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
            throw new InvalidInputException("this workspace is in use by another call right now; give each thread its own workspace (hgn_workspace_create)");
        return new Busy(this);
    }

    /// <summary>The in-use mark of one call; <see cref="Dispose"/> clears it.</summary>
    public readonly struct Busy(Workspace owner) : IDisposable
    {
        public void Dispose() => Volatile.Write(ref owner._busy, 0);
    }

    /// <summary>The evaluator for this system, reusing the previous one when every input is unchanged.</summary>
    public ModelEvaluator Evaluator(int n, double* mass, int* species, double* cell, long* edges, long nedges)
    {
        int d = Model.Dimension;
        if (_evaluator is not null && n == _n && SameDoubles(_mass, mass, n) && SameInts(_species, species, n)
            && SameCell(cell, d * d) && SameEdges(edges, nedges))
            return _evaluator;

        var box = NativeInput.Box(cell, d);
        int[]? edgeArray = NativeInput.Edges(edges, nedges, n);
        if (Model.Graph.UsesFixedEdges && edgeArray is null)
            throw new InvalidInputException("this model was trained on a fixed topology and needs 'edges' (pairs of particle indices)");
        if (!Model.Graph.UsesFixedEdges && edgeArray is not null)
            throw new InvalidInputException($"this model builds its own neighbour list with cutoff {Model.Graph.Cutoff}; pass 'edges' = NULL and 'nedges' = 0");
        double[]? massArray = mass == null ? null : NativeInput.Doubles(mass, n, "masses").ToArray();
        if (massArray is not null)
            for (int i = 0; i < n; i++)
                if (!(massArray[i] > 0)) throw new InvalidInputException($"'masses' entry {i} is {massArray[i]}; masses must be positive");
        int[] speciesArray = NativeInput.Species(species, n);

        _evaluator = null; _integrator = null;
        var evaluator = Model.CreateEvaluator(massArray ?? Enumerable.Repeat(1.0, n).ToArray(), speciesArray, edgeArray, box);
        _n = n; _mass = massArray; _species = species == null ? null : speciesArray; _edges = edgeArray;
        _cell = cell == null ? [] : new ReadOnlySpan<double>(cell, d * d).ToArray();
        return _evaluator = evaluator;
    }

    /// <summary>The host-neighbour-list evaluator of this workspace (created on first use; it keeps its buffers).</summary>
    public NeighborListEvaluator NeighborList() => _neighborList ??= Model.CreateNeighborListEvaluator();

    /// <summary>The integrator of <paramref name="kind"/> over the current evaluator.</summary>
    public Integrator Integrator(ModelEvaluator evaluator, IntegratorKind kind)
    {
        if (_integrator is null || _integrator.Kind != kind) _integrator = new Integrator(evaluator, kind);
        return _integrator;
    }

    private static bool SameDoubles(double[]? cached, double* p, int n) =>
        cached is null ? p == null : p != null && new ReadOnlySpan<double>(p, n).SequenceEqual(cached);

    private static bool SameInts(int[]? cached, int* p, int n) =>
        cached is null ? p == null : p != null && new ReadOnlySpan<int>(p, n).SequenceEqual(cached);

    private bool SameCell(double* cell, int size) =>
        cell == null ? _cell.Length == 0 : _cell.Length == size && new ReadOnlySpan<double>(cell, size).SequenceEqual(_cell);

    private bool SameEdges(long* edges, long nedges)
    {
        if (edges == null) return _edges is null && nedges == 0;
        if (_edges is null || nedges != _edges.Length / 2) return false;
        for (int k = 0; k < _edges.Length; k++)
            if (edges[k] != _edges[k]) return false;
        return true;
    }
}
