// SIMD kernels against their scalar references at every awkward length (0, 1, W−1, W+1, 3W+1 and all between).
using System.Runtime.Intrinsics;
using Engine.Features;
using Engine.Features.Kernels;
using Engine.Tests.Support;
using NUnit.Framework;

namespace Engine.Tests.Features;

public class KernelLengthTests
{
    private static IEnumerable<int> Lengths => Enumerable.Range(0, 3 * Vector512<double>.Count + 2);

    [TestCaseSource(nameof(Lengths))]
    public void LinearCombinationMatchesScalar(int n)
    {
        var rng = new Random(20261122 + n);
        double[] x = Rand(rng, n), y = Rand(rng, n), z = Rand(rng, n), start = Rand(rng, n);
        var fast = Canary.Buffer(n);
        var reference = new double[n];
        start.CopyTo(Canary.Slice(fast, n));
        start.CopyTo(reference, 0);
        LinearCombination.Apply(Canary.Slice(fast, n), 0.3, x, -1.7, y, 2.5, z);
        LinearCombination.Scalar(reference, 0.3, x, -1.7, y, 2.5, z);
        Canary.AssertUntouched(fast, n);
        for (int k = 0; k < n; k++) Tol.AssertClose(reference[k], Canary.Slice(fast, n)[k], Tol.Elementwise, 1e-300, $"k={k}");
    }

    [TestCaseSource(nameof(Lengths))]
    public void ActivationsMatchScalar(int n)
    {
        foreach (var kind in Enum.GetValues<ActivationKind>())
        {
            var z = Rand(new Random(n), n).Select(v => 4 * v).ToArray();
            var value = Canary.Buffer(n); var deriv = Canary.Buffer(n);
            var refValue = new double[n]; var refDeriv = new double[n];
            Activation.Apply(kind, z, Canary.Slice(value, n), Canary.Slice(deriv, n));
            Activation.ApplyScalar(kind, z, refValue, refDeriv);
            Canary.AssertUntouched(value, n);
            Canary.AssertUntouched(deriv, n);
            for (int k = 0; k < n; k++)
            {
                // TensorPrimitives' tanh/sin are vectorised approximations: a few ulps, not bit-equal.
                Tol.AssertClose(refValue[k], Canary.Slice(value, n)[k], 1e-14, 1e-15, $"{kind} σ k={k}");
                Tol.AssertClose(refDeriv[k], Canary.Slice(deriv, n)[k], 1e-14, 1e-15, $"{kind} σ' k={k}");
            }
        }
    }

    private static double[] Rand(Random rng, int n) => Enumerable.Range(0, n).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
}

public class DotProductTests
{
    private static IEnumerable<int> Lengths => Enumerable.Range(0, 3 * Vector512<double>.Count + 2).Concat([63, 64, 65, 1024, 1031]);

    [TestCaseSource(nameof(Lengths))]
    public void MatchesScalarReference(int n)
    {
        var rng = new Random(n);
        var x = Enumerable.Range(0, n).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
        var y = Enumerable.Range(0, n).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
        double bound = 2 * (n + 1) * 1.2e-16 * x.Zip(y, (a, b) => Math.Abs(a * b)).Sum();
        Assert.That(Math.Abs(DotProduct.Apply(x, y) - DotProduct.Scalar(x, y)), Is.LessThanOrEqualTo(bound));
    }

    [TestCaseSource(nameof(Lengths))]
    public void SameValuesAtAnyAddressGiveSameBits(int n)
    {
        var rng = new Random(7 * n + 1);
        var x = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.3).ToArray();
        var y = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.6).ToArray();
        double expected = DotProduct.Apply(x, y);
        for (int offset = 1; offset < 8; offset++)
        {
            var bx = new double[n + 8]; var by = new double[n + 8];
            x.CopyTo(bx, offset); y.CopyTo(by, 8 - offset);
            double got = DotProduct.Apply(bx.AsSpan(offset, n), by.AsSpan(8 - offset, n));
            Assert.That(BitConverter.DoubleToInt64Bits(got), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected)), $"offset {offset}");
        }
    }
}

