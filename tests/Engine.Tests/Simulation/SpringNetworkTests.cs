// Checks SpringNetwork: energy at hand-checked states and the exact gradient against central differences.
using Engine.Common;
using Engine.Simulation;
using NUnit.Framework;

namespace Engine.Tests.Simulation;

[TestFixture]
public sealed class SpringNetworkTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var (name, v) in new[] { ("harmonic", SpringPotential.Harmonic(1.3)), ("anharmonic", SpringPotential.Anharmonic(0.8, 2)), ("morse", SpringPotential.Morse(1.5, 1.2)) })
        {
            yield return new TestCaseData(LatticeGeometry.Chain(5, 1), v).SetArgDisplayNames($"{name} chain d=1");
            yield return new TestCaseData(LatticeGeometry.Chain(6, 2), v).SetArgDisplayNames($"{name} chain d=2");
            yield return new TestCaseData(LatticeGeometry.Square(3, 3), v).SetArgDisplayNames($"{name} 3x3");
            yield return new TestCaseData(LatticeGeometry.Cubic(2, 2, 3), v).SetArgDisplayNames($"{name} 2x2x3");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void GradientMatchesCentralDifferences(LatticeGeometry g, SpringPotential v)
    {
        var random = new Random(11);
        var h = new SpringNetwork(GradientCheck.RandomMasses(g.Particles, random), g.Dimension, g.Edges, v);
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
        // Spring from (0,0,0) to (0,3,4): r = 5, V = ½·2·(5 − 1)² = 16; T = ½·1/1 + ½·4/4 = 1.
        var h = new SpringNetwork([1.0, 4.0], 3, [0, 1], SpringPotential.Harmonic(2));
        double[] q = [0, 0, 0, 0, 3, 4], p = [1, 0, 0, 0, 2, 0];
        var gq = new double[6]; var gp = new double[6];
        Assert.That(h.Evaluate(q, p, gq, gp), Is.EqualTo(17).Within(1e-14));
        // Force magnitude k(r − L) = 8 along û = (0, 0.6, 0.8): ∂H/∂q_1 = 8û, ∂H/∂q_0 = −8û.
        Assert.That(gq, Is.EqualTo(new[] { 0, -4.8, -6.4, 0, 4.8, 6.4 }).Within(1e-14));
        Assert.That(gp, Is.EqualTo(new[] { 1, 0, 0, 0, 0.5, 0 }).Within(1e-15));
        Assert.That(h.IsSeparable, Is.True);
    }

    [Test]
    public void RestStateHasZeroEnergyAndForce()
    {
        var g = LatticeGeometry.Cubic(3, 3, 3);
        var h = new SpringNetwork(g.Particles, 3, g.Edges, SpringPotential.Morse());
        var gq = new double[g.Positions.Length];
        Assert.That(h.Evaluate(g.Positions, new double[gq.Length], gq, default), Is.EqualTo(0).Within(1e-15));
        Assert.That(gq.Max(Math.Abs), Is.LessThan(1e-15));
    }

    [Test]
    public void EmptyGradientSpansAreSkippedAndGiveTheSameEnergy()
    {
        var g = LatticeGeometry.Square(3, 2);
        var h = new SpringNetwork(g.Particles, 2, g.Edges, SpringPotential.Anharmonic());
        var (q, p) = GradientCheck.RandomState(g.Positions, new Random(3), 0.2, 0.3);
        var gq = new double[q.Length]; var gp = new double[q.Length];
        double full = h.Evaluate(q, p, gq, gp);
        Assert.That(h.Evaluate(q, p, default, default), Is.EqualTo(full));
        var gqOnly = new double[q.Length];
        h.Evaluate(q, p, gqOnly, default);
        Assert.That(gqOnly, Is.EqualTo(gq));
    }

    [Test]
    public void BadInputsAreRefused()
    {
        var v = SpringPotential.Harmonic();
        Assert.That(() => new SpringNetwork([1.0, 1.0], 2, [0, 2], v), Throws.TypeOf<InvalidInputException>().With.Message.Contains("edge 0"));
        Assert.That(() => new SpringNetwork([1.0, 1.0], 2, [1, 1], v), Throws.TypeOf<InvalidInputException>());
        Assert.That(() => new SpringNetwork([1.0, 1.0], 2, [0, 1, 1], v), Throws.TypeOf<InvalidInputException>());
        Assert.That(() => new SpringNetwork([1.0, 0.0], 2, [0, 1], v), Throws.TypeOf<InvalidInputException>().With.Message.Contains("mass 1"));
        Assert.That(() => new SpringNetwork([1.0, 1.0], 4, [0, 1], v), Throws.TypeOf<InvalidInputException>());
        var h = new SpringNetwork([1.0, 1.0], 2, [0, 1], v);
        Assert.That(() => h.Evaluate(new double[3], new double[4], default, default), Throws.ArgumentException);
        Assert.That(() => h.Evaluate(new double[4], new double[4], new double[4], default), Throws.InstanceOf<EngineException>().With.Message.Contains("coincide"));
    }
}
