// Rollout: recording layout, convergence order against the exact oscillator, and long-time energy behaviour.
using Engine.Common;
using Engine.Dynamics;
using NUnit.Framework;

namespace Engine.Tests.Dynamics;

public class RolloutTests
{
    [Test]
    public void RecordsInitialStateAndEveryOutputStep()
    {
        var h = new HarmonicOscillator(particles: 2, dimension: 3);
        double[] q0 = [1, 2, 3, 4, 5, 6], p0 = [-1, 0, 1, 0.5, 0.25, 0];
        var r = Rollout.Run(h, IntegratorKind.StormerVerlet, q0, p0, dt: 0.01, steps: 7, substeps: 3);

        Assert.That(r.Q, Has.Length.EqualTo(8 * 6));
        Assert.That(r.P, Has.Length.EqualTo(8 * 6));
        Assert.That(r.Energy, Has.Length.EqualTo(8));
        Assert.That(r.QAt(0).ToArray(), Is.EqualTo(q0));
        Assert.That(r.PAt(0).ToArray(), Is.EqualTo(p0));
        Assert.That(r.Energy[0], Is.EqualTo(h.Evaluate(q0, p0, default, default)));

        // Row t must equal 3·t integrator steps of dt/3 taken by hand.
        var integ = new Integrator(h, IntegratorKind.StormerVerlet);
        double[] q = (double[])q0.Clone(), p = (double[])p0.Clone();
        for (int t = 1; t <= 7; t++)
        {
            for (int s = 0; s < 3; s++) integ.Step(q, p, 0.01 / 3);
            Assert.That(r.QAt(t).ToArray(), Is.EqualTo(q), $"q at row {t}");
            Assert.That(r.PAt(t).ToArray(), Is.EqualTo(p), $"p at row {t}");
            Assert.That(r.Energy[t], Is.EqualTo(h.Evaluate(q, p, default, default)));
        }
    }

    [Test]
    public void ZeroStepsGivesOnlyTheInitialState()
    {
        var r = Rollout.Run(new HarmonicOscillator(), IntegratorKind.ImplicitMidpoint, [0.3], [0.4], 0.1, 0);
        Assert.That(r.Q, Is.EqualTo(new[] { 0.3 }));
        Assert.That(r.Energy, Has.Length.EqualTo(1));
    }

    [Test]
    public void RefusesBadArguments()
    {
        var h = new HarmonicOscillator(particles: 2);
        Assert.Throws<InvalidInputException>(() => Rollout.Run(h, IntegratorKind.StormerVerlet, [1.0], [1.0, 2.0], 0.1, 5));
        Assert.Throws<InvalidInputException>(() => Rollout.Run(h, IntegratorKind.StormerVerlet, [1.0, 2.0], [1.0, 2.0], 0.0, 5));
        Assert.Throws<InvalidInputException>(() => Rollout.Run(h, IntegratorKind.StormerVerlet, [1.0, 2.0], [1.0, 2.0], double.NaN, 5));
        Assert.Throws<InvalidInputException>(() => Rollout.Run(h, IntegratorKind.StormerVerlet, [1.0, 2.0], [1.0, 2.0], 0.1, -1));
        Assert.Throws<InvalidInputException>(() => Rollout.Run(h, IntegratorKind.StormerVerlet, [1.0, 2.0], [1.0, 2.0], 0.1, 5, substeps: 0));
    }

    // Max over the rollout of the phase-space distance to the exact solution, to final time tEnd.
    private static double MaxError(IntegratorKind kind, double dt, double tEnd)
    {
        var h = new HarmonicOscillator(omega: 1.3);
        double q0 = 0.7, p0 = -0.4;
        int steps = (int)Math.Round(tEnd / dt);
        var r = Rollout.Run(h, kind, [q0], [p0], dt, steps);
        double err = 0;
        for (int t = 0; t <= steps; t++)
        {
            var (q, p) = h.Exact(q0, p0, t * dt);
            err = Math.Max(err, Math.Max(Math.Abs(r.Q[t] - q), Math.Abs(r.P[t] - p)));
        }
        return err;
    }

