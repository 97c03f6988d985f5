// Dense least squares min ‖A x − b‖₂ on an in-memory matrix, by SVD (gelsd), pivoted QR (gelsy), Cholesky, a sketch, or auto.
using Engine.Common;
using Engine.Interop;
using static Engine.Interop.Interop;

namespace Engine.Solve;

/// <summary>
/// Solves min ‖A x − b‖₂ (+ λ‖y‖² in equilibrated coordinates y = D⁻¹x when a ridge is given) for a row-major
/// A[rows, cols] held in memory. Every solver first equilibrates: nonzero columns are scaled to unit 2-norm and
/// zero columns removed (method.md §10.1), so relative cutoffs and ridges treat all feature blocks alike.
/// </summary>
public static class DenseLeastSquares
{
    /// <summary>
    /// Default CGLS tolerance of the sketch solver: stop when ‖(AP)ᵀr‖ ≤ tol·‖AP‖·‖r‖ (LSQR's test on the normal
    /// equations). With r* the optimal residual and e the error of the preconditioned solution,
    /// ‖r‖² − ‖r*‖² = ‖AP e‖² ≤ (‖(AP)ᵀr‖/σ_min(AP))², so at the stop the predictions A x are within κ·tol·‖r‖ of the
    /// optimum's and the residual within (κ·tol)²/2 relative of the optimum, κ = cond(AP) ≈ 3 for the 4·n-row sketch:
    /// at 1e-4, predictions within 3e-4 of the residual's size and a residual excess of at most 4.5e-8 relative, both
    /// far below anything a fit can resolve (the held-out error of a model is of the order of the residual itself).
    /// SciPy's lsqr and lsmr default, 1e-6, is 100× stricter on a quantity that only decides these two bounds: on the
    /// default lattice (128/256/1024) it takes 17 iterations against 11, for the same relative residual to four digits
    /// and the same test MSE to four (perf/RESULTS.md, "Stopping tolerance"). The coefficients themselves are accurate
    /// to about κ²·tol·‖r‖/‖b‖ relative, times the conditioning of the preconditioner; a caller who needs them tighter
    /// passes a smaller tolerance (`--solver-tol`). There is no test on ‖r‖/‖b‖ at this tolerance: on the default
    /// lattice the sketch-and-solve start already fits to 2e-9 relative, which such a test would accept even where that
    /// start's residual is up to about 3× the optimum.
    /// </summary>
    public const double SketchTolerance = 1e-4;

