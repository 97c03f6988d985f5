// Checks NonSeparableSprings (method.md §10.1): energy by hand, exact gradients, invariances, edge orientation.
using Engine.Simulation;
using NUnit.Framework;

namespace Engine.Tests.Simulation;

[TestFixture]
public sealed class NonSeparableSpringsTests
{
    private static IEnumerable<TestCaseData> Geometries()
    {
        yield return new TestCaseData(LatticeGeometry.Chain(5, 1)).SetArgDisplayNames("chain d=1");
        yield return new TestCaseData(LatticeGeometry.Chain(6, 2)).SetArgDisplayNames("chain d=2");
        yield return new TestCaseData(LatticeGeometry.Square(3, 3)).SetArgDisplayNames("3x3");
        yield return new TestCaseData(LatticeGeometry.Cubic(3, 3, 3)).SetArgDisplayNames("3x3x3");
    }

    [TestCaseSource(nameof(Geometries))]
    public void GradientsMatchCentralDifferences(LatticeGeometry g)
    {
        var random = new Random(5);
        var h = new NonSeparableSprings(GradientCheck.RandomMasses(g.Particles, random), g.Dimension, g.Edges);
        Assert.That(h.IsSeparable, Is.False);
        for (int trial = 0; trial < 3; trial++)
        {
            var (q, p) = GradientCheck.RandomState(g.Positions, random, 0.25, 0.6);
            var (relQ, relP) = GradientCheck.Compare(h, q, p);
            Assert.That(relQ, Is.LessThan(1e-6), "∂H/∂q");
            Assert.That(relP, Is.LessThan(1e-6), "∂H/∂p");
        }
    }

    [Test]
    public void EnergyOfTwoParticlesByHand()
    {
        // q: (0,0) → (2,0), r = 2, s = 1, û = (1,0); p0 = (1,2), p1 = (3,−1), m = (1, 2).
        // T = ½·5 + ½·10/2 = 5; p0·p1 = 1; p0·û = 1, p1·û = 3; springs = ½ + 1 + ½·3 = 3.
        var h = new NonSeparableSprings([1.0, 2.0], 2, [0, 1]);
        double[] q = [0, 0, 2, 0], p = [1, 2, 3, -1];
        var gp = new double[4];
        Assert.That(h.Evaluate(q, p, default, gp), Is.EqualTo(8).Within(1e-14));
        // ∂H/∂p0 = p0/m0 + s p1 + ½(p1·û)û = (1,2) + (3,−1) + (1.5,0); ∂H/∂p1 = (1.5,−0.5) + (1,2) + (0.5,0).
        Assert.That(gp, Is.EqualTo(new[] { 5.5, 1, 3, 1.5 }).Within(1e-14));
    }

    [Test]
    public void EdgeOrientationDoesNotMatter()
    {
        var g = LatticeGeometry.Square(3, 2);
        var flipped = (int[])g.Edges.Clone();
        for (int e = 0; e < flipped.Length; e += 2) (flipped[e], flipped[e + 1]) = (flipped[e + 1], flipped[e]);
        var a = new NonSeparableSprings(g.Particles, 2, g.Edges);
        var b = new NonSeparableSprings(g.Particles, 2, flipped);
        var (q, p) = GradientCheck.RandomState(g.Positions, new Random(9), 0.2, 0.5);
        var ga = new double[q.Length]; var gb = new double[q.Length]; var pa = new double[q.Length]; var pb = new double[q.Length];
        Assert.That(b.Evaluate(q, p, gb, pb), Is.EqualTo(a.Evaluate(q, p, ga, pa)).Within(1e-14));
        Assert.That(gb, Is.EqualTo(ga).Within(1e-14));
        Assert.That(pb, Is.EqualTo(pa).Within(1e-14));
    }

    [Test]
    public void InvariantUnderRotationAndTranslation()
    {
        var g = LatticeGeometry.Cubic(2, 2, 2);
        var h = new NonSeparableSprings(g.Particles, 3, g.Edges);
        var (q, p) = GradientCheck.RandomState(g.Positions, new Random(21), 0.2, 0.5);
        // Rotation by 0.7 rad about z, then a shift of q only (p is unchanged by translation).
        double c = Math.Cos(0.7), s = Math.Sin(0.7);
        var q2 = new double[q.Length]; var p2 = new double[q.Length];
        for (int i = 0; i < g.Particles; i++)
        {
            int o = 3 * i;
            q2[o] = c * q[o] - s * q[o + 1] + 1.3; q2[o + 1] = s * q[o] + c * q[o + 1] - 0.4; q2[o + 2] = q[o + 2] + 2;
            p2[o] = c * p[o] - s * p[o + 1]; p2[o + 1] = s * p[o] + c * p[o + 1]; p2[o + 2] = p[o + 2];
        }
        Assert.That(h.Evaluate(q2, p2, default, default), Is.EqualTo(h.Evaluate(q, p, default, default)).Within(1e-13));
    }

    [Test]
    public void ReducesToKineticPlusHarmonicWhenMomentaVanish()
    {
        // With p = 0 only ½(r − 1)² remains, i.e. the harmonic network with k = 1 (an independent implementation).
        var g = LatticeGeometry.Square(3, 3);
        var ns = new NonSeparableSprings(g.Particles, 2, g.Edges);
        var harmonic = new SpringNetwork(g.Particles, 2, g.Edges, SpringPotential.Harmonic());
        var (q, _) = GradientCheck.RandomState(g.Positions, new Random(2), 0.3, 0);
        var p = new double[q.Length];
        var g1 = new double[q.Length]; var g2 = new double[q.Length];
        Assert.That(ns.Evaluate(q, p, g1, default), Is.EqualTo(harmonic.Evaluate(q, p, g2, default)).Within(1e-14));
        Assert.That(g1, Is.EqualTo(g2).Within(1e-14));
    }
}
