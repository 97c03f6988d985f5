// The cell list must find exactly the pairs, displacements and distances of the brute-force search.
using Engine.Common;
using Engine.Graph;
using NUnit.Framework;

namespace Engine.Tests.Graph;

[TestFixture]
public class CellListTests
{
    private static double[] RandomPositions(Random rng, int n, int d, double lo, double hi)
    {
        var q = new double[n * d];
        for (int k = 0; k < q.Length; k++) q[k] = lo + (hi - lo) * rng.NextDouble();
        return q;
    }

    // (i, j, dr..., r) rows sorted by (i, j), from either search.
    private static List<(int I, int J, double[] Dr, double R)> Rows(EdgeBuffer e)
    {
        var rows = new List<(int, int, double[], double)>();
        for (int k = 0; k < e.Count; k++)
            rows.Add((e.I[k], e.J[k], e.Dr.AsSpan(k * e.Dimension, e.Dimension).ToArray(), e.R[k]));
        return rows.OrderBy(r => r.Item1).ThenBy(r => r.Item2).ToList();
    }

    private static void AssertSameAsBruteForce(double[] q, int n, double cutoff, PeriodicBox box, CellList? instance = null, EdgeBuffer? reuse = null)
    {
        var expected = new EdgeBuffer();
        BruteForcePairs.Build(q, n, cutoff, box, expected);
        var actual = reuse ?? new EdgeBuffer();
        if (instance is null) CellList.Build(q, n, cutoff, box, actual);
        else instance.Update(q, n, cutoff, box, actual);

        Assert.That(actual.Count, Is.EqualTo(expected.Count), "pair count");
        Assert.That(actual.Dimension, Is.EqualTo(box.Dimension));
        var e = Rows(expected);
        var a = Rows(actual);
        // One assert over all rows keeps dense cases with ~1e5 pairs fast; the message names the first difference.
        int bad = -1;
        for (int k = 0; k < e.Count && bad < 0; k++)
            if (a[k].I != e[k].I || a[k].J != e[k].J || a[k].I >= a[k].J || a[k].R != e[k].R || !a[k].Dr.SequenceEqual(e[k].Dr))
                bad = k;
        // Same arithmetic as the reference: identical pairs, bit-identical displacement and distance.
        Assert.That(bad, Is.EqualTo(-1), () => $"row {bad}: cell list ({a[bad].I}, {a[bad].J}, dr [{string.Join(", ", a[bad].Dr)}], r {a[bad].R:R}) " +
            $"vs brute force ({e[bad].I}, {e[bad].J}, dr [{string.Join(", ", e[bad].Dr)}], r {e[bad].R:R})");
    }

    [Test]
    public void PeriodicRandomConfigurationsMatchBruteForce(
        [Values(1, 2, 3)] int d,
        [Values(0, 1, 2, 3, 40, 400)] int n,
        [Values(2.0, 2.01, 3.5, 7.3)] double boxOverCutoff)
    {
        var rng = new Random(1000 * d + 7 * n + (int)(10 * boxOverCutoff));
        double cutoff = 0.7;
        // Non-cubic box: axes of different lengths, all at least boxOverCutoff·cutoff.
        var L = Enumerable.Range(0, d).Select(a => boxOverCutoff * cutoff * (1 + 0.37 * a)).ToArray();
        var q = new double[n * d];
        for (int i = 0; i < n; i++)
            for (int a = 0; a < d; a++)
                q[i * d + a] = L[a] * (-2 + 5 * rng.NextDouble());   // mostly outside the primary box
        AssertSameAsBruteForce(q, n, cutoff, new PeriodicBox(d, L));
    }

    [Test]
    public void OpenRandomConfigurationsMatchBruteForce([Values(1, 2, 3)] int d, [Values(0, 1, 2, 3, 40, 400)] int n)
    {
        var rng = new Random(31 * d + n);
        var q = RandomPositions(rng, n, d, -3, 4);
        AssertSameAsBruteForce(q, n, 0.9, new PeriodicBox(d, null));
    }

    [Test]
    public void CutoffJustBelowHalfTheBoxMatchesBruteForce([Values(1, 2, 3)] int d)
    {
        var rng = new Random(5 + d);
        double L = 3.0;
        var q = RandomPositions(rng, 150, d, 0, L);
        AssertSameAsBruteForce(q, 150, 0.4999 * L, new PeriodicBox(d, Enumerable.Repeat(L, d).ToArray()));
    }

