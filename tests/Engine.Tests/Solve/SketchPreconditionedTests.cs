// The sketch-and-precondition solver: determinism, accuracy against simple baselines, condition estimate, exact and ridge paths.
using Engine.Solve;
using NUnit.Framework;
using static Engine.Tests.Solve.SolveTestData;

namespace Engine.Tests.Solve;

[TestFixture]
public sealed class SketchPreconditionedTests
{
    [Test]
    public void SameSeedGivesTheSameBitsAndAnotherSeedTheSameResidual()
    {
        const int m = 4000, n = 100;
        var (a, b, _, _) = SolverAgreementTests.IllConditioned(m, n, seed: 601);
        SolveReport first = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Sketch, seed: 7);
        SolveReport again = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Sketch, seed: 7);
        SolveReport other = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Sketch, seed: 8);

        Assert.That(again.X, Is.EqualTo(first.X), "same seed, same bits");
        Assert.That((again.Iterations, again.ConditionEstimate, again.ResidualNorm), Is.EqualTo((first.Iterations, first.ConditionEstimate, first.ResidualNorm)));
        Assert.That(other.X, Is.Not.EqualTo(first.X), "another seed is another sketch");
        SolveAssert.ScalarsClose(first.RelativeResidual, other.RelativeResidual, 1e-6, "but the same optimum");
    }

    [Test]
    public void RecoversAKnownSolutionWhereSimpleBaselinesFail()
    {
        // Consistent system with cond 1e6 and full rank: the known x is the unique least-squares solution.
        const int m = 3000, n = 64;
        var s = new double[n];
        for (int k = 0; k < n; k++) s[k] = Math.Pow(10, -6.0 * k / (n - 1));
        double[] a = FromSvd(OrthonormalColumnsFast(m, n, seed: 611), s, OrthonormalColumns(n, n, seed: 612), m, n);
        double[] xTrue = RandomVector(n, seed: 613);
        double[] b = Multiply(a, m, n, xTrue);

        SolveReport sketch = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Sketch);
        double sketchError = RelativeError(xTrue, sketch.X);
        Assert.That(sketchError, Is.LessThan(1e-8), "forward error ≈ κ·ε");
        Assert.That(sketch.RelativeResidual, Is.LessThan(1e-13));

        // Baseline 1: normal equations, whose error grows like κ²ε.
        double choleskyError = RelativeError(xTrue, DenseLeastSquares.Solve(a, m, n, b, SolverKind.Cholesky).X);
        Assert.That(choleskyError, Is.GreaterThan(100 * sketchError), $"cholesky {choleskyError:g3} vs sketch {sketchError:g3}");

        // Baseline 2: plain (unpreconditioned) CGLS with the same number of products by A and Aᵀ.
        double cglsError = RelativeError(xTrue, Cgls(a, m, n, b, sketch.Iterations + 1));
        Assert.That(cglsError, Is.GreaterThan(1e4 * sketchError), $"plain CGLS {cglsError:g3} vs sketch {sketchError:g3}");
    }

    /// <summary>
    /// What the default tolerance promises (DenseLeastSquares.SketchTolerance): with κ = cond(AP) ≤ 3 for the 4·n-row
    /// sketch, the predictions A x lie within κ·tol·‖r‖ of the optimum's and the residual within (κ·tol)²/2 relative.
    /// The system is ill-conditioned and noisy, so the sketch-and-solve start alone is off by far more (checked).
    /// </summary>
    [Test]
    public void DefaultToleranceBoundsThePredictionsAndTheResidualExcess()
    {
        const int m = 4000, n = 120;
        var s = new double[n];
        for (int k = 0; k < n; k++) s[k] = Math.Pow(10, -8.0 * k / (n - 1));
        double[] a = FromSvd(OrthonormalColumnsFast(m, n, seed: 651), s, OrthonormalColumns(n, n, seed: 652), m, n);
        double[] b = Multiply(a, m, n, RandomVector(n, seed: 653));
        double[] noise = RandomVector(m, seed: 654, amplitude: 1e-3);
        for (int i = 0; i < m; i++) b[i] += noise[i];

        SolveReport optimum = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Gelsd);
        SolveReport sketch = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Sketch);
        double tol = DenseLeastSquares.SketchTolerance, kappa = SketchPreconditioned.DistortionFactor;
        double[] gap = Multiply(a, m, n, sketch.X);
        double[] best = Multiply(a, m, n, optimum.X);
        for (int i = 0; i < m; i++) gap[i] -= best[i];

        Assert.That(sketch.Iterations, Is.GreaterThanOrEqualTo(3), "the start alone does not meet the test");
        Assert.That(Norm(gap), Is.LessThanOrEqualTo(kappa * tol * optimum.ResidualNorm), "‖A(x − x*)‖ ≤ κ·tol·‖r*‖");
        double excess = sketch.ResidualNorm / optimum.ResidualNorm - 1;
        Assert.That(excess, Is.LessThanOrEqualTo(kappa * kappa * tol * tol / 2 + 1e-13), "residual within (κ·tol)²/2 of the optimum");

        // The bound is not vacuous: at a 100× looser tolerance the predictions stray further than it allows.
        SolveReport loose = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Sketch, tolerance: 100 * tol);
        double[] looseGap = Multiply(a, m, n, loose.X);
        for (int i = 0; i < m; i++) looseGap[i] -= best[i];
        Assert.That(Norm(looseGap), Is.GreaterThan(kappa * tol * optimum.ResidualNorm), "a looser stop is visibly less accurate");
    }

    /// <summary>
    /// A system shaped like the graph HGN's: a well-conditioned block (random columns, the "message" block) and a block
    /// of smooth functions of one scalar (the "edge" block, numerically of low rank), with noisy right-hand side.
    /// </summary>
    private static (double[] A, double[] B) BlockSystem(int m, int well, int smooth, int seed)
    {
        int n = well + smooth;
        var rng = new Random(seed);
        var a = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            double r = rng.NextDouble();
            for (int j = 0; j < smooth; j++) a[i * n + j] = Math.Tanh(3 * (j + 1) / (double)smooth * r - 1 + 0.02 * j);
            for (int j = smooth; j < n; j++) a[i * n + j] = rng.NextDouble() - 0.5;
        }
        double[] b = Multiply(a, m, n, RandomVector(n, seed: seed + 1));
        double[] noise = RandomVector(m, seed: seed + 2, amplitude: 1e-6);
        for (int i = 0; i < m; i++) b[i] += noise[i];
        return (a, b);
    }

    [Test]
    public void TrailingPivotingKeepsTheWholePivotedQrsRankResidualAndMinimumNorm()
    {
        const int m = 6000, well = 100, smooth = 60, n = well + smooth;
        var (a, b) = BlockSystem(m, well, smooth, seed: 661);
        var leading = new ColumnBlock(smooth, well);

        using var whole = SketchPreconditioned.Factor(a, m, n, b, 1e-13, 0, 0);
        using var blocked = SketchPreconditioned.Factor(a, m, n, b, 1e-13, 0, 0, leading);
        Assert.That(whole.PivotedColumns, Is.EqualTo(n));
        Assert.That(blocked.PivotedColumns, Is.EqualTo(smooth), "only the smooth block is pivoted");
        Assert.That(whole.Rank, Is.LessThan(n - 20), "the smooth block is numerically rank-deficient");
        Assert.That(blocked.Rank, Is.InRange(whole.Rank - 2, whole.Rank + 2), "about the same numerical rank");

        SolveReport gelsd = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Gelsd);
        SolveReport plain = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Sketch, tolerance: SolveAssert.TightTolerance);
        SolveReport hinted = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Sketch, tolerance: SolveAssert.TightTolerance, leading: leading);
        SolveAssert.ScalarsClose(plain.RelativeResidual, hinted.RelativeResidual, 1e-6, "same residual");
        Assert.That(hinted.RelativeResidual, Is.LessThanOrEqualTo(gelsd.RelativeResidual * (1 + 1e-6)), "no worse than gelsd");
        // Still the minimum-norm solution of a truncated problem: its norm is the whole pivoted QR's (measured: 8,199
        // against 8,273; gelsd keeps one direction fewer at its cutoff here, 662).
        SolveAssert.ScalarsClose(Norm(plain.X), Norm(hinted.X), 0.05, "minimum norm");
        SolveAssert.VectorsClose(Multiply(a, m, n, plain.X), Multiply(a, m, n, hinted.X), 1e-9, "same predictions");
    }

    [Test]
    public void CompressingTheSmoothBlockKeepsTheRankResidualPredictionsAndMinimumNorm()
    {
        const int m = 6000, well = 100, smooth = 60, n = well + smooth;
        var (a, b) = BlockSystem(m, well, smooth, seed: 663);
        var leading = new ColumnBlock(smooth, well);
        ColumnBlock[] compressible = [new ColumnBlock(0, smooth)];

        using var plain = SketchPreconditioned.Factor(a, m, n, b, 1e-13, 0, 0, leading);
        using var compressed = SketchPreconditioned.Factor(a, m, n, b, 1e-13, 0, 0, leading, compressible: compressible);
        Assert.That(plain.Compression, Is.Null);
        Assert.That(compressed.Compression, Is.Not.Null);
        Assert.That(compressed.Width, Is.LessThan(n - 10), "the smooth block loses its negligible directions before the QR");
        Assert.That(compressed.Nk, Is.EqualTo(n));
        Assert.That(compressed.Rank, Is.InRange(plain.Rank - 2, plain.Rank + 2), "about the same numerical rank");
        Assert.That(compressed.FullCondition, Is.EqualTo(double.PositiveInfinity), "not full rank: the Gram route stays closed");

        SolveReport gelsd = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Gelsd);
        SolveReport without = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Sketch, tolerance: SolveAssert.TightTolerance, leading: leading);
        SolveReport with = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Sketch, tolerance: SolveAssert.TightTolerance, leading: leading,
            compressible: compressible);
        SolveAssert.ScalarsClose(without.RelativeResidual, with.RelativeResidual, 1e-6, "same residual");
        Assert.That(with.RelativeResidual, Is.LessThanOrEqualTo(gelsd.RelativeResidual * (1 + 1e-6)), "no worse than gelsd");
        SolveAssert.ScalarsClose(Norm(without.X), Norm(with.X), 0.05, "still the minimum norm over what is kept");
        SolveAssert.VectorsClose(Multiply(a, m, n, without.X), Multiply(a, m, n, with.X), 1e-9, "same predictions");
        Assert.That(with.Rank, Is.EqualTo(compressed.Rank));

        SolveReport again = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Sketch, tolerance: SolveAssert.TightTolerance, leading: leading,
            compressible: compressible);
        Assert.That(again.X, Is.EqualTo(with.X), "same seed, same bits");
    }

    [Test]
    public void CompressionStaysOffWithARidgeAndRefusesBlocksOutsideTheColumns()
    {
        const int m = 6000, well = 100, smooth = 60, n = well + smooth;
        var (a, b) = BlockSystem(m, well, smooth, seed: 665);
        var leading = new ColumnBlock(smooth, well);
        using var ridged = SketchPreconditioned.Factor(a, m, n, b, 1e-13, 1e-10, 0, leading, compressible: [new ColumnBlock(0, smooth)]);
        Assert.That(ridged.Compression, Is.Null, "the ridge rows are exact and square in the uncompressed columns");
        Assert.That(ridged.Width, Is.EqualTo(n));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            DenseLeastSquares.Solve(a, m, n, b, SolverKind.Sketch, leading: leading, compressible: [new ColumnBlock(n - 10, 20)]));
    }

    [Test]
    public void ALeadingBlockThatIsItselfNearlyDependentFallsBackToTheWholePivotedQr()
    {
        const int m = 6000, well = 100, smooth = 60, n = well + smooth;
        var (a, b) = BlockSystem(m, well, smooth, seed: 671);
        using var whole = SketchPreconditioned.Factor(a, m, n, b, 1e-13, 0, 0);
        using var wrongHint = SketchPreconditioned.Factor(a, m, n, b, 1e-13, 0, 0, new ColumnBlock(0, smooth));
        Assert.That(wrongHint.PivotedColumns, Is.EqualTo(n), "R₁₁ of the smooth block is ill conditioned: no shortcut");
        Assert.That(wrongHint.Rank, Is.EqualTo(whole.Rank));
        SolveReport plain = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Sketch);
        SolveReport hinted = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Sketch, leading: new ColumnBlock(0, smooth));
        SolveAssert.ScalarsClose(plain.RelativeResidual, hinted.RelativeResidual, 1e-6, "same residual");
    }

    [Test]
    public void ALeadingBlockOutsideTheColumnsIsRefused()
    {
        const int m = 600, n = 20;
        double[] a = RandomMatrix(m, n, seed: 681);
        double[] b = RandomVector(m, seed: 682);
        foreach (var block in new[] { new ColumnBlock(-1, 3), new ColumnBlock(15, 6), new ColumnBlock(0, -2) })
            Assert.Throws<ArgumentOutOfRangeException>(() => DenseLeastSquares.Solve(a, m, n, b, SolverKind.Sketch, leading: block), block.ToString());
    }

    [Test]
    public void ConditionEstimateIsWithinItsDocumentedBoundOfTheTrueCondition()
    {
        // 32 columns of equal norm, singular values 1 … 1e6: equilibration keeps cond₂ = 1e6; 512 rows > 4·32, so S is a real sketch.
        const int m = 512, n = 32;
        var s = new double[n];
        for (int k = 0; k < n; k++) s[k] = Math.Pow(10, 6.0 * k / (n - 1));
        double[] a = KnownSingularValues(m, s, seed: 621);
        double[] b = RandomVector(m, seed: 622);

        SolveReport svd = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Gelsd);
        SolveReport sketch = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Sketch);
        double truth = svd.SingularValues![0] / svd.SingularValues[^1];
        Assert.That(truth, Is.EqualTo(1e6).Within(1e-6).Percent, "gelsd's singular values are exact");
        Assert.That(sketch.SketchRows, Is.EqualTo(4 * n));
        Assert.That(sketch.Rank, Is.EqualTo(n), "cond 1e6 is far above the cutoff: every column is kept");
        Assert.That(sketch.SingularValues, Is.Null, "the pivoted QR gives no singular values");
        // 1/dtrcon is a 1-norm estimate of cond(R'₁₁) (within a factor n of cond₂), and the sketch's R is within the
        // embedding's distortion (3 at s = 4n) of A D.
        double bound = SketchPreconditioned.DistortionFactor * n;
        Assert.That(sketch.ConditionEstimate, Is.InRange(truth / bound, truth * bound));
    }

    [Test]
    public void WithoutRoomToSketchItIsExact()
    {
        // 100 rows < 4·40: the sketch would not be smaller, so S = I and the "preconditioner" is the exact SVD.
        double[] a = RandomMatrix(100, 40, seed: 631);
        double[] b = RandomVector(100, seed: 632);
        SolveReport svd = DenseLeastSquares.Solve(a, 100, 40, b, SolverKind.Gelsd);
        SolveReport sketch = DenseLeastSquares.Solve(a, 100, 40, b, SolverKind.Sketch);
        Assert.That(sketch.SketchRows, Is.EqualTo(100));
        Assert.That(sketch.Iterations, Is.LessThanOrEqualTo(3));
        SolveAssert.VectorsClose(svd.X, sketch.X, SolveAssert.WellConditioned, "exact sketch vs gelsd");
    }

    [Test]
    public void RidgeMatchesGelsdOnATallSystem()
    {
        const int m = 3000, n = 64;
        var (a, b, _, _) = SolverAgreementTests.IllConditioned(m, n, seed: 641);
        SolveReport svd = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Gelsd, ridge: 1e-6);
        SolveReport sketch = DenseLeastSquares.Solve(a, m, n, b, SolverKind.Sketch, ridge: 1e-6, tolerance: SolveAssert.TightTolerance);
        Assert.That(sketch.SketchRows, Is.EqualTo(4 * n));
        SolveAssert.VectorsClose(svd.X, sketch.X, 1e-8, "ridge-regularised solutions");
    }

    private static double RelativeError(double[] truth, double[] x)
    {
        double e = 0;
        for (int i = 0; i < x.Length; i++) e += (x[i] - truth[i]) * (x[i] - truth[i]);
        return Math.Sqrt(e) / Norm(truth);
    }

    // Textbook CGLS from x = 0, `iterations` products by A and by Aᵀ each.
    private static double[] Cgls(double[] a, int m, int n, double[] b, int iterations)
    {
        var x = new double[n];
        var r = (double[])b.Clone();
        double[] s = MultiplyTransposed(a, m, n, r);
        var p = (double[])s.Clone();
        double gamma = Dot(s, s);
        for (int it = 0; it < iterations && gamma > 0; it++)
        {
            double[] q = Multiply(a, m, n, p);
            double alpha = gamma / Dot(q, q);
            for (int j = 0; j < n; j++) x[j] += alpha * p[j];
            for (int i = 0; i < m; i++) r[i] -= alpha * q[i];
            s = MultiplyTransposed(a, m, n, r);
            double next = Dot(s, s);
            for (int j = 0; j < n; j++) p[j] = s[j] + next / gamma * p[j];
            gamma = next;
        }
        return x;
    }

    private static double[] MultiplyTransposed(double[] a, int m, int n, double[] r)
    {
        var y = new double[n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) y[j] += a[i * n + j] * r[i];
        return y;
    }

    private static double Dot(double[] u, double[] v)
    {
        double s = 0;
        for (int i = 0; i < u.Length; i++) s += u[i] * v[i];
        return s;
    }
}
