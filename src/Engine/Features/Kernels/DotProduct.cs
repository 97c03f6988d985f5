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
/// </summary>
public static class DotProduct
{
    public static double Apply(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length;
        if (y.Length != n) ThrowLength();
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        int k = 0;
        double sum = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<double>.Count)
        {
            const int W = 8;
            var a0 = Vector512<double>.Zero; var a1 = Vector512<double>.Zero;
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
            sum = SumLanes(a0 + a1);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<double>.Count)
        {
            const int W = 4;
            var a0 = Vector256<double>.Zero; var a1 = Vector256<double>.Zero;
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
            var s = a0 + a1;
            for (int l = 0; l < W; l++) sum += s.GetElement(l);
        }
        // The tail is a scalar loop: a masked or overlapping vector would count elements twice in a reduction.
        for (; k < n; k++) sum = Math.FusedMultiplyAdd(Unsafe.Add(ref xr, k), Unsafe.Add(ref yr, k), sum);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double SumLanes(Vector512<double> v)
    {
        // Pairwise in a fixed order: (0+4, 1+5, 2+6, 3+7), then (0+2, 1+3), then 0+1.
        var h = v.GetLower() + v.GetUpper();
        var q = h.GetLower() + h.GetUpper();
        return q.GetElement(0) + q.GetElement(1);
    }

    /// <summary>The scalar reference: a plain left-to-right sum.</summary>
    public static double Scalar(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double s = 0;
        for (int k = 0; k < x.Length; k++) s += x[k] * y[k];
        return s;
    }

    private static void ThrowLength() => throw new ArgumentException("x and y must have the same length");
}
