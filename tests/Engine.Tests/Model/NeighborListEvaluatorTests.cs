// NeighborListEvaluator: a host's full list with periodic-image ghosts reproduces the periodic cell; weights, gradients, refusals.
using Engine.Common;
using Engine.Features;
using Engine.Model;
using Engine.Tests.Support;
using NUnit.Framework;

namespace Engine.Tests.Model;

public class NeighborListEvaluatorTests
{
    private const double Cutoff = 2.5;

    /// <summary>A two-species pair model with an LJ-like spread of head coefficients, over a periodic gas (box 6 ≥ 2 r_c).</summary>
    internal static (HamiltonianModel Model, TestSystem S) PairModel(int species = 2, int n = 40, int seed = 21)
    {
        var s = TestSystems.PeriodicGas(n, 6.0, Cutoff, seed: seed, species: species);
        var f = TestSystems.Pair(s, SamplerKind.Swim, ActivationKind.Tanh, 9, width: 32);
        var theta = Enumerable.Range(0, f.FeatureCount).Select(k => k < species ? 1.0 : Math.Cos(1.3 * k) / (1 + 0.01 * k)).ToArray();
        var model = new HamiltonianModel(f, theta, -0.5, new GraphRule(false, Cutoff),
            new ModelInfo { Sampler = SamplerKind.Swim, Activation = ActivationKind.Tanh, Seed = 9 });
        return (model, s);
    }

    private static double Evaluate(NeighborListEvaluator ev, HostLists h, double[]? positions, double[]? forces, double[]? virial, double[]? perAtom,
                                   bool contributingFlags = true) =>
        ev.EvaluatePotential(positions ?? h.Positions, h.Species, contributingFlags ? h.Contributing : default, h.Offsets, h.Neighbors,
            forces, virial, perAtom);

    [TestCase(0.0)]
    [TestCase(0.6)]
    public void PeriodicImageGhostsReproduceThePeriodicCell(double skin)
    {
        var (model, s) = PairModel();
        var h = HostLists.Periodic(s.Q, s.Species, s.Box!, Cutoff + skin, Cutoff + skin);
        Assert.That(h.Total, Is.GreaterThan(3 * h.Owned), "the ghost shell holds many images");
        var owned = h.Positions.AsSpan(0, s.N * 3).ToArray();
        double[] fRef = new double[s.N * 3], vRef = new double[6], eRef = new double[s.N];
        double energyRef = model.CreateEvaluator(s.Mass, s.Species, null, s.Box).EvaluatePotential(owned, fRef, vRef, eRef);

        var ev = model.CreateNeighborListEvaluator();
        double[] forces = new double[h.Total * 3], virial = new double[6], perAtom = new double[h.Total];
        double energy = Evaluate(ev, h, null, forces, virial, perAtom);

        Tol.AssertClose(energyRef, energy, 1e-12, what: "energy");
        var folded = h.FoldForces(forces);
        double fScale = fRef.Max(Math.Abs);
        Assert.That(fScale, Is.GreaterThan(1e-3), "the configuration has forces");
        for (int k = 0; k < fRef.Length; k++) Tol.AssertClose(fRef[k], folded[k], 0, 1e-12 * fScale, $"force {k}");
        double vScale = vRef.Max(Math.Abs);
        for (int k = 0; k < 6; k++) Tol.AssertClose(vRef[k], virial[k], 0, 1e-12 * vScale, $"virial {k}");
        double eScale = eRef.Max(Math.Abs);
        for (int i = 0; i < s.N; i++) Tol.AssertClose(eRef[i], perAtom[i], 0, 1e-12 * eScale, $"per-atom energy {i}");
        for (int k = s.N; k < h.Total; k++) Assert.That(perAtom[k], Is.EqualTo(0), $"ghost {k} has no energy");
        Tol.AssertClose(energy, perAtom.Sum(), 1e-12, what: "per-atom energies sum to E");
        Assert.That(Evaluate(ev, h, null, null, null, null), Is.EqualTo(energy), "energy alone (no outputs requested) is the same number");
    }

