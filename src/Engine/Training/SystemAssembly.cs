// Streams the rows of Hamilton's equations into the solver: a dense Z for gelsd/QR, or normal equations block by block.
using Engine.Common;
using Engine.Data;
using Engine.Equations;
using Engine.Features;
using Engine.Graph;
using Engine.Solve;

namespace Engine.Training;

/// <summary>
/// An assembled system, ready to solve: either dense (Z, u) or accumulated normal equations. Dispose it after the
/// solve: the dense Z lives in native huge-page memory (<see cref="HugePageBuffer"/>), not on the GC heap.
/// </summary>
public sealed class AssembledSystem : IDisposable
{
    /// <summary>Dense Z, row-major [Rows, Cols] (null on the streamed path).</summary>
    internal HugePageBuffer? Z;
    internal double[]? U;
    internal NormalEquations? Normal;
    public required int Rows { get; init; }
    public required int Cols { get; init; }
    public required double AnchorEnergy { get; init; }
    public required bool AnchorFromData { get; init; }

    public required SolverKind Solver { get; init; }
    /// <summary>Sum of squares of every column over the derivative rows only (the anchor row excluded): a block that is zero here is not determined by Hamilton's equations.</summary>
    public required double[] DerivativeColumnSumSquares { get; init; }
    /// <summary>
    /// Sum of squares of every column of the dense Z, anchor row included (null on the streamed path): what the dense
    /// solvers' column equilibration would compute from Z, here from the assembly's own pass, so they need not read Z
    /// again for it. Same bits for any worker count.
    /// </summary>
    internal double[]? ColumnSumSquares { get; init; }
    /// <summary>Row blocks assembled (snapshots for the dense path; bounded blocks for the streamed path).</summary>
    public int BlockCount { get; init; }
    /// <summary>Rows of the largest block held at once by one worker.</summary>
    public int MaxBlockRows { get; init; }
    /// <summary>Workers that assembled the system.</summary>
    public int Workers { get; init; }

    /// <summary>
    /// The feature block the sketch solver factors first (<c>DenseLeastSquares.Solve</c>'s leading hint): the
    /// widest block that depends on both q and p, the message layer of the graph HGNs, whose features are not functions
    /// of one scalar like the node and edge encoders' and so are not nearly dependent. Null for the pair model.
    /// </summary>
    public ColumnBlock? LeadingBlock { get; init; }

    /// <summary>
    /// The feature blocks the sketch solver compresses to their significant directions before its joint QR
    /// (<c>DenseLeastSquares.Solve</c>'s compressible hint): with a leading block, every other block, features of one
    /// scalar each in the graph HGNs (the node encoder's kinetic energy, the edge encoder's distance) and so numerically
    /// of low rank. Empty without a leading block.
    /// </summary>
    public IReadOnlyList<ColumnBlock> CompressibleBlocks { get; init; } = [];

    public SolveReport Solve(TrainingOptions o) => Normal is not null
        ? Normal.Solve(o.Ridge)
        : DenseLeastSquares.Solve(Z!.Span, Rows, Cols, U!, Solver, o.Rcond, ridge: 0, o.Seed, o.SolverTolerance, LeadingBlock, ColumnSumSquares, CompressibleBlocks);

    public void Dispose() => Z?.Dispose();
}

