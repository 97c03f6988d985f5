// Fused row update used by the Jacobian scatter: row += c0·x + c1·y + c2·z over the feature width.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Engine.Features.Kernels;

/// <summary>
/// <c>row[k] += c0·x[k] + c1·y[k] + c2·z[k]</c> in one pass (one load/store of the row instead of three).
/// <see cref="Scalar"/> is the specification; <see cref="Apply"/> dispatches Vector512 → Vector256 → scalar.
/// <see cref="ApplyVector512"/> and <see cref="ApplyVector256"/> run one width explicitly (vector body, then the
/// scalar remainder), for benchmarks and for tests of each width. Every element is three fused multiply-adds in
/// the same order at every width, so all four entry points give the same bits.
/// </summary>
public static class LinearCombination
{
    /// <summary>The dispatcher: the widest accelerated width whose vector fits in <c>row</c>, then the scalar remainder.</summary>
    /// <param name="row">Updated in place, length n.</param>
    /// <param name="c0">Coefficient of <paramref name="x"/>.</param>
    /// <param name="x">At least n values (only the first n are read); likewise <paramref name="y"/> and <paramref name="z"/>.</param>
    /// <param name="c1">Coefficient of <paramref name="y"/>.</param>
    /// <param name="y">Second operand.</param>
    /// <param name="c2">Coefficient of <paramref name="z"/>.</param>
    /// <param name="z">Third operand.</param>
    public static void Apply(Span<double> row, double c0, ReadOnlySpan<double> x, double c1, ReadOnlySpan<double> y, double c2, ReadOnlySpan<double> z)
    {
        int n = row.Length;
        if (x.Length < n || y.Length < n || z.Length < n) ThrowLength();
        ref double r = ref MemoryMarshal.GetReference(row);
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        ref double zr = ref MemoryMarshal.GetReference(z);
        int k = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<double>.Count) k = Body512(ref r, c0, ref xr, c1, ref yr, c2, ref zr, n);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<double>.Count) k = Body256(ref r, c0, ref xr, c1, ref yr, c2, ref zr, n);
        Remainder(ref r, c0, ref xr, c1, ref yr, c2, ref zr, k, n);
    }

    /// <summary>Vector512 body and scalar remainder regardless of what the hardware accelerates (emulated when it does not).</summary>
    public static void ApplyVector512(Span<double> row, double c0, ReadOnlySpan<double> x, double c1, ReadOnlySpan<double> y, double c2, ReadOnlySpan<double> z)
    {
        int n = row.Length;
        if (x.Length < n || y.Length < n || z.Length < n) ThrowLength();
        ref double r = ref MemoryMarshal.GetReference(row);
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        ref double zr = ref MemoryMarshal.GetReference(z);
        int k = Body512(ref r, c0, ref xr, c1, ref yr, c2, ref zr, n);
        Remainder(ref r, c0, ref xr, c1, ref yr, c2, ref zr, k, n);
    }

    /// <summary>Vector256 body and scalar remainder regardless of what the hardware accelerates.</summary>
    public static void ApplyVector256(Span<double> row, double c0, ReadOnlySpan<double> x, double c1, ReadOnlySpan<double> y, double c2, ReadOnlySpan<double> z)
    {
        int n = row.Length;
        if (x.Length < n || y.Length < n || z.Length < n) ThrowLength();
        ref double r = ref MemoryMarshal.GetReference(row);
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        ref double zr = ref MemoryMarshal.GetReference(z);
        int k = Body256(ref r, c0, ref xr, c1, ref yr, c2, ref zr, n);
        Remainder(ref r, c0, ref xr, c1, ref yr, c2, ref zr, k, n);
    }

    /// <summary>The scalar reference, same operation order as the vector paths (fused multiply-adds x, y, z).</summary>
    public static void Scalar(Span<double> row, double c0, ReadOnlySpan<double> x, double c1, ReadOnlySpan<double> y, double c2, ReadOnlySpan<double> z)
    {
        for (int k = 0; k < row.Length; k++)
            row[k] = Math.FusedMultiplyAdd(z[k], c2, Math.FusedMultiplyAdd(y[k], c1, Math.FusedMultiplyAdd(x[k], c0, row[k])));
    }

    // Full vectors from index 0; returns the first index not processed.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Body512(ref double r, double c0, ref double xr, double c1, ref double yr, double c2, ref double zr, int n)
    {
        const int W = 8;
        var v0 = Vector512.Create(c0); var v1 = Vector512.Create(c1); var v2 = Vector512.Create(c2);
        int k = 0;
        for (; k <= n - W; k += W)
        {
            var acc = Vector512.LoadUnsafe(ref r, (nuint)k);
            acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, (nuint)k), v0, acc);
            acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref yr, (nuint)k), v1, acc);
            acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref zr, (nuint)k), v2, acc);
            acc.StoreUnsafe(ref r, (nuint)k);
        }
        return k;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Body256(ref double r, double c0, ref double xr, double c1, ref double yr, double c2, ref double zr, int n)
    {
        const int W = 4;
        var v0 = Vector256.Create(c0); var v1 = Vector256.Create(c1); var v2 = Vector256.Create(c2);
        int k = 0;
        for (; k <= n - W; k += W)
        {
            var acc = Vector256.LoadUnsafe(ref r, (nuint)k);
            acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)k), v0, acc);
            acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref yr, (nuint)k), v1, acc);
            acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref zr, (nuint)k), v2, acc);
            acc.StoreUnsafe(ref r, (nuint)k);
        }
        return k;
    }

    // The remainder (< one vector) is a scalar loop: a masked or overlapping tail would add twice.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Remainder(ref double r, double c0, ref double xr, double c1, ref double yr, double c2, ref double zr, int k, int n)
    {
        for (; k < n; k++)
            Unsafe.Add(ref r, k) = Math.FusedMultiplyAdd(Unsafe.Add(ref zr, k), c2,
                Math.FusedMultiplyAdd(Unsafe.Add(ref yr, k), c1, Math.FusedMultiplyAdd(Unsafe.Add(ref xr, k), c0, Unsafe.Add(ref r, k))));
    }

    private static void ThrowLength() => throw new ArgumentException("x, y and z must be at least as long as row");
}
