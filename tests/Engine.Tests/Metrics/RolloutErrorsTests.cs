// Per-step rollout errors: NeurIPS RelErr (offset, t = 0 rule), position MSE, energy errors, periodic differences.
using Engine.Metrics;
using Engine.Tests.Dynamics;
using NUnit.Framework;

namespace Engine.Tests.Metrics;

public class RolloutErrorsTests
{
    private static double[] RandomTrajectory(int rows, int size, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, rows * size).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
    }

    // Dyadic offsets on dyadic positions (multiples of 1/64): (1 + c)·q and q − q̂ = −c·q are then exact in float64,
    // so the only rounding left is in the norms and the division, a few ulp.
    [TestCase(0.5)]
    [TestCase(0.125)]
    [TestCase(1.0 / 1024)]
    [TestCase(3.0)]
    public void ConstantRelativeOffsetGivesCOverTwoPlusCAtEveryStep(double c)
    {
        // q̂ = (1 + c) q: ‖q − q̂‖ = c‖q‖ and ‖q‖ + ‖q̂‖ = (2 + c)‖q‖, so RelErr = c / (2 + c) independent of q and t.
        int rows = 12, size = 6;
        var q = RandomTrajectory(rows, size, 3).Select(x => Math.Round(x * 64) / 64).ToArray();
        var qHat = q.Select(x => (1 + c) * x).ToArray();
        var err = RolloutErrors.RelativeError(q, qHat, size);
        double expected = c / (2 + c);
        Assert.That(err, Has.Length.EqualTo(rows));
        foreach (double e in err) Assert.That(Math.Abs(e - expected) / expected, Is.LessThanOrEqualTo(1e-15));
    }

    [Test]
    public void NonDyadicOffsetStillMatchesToRoundingOfTheOffset()
    {
        // 1 + 0.1 rounds, and every product (1 + c)·q rounds: the realised offset differs from c by ~ε/c relative.
        double c = 0.1;
        var q = RandomTrajectory(8, 4, 11);
        var err = RolloutErrors.RelativeError(q, q.Select(x => (1 + c) * x).ToArray(), 4);
        foreach (double e in err) Assert.That(e, Is.EqualTo(c / (2 + c)).Within(1e-12).Percent);
    }

    [Test]
    public void FirstEntryIsOverwrittenBySecond()
    {
        // Rows: t=0 equal (error 0), t=1 offset by 3 in one coordinate, t=2 equal again.
        double[] q = [3, 4, 3, 4, 3, 4];
        double[] qHat = [3, 4, 6, 4, 3, 4];
        var err = RolloutErrors.RelativeError(q, qHat, 2);
        double e1 = 3.0 / (5.0 + Math.Sqrt(52.0));
        Assert.That(err[1], Is.EqualTo(e1).Within(1e-14).Percent);
        Assert.That(err[0], Is.EqualTo(err[1]));
        Assert.That(err[2], Is.EqualTo(0.0));

        // With a different t = 0 row the raw value would differ; the overwrite must still win.
        double[] qHat0 = [0, 4, 6, 4, 3, 4];
        Assert.That(RolloutErrors.RelativeError(q, qHat0, 2)[0], Is.EqualTo(err[1]));

        // A single-row trajectory has no entry 1: its entry 0 stays the raw value.
        Assert.That(RolloutErrors.RelativeError([3.0, 4.0], [0.0, 4.0], 2)[0], Is.EqualTo(3.0 / 9.0).Within(1e-14).Percent);
        // Both rows zero: 0, not 0/0.
        Assert.That(RolloutErrors.RelativeError([0.0, 0.0], [0.0, 0.0], 2)[0], Is.EqualTo(0.0));
    }

    [Test]
    public void PositionMsePerStepMatchesHandComputation()
    {
        double[] q = [0, 0, 1, 1, 2, 2];
        double[] qHat = [0, 0, 2, 1, 0, 5];
        var mse = RolloutErrors.PositionMse(q, qHat, 2);
        Assert.That(mse, Is.EqualTo(new[] { 0.0, 0.5, 6.5 }));
        Assert.Throws<ArgumentException>(() => RolloutErrors.PositionMse(q, qHat, 4));
        Assert.Throws<ArgumentException>(() => RolloutErrors.PositionMse(q, [1.0, 2.0], 2));
    }

    [Test]
    public void PeriodicBoxWrapsDifferencesToTheNearestImage()
    {
        // d = 2, box (10, 4): x differs by 9.8 → −0.2, y by 3.5 → −0.5.
        double[] q = [0.1, 0.25], qHat = [9.9, 3.75];
        var mse = RolloutErrors.PositionMse(q, qHat, 2, box: [10, 4]);
        Assert.That(mse[0], Is.EqualTo((0.04 + 0.25) / 2).Within(1e-12).Percent);
        var open = RolloutErrors.PositionMse(q, qHat, 2);
        Assert.That(open[0], Is.EqualTo((9.8 * 9.8 + 3.5 * 3.5) / 2).Within(1e-12).Percent);
    }

    [Test]
    public void EnergyRelativeErrorMatchesHandComputationAndOverwritesFirst()
    {
        var err = RolloutErrors.EnergyRelativeError([2.0, 2.0, -2.0, 0.0], [2.0, 3.0, -1.0, 0.0]);
        Assert.That(err[1], Is.EqualTo(1.0 / 5.0).Within(1e-15).Percent);
        Assert.That(err[2], Is.EqualTo(1.0 / 3.0).Within(1e-15).Percent);
        Assert.That(err[3], Is.EqualTo(0.0));
        Assert.That(err[0], Is.EqualTo(err[1]));
    }

    [Test]
    public void EnergyDriftIsRelativeToTheInitialEnergy()
    {
        Assert.That(RolloutErrors.EnergyDrift([-2.0, -2.5, -1.0]), Is.EqualTo(new[] { 0.0, 0.25, 0.5 }));
        // E_0 = 0: the absolute drift is reported instead of a division by zero.
        Assert.That(RolloutErrors.EnergyDrift([0.0, 0.125, -0.5]), Is.EqualTo(new[] { 0.0, 0.125, 0.5 }));
    }

    [Test]
    public void EnergiesEvaluateTheHamiltonianRowByRow()
    {
        var h = new HarmonicOscillator(particles: 1, dimension: 2, omega: 2.0);
        double[] q = [1, 0, 0, 0.5], p = [0, 0, 1, 1];
        // H = (p² + 4 q²)/2 summed over the two coordinates of each row.
        Assert.That(RolloutErrors.Energies(h, q, p), Is.EqualTo(new[] { 2.0, 1.5 }));
    }
}