/// <summary>
/// Builds the rows of Hamilton's equations for every snapshot and hands them to the solver. The dense path writes Z
/// in place; the streamed path forms bounded row blocks and folds each into the normal equations at once, so its
/// memory is O(cols² + block) whatever the snapshot and particle counts, plus the data and O(N) index arrays per worker
/// (a split snapshot's pairs are searched block by block; unsplit plans and fixed topologies hold one snapshot's edges).
/// Both run on <see cref="TrainingOptions.Threads"/> workers over a fixed partition, so the result does not depend on
/// scheduling: the dense Z has the same bits for any worker count; the normal equations sum per-worker partials in
/// worker order, so the same worker count gives the same bits.
/// </summary>
public static class SystemAssembly
{
    /// <summary>
    /// Assembles the system for <paramref name="features"/> over every snapshot of <paramref name="data"/>, with the
    /// solver chosen by <see cref="TrainingOptions.Solver"/> (or automatically) and the first snapshot as anchor.
    /// </summary>
    public static AssembledSystem Assemble(PhaseSpaceData data, Topology topology, IFeatureMap features, TrainingOptions o, Action<string> progress)
    {
        int nd = data.StateSize, F = features.FeatureCount, cols = F + 1;
        long rowsLong = 2L * data.Snapshots * nd + 1;
        var solver = ChooseSolver(o, rowsLong, cols, progress);
        int rows = (int)Math.Min(rowsLong, int.MaxValue);
        var (wq, wp) = HamiltonRows.Weights(o.Weighting, data.Dq, data.Dp);

        // Anchor: the first snapshot with a known energy; without one, H₀ = 0 (dynamics are unaffected).
        int anchor = 0;
        bool fromData = data.H is not null;
        double h0 = fromData ? data.H![anchor] : 0.0;
        var anchorRow = new double[cols];
        double anchorRhs = 0;
        void FillAnchor()
        {
            var anchorEdges = new EdgeBuffer();
            topology.Build(data.QOf(anchor), data.Particles, anchorEdges);
            anchorRhs = HamiltonRows.FillAnchor(features, Snap(data, anchor, anchorEdges), h0, 1.0, anchorRow, features.CreateWorkspace());
        }

        if (solver == SolverKind.Cholesky)
        {
            var plan = RowBlockPlan.For(data, features, o.RowsPerBlock);
            int threads = Math.Max(1, Math.Min(StreamWorkerCount(o, cols), plan.Count));
            var partials = new StreamWorker[threads];
            RunWorkers(threads, w =>
            {
                // Each worker adds its share of Φ(snapshot 0) from its own blocks: the anchor row never needs the whole
                // snapshot's edges (1 GB of the 1.4 GB peak at 10⁶ LJ particles when worker 0 searched them for it).
                var worker = partials[w] = new StreamWorker(data, topology, features, plan, cols, wq, wp);
                worker.Run(Partition(plan.Count, threads, w), w == 0 ? progress : null);
            });
            anchorRhs = StreamWorker.FillAnchorRow(partials, h0, anchorRow);
            var normal = partials[0].Normal;
            var columnSumSquares = partials[0].ColumnSumSquares;
            for (int w = 1; w < threads; w++)
            {
                normal.Add(partials[w].Normal);
                System.Numerics.Tensors.TensorPrimitives.Add(columnSumSquares, partials[w].ColumnSumSquares, columnSumSquares);
            }
            normal.Accumulate(anchorRow, 1, [anchorRhs]);
            return new AssembledSystem { Normal = normal, Solver = solver, DerivativeColumnSumSquares = columnSumSquares, Rows = rows, Cols = cols, AnchorEnergy = h0, AnchorFromData = fromData,
                                         BlockCount = plan.Count, MaxBlockRows = plan.MaxRows, Workers = threads };
        }

        int perSnapshot = 2 * nd;
        // Every element is written below (the Jacobian clears its rows), so the buffer needs no zeroing.
        var z = new HugePageBuffer((long)rows * cols);
        var u = new double[rows];
        int denseThreads = Math.Min(WorkerCount(o), Math.Max(1, data.Snapshots));
        // Column sums of squares, taken from each snapshot's rows while they are still in cache: the solvers' column
        // equilibration needs them (a separate pass over the 730 MB Z of the default lattice cost 23–25 ms), and they
        // test for undetermined blocks. Each fixed group of snapshots sums into its own partial, and the partials are
        // added in group order, so the sums have the same bits for any worker count, as the solvers' results must.
        int groups = Math.Max(1, Math.Min(data.Snapshots, ColumnSumGroups));
        var groupSums = new double[groups][];
        RunWorkers(denseThreads, w =>
        {
            // The last worker forms the anchor row before its share of rows, so it overlaps the other workers' rows.
            if (w == denseThreads - 1) FillAnchor();
            var (g0, g1) = Partition(groups, denseThreads, w);
            var ws = features.CreateWorkspace();
            var edges = new EdgeBuffer();
            for (int g = g0; g < g1; g++)
            {
                var sums = groupSums[g] = new double[cols];
                var (m0, m1) = Partition(data.Snapshots, groups, g);
                for (int m = m0; m < m1; m++)
                {
                    topology.Build(data.QOf(m), data.Particles, edges);
                    var block = z.Slice((long)m * perSnapshot * cols, perSnapshot * cols);
                    HamiltonRows.FillSnapshot(features, Snap(data, m, edges), data.DqOf(m), data.DpOf(m), wq, wp,
                        block, u.AsSpan(m * perSnapshot, perSnapshot), ws);
                    AddColumnSumSquares(block, cols, sums);
                }
            }
        });
        var derivativeSums = new double[cols];
        foreach (var partial in groupSums) System.Numerics.Tensors.TensorPrimitives.Add(derivativeSums, partial, derivativeSums);
        var allSums = (double[])derivativeSums.Clone();
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(anchorRow, anchorRow, allSums, allSums);
        anchorRow.CopyTo(z.Slice((long)(rows - 1) * cols, cols));
        u[rows - 1] = anchorRhs;
        return new AssembledSystem { Z = z, U = u, Solver = solver, DerivativeColumnSumSquares = derivativeSums, ColumnSumSquares = allSums,
                                     Rows = rows, Cols = cols, AnchorEnergy = h0, AnchorFromData = fromData,
                                     BlockCount = data.Snapshots, MaxBlockRows = perSnapshot, Workers = denseThreads, LeadingBlock = LeadingBlockOf(features), CompressibleBlocks = CompressibleBlocksOf(features) };
    }

