// Randomized sketch-and-precondition least squares: sparse sign sketch, truncated-SVD preconditioner, LSQR.
using System.Numerics.Tensors;
using Engine.Common;
using Engine.Interop;
using static Engine.Interop.Interop;

namespace Engine.Solve;

/// <summary>
/// min ‖A D y − b‖₂ (+ λ‖y‖²) for a tall row-major A[rows, cols] in memory, D the column equilibration of
/// method.md §10.1, by sketch-and-precondition (Blendenpik / LSRN):
/// <list type="number">
/// <item>A seeded sparse sign embedding S (s ≈ 4·n rows, <see cref="NonzerosPerRow"/> random ±1/√ζ entries per
/// column of S, i.e. per row of A) gives the sketch [S A D, S b] in one pass over A. When s would not be smaller
/// than the rows of A, S = I and everything below is exact.</item>
/// <item>QR of the sketch (dgeqrf), then the SVD R = U Σ Vᵀ (dgesdd). Singular values ≤ (rcond/3)·σ₁ are dropped,
/// which keeps at least what gelsd's cutoff rcond keeps despite the sketch's distortion; the preconditioner is P = D V_r Σ_r⁻¹ (n × r), so A P has singular values within the
/// embedding's distortion of 1 on the kept range, and the solution x = P z stays in the dominant right singular
/// subspace, like gelsd's minimum-norm solution.</item>
/// <item>LSQR on min ‖A P z − b‖ started from the sketch-and-solve solution z₀ = U_rᵀ Qᵀ S b (the warm start keeps
/// the method accurate on ill-conditioned systems, where a cold start loses digits), stopped when
/// ‖(AP)ᵀ r‖ ≤ tol·‖AP‖·‖r‖ or ‖r‖ ≤ tol·‖b‖ (LSQR's own estimates of the norms), or at the iteration limit.</item>
/// </list>
/// Every step is deterministic: the sketch comes from <see cref="Random"/> with the given seed, and the BLAS calls
/// use a fixed thread count, so the same inputs and seed give the same bits.
/// </summary>
internal static class SketchPreconditioned
{
    /// <summary>ζ, nonzeros per row of A in the sparse sign embedding (8 is the usual robust choice).</summary>
    internal const int NonzerosPerRow = 8;

    /// <summary>Sketch rows per kept column; 4 gives a preconditioned condition number of about 3.</summary>
    internal const int SketchRowsPerColumn = 4;

    /// <summary>Bound on how far the sketch's singular-value ratios can be off A D's: ((1 + √(n/s)) / (1 − √(n/s)) = 3 at s = 4n).</summary>
    internal const double DistortionFactor = 3;

    /// <summary>Columns per panel of the sketch application.</summary>
    private const int Panel = 128;

    /// <summary>LSQR stopping tolerance on ‖(AP)ᵀr‖ / (‖AP‖‖r‖) and on ‖r‖/‖b‖ (see <see cref="DenseLeastSquares.SketchTolerance"/>).</summary>
    internal const double DefaultTolerance = DenseLeastSquares.SketchTolerance;

    /// <summary>LSQR iteration limit; the preconditioned problem needs about 40–60 iterations at the default tolerance.</summary>
    internal const int DefaultMaxIterations = 300;

    /// <summary>The factored sketch: equilibration, preconditioner and warm start.</summary>
    internal sealed class Factorization
    {
        public required int Nk { get; init; }
        public required int[] Kept { get; init; }
        public required double[] Scale { get; init; }
        /// <summary>Kept singular values of the sketch.</summary>
        public required int Rank { get; init; }
        /// <summary>All singular values of the (ridge-augmented) equilibrated sketch, descending.</summary>
        public required double[] SingularValues { get; init; }
        /// <summary>P = D V_r Σ_r⁻¹, row-major [cols, Rank]; rows of zero columns are 0.</summary>
        public required double[] Preconditioner { get; init; }
        /// <summary>The sketch-and-solve solution in the preconditioned coordinates, length Rank.</summary>
        public required double[] WarmStart { get; init; }
        public required int SketchRows { get; init; }
        /// <summary>Wall-clock seconds of <see cref="Factor"/>.</summary>
        public required double Seconds { get; init; }

