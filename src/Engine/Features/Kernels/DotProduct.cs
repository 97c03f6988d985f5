// Dot product with a reduction order fixed by the length alone, so results are bit-reproducible.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Engine.Features.Kernels;

/// <summary>
/// <c>Σ_k x[k]·y[k]</c>. Unlike TensorPrimitives.Dot, whose head/tail handling follows the memory alignment of the
/// inputs, the order of additions here depends only on the length: vectors are loaded unaligned from index 0 into
/// two accumulators, combined, reduced lane by lane, then the scalar tail is added. The same values therefore give
/// the same bits wherever they live — the guarantee behind bit-identical energies across threads, workspaces and
/// the C ABI. <see cref="Scalar"/> is the specification (equal up to rounding order).
/// <see cref="ApplyVector512"/> and <see cref="ApplyVector256"/> run one width explicitly (benchmarks, tests);
/// <see cref="Apply"/> is the dispatcher and equals <see cref="ApplyVector512"/> bit for bit when n ≥ 8 on AVX-512.
/// </summary>
public static class DotProduct
{
    /// <summary>The dispatcher: Vector512 when accelerated and n ≥ 8, else Vector256 when accelerated and n ≥ 4, else scalar.</summary>
    public static double Apply(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length;
        if (y.Length != n) ThrowLength();
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        int k = 0;
        double sum = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<double>.Count) sum = Body512(ref xr, ref yr, n, out k);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<double>.Count) sum = Body256(ref xr, ref yr, n, out k);
        return Remainder(ref xr, ref yr, k, n, sum);
    }

    /// <summary>Vector512 body (two accumulators, fixed lane reduction) and scalar remainder, whatever the hardware.</summary>
    public static double ApplyVector512(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length;
        if (y.Length != n) ThrowLength();
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        // Below one vector the body adds nothing and returns +0, the scalar loop's starting value.
        double sum = Body512(ref xr, ref yr, n, out int k);
        return Remainder(ref xr, ref yr, k, n, sum);
    }

    /// <summary>Vector256 body (two accumulators, lanes summed in order) and scalar remainder, whatever the hardware.</summary>
    public static double ApplyVector256(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length;
        if (y.Length != n) ThrowLength();
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        // Below one vector the body adds nothing and returns +0, the scalar loop's starting value.
        double sum = Body256(ref xr, ref yr, n, out int k);
        return Remainder(ref xr, ref yr, k, n, sum);
    }

    /// <summary>The scalar reference: a plain left-to-right sum.</summary>
    public static double Scalar(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double s = 0;
        for (int k = 0; k < x.Length; k++) s += x[k] * y[k];
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Body512(ref double xr, ref double yr, int n, out int next)
    {
        const int W = 8;
        var a0 = Vector512<double>.Zero; var a1 = Vector512<double>.Zero;
        int k = 0;
        for (; k <= n - 2 * W; k += 2 * W)
        {
            a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, (nuint)k), Vector512.LoadUnsafe(ref yr, (nuint)k), a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, (nuint)(k + W)), Vector512.LoadUnsafe(ref yr, (nuint)(k + W)), a1);
        }
        if (k <= n - W)
        {
            a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, (nuint)k), Vector512.LoadUnsafe(ref yr, (nuint)k), a0);
            k += W;
        }
        next = k;
        // Pairwise in a fixed order: (0+4, 1+5, 2+6, 3+7), then (0+2, 1+3), then 0+1.
        var v = a0 + a1;
        var h = v.GetLower() + v.GetUpper();
        var q = h.GetLower() + h.GetUpper();
        return q.GetElement(0) + q.GetElement(1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Body256(ref double xr, ref double yr, int n, out int next)
    {
        const int W = 4;
        var a0 = Vector256<double>.Zero; var a1 = Vector256<double>.Zero;
        int k = 0;
        for (; k <= n - 2 * W; k += 2 * W)
        {
            a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)k), Vector256.LoadUnsafe(ref yr, (nuint)k), a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)(k + W)), Vector256.LoadUnsafe(ref yr, (nuint)(k + W)), a1);
        }
        if (k <= n - W)
        {
            a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)k), Vector256.LoadUnsafe(ref yr, (nuint)k), a0);
            k += W;
        }
        next = k;
        var s = a0 + a1;
        double sum = 0;
        for (int l = 0; l < W; l++) sum += s.GetElement(l);
        return sum;
    }

    // The tail is a scalar loop: a masked or overlapping vector would count elements twice in a reduction.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Remainder(ref double xr, ref double yr, int k, int n, double sum)
    {
        for (; k < n; k++) sum = Math.FusedMultiplyAdd(Unsafe.Add(ref xr, k), Unsafe.Add(ref yr, k), sum);
        return sum;
    }

    private static void ThrowLength() => throw new ArgumentException("x and y must have the same length");
}
