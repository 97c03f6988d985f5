// Checks shared by the tests of every feature map.
using Engine.Features;
using Engine.Graph;
using NUnit.Framework;

namespace Engine.Tests.Support;

public static class FeatureChecks
{
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
