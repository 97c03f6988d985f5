// Zero-shot size generalisation (method.md §5.2, §10.1): train on 8-node chains / 3×3 lattices, score derivatives on 4096-node chains / 100×100 lattices.
using Engine.Data;
using Engine.Features;
using Engine.Metrics;
using Engine.Model;
using Engine.Simulation;
using Engine.Training;
using NUnit.Framework;

namespace Engine.Tests.Training;

/// <summary>
/// A fixed-topology graph HGN trained on a tiny spring system is applied, without retraining, to the same kind of
/// system with hundreds to thousands of times more nodes. Widths are 64/64/256 rather than the default 128/128/1024:
/// the defaults take ≈ 20 s (SWIM) / 25–33 s (ELM) to train here on 2 cores and are barely more accurate out of range
/// (median relative L2 at N = 4096 over ten test draws 6.4e-3 vs 8.8e-3, σ = 0.1 training; numbers in the README). Test systems use the default generator (δ 0.1, σ 0.1, Δt 0.1, 100 substeps).
/// </summary>
[TestFixture]
public class ZeroShotTests
{
    private const int TrainSeed = 1, TestSeed = 2;

    private static TrainingOptions Options(SamplerKind sampler) => new()
    {
        Sampler = sampler, WidthNode = 64, WidthEdge = 64, WidthMessage = 256,
    };

    private static PhaseSpaceData Generate(string geometry, int[] size, int trajectories, int snapshots, int seed, double momentumStd = 0.1) =>
        new TrajectoryGenerator
        {
            Trajectories = trajectories, SnapshotsPerTrajectory = snapshots, MomentumStd = momentumStd, Seed = seed,
        }.Generate(SpringSystems.Create(geometry, size, "harmonic"));

    private static DerivativeErrorSummary Score(HamiltonianModel model, PhaseSpaceData data) =>
        DerivativeErrors.Evaluate(model.CreateEvaluator(data.Mass, data.Species, data.Edges, data.Box), data);

    private static void Log(string line) => TestContext.Out.WriteLine(line);

    /// <summary>
    /// An 8-node chain sees fewer extreme kinetic energies than a 4096-node one (the largest of far fewer draws, and
    /// the mean-momentum removal takes 1/8 of the variance), so training uses σ = 0.2: its largest A = |p|²/2m (0.21)
    /// covers what σ = 0.1 chains reach (0.08–0.14 at N = 4096 over ten test draws). Then the error is flat in N.
    /// </summary>
    [Test]
    public void Chain_TrainedOnEightNodes_ScoresTheSameUpTo4096Nodes()
    {
        var train = Generate("chain", [8], 20, 50, TrainSeed, momentumStd: 0.2);
        var (model, _) = Trainer.Train(train, Options(SamplerKind.Swim));

        var relative = new List<double>();
        foreach (var (n, trajectories, snapshots) in new[] { (8, 5, 20), (64, 4, 5), (512, 2, 3), (4096, 2, 3) })
        {
            var test = Generate("chain", [n], trajectories, snapshots, TestSeed);
            var e = Score(model, test);
            Log($"chain N={n}: relative L2 {e.RelativeL2:E2}, MSE {e.Mse:E2} (q̇ {e.DqMse:E2}, ṗ {e.DpMse:E2})");
            Assert.That(e.RelativeL2, Is.LessThanOrEqualTo(1e-2), $"N = {n}: the zero-shot requirement");
            // Measured ≈ 5e-8 at every N; 1e-6 still catches a model that transfers only to the requirement's level.
            Assert.That(e.RelativeL2, Is.LessThanOrEqualTo(1e-6), $"N = {n}");
            relative.Add(e.RelativeL2);
        }
        Assert.That(relative[^1], Is.LessThanOrEqualTo(10 * relative[0]), "error at N = 4096 vs the training size N = 8");
    }

    /// <summary>
    /// Trained on the same σ = 0.1 distribution as the test chains, the 4096-node chain reaches kinetic energies the
    /// 8-node training never saw. Node states whose inputs all lie inside the training ranges are still fitted to
    /// ≈ 1e-7; the error is carried by the ≈ 1% outside (SWIM's tanh features extrapolate poorly in A).
    /// </summary>
    [Test]
    public void Chain_TrainedOnTheTestMomentumScale_IsAccurateWhereverItsInputsWereSeen()
    {
        var train = Generate("chain", [8], 20, 50, TrainSeed);
        var (model, _) = Trainer.Train(train, Options(SamplerKind.Swim));
        var test = Generate("chain", [4096], 2, 3, TestSeed);

        var seen = InputCoverage.Of(train);
        var big = InputCoverage.Of(test);
        var total = Score(model, test);
        var split = seen.Split(model.CreateEvaluator(test.Mass, test.Species, test.Edges, test.Box), test);
        Log($"max A = |p|²/2m: training {seen.MaxKinetic:F4}, N=4096 {big.MaxKinetic:F4}; " +
            $"max |r − 1|: training {seen.MaxExtension:F4}, N=4096 {big.MaxExtension:F4}");
        Log($"training inputs: {seen.Describe()}");
        Log($"N=4096 inputs:   {big.Describe()}");
        Log($"N=4096 total: relative L2 {total.RelativeL2:E2}, MSE {total.Mse:E2} (q̇ {total.DqMse:E2}, ṗ {total.DpMse:E2})");
        Log($"inside the training ranges: {split.InsideCount} node states, relative L2 {split.InsideRelativeL2:E2}, MSE {split.InsideMse:E2}");
        Log($"outside: {split.OutsideCount} node states, relative L2 {split.OutsideRelativeL2:E2}, MSE {split.OutsideMse:E2}, " +
            $"{100 * split.OutsideShare:F4}% of the squared error");

        Assert.That(big.MaxKinetic, Is.GreaterThan(seen.MaxKinetic), "premise: the big chain leaves the training range of A");
        Assert.That(split.OutsideCount, Is.GreaterThan(0));
        Assert.That(split.InsideRelativeL2, Is.LessThanOrEqualTo(1e-5), "error on node states with seen inputs");
        Assert.That(total.RelativeL2, Is.LessThan(1), "below the zero predictor");
    }

