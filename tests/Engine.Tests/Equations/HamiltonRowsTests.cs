// The rows of a block of particles equal the corresponding rows of the whole snapshot; the incidence lists and Morton order.
using Engine.Equations;
using Engine.Features;
using Engine.Graph;
using Engine.Model;
using Engine.Simulation;
using Engine.Training;
using NUnit.Framework;

namespace Engine.Tests.Equations;

[TestFixture]
public class HamiltonRowsTests
{
    [Test]
    public void ParticleRangeRowsMatchTheSnapshotRows()
    {
        var data = new LennardJonesSystem().Generate(108, trajectories: 1, snapshotsPerTrajectory: 1, stepsBetween: 5, dt: 5e-3, equilibrationSteps: 20, seed: 7);
        var graph = GraphRule.Of(data);
        var topology = graph.TopologyFor(data);
        var features = FeatureSampling.Sample(data, topology, graph, new TrainingOptions { Family = ModelFamily.Pair, WidthPair = 8, Seed = 1 });
        var ranges = (IParticleRangeJacobian)features;
        var edges = new EdgeBuffer();
        topology.Build(data.QOf(0), data.Particles, edges);
        var snap = new Snapshot(data.QOf(0), data.POf(0), data.Mass, data.Species, edges);
        var ws = features.CreateWorkspace();
        int d = data.Dimension, n = data.Particles, nd = n * d, cols = features.FeatureCount + 1;
        var incidence = new EdgeIncidence();
        incidence.Build(edges, data.QOf(0), data.Particles, d);
        Assert.That(incidence.Order.ToArray().Order(), Is.EqualTo(Enumerable.Range(0, n)), "the order is a permutation");
        var (wq, wp) = HamiltonRows.Weights(RowWeighting.Balanced, data.Dq, data.Dp);

        var whole = new double[2 * nd * cols];
        var wholeRhs = new double[2 * nd];
        HamiltonRows.FillSnapshot(features, snap, data.DqOf(0), data.DpOf(0), wq, wp, whole, wholeRhs, ws);
        Assert.That(whole.Max(Math.Abs), Is.GreaterThan(0));

        double scale = whole.Max(Math.Abs), worst = 0;
        foreach (var (first, count) in new[] { (0, 1), (0, 37), (37, 40), (77, 31), (0, n) })
        {
            int rows = 2 * count * d;
            var block = new double[rows * cols];
            var rhs = new double[rows];
            block.AsSpan().Fill(double.NaN);   // every entry must be written
            HamiltonRows.FillParticleRange(features, ranges, snap, incidence, first, count, data.DqOf(0), data.DpOf(0), wq, wp, block, rhs, new double[rows], ws);
            for (int r = 0; r < count * d; r++)
            {
                int global = incidence.Order[first + r / d] * d + r % d;
                for (int half = 0; half < 2; half++)
                {
                    int local = half * count * d + r, row = half * nd + global;
                    Assert.That(rhs[local], Is.EqualTo(wholeRhs[row]));
                    for (int k = 0; k < cols; k++)
                        worst = Math.Max(worst, Math.Abs(block[local * cols + k] - whole[row * cols + k]) / scale);
                }
            }
        }
        Assert.That(worst, Is.LessThan(1e-14));
    }

    [Test]
    public void IncidenceListsEveryEdgeAtBothEndsAndOrdersParticlesInSpace()
    {
        var edges = new EdgeBuffer();
        edges.Reset(1);
        int[][] pairs = [[0, 2], [1, 2], [2, 3], [0, 3]];
        foreach (var p in pairs) edges.Add(p[0], p[1], [1.0], 1.0);
        var incidence = new EdgeIncidence();
        incidence.Build(edges, [4.0, 0.0, 3.0, 1.0, 2.0], 5, 1);
        Assert.That(incidence.EdgesOf(0).ToArray(), Is.EqualTo(new[] { 0, 3 }));
        Assert.That(incidence.EdgesOf(1).ToArray(), Is.EqualTo(new[] { 1 }));
        Assert.That(incidence.EdgesOf(2).ToArray(), Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(incidence.EdgesOf(3).ToArray(), Is.EqualTo(new[] { 2, 3 }));
        Assert.That(incidence.EdgesOf(4).ToArray(), Is.Empty);
        // In one dimension the Morton order is the order of the coordinate.
        Assert.That(incidence.Order.ToArray(), Is.EqualTo(new[] { 1, 3, 4, 2, 0 }));
        incidence.SelectBlock(1, 2);
        Assert.That(Enumerable.Range(0, 5).Select(incidence.MemberIndex), Is.EqualTo(new[] { -1, -1, -1, 0, 1 }));
        incidence.SelectBlock(3, 2);
        Assert.That(Enumerable.Range(0, 5).Select(incidence.MemberIndex), Is.EqualTo(new[] { 1, -1, 0, -1, -1 }));
    }
}
