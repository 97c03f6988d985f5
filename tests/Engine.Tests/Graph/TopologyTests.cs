// Topology.Build: fixed pairs keep their order with minimum-image displacements; coincident particles are refused.
using Engine.Common;
using Engine.Graph;
using NUnit.Framework;

namespace Engine.Tests.Graph;

[TestFixture]
public class TopologyTests
{
    [Test]
    public void FixedTopologyGivesListedPairsWithMinimumImageDisplacements()
    {
        // Three particles on a periodic line of length 10: pair (0, 2) is closer through the boundary.
        double[] q = [0.5, 0.0, 3.0, 0.0, 9.5, 0.0];
        var topo = Topology.Fixed(2, [0, 1, 0, 2, 1, 2], [10.0, 10.0]);
        var edges = new EdgeBuffer();
        topo.Build(q, 3, edges);

        Assert.That(edges.Count, Is.EqualTo(3));
        Assert.That(edges.I.Take(3), Is.EqualTo(new[] { 0, 0, 1 }));
        Assert.That(edges.J.Take(3), Is.EqualTo(new[] { 1, 2, 2 }));
        Assert.That(edges.Dr[0], Is.EqualTo(2.5).Within(1e-12));
        Assert.That(edges.Dr[2], Is.EqualTo(-1.0).Within(1e-12));   // 9.5 − 0.5 = 9 → −1 through the boundary
        Assert.That(edges.Dr[4], Is.EqualTo(-3.5).Within(1e-12));   // 9.5 − 3 = 6.5 → −3.5
        Assert.That(edges.R.Take(3), Is.EqualTo(new[] { 2.5, 1.0, 3.5 }).Within(1e-12));
    }

    [Test]
    public void CutoffTopologyMatchesBruteForce()
    {
        var rng = new Random(8);
        var q = Enumerable.Range(0, 3 * 200).Select(_ => 6 * rng.NextDouble()).ToArray();
        var topo = Topology.WithCutoff(3, 1.2, [6.0, 6.0, 6.0]);
        var actual = new EdgeBuffer();
        var expected = new EdgeBuffer();
        topo.Build(q, 200, actual);
        BruteForcePairs.Build(q, 200, 1.2, topo.Box, expected);
        Assert.That(actual.Count, Is.EqualTo(expected.Count));
        var a = Enumerable.Range(0, actual.Count).Select(e => (actual.I[e], actual.J[e])).OrderBy(t => t).ToArray();
        var b = Enumerable.Range(0, expected.Count).Select(e => (expected.I[e], expected.J[e])).OrderBy(t => t).ToArray();
        Assert.That(a, Is.EqualTo(b));
    }

    [Test]
    public void CoincidentParticlesAreRefusedNamingBothIndices([Values(true, false)] bool periodic)
    {
        var rng = new Random(9);
        var q = Enumerable.Range(0, 3 * 12).Select(_ => 5 * rng.NextDouble()).ToArray();
        for (int a = 0; a < 3; a++) q[3 * 7 + a] = q[3 * 3 + a];
        var topo = Topology.WithCutoff(3, 1.0, periodic ? [5.0, 5.0, 5.0] : null);
        var ex = Assert.Throws<InvalidInputException>(() => topo.Build(q, 12, new EdgeBuffer()));
        Assert.That(ex!.Message, Does.Contain("particles 3 and 7"));
    }

    [Test]
    public void CoincidentParticlesOnAFixedBondAreRefused()
    {
        double[] q = [1.0, 2.0, 1.0, 2.0, 4.0, 2.0];
        var topo = Topology.Fixed(2, [1, 2, 0, 1]);
        var ex = Assert.Throws<InvalidInputException>(() => topo.Build(q, 3, new EdgeBuffer()));
        Assert.That(ex!.Message, Does.Contain("particles 0 and 1"));
    }
}
