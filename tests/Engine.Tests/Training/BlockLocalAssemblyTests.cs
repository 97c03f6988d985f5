// The streamed assembly with per-block pairs: the normal equations of the whole-snapshot edges, fixed bits, and the anchor by blocks.
using Engine.Data;
using Engine.Equations;
using Engine.Features;
using Engine.Graph;
using Engine.Model;
using Engine.Simulation;
using Engine.Solve;
using Engine.Training;
using NUnit.Framework;

namespace Engine.Tests.Training;

[TestFixture]
public class BlockLocalAssemblyTests
{
    private static readonly TrainingOptions Pair = new() { Family = ModelFamily.Pair, WidthPair = 12, Seed = 4 };

    // 256 LJ particles, 2 snapshots, translated so that particle 0 sits exactly on the box corner and its
    // neighbours lie across the faces; every third particle is left unwrapped by +L, every fifth wrapped by −L.
    private static readonly Lazy<PhaseSpaceData> Faces = new(() =>
    {
        var data = new LennardJonesSystem().Generate(256, trajectories: 1, snapshotsPerTrajectory: 2, stepsBetween: 5, dt: 5e-3, equilibrationSteps: 10, seed: 11);
        int d = data.Dimension, n = data.Particles;
        double L = data.Box![0];
        var q = (double[])data.Q.Clone();
        for (int m = 0; m < data.Snapshots; m++)
        {
            var shift = data.QOf(m)[..d].ToArray();
            for (int i = 0; i < n; i++)
                for (int a = 0; a < d; a++)
                {
                    double x = q[(m * n + i) * d + a] - shift[a];
                    x -= L * Math.Floor(x / L);
                    if (i % 3 == 1) x += L;
                    if (i % 5 == 2) x -= L;
                    q[(m * n + i) * d + a] = x;
                }
        }
        return new PhaseSpaceData
        {
            Snapshots = data.Snapshots, Particles = n, Dimension = d, Q = q, P = data.P, Dq = data.Dq, Dp = data.Dp,
            Mass = data.Mass, Species = data.Species, Cutoff = data.Cutoff, Box = data.Box, H = data.H,
        };
    });

    private static (Topology Topology, IFeatureMap Features) Sampled(PhaseSpaceData data)
    {
        var graph = GraphRule.Of(data);
        var topology = graph.TopologyFor(data);
        return (topology, FeatureSampling.Sample(data, topology, graph, Pair));
    }

