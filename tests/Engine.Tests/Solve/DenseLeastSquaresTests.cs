// DenseLeastSquares: exact and noisy systems, equilibration, rank deficiency and input errors, for every solver.
using Engine.Common;
using Engine.Solve;
using NUnit.Framework;
using static Engine.Tests.Solve.SolveTestData;

namespace Engine.Tests.Solve;

[TestFixture]
public sealed class DenseLeastSquaresTests
{
    private const int Rows = 200, Cols = 30;
    private static readonly SolverKind[] AllKinds = [SolverKind.Gelsd, SolverKind.Qr, SolverKind.Cholesky, SolverKind.Sketch];

    [TestCaseSource(nameof(AllKinds))]
    public void ConsistentSystemRecoversTheTrueSolution(SolverKind kind)
    {
        double[] a = RandomMatrix(Rows, Cols, seed: 11);
        double[] xTrue = RandomVector(Cols, seed: 12);
        double[] b = Multiply(a, Rows, Cols, xTrue);
        double[] aCopy = (double[])a.Clone(), bCopy = (double[])b.Clone();

        SolveReport r = DenseLeastSquares.Solve(a, Rows, Cols, b, kind);

        SolveAssert.VectorsClose(xTrue, r.X, SolveAssert.WellConditioned, $"{kind} x");
        Assert.That(r.ResidualNorm, Is.LessThan(SolveAssert.WellConditioned * Norm(b)));
        Assert.That(r.Rank, Is.EqualTo(Cols));
        Assert.That(r.ZeroColumns, Is.Zero);
        Assert.That((r.Solver, r.Rows, r.Cols), Is.EqualTo((kind, (long)Rows, Cols)));
        Assert.That(r.ConditionEstimate, Is.GreaterThanOrEqualTo(1).And.LessThan(100), "a random 200×30 matrix is well conditioned");
        Assert.That(a, Is.EqualTo(aCopy), "A is not modified");
        Assert.That(b, Is.EqualTo(bCopy), "b is not modified");
    }

    [Test]
    public void NoisySystemGivesTheSameSolutionAndResidualWithEverySolver()
    {
        double[] a = RandomMatrix(Rows, Cols, seed: 21);
        double[] b = Multiply(a, Rows, Cols, RandomVector(Cols, seed: 22));
        double[] noise = RandomVector(Rows, seed: 23, amplitude: 0.3);
        for (int i = 0; i < Rows; i++) b[i] += noise[i];

        double[] reference = HouseholderLeastSquares(a, Rows, Cols, b);
        double referenceResidual = ResidualNorm(a, Rows, Cols, reference, b);
        Assert.That(referenceResidual, Is.GreaterThan(0.1 * Norm(noise)), "the noise leaves a real residual");

        foreach (SolverKind kind in AllKinds)
        {
            // Every solver reaches the same optimum; the sketch's CGLS is asked for it to 1e-12 (its default stops
            // once the residual is within (3·tol)²/2 of the optimum, when coefficients are good to about 1e-5 here:
            // SketchPreconditionedTests.DefaultToleranceBoundsThePredictionsAndTheResidualExcess).
            SolveReport r = DenseLeastSquares.Solve(a, Rows, Cols, b, kind, tolerance: SolveAssert.TightTolerance);
            SolveAssert.VectorsClose(reference, r.X, SolveAssert.CrossSolver, $"{kind} x vs managed Householder QR");
            SolveAssert.ScalarsClose(referenceResidual, r.ResidualNorm, SolveAssert.CrossSolver, $"{kind} residual");
            SolveAssert.ScalarsClose(ResidualNorm(a, Rows, Cols, r.X, b), r.ResidualNorm, 1e-12, $"{kind} reported residual is ‖Ax − b‖");
        }

        // The streaming path reports the residual from bᵀb − 2xᵀAᵀb + xᵀGx; with a real residual it is accurate too.
        var normal = new NormalEquations(Cols);
        normal.Accumulate(a, Rows, b);
        SolveReport streamed = normal.Solve(relativeRidge: 0);
        SolveAssert.VectorsClose(reference, streamed.X, SolveAssert.CrossSolver, "NormalEquations x");
        SolveAssert.ScalarsClose(referenceResidual, streamed.ResidualNorm, SolveAssert.CrossSolver, "NormalEquations residual");
    }

