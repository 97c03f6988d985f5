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
/// The strict lower triangle of the same storage is <see cref="Solve"/>'s scratch space for its Cholesky factor.
/// Accumulation order is the call order, so the same blocks in the same order give the same bits; merge partial
/// accumulations with <see cref="Add"/> in a fixed order to stay deterministic. Not thread-safe, <see cref="Solve"/>
/// included (it uses the instance's storage as scratch): use one instance per thread and merge.
/// </summary>
public sealed class NormalEquations
{
    private const double MachineEpsilon = 2.220446049250313e-16; // 2^-52

    // Row-major n×n: the upper triangle (with the diagonal) holds G; the strict lower triangle is scratch for Solve.
    private readonly double[] _gram;
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
    /// One triangle of DGD + λI is built and factorised in place in the unused lower half of G's storage, so only O(n)
    /// vectors are allocated. The accumulation (G's upper triangle and diagonal, r, bᵀb) is left unchanged, also when
    /// this throws, so more rows may be added and the system solved again.
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
        var y = new double[nk];
        for (int a = 0; a < nk; a++) y[a] = _rhs[kept[a]] * scale[a];
        double rcond;
        try
        {
            EquilibrateIntoLowerHalf(kept, scale, nk, lambda);
            rcond = CholeskySolveInPlace(_gram, n, y, nk, lambda, relativeRidge);
        }
        finally
        {
            // The factor's diagonal overwrote G's first nk diagonal entries; put them back bit for bit.
            for (int j = 0; j < nk; j++) _gram[j * n + j] = diag[j];
        }

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

    // Writes F = DGD + λI (nk×nk, kept columns only) as the upper triangle of a column-major matrix with leading
    // dimension n into G's own storage: F(a, b), a ≤ b, goes to _gram[b·n + a], the row-major strict lower triangle
    // plus the first nk diagonal entries. G is read only from its strict upper triangle (kept[a] < kept[b]), so the
    // reads and writes never meet, and no n² copy is allocated: a fresh 6144² array costs up to a second of page
    // faults on this machine, as much as the factorisation. Column-major 'U' rather than 'L' also because OpenBLAS's
    // dpotrf is faster on it (6144², 2 threads, scipy on the same libopenblas: 86–88 against 66–72 GFLOP/s).
    // The reads run along rows of G and the writes along rows of the storage; tiles of 256 read rows × 8 columns keep
    // the 8 written rows' lines in cache, where wider tiles thrash (rows 48 KiB apart map to the same cache sets).
    private void EquilibrateIntoLowerHalf(int[] kept, double[] scale, int nk, double lambda)
    {
        const int ReadRows = 256, Columns = 8;
        int n = Cols;
        for (int p0 = 0; p0 < nk; p0 += ReadRows)
        {
            int p1 = Math.Min(p0 + ReadRows, nk);
            for (int q0 = p0 / Columns * Columns; q0 < nk; q0 += Columns)
            {
                int q1 = Math.Min(q0 + Columns, nk);
                for (int p = p0; p < p1; p++)
                {
                    int rowG = kept[p] * n; // < _gram.Length, an int
                    double sp = scale[p];
                    // (g·s_p)·s_q with p < q: the rounding order of the former both-triangle copy.
                    for (int q = Math.Max(q0, p + 1); q < q1; q++) _gram[q * n + p] = _gram[rowG + kept[q]] * sp * scale[q];
                }
            }
        }
        // The unit diagonal holds by construction; storing exactly 1 removes a rounding ulp and makes λ exact.
        for (int a = 0; a < nk; a++) _gram[a * n + a] = 1.0 + lambda;
    }

    // Factorises F (the column-major upper triangle of f with leading dimension lda, see EquilibrateIntoLowerHalf) in
    // place and overwrites y with F⁻¹y. Returns dpocon's reciprocal condition estimate of F. Every call uses the same
    // layout and triangle; LAPACK_COL_MAJOR makes LAPACKE pass f straight through (row-major input would be transposed
    // into a copy), and LAPACK reads and writes only that triangle.
    private static unsafe double CholeskySolveInPlace(double[] f, int lda, double[] y, int nk, double lambda, double relativeRidge)
    {
        const byte upper = (byte)'U';
        double rc;
        fixed (double* pf = f, py = y)
        {
            double anorm = Lapacke.Dlansy(Lapacke.ColMajor, (byte)'1', upper, nk, pf, lda);
            int info = LapackException.ThrowIfFailed(Lapacke.Dpotrf(Lapacke.ColMajor, upper, nk, pf, lda));
            if (info > 0) throw Singular(relativeRidge, $"the Cholesky pivot of column {info} of {nk} is not positive");
            LapackException.ThrowIfFailed(Lapacke.Dpocon(Lapacke.ColMajor, upper, nk, pf, lda, anorm, &rc));
            // Without an effective ridge (λ below n·ε, the rounding level of the unit-diagonal Gram), a singular G can
            // pass dpotrf on a rounding-sized pivot; a reciprocal condition below n·ε means singular to working
            // precision. With a ridge above that level the regularised problem is well posed: trust dpotrf.
            double tiny = nk * MachineEpsilon;
            if (lambda < tiny && !(rc >= tiny))
                throw Singular(relativeRidge, $"the reciprocal condition estimate {rc:g3} of the equilibrated Gram matrix is below n·ε = {tiny:g3}");
            LapackException.ThrowIfFailed(Lapacke.Dpotrs(Lapacke.ColMajor, upper, nk, 1, pf, lda, py, nk));
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
