// Force-shifted Lennard-Jones: analytic gradient, invariants, continuity at the cutoff, NVE energy conservation.
using Engine.Common;
using Engine.Dynamics;
using Engine.Simulation;
using NUnit.Framework;

namespace Engine.Tests.Simulation;

[TestFixture]
public class LennardJonesTests
{
    private static readonly LennardJonesSystem Fluid = new();

    // A short thermostatted run from the lattice: a liquid-like configuration with close contacts.
    private static (LennardJones H, double[] Q, double[] P) LiquidState(int particles, int seed, int steps = 200)
    {
        var data = Fluid.Generate(particles, trajectories: 1, snapshotsPerTrajectory: 1, stepsBetween: 1, equilibrationSteps: steps, seed: seed);
        return (Fluid.Hamiltonian(particles), data.Q, data.P);
    }

    // The textbook 12-6 potential with the force shift, written independently of the implementation.
    private static double ReferencePair(double r, double rc)
    {
        static double V(double x) => 4 * (Math.Pow(x, -12) - Math.Pow(x, -6));
        static double dV(double x) => 4 * (-12 * Math.Pow(x, -13) + 6 * Math.Pow(x, -7));
        return r < rc ? V(r) - V(rc) - (r - rc) * dV(rc) : 0;
    }

    [Test]
    public void TwoParticleEnergyMatchesTheForceShiftedFormula([Values(0.95, 1.122462048309373, 1.7, 2.49)] double r)
    {
        var lj = new LennardJones(2, [10, 10, 10]);
        // The pair straddles the periodic boundary: minimum image must be used.
        double[] q = [0.2, 5, 5, 0.2 - r, 5, 5];
        double[] p = [0.3, -0.1, 0.2, -0.3, 0.1, -0.2];
        double h = lj.Evaluate(q, p, default, default);
        double kinetic = (0.09 + 0.01 + 0.04) * 2 / 2;
        Assert.That(h, Is.EqualTo(kinetic + ReferencePair(r, 2.5)).Within(1e-12 * Math.Max(1, Math.Abs(h))));
    }

    [Test]
    public void GradientMatchesCentralFiniteDifferences()
    {
        var (lj, q, p) = LiquidState(108, seed: 5);
        int n = q.Length;
        var dHdq = new double[n];
        var dHdp = new double[n];
        lj.Evaluate(q, p, dHdq, dHdp);

        double step = 1e-5;
        var rng = new Random(1);
        var qq = (double[])q.Clone();
        var pp = (double[])p.Clone();
        double maxRelErr = 0;
        for (int t = 0; t < 40; t++)
        {
            int k = rng.Next(n);
            qq[k] = q[k] + step; double up = lj.Evaluate(qq, p, default, default);
            qq[k] = q[k] - step; double down = lj.Evaluate(qq, p, default, default);
            qq[k] = q[k];
            double fd = (up - down) / (2 * step);
            maxRelErr = Math.Max(maxRelErr, Math.Abs(fd - dHdq[k]) / Math.Max(1, Math.Abs(dHdq[k])));

            pp[k] = p[k] + step; up = lj.Evaluate(q, pp, default, default);
            pp[k] = p[k] - step; down = lj.Evaluate(q, pp, default, default);
            pp[k] = p[k];
            fd = (up - down) / (2 * step);
            Assert.That(dHdp[k], Is.EqualTo(fd).Within(1e-6 * Math.Max(1, Math.Abs(fd))), $"∂H/∂p[{k}]");
        }
        Assert.That(maxRelErr, Is.LessThan(1e-6));
        // The configuration must have real forces, or the check above is empty.
        Assert.That(dHdq.Max(Math.Abs), Is.GreaterThan(1));
    }

    [Test]
    public void ForcesSumToZero()
    {
        var (lj, q, p) = LiquidState(108, seed: 6, steps: 50);
        var g = new double[q.Length];
        lj.Evaluate(q, p, g, default);
        double scale = g.Sum(Math.Abs);
        for (int a = 0; a < 3; a++)
        {
            double sum = 0;
            for (int i = 0; i < 108; i++) sum += g[3 * i + a];
            Assert.That(Math.Abs(sum), Is.LessThan(1e-12 * scale), $"axis {a}");
        }
    }

