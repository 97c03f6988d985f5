// Checks shared by the tests of every feature map.
using Engine.Features;
using Engine.Graph;
using NUnit.Framework;

namespace Engine.Tests.Support;

public static class FeatureChecks
{
    /// <summary>Evaluates Φ(q, p) into phi: the function a finite-difference Jacobian differentiates.</summary>
    public delegate void PhiFunction(double[] q, double[] p, double[] phi);

    /// <summary>
    /// The analytic Jacobian of <paramref name="f"/> at the system's state matches the five-point finite differences
    /// of <paramref name="phi"/> (default: f.Evaluate) to <see cref="Tol.FiniteDifference"/> relative, in q and in p.
    /// h = 2e-5: SWIM weights reach O(10²) (sin: s1 = π/|x2 − x1|), so the O(h⁴ w⁵) truncation error of the stencil
    /// needs a small step; the round-off error ε|Φ|/h stays far below the bound.
    /// </summary>
    public static void AssertJacobianMatchesFiniteDifferences(IFeatureMap f, TestSystem s, string name, PhiFunction? phi = null)
    {
        int nd = s.N * s.D, F = f.FeatureCount;
        var ws = f.CreateWorkspace();
        var edges = new EdgeBuffer();
        phi ??= (q, p, into) => f.Evaluate(s.Snap(edges, q, p), into, ws);
        var jp = new double[nd * F];
        var jq = new double[nd * F];
        f.EvaluateJacobian(s.Snap(new EdgeBuffer()), jp, jq, F, f.CreateWorkspace());
        foreach (bool momentum in new[] { false, true })
        {
            var analytic = momentum ? jp : jq;
            var numeric = new double[nd * F];
            for (int c = 0; c < nd; c++) FivePoint(phi, s, F, c, momentum, 2e-5).CopyTo(numeric, c * F);
            double err = Tol.RelativeError(analytic, numeric);
            Assert.That(err, Is.LessThanOrEqualTo(Tol.FiniteDifference), $"{name} {(momentum ? "∂Φ/∂p" : "∂Φ/∂q")} relative error {err:G3}");
            Assert.That(numeric.Any(v => v != 0), "the finite-difference Jacobian is identically zero: the test checks nothing");
        }
    }

    /// <summary>∂Φ/∂y_c by the five-point stencil (error O(h⁴)).</summary>
    private static double[] FivePoint(PhiFunction phi, TestSystem s, int F, int c, bool momentum, double h)
    {
        double[] At(double delta)
        {
            var q = (double[])s.Q.Clone(); var p = (double[])s.P.Clone();
            (momentum ? p : q)[c] += delta;
            var value = new double[F];
            phi(q, p, value);
            return value;
        }
        double[] p2 = At(2 * h), p1 = At(h), m1 = At(-h), m2 = At(-2 * h);
        var d = new double[F];
        for (int k = 0; k < F; k++) d[k] = (-p2[k] + 8 * p1[k] - 8 * m1[k] + m2[k]) / (12 * h);
        return d;
    }

    /// <summary>Jacobian rows are written with the given stride and leave the columns beyond F untouched.</summary>
    public static void AssertJacobianRespectsStride(IFeatureMap f, TestSystem s)
    {
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

    /// <summary>
    /// The inference path EvaluateGradient(θ) must return θᵀΦ and Jᵀθ (to 1e-12), and the energy-only and one-sided
    /// calls must give the same bits as the full call.
    /// </summary>
    public static void AssertGradientIsJacobianTransposeTheta(IFeatureMap f, TestSystem s)
    {
        int nd = s.N * s.D, F = f.FeatureCount;
        var ws = f.CreateWorkspace();
        var theta = Enumerable.Range(0, F).Select(k => Math.Sin(1.3 * k + 0.2)).ToArray();
        var jp = new double[nd * F]; var jq = new double[nd * F]; var phi = new double[F];
        var snap = s.Snap(new EdgeBuffer());
        f.EvaluateJacobian(snap, jp, jq, F, ws);
        f.Evaluate(snap, phi, ws);
        var gq = new double[nd]; var gp = new double[nd];
        double h = f.EvaluateGradient(snap, theta, gq, gp, ws);

        Tol.AssertClose(phi.Zip(theta, (a, b) => a * b).Sum(), h, 1e-12, 1e-12, "θᵀΦ");
        var expectQ = new double[nd]; var expectP = new double[nd];
        for (int c = 0; c < nd; c++)
            for (int k = 0; k < F; k++) { expectQ[c] += jq[c * F + k] * theta[k]; expectP[c] += jp[c * F + k] * theta[k]; }
        Assert.That(Tol.RelativeError(gq, expectQ), Is.LessThan(1e-12), "∂Ĥ/∂q");
        Assert.That(Tol.RelativeError(gp, expectP), Is.LessThan(1e-12), "∂Ĥ/∂p");

        var gq2 = new double[nd]; var gp2 = new double[nd];
        Assert.That(f.EvaluateGradient(snap, theta, default, default, ws), Is.EqualTo(h), "energy-only call");
        f.EvaluateGradient(snap, theta, gq2, default, ws);
        f.EvaluateGradient(snap, theta, default, gp2, ws);
        Assert.That(gq2, Is.EqualTo(gq), "q-only call");
        Assert.That(gp2, Is.EqualTo(gp), "p-only call");
    }
}
