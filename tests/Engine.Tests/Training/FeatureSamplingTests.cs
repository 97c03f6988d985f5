// The radial layer's sampling input: pair distances gathered up to the cap, never beyond it.
using Engine.Features;
using Engine.Graph;
using Engine.Model;
using Engine.Simulation;
using Engine.Training;
using NUnit.Framework;

namespace Engine.Tests.Training;

public class FeatureSamplingTests
{
    private static (Engine.Data.PhaseSpaceData Data, Topology Topology) Lattice()
    {
        var data = SpringSystems.DefaultGenerator().Generate(SpringSystems.DefaultLattice());
        return (data, GraphRule.Of(data).TopologyFor(data));
    }

    private static double[] Distances(Engine.Data.PhaseSpaceData data, Topology topology, int snapshot)
    {
        var edges = new EdgeBuffer();
        topology.Build(data.QOf(snapshot), data.Particles, edges);
        return edges.R[..edges.Count].ToArray();
    }

    [Test]
    public void BelowTheCap_EveryDistanceOfEverySnapshotIsGathered()
    {
        var (data, topology) = Lattice();
        var r = FeatureSampling.GatherPairDistances(data, topology, Enumerable.Range(0, data.Snapshots), 1_000_000);
        int perSnapshot = Distances(data, topology, 0).Length;
        Assert.That(r, Has.Count.EqualTo(data.Snapshots * perSnapshot));
        Assert.That(r.Skip(perSnapshot).Take(perSnapshot), Is.EqualTo(Distances(data, topology, 1)));
    }

    [Test]
    public void TheCapIsExact_AndTheLastSnapshotIsStridedEvenly()
    {
        var (data, topology) = Lattice();
        double[] first = Distances(data, topology, 3), second = Distances(data, topology, 7);
        int cap = first.Length + second.Length / 2;
        var r = FeatureSampling.GatherPairDistances(data, topology, [3, 7, 11], cap);
        Assert.That(r, Has.Count.EqualTo(cap), "gathered more (or fewer) distances than the cap");
        Assert.That(r.Take(first.Length), Is.EqualTo(first));
        int left = cap - first.Length;
        var expected = Enumerable.Range(0, left).Select(k => second[(int)((long)k * second.Length / left)]);
        Assert.That(r.Skip(first.Length), Is.EqualTo(expected), "the strided subset of the second snapshot");
    }

    [Test]
    public void ACapBelowOneSnapshot_SpreadsOverTheWholeSnapshot()
    {
        var (data, topology) = Lattice();
        double[] all = Distances(data, topology, 0);
        var r = FeatureSampling.GatherPairDistances(data, topology, [0, 1], 5);
        Assert.That(r, Has.Count.EqualTo(5));
        Assert.That(r[0], Is.EqualTo(all[0]));
        Assert.That(r[4], Is.EqualTo(all[4 * all.Length / 5]), "the last pick comes from the last fifth of the pairs");
    }

    [Test]
    public void ACutoffGraphGivesTheDistancesOfItsWholeEdgeLists_WithoutBuildingThem()
    {
        var data = new LennardJonesSystem().Generate(256, trajectories: 1, snapshotsPerTrajectory: 3, stepsBetween: 5, dt: 5e-3, equilibrationSteps: 10, seed: 2);
        var topology = GraphRule.Of(data).TopologyFor(data);
        Assert.That(topology.IsFixed, Is.False);
        double[] a = Distances(data, topology, 2), b = Distances(data, topology, 0);
        foreach (int cap in new[] { 7, a.Length, a.Length + b.Length / 3, 10 * a.Length })
        {
            var r = FeatureSampling.GatherPairDistances(data, topology, [2, 0, 1], cap);
            var expected = new List<double>();
            foreach (var all in new[] { a, b, Distances(data, topology, 1) })
            {
                int left = cap - expected.Count;
                if (left <= 0) break;
                expected.AddRange(all.Length <= left ? all : Enumerable.Range(0, left).Select(k => all[(int)((long)k * all.Length / left)]));
            }
            Assert.That(r, Is.EqualTo(expected), $"cap {cap}");
        }
    }
}
