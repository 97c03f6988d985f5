// Condition estimates against matrices whose singular values are known by construction.
using Engine.Solve;
using NUnit.Framework;
using static Engine.Tests.Solve.SolveTestData;

namespace Engine.Tests.Solve;

[TestFixture]
public sealed class ConditionEstimateTests
{
    [Test]
    public void EstimatesMatchKnownSingularValues()
    {
        // n = 8 columns of equal norm, singular values 1 … 1e3 log-spaced: cond₂(A) = 1e3 before and after equilibration.
        const int m = 40, n = 8;
        var s = new double[n];
        for (int k = 0; k < n; k++) s[k] = Math.Pow(10, 3.0 * k / (n - 1));
        double[] a = KnownSingularValues(m, s, seed: 301);
        double[] b = RandomVector(m, seed: 302);
        const double truth = 1e3;

        SolveReport svd = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Gelsd);
        SolveReport qr = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Qr);
        SolveReport chol = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Cholesky);

        SolveAssert.ScalarsClose(truth, svd.ConditionEstimate, 1e-9, "gelsd: exact ratio of kept singular values");
        double scale = Math.Sqrt(s.Sum(v => v * v) / n); // every column norm; equilibration divides all s by it
        SolveAssert.VectorsClose(s.Reverse().Select(v => v / scale).ToArray(), svd.SingularValues!, 1e-9, "singular values");
        Assert.That(chol.ConditionEstimate, Is.InRange(truth / 3, truth * 3), "cholesky: sqrt of dpocon's 1-norm estimate of cond(G)");
        Assert.That(qr.ConditionEstimate, Is.InRange(truth / n, truth * n), "qr: 1-norm estimate of the triangular factor, within n");
        Assert.That(qr.SingularValues, Is.Null);
    }

    [Test]
    public void DiagonalScalingIsRemovedByEquilibration([Values] SolverKind kind)
    {
        // A = diag(1e-3 … 1e3) on top of zero rows: raw cond 1e6, but its columns are orthogonal, so the
        // equilibrated matrix is orthonormal with cond 1, which is what the solvers see and report.
        const int m = 12, n = 6;
        var a = new double[m * n];
        for (int j = 0; j < n; j++) a[j * n + j] = Math.Pow(10, -3 + 6.0 * j / (n - 1));
        double[] b = RandomVector(m, seed: 311);
        SolveReport r = DenseLeastSquares.Solve(a, m, n, b, kind);
        Assert.That(r.ConditionEstimate, Is.EqualTo(1.0).Within(1e-12));
        for (int j = 0; j < n; j++) Assert.That(r.X[j] * a[j * n + j], Is.EqualTo(b[j]).Within(1e-14));
    }
}
