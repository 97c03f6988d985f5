// Geometric mean: accuracy, range safety, explicit special values, per-step layout.
using Engine.Metrics;
using NUnit.Framework;

namespace Engine.Tests.Metrics;

public class GeometricMeanTests
{
    [Test]
    public void OfOneHundredthAndTenThousandthIsOneThousandth()
    {
        double g = GeometricMean.Of([1e-2, 1e-4]);
        Assert.That(Math.Abs(g - 1e-3) / 1e-3, Is.LessThanOrEqualTo(1e-15));
    }

    [Test]
    public void MatchesExpMeanLogOnRandomValues()
    {
        var rng = new Random(20240611);
        for (int trial = 0; trial < 50; trial++)
        {
            var x = new double[1 + rng.Next(30)];
            for (int i = 0; i < x.Length; i++) x[i] = Math.Exp(rng.NextDouble() * 40 - 30);
            double expected = Math.Exp(x.Select(v => Math.Log(v)).Average());
            Assert.That(GeometricMean.Of(x), Is.EqualTo(expected).Within(1e-11).Percent); // the naive reference itself errs by ~|mean log|·ε
        }
    }

    [Test]
    public void DoesNotUnderflowOrOverflowInBetween()
    {
        // The product is 1e-300 · 1e-300 · 1e300 (underflows as a running product); the mean is 1e-100.
        Assert.That(GeometricMean.Of([1e-300, 1e-300, 1e300]), Is.EqualTo(1e-100).Within(1e-12).Percent);
        Assert.That(GeometricMean.Of([double.MaxValue, double.MaxValue]), Is.EqualTo(double.MaxValue).Within(1e-12).Percent);
        Assert.That(GeometricMean.Of([double.Epsilon]), Is.EqualTo(double.Epsilon));
    }

    [Test]
    public void SpecialValuesAreDecidedExplicitly()
    {
        Assert.That(GeometricMean.Of([1e-3, 0.0, 5.0]), Is.EqualTo(0.0), "a zero error makes the mean 0");
        Assert.That(GeometricMean.Of([1e-3, double.NaN]), Is.NaN);
        Assert.That(GeometricMean.Of([0.0, double.NaN]), Is.NaN, "NaN wins over zero");
        Assert.That(GeometricMean.Of([1.0, double.PositiveInfinity]), Is.EqualTo(double.PositiveInfinity));
        Assert.That(GeometricMean.Of([0.0, double.PositiveInfinity]), Is.NaN);
        Assert.Throws<ArgumentException>(() => GeometricMean.Of([1.0, -1e-3]));
        Assert.Throws<ArgumentException>(() => GeometricMean.Of([]));
    }

    [Test]
    public void PerStepAveragesColumnsOfRowMajorCurves()
    {
        // Two curves (rows) of three steps: columns {1, 4}, {100, 1}, {0, 7}.
        double[] curves = [1, 100, 0, 4, 1, 7];
        var g = GeometricMean.PerStep(curves, count: 2, steps: 3);
        Assert.That(g[0], Is.EqualTo(2.0).Within(1e-15).Percent);
        Assert.That(g[1], Is.EqualTo(10.0).Within(1e-15).Percent);
        Assert.That(g[2], Is.EqualTo(0.0));
        Assert.Throws<ArgumentException>(() => GeometricMean.PerStep(curves, 4, 2));
    }

    [Test]
    public void PerStepOverRaggedCurvesUsesTheCurvesThatReachEachStep()
    {
        var g = GeometricMean.PerStep([[1.0, 9.0, 2.0], [4.0]]);
        Assert.That(g, Has.Length.EqualTo(3));
        Assert.That(g[0], Is.EqualTo(2.0).Within(1e-15).Percent);
        Assert.That(g[1], Is.EqualTo(9.0).Within(1e-15).Percent);
        Assert.That(g[2], Is.EqualTo(2.0).Within(1e-15).Percent);
    }
}
