// The LJ baseline of the force benchmarks computes the same energy and gradient as the simulator's Lennard-Jones.
using Engine.Benchmarks;
using Engine.Simulation;
using Engine.Tests.Support;
using NUnit.Framework;

namespace Engine.Tests.Benchmarks;

public class LennardJonesEdgeKernelTests
{
    [TestCase(128)]
    [TestCase(200)]
    public void MatchesTheSimulatorPotentialAndGradient(int particles)
    {
        var f = BenchFixtures.LennardJones(particles, width: 8, seed: 3);
        var reference = new LennardJones(particles, f.Box, cutoff: f.Cutoff);
        var expectedGrad = new double[3 * particles];
        double expected = reference.Potential(f.Q, expectedGrad);
        var grad = new double[3 * particles];
        grad.AsSpan().Fill(double.NaN); // must be overwritten, not accumulated into
        double got = LennardJonesEdgeKernel.Evaluate(f.Edges, particles, 1, 1, f.Cutoff, grad);
        Tol.AssertClose(expected, got, 1e-12, 1e-12, "V");
        double scale = expectedGrad.Max(Math.Abs);
        for (int k = 0; k < grad.Length; k++) Tol.AssertClose(expectedGrad[k], grad[k], 1e-12, 1e-12 * scale, $"∂V/∂q[{k}]");
    }

    [Test]
    public void FixturesAreSeeded()
    {
        var a = BenchFixtures.LennardJones(128, width: 8, seed: 5);
        var b = BenchFixtures.LennardJones(128, width: 8, seed: 5);
        Assert.That(a.Q, Is.EqualTo(b.Q));
        Assert.That(a.Theta, Is.EqualTo(b.Theta));
        Assert.That(a.Pair.Radial.WT, Is.EqualTo(b.Pair.Radial.WT));
        Assert.That(BenchFixtures.RandomFeatureSystem(50, 7, 2).A, Is.EqualTo(BenchFixtures.RandomFeatureSystem(50, 7, 2).A));
    }

    [Test]
    public void TooFewParticlesForTheCutoffAreRefusedWithTheFix()
    {
        var e = Assert.Throws<Engine.Common.InvalidInputException>(() => BenchFixtures.LennardJones(64));
        Assert.That(e!.Message, Does.Contain("at least 128"));
    }
}
