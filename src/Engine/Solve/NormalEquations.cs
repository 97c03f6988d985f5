// Streaming accumulation of the normal equations AᵀA x = Aᵀb and their regularised Cholesky solve.
using System.Numerics.Tensors;
using Engine.Common;
using Engine.Interop;
using static Engine.Interop.Interop;

namespace Engine.Solve;

/// <summary>
/// Accumulates G = AᵀA (n×n), r = Aᵀb (n), bᵀb and the row count over blocks of rows, so A never has to fit in
/// memory, and solves the equilibrated, regularised normal equations by Cholesky (method.md §3.2, large-K path).
/// Only the upper triangle of G is accumulated (cblas_dsyrk, row-major, upper); <see cref="Gram"/> fills in the rest.
/// Accumulation order is the call order, so the same blocks in the same order give the same bits; merge partial
/// accumulations with <see cref="Add"/> in a fixed order to stay deterministic. Not thread-safe: use one instance
/// per thread and merge.
/// </summary>
public sealed class NormalEquations
{
    private const double MachineEpsilon = 2.220446049250313e-16; // 2^-52

    private readonly double[] _gram; // row-major n×n, upper triangle valid
    private readonly double[] _rhs;

    /// <summary>Creates empty normal equations for <paramref name="cols"/> unknowns (G is cols² doubles).</summary>
    public NormalEquations(int cols)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cols, 1);
        NativeLibraries.EnsureLoaded();
        Cols = cols;
        _gram = new double[(long)cols * cols];
        _rhs = new double[cols];
    }

    /// <summary>Number of unknowns n (columns of A).</summary>
    public int Cols { get; }

    /// <summary>Number of rows accumulated so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Σ b_i² over the accumulated rows.</summary>
    public double RhsSquaredNorm { get; private set; }

    /// <summary>A new row-major n×n copy of G = AᵀA, both triangles filled (allocates; for tests and diagnostics).</summary>
    public double[] Gram
    {
        get
        {
            int n = Cols;
            var g = (double[])_gram.Clone();
            for (int i = 0; i < n; i++)
                for (int j = 0; j < i; j++) g[i * n + j] = g[j * n + i];
            return g;
        }
    }

    /// <summary>A new copy of r = Aᵀb, length n (allocates).</summary>
    public double[] Rhs => (double[])_rhs.Clone();

    /// <summary>
    /// Adds a block of <paramref name="k"/> rows: G += BᵀB, r += Bᵀc, bᵀb += cᵀc, Rows += k, where
    /// <paramref name="rows"/> is the row-major block B[k, n] and <paramref name="rhs"/> is c[k].
    /// Allocates nothing. Non-finite values are detected at <see cref="Solve"/>.
    /// </summary>
    public unsafe void Accumulate(ReadOnlySpan<double> rows, int k, ReadOnlySpan<double> rhs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (rows.Length != (long)k * Cols)
            throw new ArgumentException($"rows has length {rows.Length}, expected k·cols = {k}·{Cols}.", nameof(rows));
        if (rhs.Length != k)
            throw new ArgumentException($"rhs has length {rhs.Length}, expected k = {k}.", nameof(rhs));
        if (k == 0) return;

        int n = Cols;
        fixed (double* b = rows, c = rhs, g = _gram, r = _rhs)
        {
            OpenBlas.Dsyrk(OpenBlas.RowMajor, OpenBlas.Upper, OpenBlas.Trans, n, k, 1.0, b, n, 1.0, g, n);
            OpenBlas.Dgemv(OpenBlas.RowMajor, OpenBlas.Trans, k, n, 1.0, b, n, c, 1, 1.0, r, 1);
        }
        double bb = 0;
        for (int i = 0; i < rhs.Length; i++) bb += rhs[i] * rhs[i];
        RhsSquaredNorm += bb;
        Rows += k;
    }

    /// <summary>Adds another accumulation of the same width: G += G', r += r', bᵀb += b'ᵀb', Rows += Rows'.</summary>
    public void Add(NormalEquations other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Cols != Cols)
            throw new ArgumentException($"Cannot merge normal equations of {other.Cols} columns into {Cols}.", nameof(other));
        TensorPrimitives.Add(_gram, other._gram, _gram);
        TensorPrimitives.Add(_rhs, other._rhs, _rhs);
        RhsSquaredNorm += other.RhsSquaredNorm;
        Rows += other.Rows;
    }

    /// <summary>
    /// Solves (D G D + λI) y = D r, x = D y with D = diag(G)^{-1/2} over the columns with nonzero diagonal (zero
    /// columns are removed and get x = 0) and λ = <paramref name="relativeRidge"/>·trace(DGD)/n_kept
    /// (= relativeRidge, since DGD has unit diagonal). Uses dpotrf + dpotrs; dpocon gives the condition estimate
    /// (reported as cond(A), the square root of the Gram estimate). ‖Ax − b‖ comes from bᵀb, Aᵀb and the raw G.
    /// Allocates one n_kept² matrix (one triangle of DGD + λI, factorised in place) and O(n) vectors. The accumulation
    /// is left unchanged, so more rows may be added and the system solved again.
    /// </summary>
    /// <exception cref="RankDeficientSystemException">
    /// Every column is zero, or the regularised equations are not positive definite or have a reciprocal condition
    /// estimate below machine epsilon (singular at this ridge).
    /// </exception>
    /// <exception cref="InvalidInputException">The accumulated data contain NaN/Inf, or the ridge is negative/non-finite.</exception>
    public SolveReport Solve(double relativeRidge = 1e-12)
    {
        if (!(relativeRidge >= 0) || !double.IsFinite(relativeRidge))
        {
            throw new InvalidInputException(
                $"The ridge must be a finite number ≥ 0, got {relativeRidge}. Fix: pass e.g. --ridge 1e-12.");
        }
        int n = Cols;
        var diag = new double[n];
        for (int j = 0; j < n; j++) diag[j] = _gram[(long)j * n + j];
        for (int j = 0; j < n; j++)
        {
            if (!double.IsFinite(diag[j]))
            {
                throw new InvalidInputException(
                    $"Column {j} of the accumulated least-squares rows contains NaN or infinity. Fix: check the input data " +
                    "(non-finite positions/momenta/derivatives) and the feature scales.");
            }
        }
        if (!double.IsFinite(RhsSquaredNorm))
        {
            throw new InvalidInputException(
                "The right-hand side of the least-squares rows contains NaN or infinity. Fix: check the time derivatives in the input data.");
        }

        var kept = new int[n];
        var scale = new double[n];
        int nk = ColumnEquilibration.Select(diag, kept, scale);
        if (nk == 0) throw ColumnEquilibration.NoInformation(n, Rows);

        // DGD has unit diagonal by construction (stored as exactly 1), so trace(DGD)/n_kept is exactly 1.
        double lambda = relativeRidge;
        var f = new double[(long)nk * nk];
        var y = new double[nk];
        EquilibratedUpperTriangle(kept, scale, nk, lambda, f, y);
        double rcond = CholeskySolveInPlace(f, y, nk, lambda, relativeRidge);

        double[] x = ColumnEquilibration.MapBack(y, kept, scale, nk, n);
        return new SolveReport(
            x,
            Rank: nk,
            ConditionEstimate: Math.Sqrt(1.0 / rcond),
            ResidualNorm: ResidualFromNormalEquations(x),
            ZeroColumns: n - nk,
            Solver: SolverKind.Cholesky,
            Rows: Rows,
            Cols: n,
            Ridge: lambda)
        {
            RhsNorm = Math.Sqrt(RhsSquaredNorm),
        };
    }

    // Writes F = DGD + λI (nk×nk) into f and Dr into rs, one triangle only: the column-major upper triangle, i.e. the
    // row-major lower one, which is what LAPACK reads with LAPACK_COL_MAJOR and 'U'. OpenBLAS's dpotrf runs faster on
    // 'U' than on 'L' (6144², 2 threads: 86–88 against 66–72 GFLOP/s, scipy on the same libopenblas, 2026-11-22), so it
    // is worth the transpose: G holds its upper triangle row-major, F(a, b) for b ≤ a comes from G row kept[b], and
    // Tile×Tile tiles keep both the reads (along rows of G) and the writes (along rows of f) in cache. The other half
    // of f stays 0 and is never read.
    private void EquilibratedUpperTriangle(int[] kept, double[] scale, int nk, double lambda, double[] f, double[] rs)
    {
        const int Tile = 64;
        int n = Cols;
        for (int a = 0; a < nk; a++)
        {
            rs[a] = _rhs[kept[a]] * scale[a];
            // The unit diagonal holds by construction; storing exactly 1 removes a rounding ulp and makes λ exact.
            f[a * nk + a] = 1.0 + lambda; // a·nk < f.Length, an int
        }
        for (int b0 = 0; b0 < nk; b0 += Tile)
        {
            int b1 = Math.Min(b0 + Tile, nk);
            for (int a0 = b0; a0 < nk; a0 += Tile)
            {
                int a1 = Math.Min(a0 + Tile, nk);
                for (int b = b0; b < b1; b++)
                {
                    int rowG = kept[b] * n;
                    double sb = scale[b];
                    // (g·s_b)·s_a with b < a: the rounding order of the former both-triangle copy.
                    for (int a = Math.Max(a0, b + 1); a < a1; a++) f[a * nk + b] = _gram[rowG + kept[a]] * sb * scale[a];
                }
            }
        }
    }

    // Factorises F (upper triangle of the column-major f, see EquilibratedUpperTriangle) in place and overwrites y with
    // F⁻¹y. Returns dpocon's reciprocal condition estimate of F. Every call uses the same layout and triangle, and
    // LAPACK_COL_MAJOR makes LAPACKE pass f straight through (row-major input would be transposed into a copy).
    private static unsafe double CholeskySolveInPlace(double[] f, double[] y, int nk, double lambda, double relativeRidge)
    {
        const byte upper = (byte)'U';
        double rc;
        fixed (double* pf = f, py = y)
        {
            double anorm = Lapacke.Dlansy(Lapacke.ColMajor, (byte)'1', upper, nk, pf, nk);
            int info = LapackException.ThrowIfFailed(Lapacke.Dpotrf(Lapacke.ColMajor, upper, nk, pf, nk));
            if (info > 0) throw Singular(relativeRidge, $"the Cholesky pivot of column {info} of {nk} is not positive");
            LapackException.ThrowIfFailed(Lapacke.Dpocon(Lapacke.ColMajor, upper, nk, pf, nk, anorm, &rc));
            // Without an effective ridge (λ below n·ε, the rounding level of the unit-diagonal Gram), a singular G can
            // pass dpotrf on a rounding-sized pivot; a reciprocal condition below n·ε means singular to working
            // precision. With a ridge above that level the regularised problem is well posed: trust dpotrf.
            double tiny = nk * MachineEpsilon;
            if (lambda < tiny && !(rc >= tiny))
                throw Singular(relativeRidge, $"the reciprocal condition estimate {rc:g3} of the equilibrated Gram matrix is below n·ε = {tiny:g3}");
            LapackException.ThrowIfFailed(Lapacke.Dpotrs(Lapacke.ColMajor, upper, nk, 1, pf, nk, py, nk));
        }
        return rc;
    }

    /// <summary>
    /// ‖Ax − b‖ = sqrt(bᵀb − 2xᵀ(Aᵀb) + xᵀGx), clamped at 0, from the accumulation itself: dsymv reads the upper
    /// triangle of the raw G (row-major), so no equilibrated copy has to outlive the factorisation. <paramref name="x"/>
    /// has length n with zero columns at 0. The cancellation limits the relative accuracy to about ε·bᵀb/‖Ax − b‖².
    /// </summary>
    internal unsafe double ResidualFromNormalEquations(double[] x)
    {
        int n = Cols;
        var gx = new double[n];
        fixed (double* pg = _gram, px = x, pgx = gx)
            OpenBlas.Dsymv(OpenBlas.RowMajor, OpenBlas.Upper, n, 1.0, pg, n, px, 1, 0.0, pgx, 1);
        double xr = TensorPrimitives.Dot(x, _rhs), xgx = TensorPrimitives.Dot(x, gx);
        return Math.Sqrt(Math.Max(0.0, RhsSquaredNorm - 2 * xr + xgx));
    }

    private static RankDeficientSystemException Singular(double relativeRidge, string detail) => new(
        $"The normal equations are singular at this ridge (relative ridge {relativeRidge:g3}; {detail}): some feature " +
        "columns are (nearly) linearly dependent. Fix: pass a larger --ridge (e.g. 1e-10), or use --solver gelsd, " +
        "which drops the dependent directions.");
}
