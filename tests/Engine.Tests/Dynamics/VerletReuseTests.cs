// MD with a reused Verlet list: the same trajectory as a fresh search every step, far fewer searches, same bits every run.
using Engine.Dynamics;
using Engine.Features;
using Engine.Model;
using Engine.Simulation;
using Engine.Tests.Support;
using NUnit.Framework;

namespace Engine.Tests.Dynamics;

public class VerletReuseTests
{
    private const int Particles = 256;   // box 6.84σ at ρ* = 0.8: above 2·(rc + skin) for every skin used here

    private static (double[] Q, double[] P) LiquidStart()
    {
        var sys = new LennardJonesSystem();
        var q = new double[3 * Particles];
        var p = new double[3 * Particles];
        sys.InitialState(Particles, seed: 5, q, p);
        return (q, p);
    }

    private static (RolloutResult Run, long Searches) LennardJonesRun(double skin, int steps)
    {
        var (q, p) = LiquidStart();
        var lj = new LennardJonesSystem { Skin = skin }.Hamiltonian(Particles);
        var run = Rollout.Run(lj, IntegratorKind.VelocityVerlet, q, p, dt: 5e-3, steps: steps);
        return (run, lj.NeighbourSearches);
    }

    private static double MaxRelativeDifference(double[] a, double[] b)
    {
        double diff = 0, scale = 0;
        for (int k = 0; k < a.Length; k++) { diff = Math.Max(diff, Math.Abs(a[k] - b[k])); scale = Math.Max(scale, Math.Abs(b[k])); }
        return diff / scale;
    }

    [Test]
    public void LennardJonesTrajectoryWithSkinMatchesSearchingEveryStep()
    {
        const int steps = 300;
        var (fresh, freshSearches) = LennardJonesRun(0, steps);
        var (reused, reusedSearches) = LennardJonesRun(0.3, steps);
        // Only the order of the pair sums differs, so states differ by round-off grown by the (chaotic) dynamics.
        TestContext.Out.WriteLine($"skin 0.3 vs 0 after {steps} steps: q {MaxRelativeDifference(reused.Q, fresh.Q):G3}, " +
            $"p {MaxRelativeDifference(reused.P, fresh.P):G3}, H {MaxRelativeDifference(reused.Energy, fresh.Energy):G3}; searches {reusedSearches} vs {freshSearches}");
        Assert.That(MaxRelativeDifference(reused.Q, fresh.Q), Is.LessThan(1e-12), "positions");
        Assert.That(MaxRelativeDifference(reused.P, fresh.P), Is.LessThan(1e-11), "momenta");
        Assert.That(MaxRelativeDifference(reused.Energy, fresh.Energy), Is.LessThan(1e-12), "energy");
        // velocity Verlet needs one new configuration per step, plus the initial one.
        Assert.That(freshSearches, Is.EqualTo(steps + 1));
        Assert.That(reusedSearches, Is.LessThan(steps / 5), "the list should be rebuilt every ~10–30 steps at T* = 1");
    }

    [Test]
    public void EverySkinGivesTheSameBitsAndRunsAreReproducible()
    {
        const int steps = 120;
        var (a, searchesA) = LennardJonesRun(0.15, steps);
        var (b, searchesB) = LennardJonesRun(0.6, steps);
        var (c, _) = LennardJonesRun(0.15, steps);
        // The list emits pairs in (i, j) order with brute force's arithmetic, whatever its rebuild history.
        Assert.That(b.Q, Is.EqualTo(a.Q));
        Assert.That(b.P, Is.EqualTo(a.P));
        Assert.That(c.Q, Is.EqualTo(a.Q));
        Assert.That(c.Energy, Is.EqualTo(a.Energy));
        Assert.That(searchesB, Is.LessThan(searchesA), "a wider skin rebuilds less often");
    }

    [Test]
    public void NegativeOrNonFiniteSkinIsRefused()
    {
        Assert.Throws<Engine.Common.InvalidInputException>(() => new LennardJones(32, [5, 5, 5], skin: -0.1));
        Assert.Throws<Engine.Common.InvalidInputException>(() => new LennardJones(32, [5, 5, 5], skin: double.PositiveInfinity));
        var (model, s) = PairModel();
        Assert.Throws<Engine.Common.InvalidInputException>(() => model.CreateEvaluator(s.Mass, s.Species, null, s.Box, skin: -1));
        Assert.That(new LennardJones(32, [5, 5, 5]).Skin, Is.EqualTo(LennardJones.DefaultSkinOverSigma));
    }

    // A separable pair model with a fixed, smooth head: velocity Verlet through ModelEvaluator, as `hgn rollout` runs it.
    private static (HamiltonianModel Model, TestSystem S) PairModel()
    {
        var s = TestSystems.PeriodicGas(40, 6.0, 2.2, seed: 4);
        var f = TestSystems.Pair(s, SamplerKind.Swim, ActivationKind.Tanh, 9, width: 16);
        var theta = Enumerable.Range(0, f.FeatureCount).Select(k => k == 0 ? 1.0 : 0.05 * Math.Cos(0.9 * k)).ToArray();
        var model = new HamiltonianModel(f, theta, 0, new GraphRule(false, 2.2),
            new ModelInfo { Sampler = SamplerKind.Swim, Activation = ActivationKind.Tanh, Seed = 9 });
        return (model, s);
    }

    [Test]
    public void ModelRolloutWithSkinMatchesSearchingEveryStep()
    {
        var (model, s) = PairModel();
        const int steps = 200;
        RolloutResult Run(double? skin, out ModelEvaluator ev)
        {
            ev = model.CreateEvaluator(s.Mass, s.Species, null, s.Box, skin);
            return Rollout.Run(ev, IntegratorKind.VelocityVerlet, s.Q, s.P, dt: 0.01, steps: steps);
        }
        var fresh = Run(0, out var evFresh);
        var byDefault = Run(null, out var evDefault);
        var wide = Run(0.5, out _);
        Assert.That(evFresh.NeighbourList, Is.Null, "skin 0 searches afresh with the cell list");
        Assert.That(evDefault.NeighbourList!.Skin, Is.EqualTo(HamiltonianModel.DefaultSkinFraction * 2.2).Within(1e-15));
        Assert.That(MaxRelativeDifference(byDefault.Q, fresh.Q), Is.LessThan(1e-12));
        Assert.That(MaxRelativeDifference(byDefault.P, fresh.P), Is.LessThan(1e-11));
        Assert.That(wide.Q, Is.EqualTo(byDefault.Q), "every skin gives the same bits");
        Assert.That(evDefault.NeighbourList.Builds, Is.LessThan(steps / 3));
        Assert.That(evDefault.NeighbourList.Updates, Is.GreaterThan(steps));
    }
}
