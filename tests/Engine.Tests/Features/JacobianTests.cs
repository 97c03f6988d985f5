// Every analytic Jacobian against central finite differences, and the θ-gradient path against Jᵀθ.
using Engine.Features;
using Engine.Graph;
using Engine.Tests.Support;
using NUnit.Framework;

namespace Engine.Tests.Features;

public class JacobianTests
{
    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var act in Enum.GetValues<ActivationKind>())
            foreach (var sampler in Enum.GetValues<SamplerKind>())
            {
                yield return new TestCaseData("graph-springs-3d", sampler, act);
                yield return new TestCaseData("graph-springs-2d", sampler, act);
                yield return new TestCaseData("pair-springs-3d", sampler, act);
                yield return new TestCaseData("pair-gas-2species", sampler, act);
            }
    }

    private static (IFeatureMap, TestSystem) Build(string name, SamplerKind sampler, ActivationKind act) => name switch
    {
        "graph-springs-3d" => Graph(TestSystems.Springs(2, 3, 1), sampler, act),
        "graph-springs-2d" => Graph(TestSystems.Springs(3, 2, 2), sampler, act),
        "pair-springs-3d" => Pair(TestSystems.Springs(2, 3, 3), sampler, act),
        "pair-gas-2species" => Pair(TestSystems.PeriodicGas(12, 4.0, 1.9, 4, species: 2), sampler, act),
        _ => throw new ArgumentException(name),
    };

    private static (IFeatureMap, TestSystem) Graph(TestSystem s, SamplerKind sa, ActivationKind ac) => (TestSystems.Graph(s, sa, ac, 7), s);
    private static (IFeatureMap, TestSystem) Pair(TestSystem s, SamplerKind sa, ActivationKind ac) => (TestSystems.Pair(s, sa, ac, 7), s);

    [TestCaseSource(nameof(Cases))]
    public void JacobianMatchesFiniteDifferences(string name, SamplerKind sampler, ActivationKind act)
    {
        var (f, s) = Build(name, sampler, act);
        int nd = s.N * s.D, F = f.FeatureCount;
        var ws = f.CreateWorkspace();
        var edges = new EdgeBuffer();
        var jp = new double[nd * F];
        var jq = new double[nd * F];
        f.EvaluateJacobian(s.Snap(edges), jp, jq, F, ws);

        foreach (bool momentum in new[] { false, true })
        {
            var analytic = momentum ? jp : jq;
            var numeric = new double[nd * F];
            // h = 2e-5: SWIM weights reach O(10²) (sin: s1 = π/|x2 − x1|), so the O(h⁴ w⁵) truncation error of the
            // five-point stencil needs a small step; the round-off error ε|Φ|/h stays far below the 1e-6 bound.
            for (int c = 0; c < nd; c++)
            {
                var col = FivePoint(f, s, c, momentum, 2e-5);
                col.CopyTo(numeric, c * F);
            }
            double err = Tol.RelativeError(analytic, numeric);
            Assert.That(err, Is.LessThanOrEqualTo(Tol.FiniteDifference), $"{name} {(momentum ? "∂Φ/∂p" : "∂Φ/∂q")} relative error {err:G3}");
            Assert.That(numeric.Any(v => v != 0), "the finite-difference Jacobian is identically zero: the test checks nothing");
        }
    }

    /// <summary>∂Φ/∂y_c by the five-point stencil (error O(h⁴)).</summary>
    private static double[] FivePoint(IFeatureMap f, TestSystem s, int c, bool momentum, double h)
    {
        int F = f.FeatureCount;
        var ws = f.CreateWorkspace();
        var edges = new EdgeBuffer();
        double[] Phi(double delta)
        {
            var q = (double[])s.Q.Clone(); var p = (double[])s.P.Clone();
            (momentum ? p : q)[c] += delta;
            var phi = new double[F];
            f.Evaluate(s.Snap(edges, q, p), phi, ws);
            return phi;
        }
        double[] p2 = Phi(2 * h), p1 = Phi(h), m1 = Phi(-h), m2 = Phi(-2 * h);
        var d = new double[F];
        for (int k = 0; k < F; k++) d[k] = (-p2[k] + 8 * p1[k] - 8 * m1[k] + m2[k]) / (12 * h);
        return d;
    }

    [TestCaseSource(nameof(Cases))]
    public void GradientPathEqualsJacobianTransposeTheta(string name, SamplerKind sampler, ActivationKind act)
    {
        var (f, s) = Build(name, sampler, act);
        FeatureChecks.AssertGradientIsJacobianTransposeTheta(f, s);
    }

    [Test]
    public void JacobianRowsRespectStrideAndLeaveOtherColumnsAlone()
    {
        var s = TestSystems.Springs(2, 3, 5);
        var f = TestSystems.Graph(s, SamplerKind.Swim, ActivationKind.Tanh, 3);
        int nd = s.N * s.D, F = f.FeatureCount, stride = F + 3;
        var jp = Enumerable.Repeat(double.NaN, nd * stride).ToArray();
        var jq = Enumerable.Repeat(double.NaN, nd * stride).ToArray();
        f.EvaluateJacobian(s.Snap(new EdgeBuffer()), jp, jq, stride, f.CreateWorkspace());
        for (int row = 0; row < nd; row++)
            for (int k = 0; k < stride; k++)
            {
                bool inside = k < F;
                Assert.That(double.IsNaN(jp[row * stride + k]), Is.EqualTo(!inside), $"jp row {row} col {k}");
                Assert.That(double.IsNaN(jq[row * stride + k]), Is.EqualTo(!inside), $"jq row {row} col {k}");
            }
    }
}