    [TestCaseSource(nameof(AllKinds))]
    public void ColumnsOfWildlyDifferentScaleAreSolvedAccurately(SolverKind kind)
    {
        // Scales 1e-7 … 1e7: unequilibrated, gelsd's relative cutoff 1e-13 would drop the small columns and the
        // Gram matrix would have cond ≈ 1e28. Equilibrated, the system is as well conditioned as the unscaled one.
        double[] a = RandomMatrix(Rows, Cols, seed: 31);
        double[] xTrue = RandomVector(Cols, seed: 32);
        for (int j = 0; j < Cols; j++)
        {
            double s = Math.Pow(10, -7 + 14.0 * (j % 3) / 2); // 1e-7, 1, 1e7
            for (int i = 0; i < Rows; i++) a[i * Cols + j] *= s;
            xTrue[j] /= s;
        }
        double[] b = Multiply(a, Rows, Cols, xTrue);

        SolveReport r = DenseLeastSquares.Solve(a, Rows, Cols, b, kind);

        Assert.That(r.Rank, Is.EqualTo(Cols));
        for (int j = 0; j < Cols; j++)
            Assert.That(r.X[j], Is.EqualTo(xTrue[j]).Within(1e-9 * Math.Abs(xTrue[j])), $"{kind} column {j}");
        Assert.That(r.ConditionEstimate, Is.LessThan(100), "the condition estimate is of the equilibrated matrix");
    }

    [Test]
    public void RankDeficientSystemGivesTheMinimumNormSolution([Values(SolverKind.Gelsd, SolverKind.Qr)] SolverKind kind)
    {
        // Column 7 duplicates column 3 and column 10 is zero. The reduced full-rank problem (without 7 and 10) has
        // a unique solution z; the minimum-norm solution splits z_3 equally between the identical columns.
        const int m = 60, n = 12;
        double[] a = RandomMatrix(m, n, seed: 41);
        for (int i = 0; i < m; i++) { a[i * n + 7] = a[i * n + 3]; a[i * n + 10] = 0; }
        double[] b = RandomVector(m, seed: 42);

        SolveReport r = DenseLeastSquares.Solve(a, m, n, b, kind);

        int[] keep = [0, 1, 2, 3, 4, 5, 6, 8, 9, 11];
        double[] reduced = new double[m * keep.Length];
        for (int i = 0; i < m; i++)
            for (int k = 0; k < keep.Length; k++) reduced[i * keep.Length + k] = a[i * n + keep[k]];
        double[] z = HouseholderLeastSquares(reduced, m, keep.Length, b);
        var expected = new double[n];
        for (int k = 0; k < keep.Length; k++) expected[keep[k]] = z[k];
        expected[3] = expected[7] = z[3] / 2;

        Assert.That(r.Rank, Is.EqualTo(10), "11 nonzero columns, one of them a duplicate");
        Assert.That(r.ZeroColumns, Is.EqualTo(1));
        Assert.That(r.X[10], Is.EqualTo(0.0));
        SolveAssert.VectorsClose(expected, r.X, 1e-9, $"{kind} minimum-norm solution");
        SolveAssert.ScalarsClose(ResidualNorm(reduced, m, keep.Length, z, b), r.ResidualNorm, 1e-9, $"{kind} residual");
    }

    [Test]
    public void MinimumNormIsTakenInEquilibratedCoordinates()
    {
        // Column 5 = 2·column 1. Equilibrated, the two columns are identical and share the coefficient y equally, so
        // x_1·c + x_5·2c = z_1·c with x_1 = y/‖c‖, x_5 = y/(2‖c‖): x_1 = z_1/2, x_5 = z_1/4.
        const int m = 40, n = 6;
        double[] a = RandomMatrix(m, n, seed: 51);
        for (int i = 0; i < m; i++) a[i * n + 5] = 2 * a[i * n + 1];
        double[] b = RandomVector(m, seed: 52);

        SolveReport r = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Gelsd);