    /// <summary>
    /// Solves the least-squares problem with the chosen <paramref name="kind"/>.
    /// </summary>
    /// <param name="a">A, row-major [rows, cols]: <c>a[i*cols + j]</c>. Not modified (the QR/SVD solvers work on an
    /// equilibrated column-major copy — LAPACKE would make a transposed copy of row-major input anyway — and the
    /// residual is then computed exactly from A).</param>
    /// <param name="rows">Number of equations m ≥ 1 (may be smaller than cols).</param>
    /// <param name="cols">Number of unknowns n ≥ 1.</param>
    /// <param name="b">Right-hand side, length rows. Not modified.</param>
    /// <param name="kind">The algorithm; see <see cref="SolverKind"/>.</param>
    /// <param name="rcond">Gelsd/Qr/Sketch: relative cutoff, 0 ≤ rcond &lt; 1; singular values (Gelsd; the sketch's for
    /// Sketch) or the condition of the kept triangular block (Qr) are cut at rcond relative to the largest. Ignored by Cholesky.</param>
    /// <param name="ridge">Relative ridge λ ≥ 0 in the equilibrated coordinates (unit-norm columns): Gelsd/Qr append
    /// √λ·I rows (Sketch: to the operator and, unsketched, to its sketch), Cholesky adds λ to the diagonal of the equilibrated Gram, so all three solve the same problem.
    /// Cholesky with λ = 0 throws on a singular Gram matrix.</param>
    /// <param name="seed">Sketch (and Auto when it sketches): seed of the random embedding; same seed, same bits.</param>
    /// <param name="tolerance">Sketch: CGLS stopping tolerance, 0 &lt; tolerance &lt; 1 (see <see cref="SketchTolerance"/>).</param>
    /// <param name="leading">Sketch (and Auto when it sketches): columns expected to be well conditioned among
    /// themselves, such as the graph HGN's message block. They are factored first, and when they prove well conditioned
    /// only the remaining columns go through the pivoted QR (see <c>SketchPreconditioned.Factor</c>); otherwise the hint
    /// changes nothing but the order of the factorization. Null: no hint.</param>
    /// <param name="compressible">Sketch (and Auto when it sketches), without a ridge: column blocks expected to be
    /// numerically of low rank, such as the graph HGN's node and edge encoders. Each is replaced in the sketch by its
    /// directions whose singular values lie above 0.1·rcond times the largest column norm before the joint QR, so the
    /// QR is narrower; the solution stays the minimum-norm one over the directions kept (see <c>BlockCompression</c>).
    /// Null or empty: none.</param>
    /// <returns>The solution and its diagnostics; the residual is ‖A x − b‖₂ computed from A, without the ridge term.</returns>
    /// <exception cref="RankDeficientSystemException">Every column of A is zero, or (Cholesky) the normal equations are singular at this ridge.</exception>
    /// <exception cref="InvalidInputException">A or b hold NaN/Inf, or rcond/ridge are out of range.</exception>
    public static SolveReport Solve(ReadOnlySpan<double> a, int rows, int cols, ReadOnlySpan<double> b, SolverKind kind,
        double rcond = 1e-13, double ridge = 0, int seed = 0, double tolerance = SketchTolerance, ColumnBlock? leading = null,
        IReadOnlyList<ColumnBlock>? compressible = null) =>
        Solve(a, rows, cols, b, kind, rcond, ridge, seed, tolerance, leading, columnSumSquares: null, compressible);

    /// <summary>
    /// <see cref="Solve(ReadOnlySpan{double}, int, int, ReadOnlySpan{double}, SolverKind, double, double, int, double, ColumnBlock?, IReadOnlyList{ColumnBlock})"/>
    /// with A's squared column norms given by a caller that formed them while it wrote A (the training assembly), so the
    /// equilibration does not read A again. They must be A's, to rounding; null computes them here.
    /// </summary>
    internal static SolveReport Solve(ReadOnlySpan<double> a, int rows, int cols, ReadOnlySpan<double> b, SolverKind kind,
        double rcond, double ridge, int seed, double tolerance, ColumnBlock? leading, double[]? columnSumSquares,
        IReadOnlyList<ColumnBlock>? compressible = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(cols, 1);
        if (a.Length != (long)rows * cols)
            throw new ArgumentException($"a has length {a.Length}, expected rows·cols = {rows}·{cols}.", nameof(a));
        if (b.Length != rows)
            throw new ArgumentException($"b has length {b.Length}, expected rows = {rows}.", nameof(b));
        if (!(rcond >= 0 && rcond < 1))
            throw new InvalidInputException($"The rank cutoff rcond must satisfy 0 ≤ rcond < 1, got {rcond}. Fix: pass e.g. --rcond 1e-13.");
        if (!(ridge >= 0) || !double.IsFinite(ridge))
            throw new InvalidInputException($"The ridge must be a finite number ≥ 0, got {ridge}. Fix: pass e.g. --ridge 1e-12.");
        if (columnSumSquares is not null && columnSumSquares.Length != cols)
            throw new ArgumentException($"columnSumSquares has length {columnSumSquares.Length}, expected cols = {cols}.", nameof(columnSumSquares));
        if (!(tolerance > 0 && tolerance < 1))
            throw new InvalidInputException($"The solver tolerance must satisfy 0 < tolerance < 1, got {tolerance}. Fix: pass e.g. --solver-tol 1e-6.");
        for (int i = 0; i < b.Length; i++)
        {
            if (!double.IsFinite(b[i]))
            {
                throw new InvalidInputException(
                    $"Row {i} of the least-squares right-hand side is {b[i]}. Fix: check the time derivatives in the input data.");
            }
        }
        NativeLibraries.EnsureLoaded();

        double bnorm = System.Numerics.Tensors.TensorPrimitives.Norm(b);
        SolveReport report = kind switch
        {
            SolverKind.Gelsd or SolverKind.Qr => SolveOrthogonal(a, rows, cols, b, kind, rcond, ridge, columnSumSquares),
            SolverKind.Cholesky => SolveCholesky(a, rows, cols, b, ridge),
            SolverKind.Sketch => SketchPreconditioned.Solve(a, rows, cols, b, rcond, ridge, seed, tolerance, leading: leading,
                columnSumSquares: columnSumSquares, compressible: compressible),
            SolverKind.Auto => SolveAuto(a, rows, cols, b, rcond, ridge, seed, tolerance, leading, columnSumSquares, compressible),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown solver."),
        };
        return report with { RhsNorm = bnorm };
    }

