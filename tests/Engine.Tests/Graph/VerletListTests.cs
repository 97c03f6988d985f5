// The Verlet list must emit exactly brute force's pairs at every configuration while rebuilding only when needed.
using Engine.Common;
using Engine.Graph;
using NUnit.Framework;

namespace Engine.Tests.Graph;

public class VerletListTests
{
    // Brute force emits pairs in (i, j) order, as the Verlet list promises; so buffers must agree entry by entry.
    private static void AssertSameAsBruteForce(double[] q, int n, double cutoff, PeriodicBox box, EdgeBuffer actual, string where)
    {
        var expected = new EdgeBuffer();
        BruteForcePairs.Build(q, n, cutoff, box, expected);
        Assert.That(actual.Count, Is.EqualTo(expected.Count), $"{where}: pair count");
        Assert.That(actual.Dimension, Is.EqualTo(box.Dimension), where);
        int d = box.Dimension, bad = -1;
        for (int e = 0; e < expected.Count && bad < 0; e++)
        {
            bool same = actual.I[e] == expected.I[e] && actual.J[e] == expected.J[e]
                        && BitConverter.DoubleToInt64Bits(actual.R[e]) == BitConverter.DoubleToInt64Bits(expected.R[e]);
            for (int a = 0; a < d; a++)
                same &= BitConverter.DoubleToInt64Bits(actual.Dr[e * d + a]) == BitConverter.DoubleToInt64Bits(expected.Dr[e * d + a]);
            if (!same) bad = e;
        }
        Assert.That(bad, Is.EqualTo(-1), () => $"{where}: entry {bad} is ({actual.I[bad]}, {actual.J[bad]}, r {actual.R[bad]:R}), brute force ({expected.I[bad]}, {expected.J[bad]}, r {expected.R[bad]:R})");
    }

    // Moves every particle by a random step of at most `step` per axis; a few particles jump by whole box lengths,
    // which must count as no move at all (hosts wrap positions into the box).
    private static void Jiggle(double[] q, int d, double step, double[]? box, Random rng)
    {
        for (int k = 0; k < q.Length; k++)
        {
            q[k] += step * (2 * rng.NextDouble() - 1);
            if (box is not null && rng.Next(50) == 0) q[k] += box[k % d] * (rng.Next(2) == 0 ? -1 : 1);
        }
    }

    [Test]
    public void EveryStepHasExactlyTheBruteForcePairs(
        [Values(1, 2, 3)] int d, [Values(0, 1, 2, 3, 60)] int n, [Values(true, false)] bool periodic)
    {
        var rng = new Random(97 * d + n + (periodic ? 1 : 0));
        double cutoff = 1.0, skin = 0.3;
        var L = periodic ? Enumerable.Range(0, d).Select(a => 5.0 + 0.7 * a).ToArray() : null;
        var box = new PeriodicBox(d, L);
        var q = Enumerable.Range(0, n * d).Select(k => 6.0 * rng.NextDouble()).ToArray();
        var list = new VerletList(cutoff, skin, box);
        var edges = new EdgeBuffer();
        for (int step = 0; step < 60; step++)
        {
            list.Update(q, n, edges);
            AssertSameAsBruteForce(q, n, cutoff, box, edges, $"step {step}");
            Jiggle(q, d, 0.02, L, rng);
        }
        Assert.That(list.Updates, Is.EqualTo(60));
        // Displacements of ≤ 0.02√d per step use up the 0.3 skin only after several steps; with 60 particles some
        // random walk gets there within 60 steps.
        if (n >= 2) Assert.That(list.Builds, Is.InRange(n >= 20 ? 2 : 1, 30));
    }

    [Test]
    public void BoxAtOrBelowTwiceTheListRadiusIsStillExact([Values(2.0, 2.0000001, 2.2, 2.6)] double boxOverCutoff)
    {
        // rc + skin = 1.3 rc: box/rc = 2 and 2.2 lie below 2·(rc + skin), 2.6 exactly at it.
        double cutoff = 1.0, skin = 0.3;
        double Lx = boxOverCutoff * cutoff;
        var L = new[] { Lx, Lx * 1.1, Lx };
        var box = new PeriodicBox(3, L);
        var rng = new Random(3);
        int n = 30;
        var q = Enumerable.Range(0, 3 * n).Select(k => L[k % 3] * rng.NextDouble()).ToArray();
        var list = new VerletList(cutoff, skin, box);
        var edges = new EdgeBuffer();
        for (int step = 0; step < 40; step++)
        {
            list.Update(q, n, edges);
            AssertSameAsBruteForce(q, n, cutoff, box, edges, $"box {Lx}, step {step}");
            Jiggle(q, 3, 0.05, L, rng);
        }
    }

