// The learned H is invariant under rotations, translations and permutations of particles, for both families.
using Engine.Features;
using Engine.Graph;
using Engine.Tests.Support;
using NUnit.Framework;

namespace Engine.Tests.Features;

public class InvarianceTests
{
    private static IEnumerable<TestCaseData> Families()
    {
        yield return new TestCaseData(ModelFamily.Graph, 3);
        yield return new TestCaseData(ModelFamily.Graph, 2);
        yield return new TestCaseData(ModelFamily.Pair, 3);
        yield return new TestCaseData(ModelFamily.Pair, 2);
    }

    private static (IFeatureMap F, TestSystem S, double[] Theta) Setup(ModelFamily family, int d)
    {
        var s = TestSystems.Springs(d == 3 ? 3 : 4, d, 11, species: 2);
        IFeatureMap f = family == ModelFamily.Graph ? TestSystems.Graph(s, SamplerKind.Swim, ActivationKind.Tanh, 5) : TestSystems.Pair(s, SamplerKind.Swim, ActivationKind.Tanh, 5);
        var theta = Enumerable.Range(0, f.FeatureCount).Select(k => Math.Cos(0.7 * k)).ToArray();
        return (f, s, theta);
    }

    private static double Energy(IFeatureMap f, TestSystem s, double[] theta, double[] q, double[] p)
        => f.EvaluateGradient(s.Snap(new EdgeBuffer(), q, p), theta, default, default, f.CreateWorkspace());

    [TestCaseSource(nameof(Families))]
    public void RotationAndTranslationLeaveHUnchanged(ModelFamily family, int d)
    {
        var (f, s, theta) = Setup(family, d);
        double h = Energy(f, s, theta, s.Q, s.P);
        for (int trial = 0; trial < 5; trial++)
        {
            var rot = TestSystems.RandomRotation(d, 100 + trial);
            var q = TestSystems.Rotate(s.Q, rot, d);
            var p = TestSystems.Rotate(s.P, rot, d);
            var shift = new Random(trial).NextDouble() * 10 - 5;
            for (int k = 0; k < q.Length; k++) q[k] += shift * (1 + k % d);
            double h2 = Energy(f, s, theta, q, p);
            Tol.AssertClose(h, h2, Tol.Invariance, 0, $"trial {trial}");
        }
        Assert.That(Math.Abs(h), Is.GreaterThan(1e-3), "H is ~0: the invariance check would be vacuous");
    }

    [TestCaseSource(nameof(Families))]
    public void PermutingParticlesLeavesHUnchanged(ModelFamily family, int d)
    {
        var (f, s, theta) = Setup(family, d);
        double h = Energy(f, s, theta, s.Q, s.P);
        var permuted = TestSystems.Permuted(s, 3);
        Tol.AssertClose(h, Energy(f, permuted, theta, permuted.Q, permuted.P), Tol.Invariance, 0, "permutation");
    }

    [Test]
    public void PairFamilyForcesSumToZero()
    {
        var s = TestSystems.PeriodicGas(20, 5.0, 2.4, 9, species: 2);
        var f = TestSystems.Pair(s, SamplerKind.Swim, ActivationKind.Tanh, 1);
        var theta = Enumerable.Range(0, f.FeatureCount).Select(k => Math.Sin(k + 0.5)).ToArray();
        var gq = new double[s.N * 3];
        f.EvaluateGradient(s.Snap(new EdgeBuffer()), theta, gq, default, f.CreateWorkspace());
        double scale = gq.Max(Math.Abs);
        Assert.That(scale, Is.GreaterThan(0));
        for (int a = 0; a < 3; a++)
        {
            double sum = 0;
            for (int i = 0; i < s.N; i++) sum += gq[i * 3 + a];
            Assert.That(Math.Abs(sum), Is.LessThan(1e-12 * scale * s.N), $"Σ F along axis {a}");
        }
    }
}
