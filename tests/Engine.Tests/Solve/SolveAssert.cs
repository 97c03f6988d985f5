// Tolerance-scaled comparisons for the Solve tests, in one place.
using NUnit.Framework;

namespace Engine.Tests.Solve;

internal static class SolveAssert
{
    /// <summary>Solution agreement for well-conditioned systems (cond ≲ 1e2): ≈ κ·ε with a wide margin.</summary>
    public const double WellConditioned = 1e-10;

    /// <summary>Agreement between different algorithms on noisy data (brief: 1e-8 relative).</summary>
    public const double CrossSolver = 1e-8;

    /// <summary>
    /// Sketch CGLS tolerance for tests that compare coefficients with other solvers: the default
    /// (<see cref="Engine.Solve.DenseLeastSquares.SketchTolerance"/>) bounds predictions and residual, and leaves the
    /// coefficients good to about κ²·tol·‖r‖/‖b‖ only.
    /// </summary>
    public const double TightTolerance = 1e-12;

    /// <summary>max_i |e_i − a_i| ≤ rel · max(max_i |e_i|, tiny).</summary>
    public static void VectorsClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double rel, string what)
    {
        Assert.That(actual, Has.Count.EqualTo(expected.Count), what + ": length");
        double scale = 0, err = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            scale = Math.Max(scale, Math.Max(Math.Abs(expected[i]), Math.Abs(actual[i])));
            err = Math.Max(err, Math.Abs(expected[i] - actual[i]));
        }
        Assert.That(err, Is.LessThanOrEqualTo(rel * Math.Max(scale, 1e-300)), $"{what}: max error {err:g3} vs scale {scale:g3}");
    }

    public static void ScalarsClose(double expected, double actual, double rel, string what) =>
        Assert.That(Math.Abs(expected - actual), Is.LessThanOrEqualTo(rel * Math.Max(Math.Abs(expected), Math.Abs(actual))),
            $"{what}: expected {expected:g17}, got {actual:g17}");
}