    // The rule and its reasons are in SolverChoice.
    private static SolveReport SolveAuto(ReadOnlySpan<double> a, int rows, int cols, ReadOnlySpan<double> b,
        double rcond, double ridge, int seed, double tolerance, ColumnBlock? leading, double[]? columnSumSquares,
        IReadOnlyList<ColumnBlock>? compressible)
    {
        if (!SolverChoice.PrefersSketch(rows, cols)) return SolveOrthogonal(a, rows, cols, b, SolverKind.Gelsd, rcond, ridge, columnSumSquares);
        using var f = SketchPreconditioned.Factor(a, rows, cols, b, rcond, ridge, seed, leading, columnSumSquares, compressible);
        if (SolverChoice.PrefersGram(f)) return SolveCholesky(a, rows, cols, b, ridge);
        return SketchPreconditioned.Iterate(f, a, rows, cols, b, ridge, tolerance, SketchPreconditioned.DefaultMaxIterations);
    }

    private static SolveReport SolveCholesky(ReadOnlySpan<double> a, int rows, int cols, ReadOnlySpan<double> b, double ridge)
    {
        var normal = new NormalEquations(cols);
        normal.Accumulate(a, rows, b);
        SolveReport report = normal.Solve(ridge);
        // A is at hand, so replace the accumulated residual (accurate only to about sqrt(ε)·‖b‖) by the exact one.
        return report with { ResidualNorm = Residual(a, rows, cols, report.X, b) };
    }