    [Test]
    public void NeighboursBeyondTheCutoffChangeNothing()
    {
        var (model, s) = PairModel();
        var h = HostLists.Periodic(s.Q, s.Species, s.Box!, Cutoff + 1.0, Cutoff);
        var ev = model.CreateNeighborListEvaluator();
        double[] f0 = new double[h.Total * 3], v0 = new double[6], e0 = new double[h.Total];
        double energy0 = Evaluate(ev, h, null, f0, v0, e0);
        int tight = h.Neighbors.Length;
        h.BuildFullList(Cutoff + 1.0, ghostLists: true);   // skin, and lists for the ghosts too (ignored)
        Assert.That(h.Neighbors.Length, Is.GreaterThan(2 * tight), "the skin list holds many more neighbours");
        double[] f1 = new double[h.Total * 3], v1 = new double[6], e1 = new double[h.Total];
        double energy1 = Evaluate(ev, h, null, f1, v1, e1);
        // The kept pairs are the same and come in the same order, so the sums are the same bits.
        Assert.That(energy1, Is.EqualTo(energy0));
        Assert.That(f1, Is.EqualTo(f0));
        Assert.That(v1, Is.EqualTo(v0));
        Assert.That(e1, Is.EqualTo(e0));
    }

    [Test]
    public void APairWithAGhostCountsHalf()
    {
        var (model, _) = PairModel(species: 2);
        double[] q = [0.1, 0.2, 0.3, 1.2, 0.5, -0.4];   // r ≈ 1.2 < r_c
        int[] species = [0, 1];
        double[] fOpen = new double[6];
        double phi = model.CreateEvaluator([1.0, 1.0], species, null, null).EvaluatePotential(q, fOpen, default, default);
        Assert.That(Math.Abs(phi), Is.GreaterThan(1e-6), "the pair interacts");
        var ev = model.CreateNeighborListEvaluator();
        long[] offsets = [0, 1, 1];   // the ghost's list is empty
        int[] neighbors = [1];
        double[] f = new double[6], v = new double[6], e = new double[2];
        double energy = ev.EvaluatePotential(q, species, [1, 0], offsets, neighbors, f, v, e);
        Tol.AssertClose(0.5 * phi, energy, 1e-15, what: "E = ½φ");
        for (int k = 0; k < 6; k++) Tol.AssertClose(0.5 * fOpen[k], f[k], 1e-15, 1e-300, $"force {k} = ½ of the open pair's");
        Assert.That(e, Is.EqualTo(new[] { 0.5 * phi, 0.0 }), "E_0 = ½φ, the ghost 0");
        // Both contributing: counted once, in full.
        double both = ev.EvaluatePotential(q, species, [1, 1], [0, 1, 2], [1, 0], f, v, e);
        Tol.AssertClose(phi, both, 1e-15, what: "E = φ when both contribute");
        for (int k = 0; k < 6; k++) Tol.AssertClose(fOpen[k], f[k], 1e-15, 1e-300, $"force {k}");
        // Two ghosts: nothing.
        Assert.That(ev.EvaluatePotential(q, species, [0, 0], offsets, neighbors, f, v, e), Is.EqualTo(0));
        Assert.That(f.All(x => x == 0) && e.All(x => x == 0), "no forces or energy without a contributing particle");
    }

    [Test]
    public void ForcesOnEveryParticleAreMinusTheEnergyGradient()
    {
        var (model, s) = PairModel(n: 30, seed: 5);
        // An open cluster: the first 30 gas atoms as given, particles 20.. flagged as ghosts (their lists unread).
        var h = new HostLists
        {
            Owned = 20, Total = s.N, Positions = s.Q, Species = s.Species, Owner = Enumerable.Range(0, s.N).ToArray(),
            Contributing = Enumerable.Range(0, s.N).Select(i => i < 20 ? 1 : 0).ToArray(),
        };
        h.BuildFullList(Cutoff + 0.3, ghostLists: true);
        var ev = model.CreateNeighborListEvaluator();
        var forces = new double[s.N * 3];
        Evaluate(ev, h, null, forces, null, null);
        Assert.That(forces.Skip(60).Any(x => Math.Abs(x) > 1e-3), "ghosts feel forces");
        const double step = 1e-5;
        double scale = forces.Max(Math.Abs);
        for (int k = 0; k < s.N * 3; k++)
        {
            var q = (double[])s.Q.Clone();
            q[k] += step; double ep = Evaluate(ev, h, q, null, null, null);
            q[k] -= 2 * step; double em = Evaluate(ev, h, q, null, null, null);
            Tol.AssertClose(-(ep - em) / (2 * step), forces[k], Tol.FiniteDifference, 1e-8 * scale, $"force component {k}");
        }
    }