    /// <summary>
    /// Fixed snapshot groups of the dense path's column sums (fewer when there are fewer snapshots): workers take whole
    /// groups, so the partials do not depend on the worker count; 64 keep up to 64 workers busy.
    /// </summary>
    internal const int ColumnSumGroups = 64;

    /// <summary>The widest block whose features depend on both q and p (see <see cref="AssembledSystem.LeadingBlock"/>), or null.</summary>
    internal static ColumnBlock? LeadingBlockOf(IFeatureMap features) =>
        features.Blocks.Where(b => b.DependsOn == FeatureDependence.Both && b.Count > 0).MaxBy(b => b.Count) is { } block
            ? new ColumnBlock(block.Start, block.Count)
            : null;

    /// <summary>The blocks other than the leading one (see <see cref="AssembledSystem.CompressibleBlocks"/>), or none without a leading block.</summary>
    internal static IReadOnlyList<ColumnBlock> CompressibleBlocksOf(IFeatureMap features) =>
        LeadingBlockOf(features) is { } leading
            ? [.. features.Blocks.Where(b => b.Count > 0 && b.Start != leading.Start).Select(b => new ColumnBlock(b.Start, b.Count))]
            : [];

    /// <summary>
    /// Gram width from which the streamed path's cost is the dsyrk update rather than the rows: there one worker with
    /// OpenBLAS threading its dsyrk beats workers with single-threaded dsyrk calls. Measured with AssemblyBench
    /// (40 lattice snapshots, 1,281 columns): 204 ms on one worker, 251 ms on two; LJ 10⁴ × 3 at 258 columns, where
    /// the rows dominate: 1.7 s on one worker, 1.2–1.4 s on two (perf/RESULTS.md).
    /// </summary>
    internal const int GramBoundColumns = 512;

