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
/// </summary>
internal sealed class StreamWorker(PhaseSpaceData data, Topology topology, IFeatureMap features, RowBlockPlan plan, int cols, double wq, double wp)
{
    /// <summary>This worker's partial normal equations.</summary>
    public NormalEquations Normal { get; } = new(cols);
    /// <summary>Σ of squares per column over this worker's rows, <c>[cols]</c>.</summary>
    public double[] ColumnSumSquares { get; } = new double[cols];

    /// <summary>
    /// Assembles blocks [start, end). <paramref name="anchor"/>, when given, is called once with the edges of snapshot 0
    /// as soon as this worker has built them (worker 0's first block always holds snapshot 0), so the anchor row needs
    /// no neighbour search of its own.
    /// </summary>
    public void Run((int Start, int End) blocks, Action<string>? progress, Action<EdgeBuffer>? anchor = null)
    {
        var ws = features.CreateWorkspace();
        var edges = new EdgeBuffer();
        var incidence = plan.Split ? new EdgeIncidence() : null;
        var block = new double[(long)plan.MaxRows * cols];
        var rhs = new double[plan.MaxRows];
        var targets = plan.Split ? new double[plan.MaxRows] : [];
        int perSnapshot = 2 * data.StateSize, built = -1;
        int reportEvery = Math.Max(50, (blocks.End - blocks.Start) / 10);
        for (int b = blocks.Start; b < blocks.End; b++)
        {
            var (m0, mc, first, pc) = plan[b];
            int rows = plan.RowsOf(b);
            if (plan.Split)
            {
                if (built != m0)
                {
                    topology.Build(data.QOf(m0), data.Particles, edges);
                    incidence!.Build(edges, data.QOf(m0), data.Particles, data.Dimension);
                    built = m0;
                    if (m0 == 0) anchor?.Invoke(edges);
                }
                HamiltonRows.FillParticleRange(features, (IParticleRangeJacobian)features, SystemAssembly.Snap(data, m0, edges), incidence!,
                    first, pc, data.DqOf(m0), data.DpOf(m0), wq, wp, block.AsSpan(0, rows * cols), rhs.AsSpan(0, rows), targets.AsSpan(0, rows), ws);
            }
            else
            {
                for (int k = 0; k < mc; k++)
                {
                    int m = m0 + k;
                    topology.Build(data.QOf(m), data.Particles, edges);
                    if (m == 0) anchor?.Invoke(edges);
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