    [Test]
    public void RepeatedCallsAllocateNothing()
    {
        var (model, s) = PairModel();
        var h = HostLists.Periodic(s.Q, s.Species, s.Box!, Cutoff, Cutoff);
        var ev = model.CreateNeighborListEvaluator();
        double[] f = new double[h.Total * 3], v = new double[6], e = new double[h.Total];
        Evaluate(ev, h, null, f, v, e);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 3; k++) Evaluate(ev, h, null, f, v, e);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.EqualTo(0));
    }

    private static string Refusal(TestDelegate call)
    {
        var e = Assert.Throws<InvalidInputException>(call);
        return e!.Message;
    }

    [Test]
    public void BadInputsAreRefusedNamingTheArgument()
    {
        var (model, _) = PairModel();
        var ev = model.CreateNeighborListEvaluator();
        double[] q = [0, 0, 0, 1, 0, 0, 0, 1.1, 0];
        int[] sp = [0, 1, 0], flags = [1, 1, 0];
        long[] offsets = [0, 2, 4, 4];
        int[] nb = [1, 2, 0, 2];
        Assert.That(ev.EvaluatePotential(q, sp, flags, offsets, nb, null, null, null), Is.Not.NaN, "the valid call");
        Assert.That(Refusal(() => ev.EvaluatePotential(q, sp, flags, [1, 2, 4, 4], nb, null, null, null)), Does.Contain("'neighbor_offsets'[0]"));
        Assert.That(Refusal(() => ev.EvaluatePotential(q, sp, flags, [0, 3, 2, 4], nb, null, null, null)), Does.Contain("decreases"));
        Assert.That(Refusal(() => ev.EvaluatePotential(q, sp, flags, [0, 2, 4, 5], nb, null, null, null)), Does.Contain("'neighbor_offsets'[natoms]"));
        Assert.That(Refusal(() => ev.EvaluatePotential(q, sp, flags, offsets, [1, 3, 0, 2], null, null, null)), Does.Contain("'neighbors'").And.Contain("outside"));
        Assert.That(Refusal(() => ev.EvaluatePotential(q, sp, flags, offsets, [1, -1, 0, 2], null, null, null)), Does.Contain("'neighbors'").And.Contain("outside"));
        Assert.That(Refusal(() => ev.EvaluatePotential(q, sp, flags, offsets, [1, 2, 1, 2], null, null, null)), Does.Contain("'neighbors'").And.Contain("its own neighbour"));
        var nan = (double[])q.Clone(); nan[4] = double.NaN;
        Assert.That(Refusal(() => ev.EvaluatePotential(nan, sp, flags, offsets, nb, null, null, null)), Does.Contain("'positions'").And.Contain("non-finite"));
        Assert.That(Refusal(() => ev.EvaluatePotential(q, [0, 2, 0], flags, offsets, nb, null, null, null)), Does.Contain("'species' entry 1"));
        Assert.That(Refusal(() => ev.EvaluatePotential(q, [0, -1, 0], flags, offsets, nb, null, null, null)), Does.Contain("'species' entry 1"));
        Assert.That(Refusal(() => ev.EvaluatePotential(q, sp, [1, 2, 0], offsets, nb, null, null, null)), Does.Contain("'contributing' entry 1"));
        Assert.That(Refusal(() => ev.EvaluatePotential(q.AsSpan(0, 6), sp, flags, offsets, nb, null, null, null)), Does.Contain("'positions'"));
        var same = (double[])q.Clone(); same[6] = 1; same[7] = 0;   // particle 2 on top of particle 1
        Assert.That(Refusal(() => ev.EvaluatePotential(same, sp, flags, offsets, nb, null, null, null)), Does.Contain("same position"));
    }

    [Test]
    public void ModelsWithoutAPairCutoffAreRefused()
    {
        var springs = TestSystems.Springs(3, 2, 8);
        var graph = TestSystems.Graph(springs, SamplerKind.Swim, ActivationKind.Tanh, 4, widths: 8);
        var g = new HamiltonianModel(graph, new double[graph.FeatureCount], 0, new GraphRule(true, 0),
            new ModelInfo { Sampler = SamplerKind.Swim, Activation = ActivationKind.Tanh, Seed = 4 });
        Assert.That(Refusal(() => g.CreateNeighborListEvaluator()), Does.Contain("separable pair models"));
        var pf = TestSystems.Pair(springs, SamplerKind.Swim, ActivationKind.Tanh, 4, width: 8);
        var fixedPair = new HamiltonianModel(pf, new double[pf.FeatureCount], 0, new GraphRule(true, 0),
            new ModelInfo { Sampler = SamplerKind.Swim, Activation = ActivationKind.Tanh, Seed = 4 });
        Assert.That(Refusal(() => fixedPair.CreateNeighborListEvaluator()), Does.Contain("fixed topology"));
    }
}
