// One worker of the streamed assembly: its fixed share of row blocks folded into its own normal equations.
using Engine.Data;
using Engine.Equations;
using Engine.Features;
using Engine.Graph;
using Engine.Solve;

namespace Engine.Training;

/// <summary>
/// Assembles blocks [start, end) of a <see cref="RowBlockPlan"/> in order into a private <see cref="Normal"/> and
/// <see cref="ColumnSumSquares"/>, with its own edges, incidence lists, workspace and one block buffer
/// (<c>MaxRows × cols</c>), so workers share nothing but the read-only inputs.
/// <para>
/// On a split plan with a cutoff graph, a snapshot is binned into cells once (O(N) ints) and each block gets only the
/// pairs that touch its particles (<see cref="Topology.BuildIncident"/>): the working memory is O(N) ints plus one
/// block's pairs, never the snapshot's E pairs (26 million, 1 GB, at 10⁶ LJ particles). A fixed topology (its pairs are
/// data already) and unsplit plans build each snapshot's edges whole.
/// </para>
/// </summary>
internal sealed class StreamWorker(PhaseSpaceData data, Topology topology, IFeatureMap features, RowBlockPlan plan, int cols, double wq, double wp)
{
    /// <summary>This worker's partial normal equations.</summary>
    public NormalEquations Normal { get; } = new(cols);
    /// <summary>Σ of squares per column over this worker's rows, <c>[cols]</c>.</summary>
    public double[] ColumnSumSquares { get; } = new double[cols];

    /// <summary>
    /// This worker's share of Φ(snapshot 0), filled by <see cref="Run"/> from its own blocks so the anchor row never needs
    /// the whole snapshot's edges (see <see cref="FillAnchorRow"/>), <c>[F]</c>: the kinetic terms of the
    /// snapshot-0 particles in its blocks and the pair terms of the pairs whose lower index is among them (all of Φ when
    /// the worker holds snapshot 0 whole); null when it holds no block of snapshot 0. The shares of all workers sum to Φ.
    /// </summary>
    public double[]? AnchorFeatures { get; private set; }

    /// <summary>Most edges this worker's buffer held at once (a snapshot's on the whole-snapshot path, a block's on the block-local one).</summary>
    internal int PeakEdges { get; private set; }

    /// <summary>Forces the whole-snapshot edges on split plans too (the reference path, for tests).</summary>
    internal bool WholeSnapshotEdges { get; init; }

    /// <summary>
    /// The anchor row <c>[Φ(snapshot 0), 1]</c> (<paramref name="row"/>, <c>[cols]</c>) from the <see cref="AnchorFeatures"/>
    /// of <paramref name="workers"/>, summed in worker order (so a fixed worker count gives fixed bits); returns its
    /// target <paramref name="h0"/>. The same row as <see cref="HamiltonRows.FillAnchor"/> with weight 1, up to the order of sums.
    /// </summary>
    public static double FillAnchorRow(IReadOnlyList<StreamWorker> workers, double h0, Span<double> row)
    {
        int f = row.Length - 1;
        row.Clear();
        foreach (var w in workers)
            if (w.AnchorFeatures is { } phi) System.Numerics.Tensors.TensorPrimitives.Add(row[..f], phi, row[..f]);
        row[f] = 1;
        return h0;
    }

    /// <summary>Assembles blocks [start, end), and this worker's share of the anchor features (<see cref="AnchorFeatures"/>).</summary>
    public void Run((int Start, int End) blocks, Action<string>? progress)
    {
        var ws = features.CreateWorkspace();
        var edges = new EdgeBuffer();
        bool local = plan.Split && !topology.IsFixed && !WholeSnapshotEdges;
        var incidence = plan.Split ? new EdgeIncidence() : null;
        var cells = local ? new CellList() : null;
        var block = new double[(long)plan.MaxRows * cols];
        var rhs = new double[plan.MaxRows];
        var targets = plan.Split ? new double[plan.MaxRows] : [];
        var pairAnchor = plan.Split
            ? features as PairPotentialFeatures ?? throw new NotSupportedException("block-wise anchor features need the pair model")
            : null;
        int perSnapshot = 2 * data.StateSize, built = -1;
        int reportEvery = Math.Max(50, (blocks.End - blocks.Start) / 10);
        for (int b = blocks.Start; b < blocks.End; b++)
        {
            var (m0, mc, first, pc) = plan[b];
            int rows = plan.RowsOf(b);
            if (plan.Split)
            {
                var q = data.QOf(m0);
                if (built != m0)
                {
                    if (local)
                    {
                        cells!.Bin(q, data.Particles, topology.Cutoff, topology.Box);
                        incidence!.BuildOrder(q, data.Particles, data.Dimension);
                    }
                    else
                    {
                        topology.Build(q, data.Particles, edges);
                        incidence!.Build(edges, q, data.Particles, data.Dimension);
                    }
                    built = m0;
                }
                if (local)
                {
                    incidence!.SelectBlock(first, pc);
                    topology.BuildIncident(cells!, incidence.Order.Slice(first, pc), incidence.MemberIndices, edges);
                    incidence.BuildBlock(edges, first, pc);
                }
                PeakEdges = Math.Max(PeakEdges, edges.Count);
                var snap = SystemAssembly.Snap(data, m0, edges);
                HamiltonRows.FillParticleRange(features, (IParticleRangeJacobian)features, snap, incidence!,
                    first, pc, data.DqOf(m0), data.DpOf(m0), wq, wp, block.AsSpan(0, rows * cols), rhs.AsSpan(0, rows), targets.AsSpan(0, rows), ws);
                if (m0 == 0 && pairAnchor is not null)
                    pairAnchor.AddBlockFeatures(snap, incidence!, first, pc, AnchorFeatures ??= new double[features.FeatureCount], ws);
            }
            else
            {
                for (int k = 0; k < mc; k++)
                {
                    int m = m0 + k;
                    topology.Build(data.QOf(m), data.Particles, edges);
                    PeakEdges = Math.Max(PeakEdges, edges.Count);
                    if (m == 0) features.Evaluate(SystemAssembly.Snap(data, m, edges), AnchorFeatures = new double[features.FeatureCount], ws);
                    HamiltonRows.FillSnapshot(features, SystemAssembly.Snap(data, m, edges), data.DqOf(m), data.DpOf(m), wq, wp,
                        block.AsSpan(k * perSnapshot * cols, perSnapshot * cols), rhs.AsSpan(k * perSnapshot, perSnapshot), ws);
                }
            }
            SystemAssembly.AddColumnSumSquares(block.AsSpan(0, rows * cols), cols, ColumnSumSquares);
            Normal.Accumulate(block.AsSpan(0, rows * cols), rows, rhs.AsSpan(0, rows));
            if (progress is not null && (b - blocks.Start) % reportEvery == 0)
                progress($"  assembled block {b + 1 - blocks.Start}/{blocks.End - blocks.Start} of the first worker (snapshot {m0 + 1}/{data.Snapshots})");
        }
    }
}