    private static double MaxRelativeDifference(double[] a, double[] b)
    {
        double scale = Math.Max(a.Max(Math.Abs), double.Epsilon), worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]) / scale);
        return worst;
    }

    private static StreamWorker RunWorker(PhaseSpaceData data, Topology topology, IFeatureMap features, RowBlockPlan plan, (int, int) blocks, bool whole)
    {
        var (wq, wp) = HamiltonRows.Weights(RowWeighting.Balanced, data.Dq, data.Dp);
        var worker = new StreamWorker(data, topology, features, plan, features.FeatureCount + 1, wq, wp) { WholeSnapshotEdges = whole };
        worker.Run(blocks, null);
        return worker;
    }

    [Test]
    public void BlockLocalPairsGiveTheNormalEquationsOfTheWholeSnapshotEdges()
    {
        var data = Faces.Value;
        var (topology, features) = Sampled(data);
        // 10 particles a block: nearly every pair crosses a block boundary, many across the box faces too.
        var plan = RowBlockPlan.For(data, features, rowsPerBlock: 60);
        Assert.That(plan.Split, Is.True);
        Assert.That(plan.Count, Is.EqualTo(2 * 26));
        var local = RunWorker(data, topology, features, plan, (0, plan.Count), whole: false);
        var whole = RunWorker(data, topology, features, plan, (0, plan.Count), whole: true);
        Assert.That(local.Normal.Rows, Is.EqualTo(whole.Normal.Rows));
        Assert.That(MaxRelativeDifference(whole.Normal.Gram, local.Normal.Gram), Is.LessThan(1e-12));
        Assert.That(MaxRelativeDifference(whole.Normal.Rhs, local.Normal.Rhs), Is.LessThan(1e-12));
        Assert.That(MaxRelativeDifference(whole.ColumnSumSquares, local.ColumnSumSquares), Is.LessThan(1e-12));
        Assert.That(whole.Normal.Gram.Max(Math.Abs), Is.GreaterThan(0));
        // The pair columns are informed: the Gram's pair block is not zero.
        int cols = features.FeatureCount + 1;
        Assert.That(local.ColumnSumSquares[1..(cols - 1)].Min(), Is.GreaterThan(0));

        // And the unsplit path (one block of whole snapshots, FillSnapshot) agrees too.
        var unsplit = RowBlockPlan.For(data, features, rowsPerBlock: 1 << 20);
        Assert.That(unsplit.Split, Is.False);
        var one = RunWorker(data, topology, features, unsplit, (0, unsplit.Count), whole: true);
        Assert.That(MaxRelativeDifference(one.Normal.Gram, local.Normal.Gram), Is.LessThan(1e-12));
        Assert.That(MaxRelativeDifference(one.Normal.Rhs, local.Normal.Rhs), Is.LessThan(1e-12));
    }

    [Test]
    public void BlockLocalAssemblyHasFixedBitsRunToRunAndPerWorkerCount()
    {
        var data = Faces.Value;
        var s = Sampled(data);
        AssembledSystem Assemble(int threads) =>
            SystemAssembly.Assemble(data, s.Topology, s.Features, Pair with { Solver = SolverKind.Cholesky, Threads = threads, RowsPerBlock = 96 }, _ => { });
        var a = Assemble(2);
        var b = Assemble(2);
        Assert.That(a.Workers, Is.EqualTo(2));
        Assert.That(b.Normal!.Gram, Is.EqualTo(a.Normal!.Gram), "two workers, same bits");
        Assert.That(b.Normal.Rhs, Is.EqualTo(a.Normal.Rhs));
        var c = Assemble(1);
        var d = Assemble(1);
        Assert.That(d.Normal!.Gram, Is.EqualTo(c.Normal!.Gram), "one worker, same bits");
        Assert.That(MaxRelativeDifference(c.Normal.Gram, a.Normal.Gram), Is.LessThan(1e-13));
    }

    [Test]
    public void AnchorFeaturesByBlocksSumToTheSnapshotFeatures()
    {
        var data = Faces.Value;
        var (topology, features) = Sampled(data);
        var edges = new EdgeBuffer();
        topology.Build(data.QOf(0), data.Particles, edges);
        var expected = new double[features.FeatureCount];
        features.Evaluate(new Snapshot(data.QOf(0), data.POf(0), data.Mass, data.Species, edges), expected, features.CreateWorkspace());

        var plan = RowBlockPlan.For(data, features, rowsPerBlock: 60);
        // Three workers, the first two splitting snapshot 0 between them (26 blocks a snapshot), the third on snapshot 1.
        var workers = new[] { (0, 9), (9, 26), (26, plan.Count) }
            .Select(range => RunWorker(data, topology, features, plan, range, whole: false)).ToArray();
        Assert.That(workers[2].AnchorFeatures, Is.Null, "no block of snapshot 0");
        var row = new double[features.FeatureCount + 1];
        double target = StreamWorker.FillAnchorRow(workers, 2.5, row);
        Assert.That(target, Is.EqualTo(2.5));
        Assert.That(row[^1], Is.EqualTo(1.0));
        Assert.That(MaxRelativeDifference(expected, row[..^1]), Is.LessThan(1e-13));
        Assert.That(expected.Max(Math.Abs), Is.GreaterThan(0));

        // The unsplit path gives Φ whole.
        var unsplit = RowBlockPlan.For(data, features, rowsPerBlock: 1 << 20);
        var one = RunWorker(data, topology, features, unsplit, (0, unsplit.Count), whole: true);
        Assert.That(one.AnchorFeatures, Is.EqualTo(expected));
    }

    [Test]
    public void TheBlockLocalPathHoldsOnlyTheBlocksPairs()
    {
        var data = Faces.Value;
        var (topology, features) = Sampled(data);
        var plan = RowBlockPlan.For(data, features, rowsPerBlock: 60);
        var local = RunWorker(data, topology, features, plan, (0, plan.Count), whole: false);
        var whole = RunWorker(data, topology, features, plan, (0, plan.Count), whole: true);
        var edges = new EdgeBuffer();
        topology.Build(data.QOf(0), data.Particles, edges);
        Assert.That(whole.PeakEdges, Is.GreaterThanOrEqualTo(edges.Count), "the reference path holds a whole snapshot's pairs");
        Assert.That(local.PeakEdges, Is.GreaterThan(0).And.LessThan(edges.Count / 4), "10 of 256 particles a block");
    }
}
