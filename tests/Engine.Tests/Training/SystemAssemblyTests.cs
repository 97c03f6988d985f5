// The assembly's row blocks and workers: bounded blocks give the same normal equations, and workers change no bits they must not.
using Engine.Common;
using Engine.Data;
using Engine.Features;
using Engine.Graph;
using Engine.Model;
using Engine.Simulation;
using Engine.Solve;
using Engine.Training;
using NUnit.Framework;

namespace Engine.Tests.Training;

[TestFixture]
public class SystemAssemblyTests
{
    private static readonly TrainingOptions Pair = new() { Family = ModelFamily.Pair, WidthPair = 16, Seed = 2 };

    // 108 LJ particles, 3 snapshots: 648 q̇ and ṗ rows per snapshot.
    private static readonly Lazy<PhaseSpaceData> Lj = new(() =>
        new LennardJonesSystem().Generate(108, trajectories: 1, snapshotsPerTrajectory: 3, stepsBetween: 5, dt: 5e-3, equilibrationSteps: 20, seed: 3));

    private static (Topology Topology, IFeatureMap Features) Sampled(PhaseSpaceData data, TrainingOptions o)
    {
        var graph = GraphRule.Of(data);
        var topology = graph.TopologyFor(data);
        return (topology, FeatureSampling.Sample(data, topology, graph, o));
    }

    private static AssembledSystem Assemble(PhaseSpaceData data, (Topology Topology, IFeatureMap Features) s, TrainingOptions o) =>
        SystemAssembly.Assemble(data, s.Topology, s.Features, o, _ => { });

    private static double MaxAbs(double[] a) => a.Max(Math.Abs);