    /// <summary>3×3 → 100×100 (10,000 nodes), the paper's successful 2D lattice transfer, with SWIM.</summary>
    [Test]
    public void Lattice_Swim_TrainedOn3x3_TransfersTo100x100()
    {
        var (e, split) = TrainLatticeAndScore(SamplerKind.Swim);
        // Measured 4.1e-3 with these seeds (7e-4 … 1.3e-2 over test seeds 2–11); the error sits on the ≈ 5% of node
        // states whose inputs leave the training ranges.
        Assert.That(e.RelativeL2, Is.LessThanOrEqualTo(1e-2));
        Assert.That(split.InsideRelativeL2, Is.LessThanOrEqualTo(1e-4));
    }

    /// <summary>The same with ELM. The paper reports ELM ≈ 1 order worse; here it is orders better (see README).</summary>
    [Test]
    public void Lattice_Elm_TrainedOn3x3_TransfersTo100x100()
    {
        var (e, _) = TrainLatticeAndScore(SamplerKind.Elm);
        Assert.That(double.IsFinite(e.RelativeL2), Is.True);
        Assert.That(e.RelativeL2, Is.LessThan(1), "below the zero predictor (relative L2 = 1)");
    }

    /// <summary>
    /// With training momenta σ = 0.2 the training inputs cover the 100×100 lattice's, and the transfer is accurate to
    /// ≈ 3e-7 (3×3) / 1e-7 (2×2) on every test draw measured. The paper reports 2×2 → 100×100 as failing for lack of
    /// degree-4 nodes; here no feature depends on a node's degree (node term separate, messages pairwise), so it works.
    /// </summary>
    [TestCase(3)]
    [TestCase(2)]
    public void Lattice_Swim_TrainedOnCoveringMomenta_TransfersTo100x100(int side)
    {
        var train = Generate("lattice2d", [side, side], 20, 50, TrainSeed, momentumStd: 0.2);
        var (model, _) = Trainer.Train(train, Options(SamplerKind.Swim));
        var test = Generate("lattice2d", [100, 100], 1, 3, TestSeed);
        var e = Score(model, test);
        Log($"Swim σ=0.2 lattice {side}×{side} → 100×100: relative L2 {e.RelativeL2:E2}, MSE {e.Mse:E2}; " +
            $"max A training {InputCoverage.Of(train).MaxKinetic:F4}, test {InputCoverage.Of(test).MaxKinetic:F4}");
        Assert.That(e.RelativeL2, Is.LessThanOrEqualTo(1e-5));
    }

    private static (DerivativeErrorSummary Errors, CoverageSplit Split) TrainLatticeAndScore(SamplerKind sampler)
    {
        var train = Generate("lattice2d", [3, 3], 20, 50, TrainSeed);
        var (model, _) = Trainer.Train(train, Options(sampler));
        var small = Score(model, Generate("lattice2d", [3, 3], 5, 20, TestSeed));
        var test = Generate("lattice2d", [100, 100], 1, 3, TestSeed);
        var e = Score(model, test);
        var seen = InputCoverage.Of(train);
        var split = seen.Split(model.CreateEvaluator(test.Mass, test.Species, test.Edges, test.Box), test);
        Log($"{sampler} lattice 3×3 (held out): relative L2 {small.RelativeL2:E2}, MSE {small.Mse:E2}");
        Log($"{sampler} lattice 100×100: relative L2 {e.RelativeL2:E2}, MSE {e.Mse:E2} (q̇ {e.DqMse:E2}, ṗ {e.DpMse:E2})");
        Log($"  max A: training {seen.MaxKinetic:F4}, 100×100 {InputCoverage.Of(test).MaxKinetic:F4}; inside {split.InsideCount} " +
            $"(relative L2 {split.InsideRelativeL2:E2}), outside {split.OutsideCount} (relative L2 {split.OutsideRelativeL2:E2})");
        Assert.That(small.RelativeL2, Is.LessThanOrEqualTo(1e-4), "held-out 3×3 data: the training size itself is fitted");
        return (e, split);
    }
}