    [Test]
    public void EnergyAndForceAreContinuousAtTheCutoff()
    {
        var lj = new LennardJones(2, [8, 8, 8], epsilon: 1.5, sigma: 1.1);
        double rc = lj.Cutoff;
        Assert.That(rc, Is.EqualTo(2.75).Within(1e-15));
        double[] p = new double[6];
        var g = new double[6];
        foreach (double delta in new[] { 1e-4, 1e-6 })
        {
            double[] q = [1, 1, 1, 1 + rc - delta, 1, 1];
            double v = lj.Evaluate(q, p, g, default);
            // Force-shifted: V ∝ δ² and F ∝ δ just inside rc (V″(rc) ≈ 0.04 here, so the bounds are generous).
            Assert.That(Math.Abs(v), Is.LessThan(delta * delta));
            Assert.That(Math.Abs(g[3]), Is.LessThan(delta));
            Assert.That(g[3], Is.EqualTo(-g[0]));
            Assert.That(Math.Abs(v), Is.GreaterThan(0), "the pair is still inside the cutoff");
        }
        double[] outside = [1, 1, 1, 1 + rc + 1e-9, 1, 1];
        Assert.That(lj.Evaluate(outside, p, g, default), Is.EqualTo(0));
        Assert.That(g, Is.All.EqualTo(0));
        // The unshifted potential is clearly non-zero there: the shift is doing the work.
        Assert.That(Math.Abs(lj.Unshifted(rc, out double dv)), Is.GreaterThan(1e-3));
        Assert.That(Math.Abs(dv), Is.GreaterThan(1e-3));
    }

    [Test]
    public void RepeatedEvaluationAtOneConfigurationIsConsistentAfterMoves()
    {
        // The potential cache must never return a stale configuration.
        var (lj, q, p) = LiquidState(108, seed: 7, steps: 20);
        var fresh = Fluid.Hamiltonian(108);
        var g1 = new double[q.Length]; var g2 = new double[q.Length];
        double h1 = lj.Evaluate(q, p, g1, default);
        q[17] += 0.01;
        double h2 = lj.Evaluate(q, p, g1, default);
        double h2Fresh = fresh.Evaluate(q, p, g2, default);
        Assert.That(h2, Is.Not.EqualTo(h1));
        Assert.That(h2, Is.EqualTo(h2Fresh));
        Assert.That(g1, Is.EqualTo(g2));
    }

    [Test]
    public void VelocityVerletConservesEnergy()
    {
        // Velocity Verlet conserves a shadow Hamiltonian: H itself fluctuates by O(dt²) (about 5e-4 relative here)
        // but must not drift. Drift = change of the mean over the first and last 200 steps of 2,000.
        var (lj, q, p) = LiquidState(108, seed: 8, steps: 300);
        var integrator = new Integrator(lj, IntegratorKind.VelocityVerlet);
        double h0 = lj.Evaluate(q, p, default, default);
        const int steps = 2000, window = 200;
        double first = 0, last = 0, maxDev = 0;
        for (int s = 0; s < steps; s++)
        {
            integrator.Step(q, p, 5e-3);
            double h = lj.Evaluate(q, p, default, default);   // free: the step already evaluated this q
            maxDev = Math.Max(maxDev, Math.Abs(h - h0));
            if (s < window) first += h / window;
            if (s >= steps - window) last += h / window;
        }
        double drift = Math.Abs(last - first) / Math.Abs(h0);
        TestContext.Out.WriteLine($"H0 = {h0}, drift = {drift:E3}, max |ΔH|/|H0| = {maxDev / Math.Abs(h0):E3}");
        Assert.That(drift, Is.LessThan(1e-4));
        Assert.That(maxDev / Math.Abs(h0), Is.LessThan(2e-3));
    }

    [Test]
    public void BoxShorterThanTwiceTheCutoffIsRefused()
    {
        var ex = Assert.Throws<InvalidInputException>(() => new LennardJones(10, [4, 6, 6]));
        Assert.That(ex!.Message, Does.Contain("axis 0"));
        Assert.Throws<InvalidInputException>(() => Fluid.Hamiltonian(32));   // L = 3.42 < 5 at ρ* = 0.8
    }
}