public class ActivationDeterminismTests
{
    /// <summary>The same pre-activations give the same bits at any address and any position within the span.</summary>
    [TestCase(ActivationKind.Tanh)]
    [TestCase(ActivationKind.Sin)]
    public void BitsDependOnlyOnTheValue(ActivationKind kind)
    {
        var rng = new Random(5);
        var z = Enumerable.Range(0, 77).Select(_ => 8 * rng.NextDouble() - 4).ToArray();
        var value = new double[z.Length]; var deriv = new double[z.Length];
        Activation.Apply(kind, z, value, deriv);
        for (int offset = 1; offset < 9; offset++)
        {
            var bz = new double[z.Length + 16]; var bv = new double[z.Length + 16]; var bd = new double[z.Length + 16];
            z.CopyTo(bz, offset);
            Activation.Apply(kind, bz.AsSpan(offset, z.Length), bv.AsSpan(16 - offset, z.Length), bd.AsSpan(3, z.Length));
            Assert.That(bv.AsSpan(16 - offset, z.Length).ToArray(), Is.EqualTo(value), $"values, offset {offset}");
            Assert.That(bd.AsSpan(3, z.Length).ToArray(), Is.EqualTo(deriv), $"derivatives, offset {offset}");
            // The same value placed at another position of the span (tail vs body) gives the same bits too.
            var one = new double[1]; var oneD = new double[1];
            Activation.Apply(kind, z.AsSpan(offset, 1), one, oneD);
            Assert.That(one[0], Is.EqualTo(value[offset]));
        }
    }
}

/// <summary>
/// The explicit-width entry points (what the benchmarks time side by side) against the scalar references at every
/// length 0..3W+1 of their own width W, writing into canary-guarded buffers. A width the hardware does not
/// accelerate is skipped with a reason (it would run emulated, which tests nothing about the hardware path).
/// </summary>
public class KernelWidthTests
{
    public enum Width { Vector256 = 4, Vector512 = 8 }

    private static IEnumerable<TestCaseData> Cases(Func<Width, int, TestCaseData> make) =>
        from w in new[] { Width.Vector256, Width.Vector512 }
        from n in Enumerable.Range(0, 3 * (int)w + 2)
        select make(w, n);

    private static IEnumerable<TestCaseData> WidthAndLength => Cases((w, n) => new TestCaseData(w, n));

    private static void RequireAccelerated(Width w)
    {
        bool accelerated = w == Width.Vector512 ? Vector512.IsHardwareAccelerated : Vector256.IsHardwareAccelerated;
        if (!accelerated) Assert.Ignore($"{w} is not hardware-accelerated on this machine (or is switched off, e.g. DOTNET_EnableAVX512=0 on .NET 10, where DOTNET_EnableAVX512F no longer does it)");
    }

    private static double[] Rand(Random rng, int n) => Enumerable.Range(0, n).Select(_ => 2 * rng.NextDouble() - 1).ToArray();

    [TestCaseSource(nameof(WidthAndLength))]
    public void LinearCombinationWidthMatchesScalarBitForBit(Width w, int n)
    {
        RequireAccelerated(w);
        var rng = new Random(4100 + n);
        double[] x = Rand(rng, n), y = Rand(rng, n), z = Rand(rng, n), start = Rand(rng, n);
        var fast = Canary.Buffer(n);
        var reference = (double[])start.Clone();
        start.CopyTo(Canary.Slice(fast, n));
        if (w == Width.Vector512) LinearCombination.ApplyVector512(Canary.Slice(fast, n), 0.3, x, -1.7, y, 2.5, z);
        else LinearCombination.ApplyVector256(Canary.Slice(fast, n), 0.3, x, -1.7, y, 2.5, z);
        LinearCombination.Scalar(reference, 0.3, x, -1.7, y, 2.5, z);
        Canary.AssertUntouched(fast, n);
        // Same three fused multiply-adds per element in the same order: identical bits, not just close.
        Assert.That(Canary.Slice(fast, n).ToArray(), Is.EqualTo(reference));
    }