        /// <summary>σ₁ / σ_r over the kept singular values (the analogue of gelsd's report).</summary>
        public double KeptCondition => SingularValues[0] / SingularValues[Rank - 1];

        /// <summary>σ₁ / σ_min over all singular values of the sketch (∞ when one is 0).</summary>
        public double FullCondition => SingularValues[^1] > 0 ? SingularValues[0] / SingularValues[^1] : double.PositiveInfinity;
    }

    /// <summary>Sketch, factor and solve; inputs validated by <see cref="DenseLeastSquares.Solve"/>.</summary>
    internal static SolveReport Solve(ReadOnlySpan<double> a, int rows, int cols, ReadOnlySpan<double> b,
        double rcond, double ridge, int seed, double tolerance = DefaultTolerance, int maxIterations = DefaultMaxIterations)
    {
        Factorization f = Factor(a, rows, cols, b, rcond, ridge, seed);
        return Iterate(f, a, rows, cols, b, ridge, tolerance, maxIterations);
    }

    /// <summary>Steps 1–2: equilibrate, sketch, QR and SVD of the sketch, truncate.</summary>
    internal static unsafe Factorization Factor(ReadOnlySpan<double> a, int rows, int cols, ReadOnlySpan<double> b,
        double rcond, double ridge, int seed)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var (kept, scale, nk) = ColumnEquilibration.ForDense(a, rows, cols);

        long wanted = Math.Max((long)SketchRowsPerColumn * nk, nk + 16L);
        bool exact = wanted >= rows;
        int s = exact ? rows : (int)wanted;
        int ridgeRows = ridge > 0 ? nk : 0;
        int ld = s + ridgeRows;
        if ((long)ld * (nk + 1) > Array.MaxLength)
            throw new InvalidInputException($"The sketch of {ld} rows × {nk + 1} columns is too large to hold in memory. Fix: use --solver cholesky, which streams the normal equations.");

        // Column-major [S A D, S b] with the ridge rows √λ I (exact, not sketched) below the sketch.
        var w = new double[(long)ld * (nk + 1)];
        if (exact) CopyExact(a, rows, cols, b, kept, scale, nk, w, ld);
        else ApplySparseSign(a, rows, cols, b, kept, scale, nk, s, seed, w, ld);
        if (ridge > 0)
        {
            double sqrtRidge = Math.Sqrt(ridge);
            for (int k = 0; k < nk; k++) w[(long)k * ld + s + k] = sqrtRidge;
        }

        int p = Math.Min(ld, nk);            // rows of R11 (and singular values)
        var tau = new double[Math.Min(ld, nk + 1)];
        var sv = new double[p];
        var u = new double[(long)p * p];
        var vt = new double[(long)p * nk];
        var c = new double[p];
        fixed (double* pw = w, pt = tau, ps = sv, pu = u, pvt = vt)
        {
            LapackException.ThrowIfFailed(Lapacke.Dgeqrf(Lapacke.ColMajor, ld, nk + 1, pw, ld, pt));
            // c = (Qᵀ S b)[0..p): the top of R's last column. R11 (p × nk, upper trapezoidal) is copied out with
            // the reflectors below its diagonal zeroed, since dgesdd works on a full matrix.
                for (int i = 0; i < p; i++) c[i] = w[(long)nk * ld + i];
            var r = new double[(long)p * nk];
            for (int j = 0; j < nk; j++)
                for (int i = 0; i <= Math.Min(j, p - 1); i++) r[(long)j * p + i] = w[(long)j * ld + i];
            fixed (double* pr = r)
            {
                int info = LapackException.ThrowIfFailed(
                    Lapacke.Dgesdd(Lapacke.ColMajor, (byte)'S', p, nk, pr, p, ps, pu, p, pvt, p));
                if (info > 0)
                {
                    throw new EngineException(
                        $"The SVD of the sketch in LAPACK dgesdd did not converge (info {info}). " +
                        "Fix: use --solver gelsd or --solver qr, or check the data for extreme values.");
                }
            }
        }
        if (!(sv[0] > 0)) throw ColumnEquilibration.NoInformation(cols, rows);
        int rank = 0;
        // The sketch's singular values lie within the embedding's distortion (1 ± √(n/s), i.e. a factor 3 either way
        // at s = 4n) of A D's, so cutting the sketch at rcond/3 keeps every direction gelsd keeps (and possibly a few
        // just below gelsd's cutoff): the residual is then at most gelsd's. Cutting at rcond itself drops directions
        // gelsd keeps, measured on the 128/256/1024 lattice as a 34 % larger residual. S = I has no distortion.
        double cut = exact ? rcond : rcond / DistortionFactor;
        while (rank < p && sv[rank] > cut * sv[0]) rank++;