        double[] reduced = new double[m * 5];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < 5; j++) reduced[i * 5 + j] = a[i * n + j];
        double[] z = HouseholderLeastSquares(reduced, m, 5, b);
        double[] expected = [z[0], z[1] / 2, z[2], z[3], z[4], z[1] / 4];
        Assert.That(r.Rank, Is.EqualTo(5));
        SolveAssert.VectorsClose(expected, r.X, 1e-9, "gelsd x");
    }

    [Test]
    public void UnderdeterminedSystemIsSolvedExactlyWithRankEqualToRows([Values(SolverKind.Gelsd, SolverKind.Qr)] SolverKind kind)
    {
        const int m = 8, n = 20;
        double[] a = RandomMatrix(m, n, seed: 61);
        double[] b = RandomVector(m, seed: 62);

        SolveReport r = DenseLeastSquares.Solve(a, m, n, b, kind);

        Assert.That(r.Rank, Is.EqualTo(m));
        Assert.That(r.ResidualNorm, Is.LessThan(1e-12 * Norm(b)));
    }

    [Test]
    public void CholeskyWithoutRidgeRejectsAnExactlySingularGram()
    {
        // Small integer entries make every product and sum exact, so G = AᵀA is exactly singular in floating point
        // too (a duplicated column); with rounding in G the pivot could land on either side of zero.
        const int m = 60, n = 12;
        var rng = new Random(71);
        var a = new double[m * n];
        for (int i = 0; i < a.Length; i++) a[i] = rng.Next(-9, 10);
        for (int i = 0; i < m; i++) a[i * n + 7] = a[i * n + 3];
        double[] b = RandomVector(m, seed: 72);

        var e = Assert.Throws<RankDeficientSystemException>(() => DenseLeastSquares.Solve(a, m, n, b, SolverKind.Cholesky));
        Assert.That(e!.Message, Does.Contain("singular at this ridge").And.Contain("--ridge").And.Contain("--solver gelsd"));

        // A ridge makes it solvable, and the fit is as good as the minimum-norm one. In the null direction
        // (x_3 − x_7) rounding is amplified by 1/λ, so the duplicates agree to about ε/λ = 1e-8.
        SolveReport ridged = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Cholesky, ridge: 1e-8);
        SolveReport svd = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Gelsd);
        Assert.That(ridged.Ridge, Is.EqualTo(1e-8));
        SolveAssert.ScalarsClose(svd.ResidualNorm, ridged.ResidualNorm, 1e-6, "ridged residual");
        Assert.That(ridged.X[3], Is.EqualTo(ridged.X[7]).Within(1e-6 * Math.Abs(ridged.X[3])), "the ridge also splits duplicates equally");
    }

    [TestCaseSource(nameof(AllKinds))]
    public void AllZeroMatrixHasNoInformation(SolverKind kind)
    {
        var a = new double[20 * 4];
        double[] b = RandomVector(20, seed: 81);
        var e = Assert.Throws<RankDeficientSystemException>(() => DenseLeastSquares.Solve(a, 20, 4, b, kind));
        Assert.That(e!.Message, Does.Contain("no information").And.Contain("every feature column is zero"));
    }

    [TestCaseSource(nameof(AllKinds))]
    public void ZeroColumnGetsCoefficientZeroAndTheRestIsExact(SolverKind kind)
    {
        double[] a = RandomMatrix(Rows, Cols, seed: 91);
        double[] xTrue = RandomVector(Cols, seed: 92);
        for (int i = 0; i < Rows; i++) a[i * Cols + 4] = 0;
        xTrue[4] = 0;
        double[] b = Multiply(a, Rows, Cols, xTrue);

        SolveReport r = DenseLeastSquares.Solve(a, Rows, Cols, b, kind);

        Assert.That(r.ZeroColumns, Is.EqualTo(1));
        Assert.That(r.Rank, Is.EqualTo(Cols - 1));
        Assert.That(r.X[4], Is.EqualTo(0.0));
        SolveAssert.VectorsClose(xTrue, r.X, SolveAssert.WellConditioned, $"{kind} x");
    }

    [Test]
    public void RidgeGivesTheSameSolutionWithEverySolver()
    {
        // All three solve min ‖A D y − b‖² + λ‖y‖²: gelsd/qr through √λ·I rows, Cholesky through the diagonal.
        double[] a = RandomMatrix(50, 10, seed: 101);
        double[] b = RandomVector(50, seed: 102);
        SolveReport svd = DenseLeastSquares.Solve(a, 50, 10, b, SolverKind.Gelsd, ridge: 0.5);
        SolveReport qr = DenseLeastSquares.Solve(a, 50, 10, b, SolverKind.Qr, ridge: 0.5);
        SolveReport chol = DenseLeastSquares.Solve(a, 50, 10, b, SolverKind.Cholesky, ridge: 0.5);
        SolveReport sketch = DenseLeastSquares.Solve(a, 50, 10, b, SolverKind.Sketch, ridge: 0.5, tolerance: SolveAssert.TightTolerance);
        SolveReport plain = DenseLeastSquares.Solve(a, 50, 10, b, SolverKind.Gelsd);

        SolveAssert.VectorsClose(svd.X, qr.X, 1e-12, "qr vs gelsd");
        SolveAssert.VectorsClose(svd.X, chol.X, 1e-12, "cholesky vs gelsd");
        SolveAssert.VectorsClose(svd.X, sketch.X, 1e-12, "sketch vs gelsd");
        Assert.That(Norm(svd.X), Is.LessThan(Norm(plain.X)), "a large ridge shrinks the solution");
        Assert.That(svd.ResidualNorm, Is.GreaterThan(plain.ResidualNorm), "and costs fit");
    }

    [TestCaseSource(nameof(AllKinds))]
    public void NonFiniteInputIsRejectedNamingTheColumn(SolverKind kind)
    {
        double[] a = RandomMatrix(10, 3, seed: 111);
        a[4 * 3 + 2] = double.NaN;
        double[] b = RandomVector(10, seed: 112);
        var e = Assert.Throws<InvalidInputException>(() => DenseLeastSquares.Solve(a, 10, 3, b, kind));
        Assert.That(e!.Message, Does.Contain("Column 2"));

        a[4 * 3 + 2] = 0;
        b[6] = double.PositiveInfinity;
        e = Assert.Throws<InvalidInputException>(() => DenseLeastSquares.Solve(a, 10, 3, b, kind));
        Assert.That(e!.Message, Does.Contain("Row 6"));
    }

    [Test]
    public void OutOfRangeOptionsAreRejected()
    {
        double[] a = RandomMatrix(10, 3, seed: 121);
        double[] b = RandomVector(10, seed: 122);
        Assert.Throws<InvalidInputException>(() => DenseLeastSquares.Solve(a, 10, 3, b, SolverKind.Gelsd, rcond: -1));
        Assert.Throws<InvalidInputException>(() => DenseLeastSquares.Solve(a, 10, 3, b, SolverKind.Gelsd, rcond: 1));
        Assert.Throws<InvalidInputException>(() => DenseLeastSquares.Solve(a, 10, 3, b, SolverKind.Qr, ridge: -1e-3));
        Assert.Throws<InvalidInputException>(() => DenseLeastSquares.Solve(a, 10, 3, b, SolverKind.Cholesky, ridge: double.NaN));
        Assert.Throws<ArgumentException>(() => DenseLeastSquares.Solve(a, 10, 4, b, SolverKind.Gelsd));
        Assert.Throws<ArgumentException>(() => DenseLeastSquares.Solve(a, 10, 3, b.AsSpan(1), SolverKind.Gelsd));
    }
}