    /// <summary>Workers of the streamed path: <see cref="TrainingOptions.Threads"/> when given; by default every core for
    /// narrow systems and one (with threaded BLAS) from <see cref="GramBoundColumns"/> columns on.</summary>
    internal static int StreamWorkerCount(TrainingOptions o, int cols) =>
        o.Threads is null && cols >= GramBoundColumns ? 1 : WorkerCount(o);

    /// <summary><see cref="TrainingOptions.Threads"/>, or every core (at most 64) when it is null.</summary>
    internal static int WorkerCount(TrainingOptions o)
    {
        int t = o.Threads ?? Math.Min(Environment.ProcessorCount, 64);
        if (t < 1) throw new Common.InvalidInputException($"the thread count must be ≥ 1, got {t}; pass e.g. --threads 1 for a sequential build");
        return t;
    }

    /// <summary>Items [start, end) of worker <paramref name="w"/> among <paramref name="workers"/>: contiguous, fixed by the counts alone.</summary>
    private static (int Start, int End) Partition(int items, int workers, int w) =>
        ((int)((long)items * w / workers), (int)((long)items * (w + 1) / workers));

    /// <summary>
    /// Runs <paramref name="body"/>(w) for w in [0, workers): inline for one worker, else on dedicated threads with
    /// OpenBLAS held to one thread meanwhile: each worker's dsyrk runs on its own core instead of contending for
    /// OpenBLAS's pool (measured on 2 cores, LJ 10⁴ × 3 at width 256: 1.8 s with one BLAS thread per worker, 2.4 s with two). The first failure is rethrown with its original type.
    /// </summary>
    private static void RunWorkers(int workers, Action<int> body)
    {
        if (workers <= 1) { body(0); return; }
        int blasThreads = Interop.NativeLibraries.BlasThreads;
        Interop.NativeLibraries.SetBlasThreads(1);
        try
        {
            var failures = new Exception?[workers];
            var threads = new Thread[workers - 1];
            for (int w = 1; w < workers; w++)
            {
                int id = w;
                threads[w - 1] = new Thread(() => { try { body(id); } catch (Exception e) { failures[id] = e; } }) { IsBackground = true, Name = $"assembly-{id}" };
                threads[w - 1].Start();
            }
            try { body(0); } catch (Exception e) { failures[0] = e; }
            foreach (var t in threads) t.Join();
            foreach (var e in failures)
                if (e is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw();
        }
        finally { Interop.NativeLibraries.SetBlasThreads(blasThreads); }
    }

    /// <summary>Auto (SolverChoice's rule on the dense Z) when Z fits the budget (and .NET's array limit), else the streamed Cholesky; an explicit dense choice that does not fit is refused.</summary>
    private static SolverKind ChooseSolver(TrainingOptions o, long rows, int cols, Action<string> progress)
    {
        long values = rows * cols;
        bool fits = values <= Array.MaxLength && values * sizeof(double) <= o.MaxDenseBytes;
        if (o.Solver is SolverKind explicitSolver && explicitSolver != SolverKind.Auto)
        {
            if (explicitSolver != SolverKind.Cholesky && values > Array.MaxLength)
                throw new Common.InvalidInputException($"the dense system ({rows} × {cols}) is too large for {explicitSolver}; use --solver cholesky, which streams the normal equations");
            return explicitSolver;
        }
        if (fits) return SolverKind.Auto;
        progress($"the dense system ({rows} × {cols}, {values * 8.0 / (1 << 30):F1} GiB) exceeds the dense budget: streaming the normal equations (Cholesky)");
        return SolverKind.Cholesky;
    }

    internal static void AddColumnSumSquares(ReadOnlySpan<double> rows, int cols, double[] sums)
    {
        for (int r = 0; r < rows.Length / cols; r++)
        {
            var row = rows.Slice(r * cols, cols);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(row, row, sums, sums);
        }
    }

    internal static Snapshot Snap(PhaseSpaceData data, int m, EdgeBuffer edges) => new(data.QOf(m), data.POf(m), data.Mass, data.Species, edges);
}
