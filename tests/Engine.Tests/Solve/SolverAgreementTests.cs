// Every solver reaches the same residual on the same system; on ill-conditioned rank-deficient systems gelsd, qr and sketch agree.
using Engine.Common;
using Engine.Solve;
using NUnit.Framework;
using static Engine.Tests.Solve.SolveTestData;

namespace Engine.Tests.Solve;

[TestFixture]
public sealed class SolverAgreementTests
{
    private static readonly SolverKind[] Every = [SolverKind.Gelsd, SolverKind.Qr, SolverKind.Cholesky, SolverKind.Sketch, SolverKind.Auto];

    /// <summary>
    /// Stated tolerance: on a well-conditioned system (cond ≈ 2 after equilibration) every solver's relative residual
    /// equals gelsd's to 1e-10 relative, plus the residual excess that CGLS's default stopping tolerance allows,
    /// (3·tol)²/2 (4.5e-8 at tol = 1e-4, DenseLeastSquares.SketchTolerance). The residual is stationary at the optimum,
    /// so a solution error δ changes it only by O(δ²); the 1e-10 leaves room for Cholesky's κ²ε.
    /// </summary>
    private static readonly double ResidualAgreement =
        1e-10 + Math.Pow(SketchPreconditioned.DistortionFactor * DenseLeastSquares.SketchTolerance, 2) / 2;

    // Tall enough (8192 × 256 = 2²¹ entries) that Auto takes the sketch branch of SolverChoice.
    private const int TallRows = 8192, TallCols = 256;

    [Test]
    public void EverySolverReachesTheSameResidualOnAWellConditionedSystem()
    {
        double[] a = RandomMatrix(TallRows, TallCols, seed: 501);
        double[] b = Multiply(a, TallRows, TallCols, RandomVector(TallCols, seed: 502));
        double[] noise = RandomVector(TallRows, seed: 503, amplitude: 1e-3);
        for (int i = 0; i < TallRows; i++) b[i] += noise[i];

        var reports = Every.ToDictionary(k => k, k => DenseLeastSquares.Solve(a, TallRows, TallCols, b, k));
        double reference = reports[SolverKind.Gelsd].RelativeResidual;
        Assert.That(reference, Is.InRange(1e-5, 1e-2), "the noise leaves a residual well above round-off");
        foreach (var (kind, r) in reports)
        {
            SolveAssert.ScalarsClose(reference, r.RelativeResidual, ResidualAgreement, $"{kind} relative residual");
            SolveAssert.ScalarsClose(ResidualNorm(a, TallRows, TallCols, r.X, b) / Norm(b), r.RelativeResidual, 1e-9, $"{kind} reports ‖Ax − b‖/‖b‖");
            Assert.That(r.RhsNorm, Is.EqualTo(Norm(b)).Within(1e-12).Percent);
        }
        Assert.That(reports[SolverKind.Sketch].Iterations, Is.InRange(1, 100), "CGLS on the preconditioned operator converges fast");
        Assert.That(reports[SolverKind.Sketch].SketchRows, Is.EqualTo(SketchPreconditioned.SketchRowsPerColumn * TallCols));
        Assert.That(reports[SolverKind.Auto].Solver, Is.EqualTo(SolverKind.Cholesky), "the sketch shows cond ≈ 2: the Gram matrix is safe");
    }

    [Test]
    public void AutoPicksGelsdForSmallSystemsAndTheSketchForIllConditionedTallOnes()
    {
        double[] small = RandomMatrix(300, 40, seed: 511);
        double[] bs = RandomVector(300, seed: 512);
        Assert.That(DenseLeastSquares.Solve(small, 300, 40, bs, SolverKind.Auto).Solver, Is.EqualTo(SolverKind.Gelsd));

        var (a, b, _, _) = IllConditioned(TallRows, 260, seed: 513, heldOut: false);
        Assert.That(SolverChoice.PrefersSketch(TallRows, 260), Is.True);
        SolveReport r = DenseLeastSquares.Solve(a, TallRows, 260, b, SolverKind.Auto);
        Assert.That(r.Solver, Is.EqualTo(SolverKind.Sketch), "cond ≈ 1e12: Cholesky would square it");
    }

    [Test]
    public void AutoKeepsTheSketchForAWellConditionedSystemWiderThanTheCholeskyLimit()
    {
        const int cols = 2 * SolverChoice.CholeskyColumnLimit;
        double[] a = RandomMatrix(TallRows, cols, seed: 515);
        double[] b = RandomVector(TallRows, seed: 516);
        SolveReport r = DenseLeastSquares.Solve(a, TallRows, cols, b, SolverKind.Auto);
        Assert.That(r.Solver, Is.EqualTo(SolverKind.Sketch), "the Gram is safe, but its m·n² flops cost more than the remaining passes");
        Assert.That(r.Rank, Is.EqualTo(cols));
        Assert.That(r.ConditionEstimate, Is.LessThan(SolverChoice.CholeskyConditionLimit), "well conditioned: only the width decided");
    }