        // P[kept[j], k] = d_j · V[j, k] / σ_k, with V[j, k] = Vᵀ[k, j] = vt[k + j·p].
        var precond = new double[(long)cols * rank];
        for (int j = 0; j < nk; j++)
        {
            long row = (long)kept[j] * rank;
            for (int k = 0; k < rank; k++) precond[row + k] = scale[j] * vt[k + (long)j * p] / sv[k];
        }
        var z0 = new double[rank];
        for (int k = 0; k < rank; k++)
        {
            double sum = 0;
            for (int i = 0; i < p; i++) sum += u[i + (long)k * p] * c[i];
            z0[k] = sum;
        }
        return new Factorization
        {
            Nk = nk, Kept = kept, Scale = scale, Rank = rank, SingularValues = sv, Preconditioner = precond,
            WarmStart = z0, SketchRows = s, Seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds,
        };
    }

    /// <summary>Step 3: LSQR on the preconditioned operator from the warm start, then x = P z and the exact residual.</summary>
    internal static SolveReport Iterate(Factorization f, ReadOnlySpan<double> a, int rows, int cols, ReadOnlySpan<double> b,
        double ridge, double tolerance, int maxIterations)
    {
        var op = new Operator(a, rows, cols, f, ridge);
        int r = f.Rank, mAug = op.RowsOut;
        var z = (double[])f.WarmStart.Clone();
        var u = new double[mAug];
        var v = new double[r];
        var w = new double[r];
        var dz = new double[r];

        // u = [b; 0] − M z₀
        op.Apply(z, u);
        for (int i = 0; i < mAug; i++) u[i] = (i < rows ? b[i] : 0.0) - u[i];
        double beta = Normalize(u);
        op.ApplyTranspose(u, v);
        double alpha = Normalize(v);
        v.CopyTo(w, 0);
        double phiBar = beta, rhoBar = alpha, anorm = 0;
        double bnorm = TensorPrimitives.Norm(b);
        int iterations = 0;
        var t = new double[mAug];
        var g = new double[r];
        while (alpha * beta > 0 && iterations < maxIterations)
        {
            iterations++;
            // u = M v − α u
            op.Apply(v, t);
            for (int i = 0; i < mAug; i++) u[i] = t[i] - alpha * u[i];
            beta = Normalize(u);
            anorm = Math.Sqrt(anorm * anorm + alpha * alpha + beta * beta);
            // v = Mᵀ u − β v
            op.ApplyTranspose(u, g);
            for (int k = 0; k < r; k++) v[k] = g[k] - beta * v[k];
            alpha = Normalize(v);

            double rho = Math.Sqrt(rhoBar * rhoBar + beta * beta);
            double c = rhoBar / rho, s = beta / rho;
            double theta = s * alpha;
            rhoBar = -c * alpha;
            double phi = c * phiBar;
            phiBar = s * phiBar;
            double t1 = phi / rho, t2 = -theta / rho;
            for (int k = 0; k < r; k++)
            {
                dz[k] += t1 * w[k];
                w[k] = v[k] + t2 * w[k];
            }
            double rnorm = phiBar, arnorm = phiBar * alpha * Math.Abs(c);
            if (arnorm <= tolerance * anorm * rnorm || rnorm <= tolerance * bnorm) break;
        }
        for (int k = 0; k < r; k++) z[k] += dz[k];

        double[] x = op.Precondition(z);
        double residual = DenseLeastSquares.Residual(a, rows, cols, x, b);
        return new SolveReport(x, f.Rank, f.KeptCondition, residual, cols - f.Nk, SolverKind.Sketch, rows, cols, ridge)
        {
            SingularValues = f.SingularValues,
            RhsNorm = bnorm,
            Iterations = iterations,
            SketchRows = f.SketchRows,
            FactorSeconds = f.Seconds,
        };
    }

    private static double Normalize(Span<double> v)
    {
        double n = TensorPrimitives.Norm(v);
        if (n > 0) TensorPrimitives.Multiply(v, 1.0 / n, v);
        return n;
    }

    // S = I: the "sketch" is A D itself (small systems, where a sketch would not be smaller).
    private static void CopyExact(ReadOnlySpan<double> a, int rows, int cols, ReadOnlySpan<double> b, int[] kept, double[] scale,
        int nk, double[] w, int ld)
    {
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<double> row = a.Slice(i * cols, cols);
            for (int k = 0; k < nk; k++) w[(long)k * ld + i] = row[kept[k]] * scale[k];
            w[(long)nk * ld + i] = b[i];
        }
    }

    /// <summary>
    /// [S A D, S b] for the sparse sign embedding: row i of A goes to ζ distinct sketch rows with random signs ±1/√ζ.
    /// A is read once, in column panels of <see cref="Panel"/> columns whose s-row sketch panel (≈ 5 MB at s = 5124)
    /// stays in cache while every row of A is scattered into it; threads own disjoint panels and add rows in
    /// ascending order, so the result does not depend on the thread count: deterministic.
    /// </summary>
    private static void ApplySparseSign(ReadOnlySpan<double> a, int rows, int cols, ReadOnlySpan<double> b, int[] kept, double[] scale,
        int nk, int s, int seed, double[] w, int ld)
    {
        int zeta = Math.Min(NonzerosPerRow, s);
        var target = new int[(long)rows * zeta];
        var sign = new bool[(long)rows * zeta];
        var rng = new Random(seed);
        for (int i = 0; i < rows; i++)
        {
            long o = (long)i * zeta;
            for (int q = 0; q < zeta; q++)
            {
                int k;
                bool repeat;
                do
                {
                    k = rng.Next(s);
                    repeat = false;
                    for (int e = 0; e < q; e++) repeat |= target[o + e] == k;
                } while (repeat);
                target[o + q] = k;
                sign[o + q] = rng.Next(2) == 0;
            }
        }
        double inv = 1.0 / Math.Sqrt(zeta);
        var sb = new double[s];
        for (long e = 0; e < target.Length; e++)
        {
            double bi = b[(int)(e / zeta)];
            sb[target[e]] += sign[e] ? bi : -bi;
        }
        for (int k = 0; k < s; k++) w[(long)nk * ld + k] = sb[k] * inv;

        int panels = (cols + Panel - 1) / Panel;
        int threads = Math.Max(1, Math.Min(Environment.ProcessorCount, panels));
        unsafe
        {
            fixed (double* pa = a)
            {
                double* ap = pa;
                Parallel.For(0, panels, new ParallelOptions { MaxDegreeOfParallelism = threads },
                    () => new double[(long)s * Panel],
                    (panel, _, sp) =>
                    {
                        int c0 = panel * Panel, width = Math.Min(Panel, cols - c0);
                        Array.Clear(sp, 0, s * width);
                        for (int i = 0; i < rows; i++)
                        {
                            var segment = new ReadOnlySpan<double>(ap + (long)i * cols + c0, width);
                            long o = (long)i * zeta;
                            for (int q = 0; q < zeta; q++)
                            {
                                var dst = sp.AsSpan(target[o + q] * width, width);
                                if (sign[o + q]) TensorPrimitives.Add(dst, segment, dst);
                                else TensorPrimitives.Subtract(dst, segment, dst);
                            }
                        }
                        int j = 0;
                        while (j < nk && kept[j] < c0) j++;
                        for (; j < nk && kept[j] < c0 + width; j++)
                        {
                            int col = kept[j] - c0;
                            double f = scale[j] * inv;
                            long wc = (long)j * ld;
                            for (int k = 0; k < s; k++) w[wc + k] = sp[k * width + col] * f;
                        }
                        return sp;
                    },
                    _ => { });
            }
        }
    }

    /// <summary>
    /// M = [A; √λ D⁻¹] P on z (length r) and its transpose, with A row-major [rows, cols] and P = D V_r Σ_r⁻¹
    /// [cols, r]; the √λ D⁻¹ rows (over the kept columns) exist only with a ridge. Products by dgemv.
    /// </summary>
    private readonly unsafe ref struct Operator
    {
        private readonly ReadOnlySpan<double> _a;
        private readonly int _rows, _cols, _rank;
        private readonly Factorization _f;
        private readonly double _sqrtRidge;
        private readonly double[] _x; // length cols

        public Operator(ReadOnlySpan<double> a, int rows, int cols, Factorization f, double ridge)
        {
            _a = a; _rows = rows; _cols = cols; _f = f; _rank = f.Rank;
            _sqrtRidge = ridge > 0 ? Math.Sqrt(ridge) : 0;
            _x = new double[cols];
            RowsOut = rows + (ridge > 0 ? f.Nk : 0);
        }

        public int RowsOut { get; }

        /// <summary>x = P z, length cols (a new array).</summary>
        public double[] Precondition(ReadOnlySpan<double> z)
        {
            var x = new double[_cols];
            fixed (double* pp = _f.Preconditioner, pz = z, px = x)
                OpenBlas.Dgemv(OpenBlas.RowMajor, OpenBlas.NoTrans, _cols, _rank, 1.0, pp, _rank, pz, 1, 0.0, px, 1);
            return x;
        }

        /// <summary>y = M z, length RowsOut.</summary>
        public void Apply(ReadOnlySpan<double> z, Span<double> y)
        {
            fixed (double* pp = _f.Preconditioner, pz = z, px = _x, pa = _a, py = y)
            {
                OpenBlas.Dgemv(OpenBlas.RowMajor, OpenBlas.NoTrans, _cols, _rank, 1.0, pp, _rank, pz, 1, 0.0, px, 1);
                OpenBlas.Dgemv(OpenBlas.RowMajor, OpenBlas.NoTrans, _rows, _cols, 1.0, pa, _cols, px, 1, 0.0, py, 1);
            }
            if (_sqrtRidge > 0)
                for (int k = 0; k < _f.Nk; k++) y[_rows + k] = _sqrtRidge * _x[_f.Kept[k]] / _f.Scale[k];
        }

        /// <summary>z = Mᵀ y, length r.</summary>
        public void ApplyTranspose(ReadOnlySpan<double> y, Span<double> z)
        {
            fixed (double* pp = _f.Preconditioner, pz = z, px = _x, pa = _a, py = y)
            {
                OpenBlas.Dgemv(OpenBlas.RowMajor, OpenBlas.Trans, _rows, _cols, 1.0, pa, _cols, py, 1, 0.0, px, 1);
                if (_sqrtRidge > 0)
                    for (int k = 0; k < _f.Nk; k++) px[_f.Kept[k]] += _sqrtRidge * py[_rows + k] / _f.Scale[k];
                OpenBlas.Dgemv(OpenBlas.RowMajor, OpenBlas.Trans, _cols, _rank, 1.0, pp, _rank, px, 1, 0.0, pz, 1);
            }
        }
    }
}