    private static double MaxRelativeDifference(double[] a, double[] b)
    {
        double scale = Math.Max(MaxAbs(a), double.Epsilon), worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]) / scale);
        return worst;
    }

    [Test]
    public void TinyRowBlocksGiveTheNormalEquationsAndSolutionOfOneBlock()
    {
        var data = Lj.Value;
        var s = Sampled(data, Pair);
        var big = Assemble(data, s, Pair with { Solver = SolverKind.Cholesky, Threads = 1, RowsPerBlock = 1 << 20 });
        var tiny = Assemble(data, s, Pair with { Solver = SolverKind.Cholesky, Threads = 1, RowsPerBlock = 60 });

        Assert.That(big.BlockCount, Is.EqualTo(1));
        Assert.That(big.MaxBlockRows, Is.EqualTo(3 * 648));
        // 60 rows = 10 particles of 6 rows: 11 ranges (the last of 8 particles) per snapshot.
        Assert.That(tiny.BlockCount, Is.EqualTo(3 * 11));
        Assert.That(tiny.MaxBlockRows, Is.LessThanOrEqualTo(60));
        Assert.That(tiny.Normal!.Rows, Is.EqualTo(big.Normal!.Rows));
        Assert.That(MaxRelativeDifference(big.Normal.Gram, tiny.Normal.Gram), Is.LessThan(1e-13));
        Assert.That(MaxRelativeDifference(big.Normal.Rhs, tiny.Normal.Rhs), Is.LessThan(1e-13));
        Assert.That(MaxRelativeDifference(big.DerivativeColumnSumSquares, tiny.DerivativeColumnSumSquares), Is.LessThan(1e-13));

        // The Gram agrees to round-off (above); the solution moves by up to cond(DGD + λI)·that, and λ = 1e-6 bounds the
        // condition by ~1e6. The anchor row Φ(snapshot 0) is summed block by block too (in another order than in one
        // block), so the bound is 1e-9 per element (measured 1.2e-10 on these data, 2.3e-12 with a whole-snapshot anchor).
        var o = Pair with { Ridge = 1e-6 };
        var (xBig, xTiny) = (big.Solve(o), tiny.Solve(o));
        TestContext.Out.WriteLine($"solution difference {MaxRelativeDifference(xBig.X, xTiny.X):E2}, residual {xBig.ResidualNorm:E6} / {xTiny.ResidualNorm:E6}");
        Assert.That(MaxRelativeDifference(xBig.X, xTiny.X), Is.LessThan(1e-9));
        Assert.That(xTiny.ResidualNorm, Is.EqualTo(xBig.ResidualNorm).Within(1e-9).Percent);
    }

    [Test]
    public void BlockRowsStayBoundedAsParticlesGrow()
    {
        // 120 rows = 20 particles: 6 ranges per snapshot at 108 particles, 13 at 256; never more than 120 rows.
        var o = Pair with { Solver = SolverKind.Cholesky, Threads = 1, RowsPerBlock = 120 };
        var small = Lj.Value;
        var large = new LennardJonesSystem().Generate(256, trajectories: 1, snapshotsPerTrajectory: 3, stepsBetween: 5, dt: 5e-3, equilibrationSteps: 5, seed: 3);
        var a = Assemble(small, Sampled(small, o), o);
        var b = Assemble(large, Sampled(large, o), o);
        Assert.That(a.MaxBlockRows, Is.LessThanOrEqualTo(120));
        Assert.That(b.MaxBlockRows, Is.LessThanOrEqualTo(120));
        Assert.That(a.BlockCount, Is.EqualTo(3 * 6));
        Assert.That(b.BlockCount, Is.EqualTo(3 * 13));
        Assert.That(b.Normal!.Rows, Is.EqualTo(2L * 3 * 256 * 3 + 1));
    }

    [Test]
    public void StreamedDefault_UsesOneWorkerForAWideGram_AndAllCoresForANarrowOne()
    {
        var data = Lj.Value;
        int blocksAvailable = Math.Min(Environment.ProcessorCount, 64);
        var narrow = Assemble(data, Sampled(data, Pair), Pair with { Solver = SolverKind.Cholesky, RowsPerBlock = 128 });
        Assert.That(narrow.Cols, Is.LessThan(SystemAssembly.GramBoundColumns));
        Assert.That(narrow.Workers, Is.EqualTo(Math.Min(blocksAvailable, narrow.BlockCount)));

        var wideOptions = Pair with { Solver = SolverKind.Cholesky, RowsPerBlock = 128, WidthPair = SystemAssembly.GramBoundColumns };
        var wide = Assemble(data, Sampled(data, wideOptions), wideOptions);
        Assert.That(wide.Cols, Is.GreaterThanOrEqualTo(SystemAssembly.GramBoundColumns));
        Assert.That(wide.Workers, Is.EqualTo(1), "the dsyrk-bound default");
        var explicitTwo = Assemble(data, Sampled(data, wideOptions), wideOptions with { Threads = 2 });
        Assert.That(explicitTwo.Workers, Is.EqualTo(2), "an explicit thread count is honoured");
    }

    [Test]
    public void TheGraphModelHintsItsMessageBlockFirstAndItsEncodersAsCompressible()
    {
        var data = Lj.Value;
        var graph = new TrainingOptions { WidthNode = 16, WidthEdge = 24, WidthMessage = 32, Seed = 2, Solver = SolverKind.Sketch };
        using var system = Assemble(data, Sampled(data, graph), graph);
        Assert.That(system.LeadingBlock, Is.EqualTo(new ColumnBlock(16 + 24, 32)), "the message block");
        Assert.That(system.CompressibleBlocks, Is.EqualTo(new[] { new ColumnBlock(0, 16), new ColumnBlock(16, 24) }), "node and edge encoders");

        using var pair = Assemble(data, Sampled(data, Pair), Pair with { Solver = SolverKind.Sketch });
        Assert.That(pair.LeadingBlock, Is.Null);
        Assert.That(pair.CompressibleBlocks, Is.Empty, "no leading block: nothing to compress behind it");
    }

    [Test]
    public void DenseZHasTheSameBitsOnOneAndTwoWorkers()
    {
        var data = Lj.Value;
        var s = Sampled(data, Pair);
        var one = Assemble(data, s, Pair with { Solver = SolverKind.Gelsd, Threads = 1 });
        var two = Assemble(data, s, Pair with { Solver = SolverKind.Gelsd, Threads = 2 });
        Assert.That(two.Workers, Is.EqualTo(2));
        Assert.That(two.Z!.Span.ToArray(), Is.EqualTo(one.Z!.Span.ToArray()).AsCollection);
        Assert.That(two.U, Is.EqualTo(one.U).AsCollection);
        // The column sums (the solvers' equilibration) add fixed snapshot groups' partials in group order: the same bits too.
        Assert.That(two.DerivativeColumnSumSquares, Is.EqualTo(one.DerivativeColumnSumSquares).AsCollection);
        Assert.That(two.ColumnSumSquares, Is.EqualTo(one.ColumnSumSquares).AsCollection);
    }

    [TestCase(1)]
    [TestCase(2)]
    public void DenseColumnSumsAreThoseOfZWithItsAnchorRow(int threads)
    {
        var data = Lj.Value;
        var s = Sampled(data, Pair);
        using var system = Assemble(data, s, Pair with { Solver = SolverKind.Gelsd, Threads = threads });
        var z = system.Z!.Span;
        var expected = new double[system.Cols];
        ColumnEquilibration.ColumnSumSquares(z, system.Rows, system.Cols, expected);
        Assert.That(MaxRelativeDifference(system.ColumnSumSquares!, expected), Is.LessThan(1e-13));
        // Without the anchor row (the last): the derivative rows alone.
        var derivative = new double[system.Cols];
        ColumnEquilibration.ColumnSumSquares(z[..((system.Rows - 1) * system.Cols)], system.Rows - 1, system.Cols, derivative);
        Assert.That(MaxRelativeDifference(system.DerivativeColumnSumSquares, derivative), Is.LessThan(1e-13));
        double[] anchor = z.Slice((system.Rows - 1) * system.Cols, system.Cols).ToArray();
        Assert.That(Enumerable.Range(0, system.Cols).Any(j => anchor[j] != 0 && system.ColumnSumSquares![j] != system.DerivativeColumnSumSquares[j]),
            "the anchor row adds to the equilibration's sums");
    }

    [Test]
    public void StreamedWorkersAreReproducibleAndAgreeWithOneWorker()
    {
        var data = Lj.Value;
        var s = Sampled(data, Pair);
        var o = Pair with { Solver = SolverKind.Cholesky, RowsPerBlock = 120 };
        var one = Assemble(data, s, o with { Threads = 1 });
        var twoA = Assemble(data, s, o with { Threads = 2 });
        var twoB = Assemble(data, s, o with { Threads = 2 });
        Assert.That(twoA.Workers, Is.EqualTo(2));
        Assert.That(twoB.Normal!.Gram, Is.EqualTo(twoA.Normal!.Gram).AsCollection, "two runs on two workers differ in bits");
        Assert.That(twoB.Normal.Rhs, Is.EqualTo(twoA.Normal.Rhs).AsCollection);
        Assert.That(MaxRelativeDifference(one.Normal!.Gram, twoA.Normal.Gram), Is.LessThan(1e-13));
        Assert.That(MaxRelativeDifference(one.Normal.Rhs, twoA.Normal.Rhs), Is.LessThan(1e-13));
        Assert.That(twoA.Normal.Rows, Is.EqualTo(one.Normal.Rows));
    }

    [Test]
    public void GraphModelsKeepWholeSnapshotBlocks()
    {
        var data = new TrajectoryGenerator { Trajectories = 2, SnapshotsPerTrajectory = 3, Interval = 0.1, Substeps = 10, Displacement = 0.1, MomentumStd = 0.1, Seed = 5 }
            .Generate(SpringSystems.Create("lattice3d", [2, 2, 2], "harmonic"));
        var o = new TrainingOptions { WidthNode = 8, WidthEdge = 8, WidthMessage = 32, Seed = 1, Solver = SolverKind.Cholesky };
        var s = Sampled(data, o);
        var tiny = Assemble(data, s, o with { RowsPerBlock = 10, Threads = 2 });
        var big = Assemble(data, s, o with { RowsPerBlock = 1 << 20, Threads = 1 });
        Assert.That(tiny.MaxBlockRows, Is.EqualTo(2 * 8 * 3), "a graph snapshot's rows are not local to particles: one block per snapshot");
        Assert.That(tiny.BlockCount, Is.EqualTo(data.Snapshots));
        Assert.That(MaxRelativeDifference(big.Normal!.Gram, tiny.Normal!.Gram), Is.LessThan(1e-13));
    }

    [Test]
    public void StreamedNormalEquationsAreThoseOfTheDenseSystem()
    {
        var data = Lj.Value;
        var s = Sampled(data, Pair);
        var dense = Assemble(data, s, Pair with { Solver = SolverKind.Gelsd, Threads = 2 });
        var streamed = Assemble(data, s, Pair with { Solver = SolverKind.Cholesky, Threads = 2, RowsPerBlock = 90 });
        int n = dense.Cols, rows = dense.Rows;
        var gram = new double[n * n];
        var rhs = new double[n];
        for (int r = 0; r < rows; r++)
            for (int a = 0; a < n; a++)
            {
                rhs[a] += dense.Z!.Span[r * n + a] * dense.U![r];
                for (int b = 0; b < n; b++) gram[a * n + b] += dense.Z.Span[r * n + a] * dense.Z.Span[r * n + b];
            }
        // Includes the anchor row, which the streamed path forms from its first worker's edges of snapshot 0.
        Assert.That(streamed.Normal!.Rows, Is.EqualTo(rows));
        Assert.That(MaxRelativeDifference(gram, streamed.Normal.Gram), Is.LessThan(1e-13));
        Assert.That(MaxRelativeDifference(rhs, streamed.Normal.Rhs), Is.LessThan(1e-13));
        Assert.That(streamed.Normal.Gram[n * n - 1], Is.EqualTo(1.0), "θ₀'s column is 1 in the anchor row only");
    }

    [Test]
    public void ThreadCountBelowOneIsRefused()
    {
        var data = Lj.Value;
        var s = Sampled(data, Pair);
        Assert.Throws<InvalidInputException>(() => Assemble(data, s, Pair with { Threads = 0 }));
    }
}