    [TestCase(IntegratorKind.StormerVerlet)]
    [TestCase(IntegratorKind.VelocityVerlet)]
    [TestCase(IntegratorKind.ImplicitMidpoint)]
    public void MatchesExactSolutionToSecondOrder(IntegratorKind kind)
    {
        double e1 = MaxError(kind, 0.04, 10), e2 = MaxError(kind, 0.02, 10), e3 = MaxError(kind, 0.01, 10);
        Assert.That(e1, Is.LessThan(1e-2), "coarse error");
        // Second order: halving dt divides the error by ~4 (not ~2 as first order would, not ~16 as fourth order).
        Assert.That(e1 / e2, Is.InRange(3.6, 4.4));
        Assert.That(e2 / e3, Is.InRange(3.6, 4.4));
    }

    [TestCase(IntegratorKind.StormerVerlet, 1e-2)]
    [TestCase(IntegratorKind.ImplicitMidpoint, 1e-10)] // quadratic invariants are exact up to fixed-point tolerance and round-off
    public void EnergyErrorStaysBoundedOverTenThousandSteps(IntegratorKind kind, double bound)
    {
        var h = new HarmonicOscillator(omega: 1.0);
        var r = Rollout.Run(h, kind, [1.0], [0.5], dt: 0.1, steps: 10_000);
        double e0 = r.Energy[0];
        double early = 0, late = 0;
        for (int t = 0; t <= 1000; t++) early = Math.Max(early, Math.Abs(r.Energy[t] - e0) / e0);
        for (int t = 9000; t <= 10_000; t++) late = Math.Max(late, Math.Abs(r.Energy[t] - e0) / e0);
        Assert.That(late, Is.LessThan(bound));
        if (kind == IntegratorKind.StormerVerlet)
        {
            // A symplectic method oscillates around a shadow energy: the excursion at the end equals the one at the start.
            Assert.That(early, Is.GreaterThan(1e-4), "the test must see Verlet's O(dt²) energy oscillation");
            Assert.That(late / early, Is.InRange(0.9, 1.1));
        }
    }

    [Test]
    public void ImplicitMidpointConservesNonSeparableQuadraticHamiltonian()
    {
        var h = new NonSeparableOscillator(epsilon: 0.3, eta: 0);
        var r = Rollout.Run(h, IntegratorKind.ImplicitMidpoint, [1.0], [0.5], dt: 0.1, steps: 1000);
        double e0 = r.Energy[0];
        for (int t = 0; t <= 1000; t++)
            Assert.That(Math.Abs(r.Energy[t] - e0) / e0, Is.LessThan(1e-10), $"step {t}");
        // The state really moved (the check above is not trivially met by a frozen rollout).
        Assert.That(Math.Abs(r.Q[500] - r.Q[0]) + Math.Abs(r.Q[1000] - r.Q[0]), Is.GreaterThan(1e-2));
    }

    [Test]
    public void ImplicitMidpointKeepsQuarticNonSeparableEnergyErrorSecondOrderAndBounded()
    {
        // For a non-quadratic H the midpoint rule conserves a shadow Hamiltonian: the error is O(dt²), not round-off.
        var h = new NonSeparableOscillator(epsilon: 0, eta: 0.1);
        double MaxDrift(double dt, int steps, int from)
        {
            var r = Rollout.Run(h, IntegratorKind.ImplicitMidpoint, [1.0], [0.5], dt, steps);
            double m = 0;
            for (int t = from; t <= steps; t++) m = Math.Max(m, Math.Abs(r.Energy[t] - r.Energy[0]) / r.Energy[0]);
            return m;
        }
        double coarse = MaxDrift(0.01, 1000, 0), fine = MaxDrift(0.005, 2000, 0);
        Assert.That(coarse, Is.LessThan(1e-5));
        Assert.That(coarse / fine, Is.InRange(3.6, 4.4));
        // No secular drift: the last tenth of a 10× longer run is no worse than the whole short run.
        Assert.That(MaxDrift(0.01, 10_000, 9000), Is.LessThan(1.1 * coarse));
    }
}
