// W's reflectors applied by TrailingReflectors against LAPACK's dormrz, its specification.
using Engine.Interop;
using Engine.Solve;
using NUnit.Framework;
using static Engine.Interop.Interop;
using static Engine.Tests.Solve.SolveTestData;

namespace Engine.Tests.Solve;

[TestFixture]
public sealed class TrailingReflectorsTests
{
    [OneTimeSetUp]
    public void LoadLapack() => NativeLibraries.EnsureLoaded();

    [Test]
    public unsafe void MatchesDormrzBothWays([Values(1, 2, 7, 30)] int r, [Values(0, 1, 7, 8, 9, 25)] int l, [Values] bool transpose)
    {
        int n = r + l;
        double[] trapezoid = RandomMatrix(n, r, seed: 900 + r * 31 + l);   // column-major [r, n], leading dimension r
        var tau = new double[r];
        fixed (double* pa = trapezoid, pt = tau)
            if (l > 0) LapackException.ThrowIfFailed(Lapacke.Dtzrzf(Lapacke.ColMajor, r, n, pa, r, pt));

        double[] t = RandomVector(n, seed: 901);
        double[] expected = (double[])t.Clone();
        fixed (double* pa = trapezoid, pt = tau, pe = expected)
            if (l > 0) LapackException.ThrowIfFailed(Lapacke.Dormrz(Lapacke.ColMajor, (byte)'L', transpose ? (byte)'T' : (byte)'N', n, 1, r, l, pa, r, pt, pe, n));

        var w = new TrailingReflectors(trapezoid, tau, r, n);
        if (transpose) w.ApplyTranspose(t); else w.Apply(t);
        SolveAssert.VectorsClose(expected, t, 1e-13, $"W{(transpose ? "ᵀ" : "")}·t, r = {r}, l = {l}");
        if (l > 0) Assert.That(t, Is.Not.EqualTo(RandomVector(n, seed: 901)).AsCollection, "the reflectors moved t");
    }

    [Test]
    public void ApplyThenTransposeIsTheIdentity()
    {
        const int r = 12, l = 5, n = r + l;
        double[] trapezoid = RandomMatrix(n, r, seed: 910);
        var tau = new double[r];
        unsafe
        {
            fixed (double* pa = trapezoid, pt = tau)
                LapackException.ThrowIfFailed(Lapacke.Dtzrzf(Lapacke.ColMajor, r, n, pa, r, pt));
        }
        double[] t0 = RandomVector(n, seed: 911);
        double[] t = (double[])t0.Clone();
        var w = new TrailingReflectors(trapezoid, tau, r, n);
        w.Apply(t);
        w.ApplyTranspose(t);
        SolveAssert.VectorsClose(t0, t, 1e-14, "WᵀW = I");
        Assert.Throws<ArgumentException>(() => w.Apply(new double[n - 1]));
    }
}
