// Derivative MSE and relative L2 on hand-built arrays and on an oscillator with a known frequency error.
using Engine.Common;
using Engine.Data;
using Engine.Metrics;
using Engine.Tests.Dynamics;
using NUnit.Framework;

namespace Engine.Tests.Metrics;

public class DerivativeErrorsTests
{
    [Test]
    public void SummaryMatchesHandComputation()
    {
        // M = 1, N = 2, d = 1. Squared errors: q̇ {0.25, 0}, ṗ {0, 1}; ‖(q̇, ṗ)‖² = 1 + 4 + 9 + 16 = 30, ‖ṗ‖² = 25.
        double[] dqTrue = [1, 2], dpTrue = [3, 4], dqPred = [1.5, 2], dpPred = [3, 3];
        var s = DerivativeErrors.Compute(dqPred, dpPred, dqTrue, dpTrue);
        Assert.That(s.Mse, Is.EqualTo(1.25 / 4));
        Assert.That(s.DqMse, Is.EqualTo(0.25 / 2));
        Assert.That(s.DpMse, Is.EqualTo(1.0 / 2));
        Assert.That(s.RelativeL2, Is.EqualTo(Math.Sqrt(1.25 / 30)).Within(1e-14).Percent);
        Assert.That(s.ForceRelativeL2, Is.EqualTo(0.2).Within(1e-14).Percent);
    }

    [Test]
    public void HelpersMatchHandComputation()
    {
        Assert.That(DerivativeErrors.RelativeL2([4, 0], [1, 0]), Is.EqualTo(3.0));
        Assert.That(DerivativeErrors.RelativeL2([1, 1], [1, 0]), Is.EqualTo(1.0));
        Assert.That(DerivativeErrors.RelativeL2([3, 4], [0, 0]), Is.EqualTo(double.PositiveInfinity));
        Assert.That(DerivativeErrors.RelativeL2([0, 0], [0, 0]), Is.EqualTo(0.0));
        Assert.That(DerivativeErrors.RelativeL2([double.NaN, 0], [0, 0]), Is.NaN);
        Assert.That(DerivativeErrors.MeanSquaredError([1, 2, 3], [1, 0, 0]), Is.EqualTo(13.0 / 3));
        Assert.Throws<ArgumentException>(() => DerivativeErrors.RelativeL2([1.0], [1.0, 2.0]));
        Assert.Throws<ArgumentException>(() => DerivativeErrors.Compute([1.0], [1.0], [1.0], [1.0, 2.0]));
    }

    [Test]
    public void EvaluateScoresAModelWithAKnownFrequencyError()
    {
        // True ṗ = −ω² q, model ṗ̂ = −ω̂² q, both q̇ = p: ‖ṗ̂ − ṗ‖/‖ṗ‖ = |ω̂² − ω²|/ω² exactly, q̇ error 0.
        var rng = new Random(7);
        int m = 5, n = 3, d = 2, size = m * n * d;
        var q = Enumerable.Range(0, size).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var p = Enumerable.Range(0, size).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double w = 1.5, wHat = 1.6;
        var data = new PhaseSpaceData
        {
            Snapshots = m, Particles = n, Dimension = d, Q = q, P = p,
            Dq = (double[])p.Clone(), Dp = q.Select(x => -w * w * x).ToArray(),
            Mass = [1, 1, 1], Species = [0, 0, 0], Cutoff = 1.0,
        };
        var exact = DerivativeErrors.Evaluate(new HarmonicOscillator(n, d, w), data);
        Assert.That(exact.Mse, Is.LessThan(1e-30));
        var s = DerivativeErrors.Evaluate(new HarmonicOscillator(n, d, wHat), data);
        Assert.That(s.DqMse, Is.EqualTo(0.0));
        Assert.That(s.ForceRelativeL2, Is.EqualTo(Math.Abs(wHat * wHat - w * w) / (w * w)).Within(1e-12).Percent);
        double dpMse = q.Select(x => Math.Pow((wHat * wHat - w * w) * x, 2)).Average();
        Assert.That(s.DpMse, Is.EqualTo(dpMse).Within(1e-12).Percent);
        Assert.That(s.Mse, Is.EqualTo(dpMse / 2).Within(1e-12).Percent);

        Assert.Throws<InvalidInputException>(() => DerivativeErrors.Evaluate(new HarmonicOscillator(n + 1, d), data));
    }
}
