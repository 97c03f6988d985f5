// Smooth activations of the sampled layers, their derivatives, and their SWIM constants.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Engine.Features;

/// <summary>Activation of a sampled dense layer. Values are frozen: they are stored in model files.</summary>
public enum ActivationKind
{
    /// <summary>σ = tanh z, σ' = 1 − tanh² z (the paper's group default).</summary>
    Tanh = 0,
    /// <summary>σ = sin z, σ' = cos z (random Fourier-type features).</summary>
    Sin = 1,
}

/// <summary>Evaluates an activation and its derivative over a span of pre-activations.</summary>
public static class Activation
{
    /// <summary>
    /// Effectively computes <c>value[k] = σ(z[k])</c> and, when <paramref name="derivative"/> is not empty,
    /// <c>derivative[k] = σ'(z[k])</c>; <see cref="ApplyScalar"/> is the specification (equal to ~2 ulp).
    /// </summary>
    /// <remarks>
    /// Written here rather than taken from TensorPrimitives.Tanh/Sin, whose results were measured to depend on where
    /// the buffers live (the same model gave different last bits from one evaluator to the next). Every element is
    /// computed by the same lane-wise vector code, the tail through a zero-padded full vector, so a value's bits
    /// depend only on the value. tanh: Cephes' rational approximation x + x·x²P(x²)/Q(x²) for |x| &lt; 0.625 (no
    /// cancellation near 0), 1 − 2/(e^{2|x|} + 1) with the sign restored above it; both within 4e-16 relative.
    /// </remarks>
    public static void Apply(ActivationKind kind, ReadOnlySpan<double> z, Span<double> value, Span<double> derivative)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            Validate(kind, z, value, derivative);
            int n = z.Length;
            ApplyScalar(kind, z, value[..n], derivative.IsEmpty ? default : derivative[..n]);
            return;
        }
        ApplyVector512(kind, z, value, derivative);
    }

    /// <summary>
    /// The Vector512 path of <see cref="Apply"/> (what it runs on AVX-512 hardware), callable on any hardware
    /// (emulated where Vector512 is not accelerated): full vectors, then the tail through one zero-padded vector.
    /// </summary>
    public static void ApplyVector512(ActivationKind kind, ReadOnlySpan<double> z, Span<double> value, Span<double> derivative)
    {
        Validate(kind, z, value, derivative);
        int n = z.Length;
        bool wantDerivative = !derivative.IsEmpty;
        const int W = 8;
        ref double zr = ref MemoryMarshal.GetReference(z);
        ref double vr = ref MemoryMarshal.GetReference(value);
        ref double dr = ref MemoryMarshal.GetReference(derivative);
        int k = 0;
        for (; k <= n - W; k += W)
        {
            var x = Vector512.LoadUnsafe(ref zr, (nuint)k);
            var (v, dv) = Evaluate(kind, x);
            v.StoreUnsafe(ref vr, (nuint)k);
            if (wantDerivative) dv.StoreUnsafe(ref dr, (nuint)k);
        }
        if (k < n)
        {
            Span<double> tail = stackalloc double[W];
            tail.Clear();
            z[k..].CopyTo(tail);
            var (v, dv) = Evaluate(kind, Vector512.Create<double>(tail));
            v.CopyTo(tail);
            tail[..(n - k)].CopyTo(value[k..n]);
            if (wantDerivative)
            {
                dv.CopyTo(tail);
                tail[..(n - k)].CopyTo(derivative[k..n]);
            }
        }
    }

    /// <summary>
    /// The same formulas on Vector256 (for benchmarks and width tests; <see cref="Apply"/> never dispatches here, so
    /// a model's bits do not depend on which of the two vector widths ran). Tail as in <see cref="ApplyVector512"/>.
    /// </summary>
    public static void ApplyVector256(ActivationKind kind, ReadOnlySpan<double> z, Span<double> value, Span<double> derivative)
    {
        Validate(kind, z, value, derivative);
        int n = z.Length;
        bool wantDerivative = !derivative.IsEmpty;
        const int W = 4;
        ref double zr = ref MemoryMarshal.GetReference(z);
        ref double vr = ref MemoryMarshal.GetReference(value);
        ref double dr = ref MemoryMarshal.GetReference(derivative);
        int k = 0;
        for (; k <= n - W; k += W)
        {
            var x = Vector256.LoadUnsafe(ref zr, (nuint)k);
            var (v, dv) = Evaluate256(kind, x);
            v.StoreUnsafe(ref vr, (nuint)k);
            if (wantDerivative) dv.StoreUnsafe(ref dr, (nuint)k);
        }
        if (k < n)
        {
            Span<double> tail = stackalloc double[W];
            tail.Clear();
            z[k..].CopyTo(tail);
            var (v, dv) = Evaluate256(kind, Vector256.Create<double>(tail));
            v.CopyTo(tail);
            tail[..(n - k)].CopyTo(value[k..n]);
            if (wantDerivative)
            {
                dv.CopyTo(tail);
                tail[..(n - k)].CopyTo(derivative[k..n]);
            }
        }
    }

    private static void Validate(ActivationKind kind, ReadOnlySpan<double> z, Span<double> value, Span<double> derivative)
    {
        int n = z.Length;
        if (value.Length < n || (!derivative.IsEmpty && derivative.Length < n)) ThrowLength();
        if (kind is not (ActivationKind.Tanh or ActivationKind.Sin)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown activation");
    }

    // Vector256 twin of Evaluate: the same constants and branch structure, lane for lane.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> Value, Vector256<double> Derivative) Evaluate256(ActivationKind kind, Vector256<double> x)
    {
        if (kind == ActivationKind.Sin) return (Vector256.Sin(x), Vector256.Cos(x));
        var sign = x & Vector256.Create(-0.0);
        var a = Vector256.Abs(x);
        var one = Vector256.Create(1.0);
        var large = one - Vector256.Create(2.0) / (Vector256.Exp(a + a) + one);
        var z = a * a;
        var p = (Vector256.Create(-9.64399179425052238628E-1) * z + Vector256.Create(-9.92877231001918586564E1)) * z + Vector256.Create(-1.61468768441708447952E3);
        var q = ((z + Vector256.Create(1.12811678491632931402E2)) * z + Vector256.Create(2.23548839060100448583E3)) * z + Vector256.Create(4.84406305325125486048E3);
        var small = a + a * z * p / q;
        var t = Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256.Create(0.625)), small, large) | sign;
        return (t, one - t * t);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<double> Value, Vector512<double> Derivative) Evaluate(ActivationKind kind, Vector512<double> x)
    {
        if (kind == ActivationKind.Sin) return (Vector512.Sin(x), Vector512.Cos(x));
        var sign = x & Vector512.Create(-0.0);
        var a = Vector512.Abs(x);
        var one = Vector512.Create(1.0);
        // |x| ≥ 0.625: 1 − 2/(e^{2|x|} + 1); e^{2|x|} overflows to ∞ for |x| > 354 and the result is exactly 1.
        var large = one - Vector512.Create(2.0) / (Vector512.Exp(a + a) + one);
        // |x| < 0.625: Cephes tanh, x + x·z·P(z)/Q(z) with z = x².
        var z = a * a;
        var p = (Vector512.Create(-9.64399179425052238628E-1) * z + Vector512.Create(-9.92877231001918586564E1)) * z + Vector512.Create(-1.61468768441708447952E3);
        var q = ((z + Vector512.Create(1.12811678491632931402E2)) * z + Vector512.Create(2.23548839060100448583E3)) * z + Vector512.Create(4.84406305325125486048E3);
        var small = a + a * z * p / q;
        var t = Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512.Create(0.625)), small, large) | sign;
        return (t, one - t * t);
    }

    private static void ThrowLength() => throw new ArgumentException("value (and derivative, when given) must be at least as long as z");

    /// <summary>The scalar reference of <see cref="Apply"/>.</summary>
    public static void ApplyScalar(ActivationKind kind, ReadOnlySpan<double> z, Span<double> value, Span<double> derivative)
    {
        for (int k = 0; k < z.Length; k++)
        {
            double x = z[k];
            (double v, double dv) = kind switch
            {
                ActivationKind.Tanh => (Math.Tanh(x), 1 - Math.Tanh(x) * Math.Tanh(x)),
                ActivationKind.Sin => (Math.Sin(x), Math.Cos(x)),
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            };
            value[k] = v;
            if (!derivative.IsEmpty) derivative[k] = dv;
        }
    }

    /// <summary>
    /// SWIM constants (s1, s2) of method.md §3.1: w = s1 (x2 − x1)/|x2 − x1|², b = −w·x1 − s2, so that the
    /// neuron's transition spans the segment x1 → x2. tanh: s1 = ln 3, s2 = ½ ln 3 (σ = ∓½ at the ends);
    /// sin: s1 = π, s2 = π/2 (σ = ∓1, one monotone half-period between the points).
    /// </summary>
    public static (double S1, double S2) SwimConstants(ActivationKind kind) => kind switch
    {
        ActivationKind.Tanh => (Math.Log(3.0), 0.5 * Math.Log(3.0)),
        ActivationKind.Sin => (Math.PI, 0.5 * Math.PI),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string Name(ActivationKind kind) => kind switch
    {
        ActivationKind.Tanh => "tanh",
        ActivationKind.Sin => "sin",
        _ => kind.ToString(),
    };
}