    [TestCaseSource(nameof(WidthAndLength))]
    public void DotProductWidthMatchesScalar(Width w, int n)
    {
        RequireAccelerated(w);
        var rng = new Random(4200 + n);
        double[] x = Rand(rng, n), y = Rand(rng, n);
        double got = w == Width.Vector512 ? DotProduct.ApplyVector512(x, y) : DotProduct.ApplyVector256(x, y);
        // A reordered sum of n products: |error| ≤ 2(n+1)·u·Σ|x_k y_k| (u = 2^-53, doubled for safety).
        double bound = 2 * (n + 1) * 1.2e-16 * x.Zip(y, (a, b) => Math.Abs(a * b)).Sum();
        Assert.That(Math.Abs(got - DotProduct.Scalar(x, y)), Is.LessThanOrEqualTo(bound));
    }

    [TestCaseSource(nameof(WidthAndLength))]
    public void DotProductDispatcherEqualsItsWidth(Width w, int n)
    {
        RequireAccelerated(w);
        // The dispatcher picks Vector512 when accelerated and n ≥ 8; it must then give that width's bits exactly.
        if (w == Width.Vector256 && Vector512.IsHardwareAccelerated) Assert.Ignore("the dispatcher runs Vector512 on this machine");
        if (n < (int)w) Assert.Ignore("below one vector the dispatcher may run a narrower width");
        var rng = new Random(4300 + n);
        double[] x = Rand(rng, n), y = Rand(rng, n);
        double explicitWidth = w == Width.Vector512 ? DotProduct.ApplyVector512(x, y) : DotProduct.ApplyVector256(x, y);
        Assert.That(BitConverter.DoubleToInt64Bits(DotProduct.Apply(x, y)), Is.EqualTo(BitConverter.DoubleToInt64Bits(explicitWidth)));
    }

    [TestCaseSource(nameof(WidthAndLength))]
    public void ActivationWidthMatchesScalar(Width w, int n)
    {
        RequireAccelerated(w);
        foreach (var kind in Enum.GetValues<ActivationKind>())
        {
            var z = Rand(new Random(4400 + n), n).Select(v => 4 * v).ToArray();
            var value = Canary.Buffer(n); var deriv = Canary.Buffer(n);
            var refValue = new double[n]; var refDeriv = new double[n];
            if (w == Width.Vector512) Activation.ApplyVector512(kind, z, Canary.Slice(value, n), Canary.Slice(deriv, n));
            else Activation.ApplyVector256(kind, z, Canary.Slice(value, n), Canary.Slice(deriv, n));
            Activation.ApplyScalar(kind, z, refValue, refDeriv);
            Canary.AssertUntouched(value, n);
            Canary.AssertUntouched(deriv, n);
            for (int k = 0; k < n; k++)
            {
                // Vectorised exp/sin/cos against Math.*: a few ulps, the same bound as the dispatcher's test above.
                Tol.AssertClose(refValue[k], Canary.Slice(value, n)[k], 1e-14, 1e-15, $"{kind} σ k={k}");
                Tol.AssertClose(refDeriv[k], Canary.Slice(deriv, n)[k], 1e-14, 1e-15, $"{kind} σ' k={k}");
            }
        }
    }

    [Test]
    public void ActivationValueOnlyLeavesNoDerivativeWrites()
    {
        // An empty derivative span means "not requested" at every width.
        var z = Rand(new Random(9), 13);
        foreach (var kind in Enum.GetValues<ActivationKind>())
        {
            var a = new double[13]; var b = new double[13];
            Activation.ApplyVector256(kind, z, a, default);
            Activation.ApplyVector512(kind, z, b, default);
            for (int k = 0; k < 13; k++) Tol.AssertClose(a[k], b[k], 1e-14, 1e-15, $"{kind} k={k}");
        }
    }
}