    [Test]
    public void BoxExactlyTwiceTheCutoffMatchesBruteForce([Values(1, 2, 3)] int d)
    {
        var rng = new Random(11 + d);
        double rc = 1.25, L = 2 * rc;
        var q = RandomPositions(rng, 120, d, -L, 2 * L);
        // Include pairs at exactly half the box along an axis, where two images tie.
        q[0] = 0; q[d] = 0.5 * L;
        AssertSameAsBruteForce(q, 120, rc, new PeriodicBox(d, Enumerable.Repeat(L, d).ToArray()));
    }

    [Test]
    public void ClusteredAndSparseOpenSystemsMatchBruteForce()
    {
        var rng = new Random(3);
        // A tight cluster (all in one cell) plus far-away points: the grid must coarsen, not allocate ~1e18 cells.
        var q = RandomPositions(rng, 60, 3, 0, 0.5);
        q[0] = 1e6; q[1] = -1e6; q[2] = 3e5;
        q[3] = 1e6 + 0.1; q[4] = -1e6; q[5] = 3e5;
        AssertSameAsBruteForce(q, 60, 0.2, new PeriodicBox(3, null));
    }

    [Test]
    public void PairsExactlyAtTheCutoffAreExcludedLikeBruteForce()
    {
        // Lattice spacing equal to the cutoff: every nearest-neighbour distance sits on the boundary.
        int side = 6; double rc = 1.0;
        var q = new double[side * side * 2];
        for (int x = 0; x < side; x++) for (int y = 0; y < side; y++) { q[2 * (x * side + y)] = x * rc; q[2 * (x * side + y) + 1] = y * rc; }
        AssertSameAsBruteForce(q, side * side, rc, new PeriodicBox(2, [side * rc, side * rc]));
        AssertSameAsBruteForce(q, side * side, rc, new PeriodicBox(2, null));
    }

    [Test]
    public void ReusedInstanceAndBufferStayCorrectAcrossSizes()
    {
        var rng = new Random(17);
        var cells = new CellList();
        var edges = new EdgeBuffer();
        foreach (var (n, d, periodic) in new[] { (500, 3, true), (5, 3, true), (300, 2, false), (0, 1, false), (200, 1, true), (50, 3, false) })
        {
            double[]? L = periodic ? Enumerable.Repeat(4.0, d).ToArray() : null;
            var q = RandomPositions(rng, n, d, 0, 4);
            AssertSameAsBruteForce(q, n, 0.8, new PeriodicBox(d, L), cells, edges);
        }
    }

    [Test]
    public void OutputOrderIsDeterministic()
    {
        var q = RandomPositions(new Random(2), 300, 3, 0, 5);
        var box = new PeriodicBox(3, [5, 5, 5]);
        var a = new EdgeBuffer();
        var b = new EdgeBuffer();
        CellList.Build(q, 300, 1.1, box, a);
        new CellList().Update(q, 300, 1.1, box, b);
        Assert.That(a.Count, Is.GreaterThan(0));
        Assert.That(a.I.AsSpan(0, a.Count).ToArray(), Is.EqualTo(b.I.AsSpan(0, b.Count).ToArray()));
        Assert.That(a.J.AsSpan(0, a.Count).ToArray(), Is.EqualTo(b.J.AsSpan(0, b.Count).ToArray()));
    }

    [Test]
    public void NonFinitePositionIsRefusedNamingTheParticle([Values(true, false)] bool periodic)
    {
        var q = RandomPositions(new Random(4), 10, 2, 0, 3);
        q[2 * 6 + 1] = double.NaN;
        var ex = Assert.Throws<InvalidInputException>(() =>
            CellList.Build(q, 10, 0.5, new PeriodicBox(2, periodic ? [3.0, 3.0] : null), new EdgeBuffer()));
        Assert.That(ex!.Message, Does.Contain("particle 6"));
    }

    [Test]
    public void BadCutoffIsRefused()
    {
        Assert.Throws<InvalidInputException>(() => CellList.Build(new double[6], 2, 0, new PeriodicBox(3, null), new EdgeBuffer()));
        Assert.Throws<InvalidInputException>(() => CellList.Build(new double[6], 2, double.NaN, new PeriodicBox(3, null), new EdgeBuffer()));
    }
}
