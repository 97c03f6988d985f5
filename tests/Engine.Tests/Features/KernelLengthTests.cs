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