    private static unsafe SolveReport SolveOrthogonal(ReadOnlySpan<double> a, int rows, int cols, ReadOnlySpan<double> b,
        SolverKind kind, double rcond, double ridge, double[]? columnSumSquares)
    {
        var (kept, scale, nk) = ColumnEquilibration.ForDense(a, rows, cols, columnSumSquares);

        // Column-major, equilibrated copy of the kept columns; a ridge appends √λ·I below A, so that
        // ‖[A D; √λ I] y − [b; 0]‖² = ‖A D y − b‖² + λ‖y‖².
        int m = rows + (ridge > 0 ? nk : 0);
        int ldb = Math.Max(m, nk);
        if ((long)m * nk > Array.MaxLength)
        {
            throw new InvalidInputException(
                $"The system of {rows} rows × {nk} columns is too large for a dense in-memory solve. Fix: use --solver cholesky, " +
                "which streams the rows into the normal equations.");
        }
        var acol = new double[(long)m * nk];
        EquilibratedColumnMajor(a, rows, cols, kept, scale, nk, acol, m);
        if (ridge > 0)
        {
            double sqrtRidge = Math.Sqrt(ridge);
            for (int k = 0; k < nk; k++) acol[(long)k * m + rows + k] = sqrtRidge;
        }
        var rhs = new double[ldb];
        b.CopyTo(rhs);

        int rank;
        double condition;
        double[]? singularValues = null;
        fixed (double* pa = acol, pb = rhs)
        {
            if (kind == SolverKind.Gelsd)
            {
                singularValues = new double[Math.Min(m, nk)];
                fixed (double* ps = singularValues)
                {
                    int info = LapackException.ThrowIfFailed(
                        Lapacke.Dgelsd(Lapacke.ColMajor, m, nk, 1, pa, m, pb, ldb, ps, rcond, &rank));
                    if (info > 0)
                    {
                        throw new EngineException(
                            $"The SVD in LAPACK dgelsd did not converge ({info} off-diagonal elements did not reach zero). " +
                            "Fix: use --solver qr or --solver cholesky, or check the data for extreme values.");
                    }
                }
                condition = rank > 0 ? singularValues[0] / singularValues[rank - 1] : double.PositiveInfinity;
            }
            else
            {
                var jpvt = new int[nk]; // 0: every column is free to pivot
                fixed (int* pj = jpvt)
                    LapackException.ThrowIfFailed(Lapacke.Dgelsy(Lapacke.ColMajor, m, nk, 1, pa, m, pb, ldb, pj, rcond, &rank));
                condition = double.PositiveInfinity;
                if (rank > 0)
                {
                    // On exit the leading rank×rank upper triangle of A holds the triangular factor T11 of the complete
                    // orthogonal factorisation A P = Q [T11 0; 0 0] Z, whose singular values are the kept ones.
                    double rc;
                    LapackException.ThrowIfFailed(
                        Lapacke.Dtrcon(Lapacke.ColMajor, (byte)'1', (byte)'U', (byte)'N', rank, pa, m, &rc));
                    condition = 1.0 / rc;
                }
            }
        }
        if (rank == 0) throw ColumnEquilibration.NoInformation(cols, rows);

        double[] x = ColumnEquilibration.MapBack(rhs, kept, scale, nk, cols);
        return new SolveReport(x, rank, condition, Residual(a, rows, cols, x, b), cols - nk, kind, rows, cols, ridge)
        {
            SingularValues = singularValues,
        };
    }

    // Cache-blocked transpose with scaling: reads of a row-major tile and writes of a column-major tile both stay in L1.
    private static void EquilibratedColumnMajor(ReadOnlySpan<double> a, int rows, int cols, int[] kept, double[] scale, int nk,
        double[] acol, int ld)
    {
        const int Tile = 32;
        for (int i0 = 0; i0 < rows; i0 += Tile)
        {
            int i1 = Math.Min(rows, i0 + Tile);
            for (int k0 = 0; k0 < nk; k0 += Tile)
            {
                int k1 = Math.Min(nk, k0 + Tile);
                for (int k = k0; k < k1; k++)
                {
                    int j = kept[k];
                    double s = scale[k];
                    long col = (long)k * ld;
                    for (int i = i0; i < i1; i++) acol[col + i] = a[i * cols + j] * s;
                }
            }
        }
    }

    /// <summary>‖A x − b‖₂ for row-major A[rows, cols] (dgemv, then a plain sum of squares).</summary>
    internal static unsafe double Residual(ReadOnlySpan<double> a, int rows, int cols, ReadOnlySpan<double> x, ReadOnlySpan<double> b)
    {
        var r = b.ToArray();
        fixed (double* pa = a, px = x, pr = r)
            OpenBlas.Dgemv(OpenBlas.RowMajor, OpenBlas.NoTrans, rows, cols, 1.0, pa, cols, px, 1, -1.0, pr, 1);
        double ss = 0;
        for (int i = 0; i < r.Length; i++) ss += r[i] * r[i];
        return Math.Sqrt(ss);
    }
}
