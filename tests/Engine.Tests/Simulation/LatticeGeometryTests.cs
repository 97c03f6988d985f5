// Checks the lattice builders: particle and edge counts, rest lengths, edge order and uniqueness.
using Engine.Common;
using Engine.Simulation;
using NUnit.Framework;

namespace Engine.Tests.Simulation;

[TestFixture]
public sealed class LatticeGeometryTests
{
    [TestCase(2, 1)]
    [TestCase(8, 2)]
    [TestCase(17, 3)]
    public void ChainHasNMinusOneEdges(int n, int d)
    {
        var g = LatticeGeometry.Chain(n, d);
        Assert.That(g.Particles, Is.EqualTo(n));
        Assert.That(g.Dimension, Is.EqualTo(d));
        Assert.That(g.Positions, Has.Length.EqualTo(n * d));
        Assert.That(g.EdgeCount, Is.EqualTo(n - 1));
        CheckEdges(g);
        for (int i = 0; i < n; i++)
        {
            Assert.That(g.Positions[i * d], Is.EqualTo(i), "chain runs along x");
            for (int a = 1; a < d; a++) Assert.That(g.Positions[i * d + a], Is.EqualTo(0));
        }
    }

    [TestCase(3, 3, 12)]
    [TestCase(2, 2, 4)]
    [TestCase(4, 3, 17)]
    [TestCase(1, 5, 4)]
    public void SquareEdgeCounts(int nx, int ny, int edges)
    {
        var g = LatticeGeometry.Square(nx, ny);
        Assert.That(g.Particles, Is.EqualTo(nx * ny));
        Assert.That(g.EdgeCount, Is.EqualTo(edges));
        CheckEdges(g);
    }

    [TestCase(3, 3, 3, 54)]
    [TestCase(2, 2, 2, 12)]
    [TestCase(2, 3, 4, 46)]
    public void CubicEdgeCounts(int nx, int ny, int nz, int edges)
    {
        var g = LatticeGeometry.Cubic(nx, ny, nz);
        Assert.That(g.Particles, Is.EqualTo(nx * ny * nz));
        Assert.That(g.EdgeCount, Is.EqualTo(edges));
        CheckEdges(g);
    }

    [Test]
    public void EveryPairAtUnitDistanceIsAnEdge()
    {
        // Brute force over all pairs: nearest-neighbour springs are exactly the pairs at distance 1.
        foreach (var g in new[] { LatticeGeometry.Cubic(3, 2, 3), LatticeGeometry.Square(4, 3), LatticeGeometry.Chain(5, 3) })
        {
            var expected = new HashSet<(int, int)>();
            for (int i = 0; i < g.Particles; i++)
                for (int j = i + 1; j < g.Particles; j++)
                    if (Math.Abs(Distance(g, i, j) - 1) < 1e-12) expected.Add((i, j));
            var actual = Enumerable.Range(0, g.EdgeCount).Select(e => (g.Edges[2 * e], g.Edges[2 * e + 1])).ToHashSet();
            Assert.That(actual.SetEquals(expected), Is.True);
        }
    }

    [Test]
    public void SpacingScalesPositions()
    {
        var g = LatticeGeometry.Square(2, 2, spacing: 1.5);
        for (int e = 0; e < g.EdgeCount; e++) Assert.That(Distance(g, g.Edges[2 * e], g.Edges[2 * e + 1]), Is.EqualTo(1.5).Within(1e-15));
    }

    [Test]
    public void BadSizesAreRefused()
    {
        Assert.That(() => LatticeGeometry.Chain(1, 2), Throws.TypeOf<InvalidInputException>());
        Assert.That(() => LatticeGeometry.Chain(4, 0), Throws.TypeOf<InvalidInputException>());
        Assert.That(() => LatticeGeometry.Square(0, 3), Throws.TypeOf<InvalidInputException>());
        Assert.That(() => LatticeGeometry.Cubic(3, -1, 3), Throws.TypeOf<InvalidInputException>());
        Assert.That(() => LatticeGeometry.Square(2, 2, spacing: 0), Throws.TypeOf<InvalidInputException>());
    }

    private static void CheckEdges(LatticeGeometry g)
    {
        var seen = new HashSet<(int, int)>();
        for (int e = 0; e < g.EdgeCount; e++)
        {
            int i = g.Edges[2 * e], j = g.Edges[2 * e + 1];
            Assert.That(i, Is.LessThan(j), $"edge {e}");
            Assert.That(j, Is.LessThan(g.Particles));
            Assert.That(seen.Add((i, j)), Is.True, $"edge ({i}, {j}) repeated");
            Assert.That(Distance(g, i, j), Is.EqualTo(1).Within(1e-15), $"rest length of edge ({i}, {j})");
        }
    }

    private static double Distance(LatticeGeometry g, int i, int j)
    {
        double r2 = 0;
        for (int a = 0; a < g.Dimension; a++) { double x = g.Positions[j * g.Dimension + a] - g.Positions[i * g.Dimension + a]; r2 += x * x; }
        return Math.Sqrt(r2);
    }
}
