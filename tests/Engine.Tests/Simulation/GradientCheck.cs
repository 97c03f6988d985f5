// Central-difference reference for the gradients of an IHamiltonian, used by the simulation tests.
using Engine.Common;

namespace Engine.Tests.Simulation;

internal static class GradientCheck
{
    /// <summary>
    /// Largest |analytic − central difference| over all q and p components, divided by the largest analytic
    /// gradient component (so the measure is relative to the gradient's scale).
    /// </summary>
    public static (double RelQ, double RelP) Compare(IHamiltonian h, double[] q, double[] p, double step = 1e-6)
    {
        int n = q.Length;
        var gq = new double[n]; var gp = new double[n];
        h.Evaluate(q, p, gq, gp);
        double errQ = 0, errP = 0, scaleQ = 0, scaleP = 0;
        var qq = (double[])q.Clone(); var pp = (double[])p.Clone();
        for (int k = 0; k < n; k++)
        {
            qq[k] = q[k] + step; double up = h.Evaluate(qq, p, default, default);
            qq[k] = q[k] - step; double down = h.Evaluate(qq, p, default, default);
            qq[k] = q[k];
            errQ = Math.Max(errQ, Math.Abs((up - down) / (2 * step) - gq[k]));
            scaleQ = Math.Max(scaleQ, Math.Abs(gq[k]));

            pp[k] = p[k] + step; up = h.Evaluate(q, pp, default, default);
            pp[k] = p[k] - step; down = h.Evaluate(q, pp, default, default);
            pp[k] = p[k];
            errP = Math.Max(errP, Math.Abs((up - down) / (2 * step) - gp[k]));
            scaleP = Math.Max(scaleP, Math.Abs(gp[k]));
        }
        return (errQ / scaleQ, errP / scaleP);
    }

    /// <summary>A random state near <paramref name="rest"/>: q = rest + U(−dq, dq), p = U(−dp, dp).</summary>
    public static (double[] Q, double[] P) RandomState(double[] rest, Random random, double dq, double dp)
    {
        var q = new double[rest.Length]; var p = new double[rest.Length];
        for (int k = 0; k < rest.Length; k++)
        {
            q[k] = rest[k] + dq * (2 * random.NextDouble() - 1);
            p[k] = dp * (2 * random.NextDouble() - 1);
        }
        return (q, p);
    }

    public static double[] RandomMasses(int n, Random random)
    {
        var m = new double[n];
        for (int i = 0; i < n; i++) m[i] = 0.5 + 1.5 * random.NextDouble();
        return m;
    }
}