    [Test]
    public void GelsdQrAndSketchAgreeOnAnIllConditionedRankDeficientSystem()
    {
        const int m = 3000, n = 96;
        var (a, b, test, rank) = IllConditioned(m, n, seed: 521);
        SolveReport svd = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Gelsd);
        SolveReport qr = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Qr);
        SolveReport sketch = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Sketch);
        Assert.That(svd.Rank, Is.EqualTo(rank), "gelsd drops the 16 dependent directions");
        Assert.That(sketch.Rank, Is.EqualTo(rank), "so does the truncated SVD of the sketch");
        Assert.That(sketch.ConditionEstimate, Is.GreaterThan(1e9), "the kept part is still ill-conditioned");

        // Residuals: the same to 1e-6 relative (the optimum is ≈ 1e-9·‖b‖; round-off in A·x with ‖x‖ ≫ ‖b‖ sets the floor).
        SolveAssert.ScalarsClose(svd.RelativeResidual, sketch.RelativeResidual, 1e-6, "sketch vs gelsd residual");
        SolveAssert.ScalarsClose(svd.RelativeResidual, qr.RelativeResidual, 1e-6, "qr vs gelsd residual");
        // Predictions on held-out rows of the same row space agree to the residual level.
        double[] pSvd = Multiply(test, m, n, svd.X), pSketch = Multiply(test, m, n, sketch.X), pQr = Multiply(test, m, n, qr.X);
        SolveAssert.VectorsClose(pSvd, pSketch, 1e-6, "sketch vs gelsd held-out predictions");
        SolveAssert.VectorsClose(pSvd, pQr, 1e-6, "qr vs gelsd held-out predictions");
        // Minimum norm: the 16 null directions carry nothing in gelsd's solution, and neither in the sketch's (the
        // complete orthogonal step; a basic solution on the pivoted columns alone would put weight there).
        TestContext.Out.WriteLine($"norms: gelsd {Norm(svd.X):g6} sketch {Norm(sketch.X):g6} qr {Norm(qr.X):g6}; difference {RelativeDifference(svd.X, sketch.X):g3}");
        // Zeroing the 16 dropped coefficients instead would need a null-space component of norm ≈ 18 here (≈ 8 % on ‖x‖).
        Assert.That(Norm(sketch.X), Is.EqualTo(Norm(svd.X)).Within(0.1).Percent, "sketch vs gelsd solution norm");
        Assert.That(RelativeDifference(svd.X, sketch.X), Is.LessThan(1e-2), "sketch vs gelsd solution (cond 1e12 limits the agreement)");

        // Cholesky's documented limit: the Gram matrix squares cond (≈ 1e24 here), so it is singular without a ridge,
        // and with the default ridge it cannot reach the optimum.
        Assert.Throws<RankDeficientSystemException>(() => DenseLeastSquares.Solve(a, m, n, b, SolverKind.Cholesky));
        SolveReport chol = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Cholesky, ridge: 1e-12);
        Assert.That(chol.RelativeResidual, Is.GreaterThan(10 * svd.RelativeResidual), "cholesky stalls far above the optimum");
    }

    private static double RelativeDifference(double[] x, double[] y)
    {
        double d = 0;
        for (int i = 0; i < x.Length; i++) d += (x[i] - y[i]) * (x[i] - y[i]);
        return Math.Sqrt(d) / Norm(x);
    }

    /// <summary>
    /// A = U diag(s) Vᵀ, rows × cols, with the first cols − 16 singular values log-spaced from 1 to 1e-12 and the last
    /// 16 exactly 0 (then equilibration perturbs them to round-off, which rcond 1e-13 cuts); b = A x + 1e-10 noise.
    /// Also held-out rows U' diag(s) Vᵀ of the same row space, and the numerical rank.
    /// </summary>
    internal static (double[] A, double[] B, double[] Test, int Rank) IllConditioned(int rows, int cols, int seed, bool heldOut = true)
    {
        int rank = cols - 16;
        var s = new double[cols];
        for (int k = 0; k < rank; k++) s[k] = Math.Pow(10, -12.0 * k / (rank - 1));
        double[] v = OrthonormalColumns(cols, cols, seed + 1);
        double[] a = FromSvd(OrthonormalColumnsFast(rows, cols, seed), s, v, rows, cols);
        double[] test = heldOut ? FromSvd(OrthonormalColumnsFast(rows, cols, seed + 2), s, v, rows, cols) : [];
        double[] b = Multiply(a, rows, cols, RandomVector(cols, seed + 3));
        double[] noise = RandomVector(rows, seed + 4, amplitude: 1e-10);
        for (int i = 0; i < rows; i++) b[i] += noise[i];
        return (a, b, test, rank);
    }
}
