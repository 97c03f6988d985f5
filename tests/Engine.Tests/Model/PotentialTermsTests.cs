// ModelEvaluator.EvaluatePotential (the MD path of the C ABI): energy, forces, virial and per-atom energy of pair models.
using Engine.Common;
using Engine.Features;
using Engine.Model;
using Engine.Tests.Support;
using NUnit.Framework;

namespace Engine.Tests.Model;

public class PotentialTermsTests
{
    private static (HamiltonianModel Model, TestSystem S) PairModel(int species = 2)
    {
        var s = TestSystems.PeriodicGas(24, 5.0, 2.2, seed: 11, species: species);
        var f = TestSystems.Pair(s, SamplerKind.Swim, ActivationKind.Tanh, 3, width: 24);
        var theta = Enumerable.Range(0, f.FeatureCount).Select(k => k < species ? 1.0 : 0.3 * Math.Sin(0.7 * k + 0.2)).ToArray();
        var model = new HamiltonianModel(f, theta, 0.75, new GraphRule(false, 2.2),
            new ModelInfo { Sampler = SamplerKind.Swim, Activation = ActivationKind.Tanh, Seed = 3 });
        return (model, s);
    }

    [Test]
    public void EnergyAndForcesAgreeWithTheHamiltonianGradient()
    {
        var (model, s) = PairModel();
        var ev = model.CreateEvaluator(s.Mass, s.Species, null, s.Box);
        int nd = s.N * 3;
        double[] forces = new double[nd], perAtom = new double[s.N], virial = new double[6];
        double v = ev.EvaluatePotential(s.Q, forces, virial, perAtom);
        double[] dHdq = new double[nd], dHdp = new double[nd], zeroP = new double[nd];
        double h = model.CreateEvaluator(s.Mass, s.Species, null, s.Box).Evaluate(s.Q, zeroP, dHdq, dHdp);
        Assert.That(v, Is.EqualTo(h - model.Theta0).Within(1e-12 * Math.Max(1, Math.Abs(h))), "V̂ = Ĥ(q, 0) − θ₀");
        for (int k = 0; k < nd; k++) Assert.That(forces[k], Is.EqualTo(-dHdq[k]).Within(1e-12), $"force {k}");
        Assert.That(forces.Any(x => Math.Abs(x) > 1e-6), "the configuration has nonzero forces");
        Assert.That(perAtom.Sum(), Is.EqualTo(v).Within(1e-12 * Math.Max(1, Math.Abs(v))), "per-atom energies sum to V̂");
        for (int a = 0; a < 3; a++) Assert.That(Enumerable.Range(0, s.N).Sum(i => forces[i * 3 + a]), Is.EqualTo(0).Within(1e-10), "Σ forces = 0");
    }

    [Test]
    public void VirialIsMinusTheStrainDerivativeOfTheEnergy()
    {
        var (model, s) = PairModel(species: 1);
        var virial = new double[6];
        model.CreateEvaluator(s.Mass, s.Species, null, s.Box).EvaluatePotential(s.Q, default, virial, default);
        // W_ab = −∂V/∂ε_ab under the homogeneous deformation x_a → x_a + ε x_b (box deformed alike; pair
        // displacements transform the same way, so an open cluster gives the same derivative).
        var cluster = s.Q.Take(8 * 3).ToArray();
        var openVirial = new double[6];
        var eval8 = model.CreateEvaluator(s.Mass.Take(8).ToArray(), s.Species.Take(8).ToArray(), null, null);
        eval8.EvaluatePotential(cluster, default, openVirial, default);
        (int A, int B)[] order = [(0, 0), (1, 1), (2, 2), (0, 1), (0, 2), (1, 2)];
        const double eps = 1e-6;
        for (int c = 0; c < 6; c++)
        {
            double Energy(double e)
            {
                var q = (double[])cluster.Clone();
                for (int i = 0; i < 8; i++) q[i * 3 + order[c].A] += e * cluster[i * 3 + order[c].B];
                return eval8.EvaluatePotential(q, default, default, default);
            }
            double fd = -(Energy(eps) - Energy(-eps)) / (2 * eps);
            Assert.That(openVirial[c], Is.EqualTo(fd).Within(1e-6 * Math.Max(1, Math.Abs(fd))), $"virial component {c}");
        }
        Assert.That(openVirial.Take(3).Any(x => Math.Abs(x) > 1e-6), "the cluster has a nonzero virial");
        Assert.That(virial.Take(3).Any(x => Math.Abs(x) > 1e-6), "the periodic gas has a nonzero virial");
    }

    [Test]
    public void UnrequestedOutputsAreSkippedAndTheEnergyIsUnchanged()
    {
        var (model, s) = PairModel();
        var ev = model.CreateEvaluator(s.Mass, s.Species, null, s.Box);
        double full = ev.EvaluatePotential(s.Q, new double[s.N * 3], new double[6], new double[s.N]);
        double bare = ev.EvaluatePotential(s.Q, default, default, default);
        Assert.That(BitConverter.DoubleToInt64Bits(bare), Is.EqualTo(BitConverter.DoubleToInt64Bits(full)));
    }

    [Test]
    public void RepeatedEvaluationAllocatesNothing()
    {
        var (model, s) = PairModel();
        var ev = model.CreateEvaluator(s.Mass, s.Species, null, s.Box);
        double[] forces = new double[s.N * 3], virial = new double[6], perAtom = new double[s.N];
        ev.EvaluatePotential(s.Q, forces, virial, perAtom);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 10; k++) ev.EvaluatePotential(s.Q, forces, virial, perAtom);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.EqualTo(0), "bytes allocated by 10 MD-step evaluations");
    }

    [Test]
    public void NonSeparableModelIsRefused()
    {
        var s = TestSystems.Springs(3, 2, 5);
        var f = TestSystems.Graph(s, SamplerKind.Swim, ActivationKind.Tanh, 1, widths: 8);
        var model = new HamiltonianModel(f, new double[f.FeatureCount], 0, new GraphRule(true, 0),
            new ModelInfo { Sampler = SamplerKind.Swim, Activation = ActivationKind.Tanh, Seed = 1 });
        var ev = model.CreateEvaluator(s.Mass, s.Species, s.Pairs, null);
        var e = Assert.Throws<InvalidInputException>(() => ev.EvaluatePotential(s.Q, default, default, default));
        Assert.That(e!.Message, Does.Contain("separable"));
    }
}
