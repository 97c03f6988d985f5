// Implicit midpoint with a gradient carrying round-off noise (as learned models do): accepted at the noise floor, divergence still refused.
using Engine.Common;
using Engine.Dynamics;
using NUnit.Framework;

namespace Engine.Tests.Dynamics;

/// <summary>The harmonic oscillator with seeded noise of size <paramref name="noise"/> added to every gradient entry.</summary>
internal sealed class NoisyOscillator(double noise, double omega = 1.0) : IHamiltonian
{
    private readonly HarmonicOscillator _exact = new(1, 1, omega);
    private readonly Random _rng = new(3);
    public int Particles => 1;
    public int Dimension => 1;
    public bool IsSeparable => false; // forces callers onto implicit midpoint

    public double Evaluate(ReadOnlySpan<double> q, ReadOnlySpan<double> p, Span<double> dHdq, Span<double> dHdp)
    {
        double h = _exact.Evaluate(q, p, dHdq, dHdp);
        if (!dHdq.IsEmpty) dHdq[0] += noise * (2 * _rng.NextDouble() - 1);
        if (!dHdp.IsEmpty) dHdp[0] += noise * (2 * _rng.NextDouble() - 1);
        return h;
    }
}

[TestFixture]
public class MidpointRoundOffTests
{
    [Test]
    public void NoisyGradient_StepsAtTheNoiseFloor_InsteadOfFailing()
    {
        // Noise 1e-6 in ∇H makes the fixed-point change stall near 0.5·dt·1e-6 ≫ the 1e-14 tolerance.
        var integrator = new Integrator(new NoisyOscillator(1e-6), IntegratorKind.ImplicitMidpoint);
        double[] q = [1.0], p = [0.0];
        const double dt = 0.01;
        for (int step = 0; step < 100; step++) integrator.Step(q, p, dt);
        var (qe, pe) = new HarmonicOscillator().Exact(1.0, 0.0, 100 * dt);
        // Midpoint's own error over t = 1 is ~dt²/12 ≈ 1e-5; the noise adds at most ~100·dt·1e-6.
        Assert.That(Math.Abs(q[0] - qe), Is.LessThan(1e-4));
        Assert.That(Math.Abs(p[0] - pe), Is.LessThan(1e-4));
    }

    [TestCase(50.0, 0.1)]
    [TestCase(250.0, 0.01)]
    public void NonContractiveIteration_StillFails(double omega, double dt)
    {
        // ½·dt·ω > 1: the fixed-point map expands, so the step must be refused, not accepted as stalled (the max-norm
        // change alternates between a small q-change and a large p-change, which must not pass for contraction).
        var integrator = new Integrator(new NoisyOscillator(0, omega), IntegratorKind.ImplicitMidpoint);
        double[] q = [1.0], p = [0.0];
        Assert.That(() => integrator.Step(q, p, dt), Throws.InstanceOf<EngineException>().With.Message.Contain("implicit midpoint"));
    }

    [TestCase(1.0, 0.05)]
    [TestCase(10.0, 0.1)] // contraction ρ = ½·dt·ω = 0.5, with single changes going up and down between q and p
    public void ExactGradient_StillSolvesTheMidpointEquationToRoundOff(double omega, double dt)
    {
        var integrator = new Integrator(new HarmonicOscillator(1, 1, omega), IntegratorKind.ImplicitMidpoint);
        double[] q = [0.3], p = [0.7];
        integrator.Step(q, p, dt);
        double qm = 0.5 * (0.3 + q[0]), pm = 0.5 * (0.7 + p[0]);
        Assert.That(q[0] - 0.3, Is.EqualTo(dt * pm).Within(1e-14));
        Assert.That(p[0] - 0.7, Is.EqualTo(-dt * omega * omega * qm).Within(1e-14 * omega * omega));
    }
}