    [Test]
    public void ParticlesOnCellBoundariesAndAtTheCutoffAreExact()
    {
        // List radius 2.5 in a box of 10: four cells of width 2.5 per axis. Particles sit exactly on cell faces,
        // and pairs sit at exactly rc, one ulp inside and one ulp outside.
        double cutoff = 2.2, skin = 0.3;
        var L = new[] { 10.0, 10.0, 10.0 };
        var box = new PeriodicBox(3, L);
        var q = new List<double>();
        for (int x = 0; x < 4; x++)
            for (int y = 0; y < 4; y++)
                q.AddRange([2.5 * x, 2.5 * y, 0.0]);
        q.AddRange([0, 0, cutoff]);                                   // exactly rc from (0,0,0): not a pair
        q.AddRange([2.5, 0, Math.BitDecrement(cutoff)]);              // one ulp inside: a pair
        q.AddRange([5.0, 0, Math.BitIncrement(cutoff)]);              // one ulp outside
        q.AddRange([9.999999999999998, 9.999999999999998, 0]);       // just below the box edge
        int n = q.Count / 3;
        var qa = q.ToArray();
        var list = new VerletList(cutoff, skin, box);
        var edges = new EdgeBuffer();
        list.Update(qa, n, edges);
        AssertSameAsBruteForce(qa, n, cutoff, box, edges, "on boundaries");
        // Shift everything by exactly one cell width and by a whole box: still exact, and no rebuild for the box shift.
        for (int k = 0; k < qa.Length; k++) qa[k] += 10.0;
        list.Update(qa, n, edges);
        AssertSameAsBruteForce(qa, n, cutoff, box, edges, "shifted by the box");
        Assert.That(list.Builds, Is.EqualTo(1));
        for (int k = 0; k < qa.Length; k++) qa[k] += 2.5;
        list.Update(qa, n, edges);
        AssertSameAsBruteForce(qa, n, cutoff, box, edges, "shifted by a cell");
    }

    [Test]
    public void RebuildsExactlyWhenTwoParticlesCouldHaveClosedTheSkin()
    {
        // Two particles start at rc + skin + 0.01, just outside the list. Moving each towards the other by 0.004
        // (total 0.008 < skin) cannot bring them within rc: no rebuild. A total move above the skin must rebuild.
        double cutoff = 1, skin = 0.2;
        var box = new PeriodicBox(3, [10, 10, 10]);
        double[] q = [1, 1, 1, 1 + cutoff + skin + 0.01, 1, 1, 5, 5, 5];
        var list = new VerletList(cutoff, skin, box);
        var edges = new EdgeBuffer();
        list.Update(q, 3, edges);
        Assert.That(list.CandidateCount, Is.EqualTo(0));
        q[0] += 0.004; q[3] -= 0.004;
        list.Update(q, 3, edges);
        Assert.That(list.Builds, Is.EqualTo(1));
        q[0] += 0.096; q[3] -= 0.01;   // displacements 0.1 and 0.014: sum 0.114 < 0.2, still no rebuild
        list.Update(q, 3, edges);
        Assert.That(list.Builds, Is.EqualTo(1));
        q[3] -= 0.2;                   // now 0.1 + 0.214 > skin, and the separation 1.21 − 0.314 is below rc
        list.Update(q, 3, edges);
        Assert.That(list.Builds, Is.EqualTo(2));
        Assert.That(edges.Count, Is.EqualTo(1));
        AssertSameAsBruteForce(q, 3, cutoff, box, edges, "after the close approach");
    }

    [Test]
    public void ParticleCountChangeRebuildsAndInvalidateForcesIt()
    {
        var box = new PeriodicBox(2, [6, 6]);
        var rng = new Random(8);
        var q = Enumerable.Range(0, 40).Select(_ => 6 * rng.NextDouble()).ToArray();
        var list = new VerletList(1.2, 0.4, box);
        var edges = new EdgeBuffer();
        list.Update(q, 20, edges);
        list.Update(q.AsSpan(0, 30), 15, edges);
        AssertSameAsBruteForce(q[..30], 15, 1.2, box, edges, "15 particles");
        Assert.That(list.Builds, Is.EqualTo(2));
        list.Invalidate();
        list.Update(q.AsSpan(0, 30), 15, edges);
        Assert.That(list.Builds, Is.EqualTo(3));
    }

    [Test]
    public void BadInputIsRefused()
    {
        var box = new PeriodicBox(3, [5, 5, 5]);
        Assert.Throws<InvalidInputException>(() => new VerletList(1, -0.1, box));
        Assert.Throws<InvalidInputException>(() => new VerletList(1, double.NaN, box));
        Assert.Throws<InvalidInputException>(() => new VerletList(0, 0.1, box));
        var list = new VerletList(1, 0.1, box);
        Assert.Throws<InvalidInputException>(() => list.Update(new double[5], 2, new EdgeBuffer()));
        double[] q = [0, 0, 0, 1, 1, double.NaN];
        Assert.Throws<InvalidInputException>(() => list.Update(q, 2, new EdgeBuffer()));
        Assert.Throws<InvalidInputException>(() => Topology.WithCutoff(3, 1, [5, 5, 5]).CreateVerletList(-1));
        Assert.That(Topology.WithCutoff(3, 1, [5, 5, 5]).CreateVerletList(0), Is.Null);
        Assert.That(Topology.Fixed(3, [0, 1]).CreateVerletList(0.3), Is.Null);
    }

    [Test]
    public void TopologyBuildThroughTheListGivesTheCellListPairSet()
    {
        var rng = new Random(21);
        var topo = Topology.WithCutoff(3, 1.1, [4, 4.5, 5]);
        var q = Enumerable.Range(0, 150).Select(_ => 5 * rng.NextDouble()).ToArray();
        var viaList = new EdgeBuffer();
        var viaCells = new EdgeBuffer();
        topo.Build(q, 50, viaList, topo.CreateVerletList(0.2));
        topo.Build(q, 50, viaCells);
        var a = Enumerable.Range(0, viaList.Count).Select(e => (viaList.I[e], viaList.J[e], viaList.R[e])).OrderBy(t => t).ToArray();
        var b = Enumerable.Range(0, viaCells.Count).Select(e => (viaCells.I[e], viaCells.J[e], viaCells.R[e])).OrderBy(t => t).ToArray();
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Is.Not.Empty);
    }
}
