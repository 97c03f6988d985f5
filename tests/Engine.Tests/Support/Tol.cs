// Tolerances in one place, scaled by magnitude (style-guide item 9).
using NUnit.Framework;

namespace Engine.Tests.Support;

public static class Tol
{
    /// <summary>Elementwise kernels against their scalar reference: a few ulps of the larger magnitude.</summary>
    public const double Elementwise = 4e-15;
    /// <summary>Analytic derivatives against central finite differences (issue: 1e-6 relative).</summary>
    public const double FiniteDifference = 1e-6;
    /// <summary>Invariances of the learned H under rotation, translation and permutation (issue: 1e-10 relative).</summary>
    public const double Invariance = 1e-10;

    public static void AssertClose(double expected, double actual, double rel, double abs = 0, string? what = null)
    {
        double scale = Math.Max(Math.Abs(expected), Math.Abs(actual));
        Assert.That(Math.Abs(expected - actual), Is.LessThanOrEqualTo(rel * scale + abs),
            $"{what}: expected {expected:R}, got {actual:R}");
    }

    /// <summary>‖a − b‖₂ / ‖b‖₂ (0 when both vanish).</summary>
    public static double RelativeError(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double num = 0, den = 0;
        for (int i = 0; i < b.Length; i++) { num += (a[i] - b[i]) * (a[i] - b[i]); den += b[i] * b[i]; }
        return den == 0 ? Math.Sqrt(num) : Math.Sqrt(num / den);
    }
}
