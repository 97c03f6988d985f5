// Randomized sketch-and-precondition least squares: sparse sign sketch, pivoted-QR preconditioner, fused CGLS.
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
/// row of A) gives the sketch [S A D, S b] in one pass over A (<see cref="SparseSignSketch"/>). When s would not be
/// smaller than the rows of A, S = I and everything below is exact.</item>
/// <item>QR of the sketch (dgeqrf, level 3), then QR with column pivoting of its n × n factor R (dgeqp3),
/// R Π = Q' R', and the complete orthogonal step of dgelsy on the kept rows, [R'₁₁ R'₁₂] = [T 0]·W (dtzrzf). The
/// numerical rank r is where |R'_kk| falls to 3·rcond·|R'_11| (<see cref="PivotOverestimate"/>): the pivoted
/// diagonal sits at or above the singular values, so this keeps about what gelsd keeps at rcond (1,209 columns
/// against gelsd's 1,203 on the default lattice at 128/256/1024). Cutting lower kept directions weak enough that the
/// learned potential's higher derivatives grew: at rcond/3 the ASE example's five-point force check failed 4× over
/// its bound, at rcond its stress check failed by 1.5×. The preconditioner is P = D Π Wᵀ [T⁻¹; 0] (triangular solves
/// and W's reflectors), so A P has singular values within the embedding's distortion of 1, and x = P z lies in
/// the row space of the kept rows: the minimum-norm solution of the truncated problem, as dgelsy gives. (The basic
/// solution on the pivoted columns alone has coefficients that grow like 1/|R'_rr|.) This replaced a full SVD of
/// R, which cost 0.8 s of a 1,409-column solve against about 0.2 s (perf/RESULTS.md). Given a leading block of
/// columns that are well conditioned among themselves (the graph HGN's message block, the caller's hint), those
/// columns are factored first and, once their triangle R₁₁ proves well conditioned, only the trailing block R₂₂ is
/// pivoted: 385 of 1,409 columns on the default lattice, 0.15 s less, the same rank (<see cref="TrailingPivotingApplies"/>).
/// Before the QR, column blocks the caller names as nearly dependent (the graph HGN's node and edge encoders) are
/// replaced by orthonormal bases of their directions far above the cut (<see cref="BlockCompression"/>): x = D E y with
/// E orthonormal, so the solution stays the minimum-norm one over what is kept, and the QR narrows from 1,409 to 1,230
/// columns on the default lattice.</item>
/// <item>CGLS on min ‖A P z − b‖ started from the sketch-and-solve solution z₀ = (Q'ᵀ Qᵀ S b)[0..r) (the warm start
/// keeps the method accurate on ill-conditioned systems), with each iteration's AᵀA·(P p) formed in one fused pass
/// over A (<see cref="FusedNormalPass"/>). It stops when ‖(AP)ᵀ r‖ ≤ tol·‖AP‖·‖r‖, which bounds the residual's excess
/// over the optimum (<see cref="DenseLeastSquares.SketchTolerance"/>), or when ‖r‖ ≤ <see cref="ConsistentResidual"/>·‖b‖
/// (a consistent system, where the first test cannot hold), both from CGLS's recurrences, like LSQR's own estimates:
/// recomputing (AP)ᵀ r exactly is no check, since Pᵀ amplifies the rounding of Aᵀ r by up to the kept condition (1e13
/// on the default lattice) and that floor lies far above the
/// tolerance. The residual reported is recomputed exactly from A.</item>
/// </list>
/// Every step is deterministic: the sketch comes from <see cref="Random"/> with the given seed, the LAPACK calls use a
/// fixed thread count and the fused pass a fixed partition, so the same inputs and seed give the same bits.
/// </summary>
internal static class SketchPreconditioned
{
    /// <summary>
    /// ζ, nonzeros per row of A in the sparse sign embedding. 8 is the choice the literature calls robust; 4 halves the
    /// scatter and reaches the same iterations, rank and residual (to three digits) on every system measured
    /// (perf/RESULTS.md, "Nonzeros per row of the sketch": the lattice's graph, frame and pair models, Morse,
    /// anharmonic and non-separable graphs, Lennard-Jones pairs; 2 did too). The sketch's scatter of the default
    /// lattice's Z fell from about 115 to 87 ms. A poorer embedding would cost iterations, not accuracy: the CGLS
    /// iterations run on A itself.
    /// </summary>
    internal const int NonzerosPerRow = 4;

    /// <summary>Sketch rows per kept column; 4 gives a preconditioned condition number of about 3.</summary>
    internal const int SketchRowsPerColumn = 4;

    /// <summary>Bound on how far the sketch's singular-value ratios can be off A D's: ((1 + √(n/s)) / (1 − √(n/s)) = 3 at s = 4n).</summary>
    internal const double DistortionFactor = 3;

    /// <summary>
    /// How far the pivots |R'_kk| of a column-pivoted QR are taken to sit above the singular values σ_k: pivots are cut
    /// at PivotOverestimate·rcond·|R'₁₁|, which keeps about what gelsd's rcond keeps. Measured on the default lattice:
    /// 1,209 columns kept against gelsd's 1,203 (128/256/1024) and 1,173 against 1,168 (128/128/1024). A cut at rcond
    /// kept 1,214 and 1,178, and the pair model that the ASE example trains then failed that example's stress check
    /// against ASE's numerical stress (1.5e-5 against its 1e-5 bound; 2.8e-6 with this cut).
    /// </summary>
    internal const double PivotOverestimate = 3;

    /// <summary>
    /// How far below the joint rank cut (<see cref="PivotOverestimate"/>·rcond·|R'₁₁|) a compressible block's directions
    /// must lie for <see cref="BlockCompression"/> to drop them: 30, so the block cutoff is 0.1·rcond·|R'₁₁|. A unit
    /// direction v it drops has ‖S A D v‖ at most about twice that (the small sketch's distortion), so its overlap with
    /// any right singular direction of the joint problem above the joint cut is at most about 1/15. On the default
    /// lattice the node block keeps 82 of 128 directions and the edge block 123 of 256; their singular values put 75
    /// and 110 above the joint cut, 80 and 117 above the block cutoff.
    /// </summary>
    internal const double CompressionMargin = 30;

    /// <summary>Stopping tolerance on ‖(AP)ᵀr‖ / (‖AP‖‖r‖) (see <see cref="DenseLeastSquares.SketchTolerance"/>).</summary>
    internal const double DefaultTolerance = DenseLeastSquares.SketchTolerance;

    /// <summary>
    /// ‖r‖/‖b‖ at which the system counts as solved exactly: a few units of round-off in b. Only a consistent system
    /// (optimal residual at round-off) stops here; one that is merely nearly consistent, like the default lattice at
    /// 2e-9 relative, stops on the normal-equation test, whatever its residual's size.
    /// </summary>
    internal const double ConsistentResidual = 1e-14;

    /// <summary>Iteration limit; the preconditioned problem needs about 10–40 iterations.</summary>
    internal const int DefaultMaxIterations = 300;

    /// <summary>
    /// The factored sketch: equilibration, pivoted triangular preconditioner and warm start. It owns the sketch's
    /// memory, where the trapezoid now lives; dispose it after the iterations.
    /// </summary>
    internal sealed class Factorization : IDisposable
    {
        /// <summary>The sketch buffer, whose first Rank·Width doubles hold <see cref="Trapezoid"/>.</summary>
        public required HugePageBuffer Storage { get; init; }
        public required int Nk { get; init; }
        /// <summary>Columns of the factored sketch: <see cref="Nk"/>, or fewer after <see cref="Compression"/>.</summary>
        public required int Width { get; init; }
        /// <summary>E, when nearly dependent blocks were compressed (<see cref="BlockCompression"/>); null when not.</summary>
        public BlockCompression? Compression { get; init; }
        public required int[] Kept { get; init; }
        public required double[] Scale { get; init; }
        /// <summary>Kept columns r (the numerical rank of the sketch).</summary>
        public required int Rank { get; init; }
        /// <summary>Π: column of the (compressed) sketch that is column k of the pivoted R', k &lt; <see cref="Width"/>;
        /// without compression an index into <see cref="Kept"/>.</summary>
        public required int[] Pivot { get; init; }
        /// <summary>
        /// [R'₁₁ R'₁₂] = [T 0]·W reduced by dtzrzf, column-major [Rank, Width]: T (upper triangular) in the first Rank
        /// columns, W's reflectors in the rest and in <see cref="ReflectorScales"/>. Only the upper trapezoid is defined.
        /// </summary>
        public Span<double> Trapezoid => Storage.Slice(0, Rank * Width);
        /// <summary>tau of W's Rank reflectors (unused when Rank = Width, where W = I).</summary>
        public required double[] ReflectorScales { get; init; }
        /// <summary>The sketch-and-solve solution in the preconditioned coordinates, length Rank.</summary>
        public required double[] WarmStart { get; init; }
        public required int SketchRows { get; init; }
        /// <summary>Columns that went through the pivoted QR: Width, or the trailing block's width when the leading block
        /// proved well conditioned (<see cref="TrailingPivotingApplies"/>).</summary>
        public required int PivotedColumns { get; init; }
        /// <summary>Wall-clock seconds of <see cref="Factor"/>.</summary>
        public required double Seconds { get; init; }
        /// <summary>1-norm condition estimate (1/dtrcon) of T: the kept part.</summary>
        public required double KeptCondition { get; init; }
        /// <summary>1-norm condition estimate of the whole pivoted R' when every column is kept, else ∞ (its only use,
        /// <see cref="SolverChoice"/>, asks first for full rank).</summary>
        public required double FullCondition { get; init; }

        public void Dispose() => Storage.Dispose();
    }

    /// <summary>Sketch, factor and solve; inputs validated by <c>DenseLeastSquares.Solve</c>.</summary>
    internal static SolveReport Solve(ReadOnlySpan<double> a, int rows, int cols, ReadOnlySpan<double> b,
        double rcond, double ridge, int seed, double tolerance = DefaultTolerance, int maxIterations = DefaultMaxIterations,
        ColumnBlock? leading = null, double[]? columnSumSquares = null, IReadOnlyList<ColumnBlock>? compressible = null)
    {
        using Factorization f = Factor(a, rows, cols, b, rcond, ridge, seed, leading, columnSumSquares, compressible);
        return Iterate(f, a, rows, cols, b, ridge, tolerance, maxIterations);
    }

    /// <summary>
    /// Steps 1–2: equilibrate, sketch, QR of the sketch, pivoted QR of its R, truncate. <paramref name="leading"/>
    /// names columns expected to be well conditioned among themselves (the graph HGN's message block): they are put
    /// first, and when their triangle R₁₁ proves well conditioned only the trailing block R₂₂ is pivoted
    /// (<see cref="TrailingPivotingApplies"/>). <paramref name="compressible"/> names column blocks expected to be
    /// numerically of low rank (the graph HGN's node and edge encoders): each is replaced in the sketch by its
    /// significant directions before the joint QR (<see cref="BlockCompression"/>; not with a ridge, whose rows are exact).
    /// </summary>
    internal static Factorization Factor(ReadOnlySpan<double> a, int rows, int cols, ReadOnlySpan<double> b,
        double rcond, double ridge, int seed, ColumnBlock? leading = null, double[]? columnSumSquares = null,
        IReadOnlyList<ColumnBlock>? compressible = null)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var (kept, scale, nk) = ColumnEquilibration.ForDense(a, rows, cols, columnSumSquares);
        int leadingKept = leading is { } block ? PutFirst(block, kept, scale, nk, cols) : 0;

        long wanted = Math.Max((long)SketchRowsPerColumn * nk, nk + 16L);
        bool exact = wanted >= rows;
        int s = exact ? rows : (int)wanted;
        int ridgeRows = ridge > 0 ? nk : 0;
        int ld = s + ridgeRows;
        if ((long)ld * (nk + 1) > Array.MaxLength)
            throw new InvalidInputException($"The sketch of {ld} rows × {nk + 1} columns is too large to hold in memory. Fix: use --solver cholesky, which streams the normal equations.");

        // Column-major [S A D, S b] with the ridge rows √λ I (exact, not sketched) below the sketch. The buffer goes to
        // the Factorization, which keeps the trapezoid in it; on failure it is freed here.
        var sketch = new HugePageBuffer((long)ld * (nk + 1));
        List<ColumnBlock> blocks = ridge > 0 || compressible is null ? [] : PositionsOf(compressible, kept, nk, leadingKept, cols);
        try { return FactorInto(sketch, a, rows, cols, b, kept, scale, nk, leadingKept, s, ld, exact, rcond, ridge, seed, blocks, started); }
        catch { sketch.Dispose(); throw; }
    }

    private static unsafe Factorization FactorInto(HugePageBuffer sketch, ReadOnlySpan<double> a, int rows, int cols, ReadOnlySpan<double> b,
        int[] kept, double[] scale, int nk, int leadingKept, int s, int ld, bool exact, double rcond, double ridge, int seed,
        List<ColumnBlock> compressible, long started)
    {
        Span<double> w = sketch.Span;
        int ridgeRows = ld - s;
        if (exact) SparseSignSketch.CopyExact(a, rows, cols, b, kept, scale, nk, w, ld);
        else SparseSignSketch.Apply(a, rows, cols, b, kept, scale, nk, s, seed, w, ld);
        BlockCompression? compression = null;
        double columnScale = 0;             // the largest column norm of the sketch: |R'₁₁| of the whole pivoted QR
        if (compressible.Count > 0)
        {
            for (int j = 0; j < nk; j++) columnScale = Math.Max(columnScale, TensorPrimitives.Norm(w.Slice(j * ld, ld)));
            compression = BlockCompression.Compress(w, ld, nk, compressible, rcond * PivotOverestimate * columnScale / CompressionMargin, seed + 1);
        }
        // n: the columns factored from here on, nk or fewer after compression; the right-hand side is column n.
        int n = compression?.Compressed ?? nk;
        if (ridge > 0)
        {
            double sqrtRidge = Math.Sqrt(ridge);
            for (int k = 0; k <= n; k++) w.Slice(k * ld + s, ridgeRows).Clear();
            for (int k = 0; k < n; k++) w[k * ld + s + k] = sqrtRidge;
        }

        int p = Math.Min(ld, n);             // rows of R (upper trapezoidal p × n)
        var tau = new double[Math.Min(ld, n + 1)];
        var c = new double[p];
        var jpvt = new int[n];               // 0: every column free to pivot
        var tau2 = new double[p];
        double r11;                          // |R'₁₁|: the largest column norm of R, the scale of the rank cut
        int pivotedColumns = n;
        fixed (double* pw = w, pt = tau, pc = c, pt2 = tau2)
        fixed (int* pj = jpvt)
        {
            LapackException.ThrowIfFailed(Lapacke.Dgeqrf(Lapacke.ColMajor, ld, n + 1, pw, ld, pt));
            // c = (Qᵀ S b)[0..p): the top of R's last column. R stays in the top p rows of the sketch (no copy into fresh
            // memory, whose first touch costs more than the copy): the reflectors below its diagonal are cleared there.
            for (int i = 0; i < p; i++) c[i] = w[n * ld + i];
            for (int j = 0; j < p; j++) w.Slice(j * ld + j + 1, p - j - 1).Clear();
            // With compression, |R'₁₁| is still the uncompressed columns' scale: a compressed column S A D v can be as
            // long as the block's largest singular value, and the cut must not move with it.
            double knownScale = compression is null ? 0 : columnScale;
            if (TrailingPivotingApplies(w, ld, p, n, leadingKept, rcond, knownScale, out r11))
            {
                pivotedColumns = n - leadingKept;
                // R = [R₁₁ R₁₂; 0 R₂₂] with R₁₁ well conditioned: R₂₂ Π₂ = Q₂ R₂₂', R₁₂ ← R₁₂ Π₂, c₂ ← Q₂ᵀ c₂.
                int n1 = leadingKept, m2 = p - n1, n2 = n - n1;
                for (int k = 0; k < n1; k++) jpvt[k] = k + 1;
                if (m2 > 0)
                {
                    var trailingPivot = new int[n2];
                    fixed (int* ptp = trailingPivot)
                    {
                        double* r22 = pw + (long)n1 * ld + n1;
                        LapackException.ThrowIfFailed(Lapacke.Dgeqp3(Lapacke.ColMajor, m2, n2, r22, ld, ptp, pt2));
                        LapackException.ThrowIfFailed(Lapacke.Dormqr(Lapacke.ColMajor, (byte)'L', (byte)'T', m2, 1, Math.Min(m2, n2), r22, ld, pt2, pc + n1, m2));
                    }
                    PermuteColumns(w, ld, n1, n1, trailingPivot);
                    for (int k = 0; k < n2; k++) jpvt[n1 + k] = n1 + trailingPivot[k];
                }
                else for (int k = n1; k < n; k++) jpvt[k] = k + 1;
            }
            else
            {
                // R Π = Q' R', then c ← Q'ᵀ c.
                LapackException.ThrowIfFailed(Lapacke.Dgeqp3(Lapacke.ColMajor, p, n, pw, ld, pj, pt2));
                LapackException.ThrowIfFailed(Lapacke.Dormqr(Lapacke.ColMajor, (byte)'L', (byte)'T', p, 1, p, pw, ld, pt2, pc, p));
                r11 = compression is null ? Math.Abs(w[0]) : columnScale;
            }
        }
        Span<double> r = w;                  // R' in the top p rows, leading dimension ld
        if (!(r11 > 0)) throw ColumnEquilibration.NoInformation(cols, rows);
        // |R'_kk| is non-increasing under pivoting (on R₂₂ alone, after a well-conditioned R₁₁) and sits at or above
        // σ_k, typically within a small factor: see PivotOverestimate and the class remarks.
        double cut = rcond * PivotOverestimate;
        int rank = 0;
        while (rank < p && Math.Abs(r[rank * ld + rank]) > cut * r11) rank++;

        // The kept rows [R'₁₁ R'₁₂] = [T 0]·W (dtzrzf): solutions x = P z then lie in their row space, the minimum-norm
        // solution of the truncated problem as in dgelsy, instead of the basic solution on the chosen columns alone,
        // whose coefficients grow like 1/|R'_rr| and make the energy's rounding noise visible in finite differences.
        // They are packed in place to leading dimension rank: column j moves from j·ld to j·rank ≤ j·ld, so every element
        // is read before anything lands on it. (A fresh rank × n array cost 40 ms of first-touch page faults at 1,409
        // columns, more than the rest of this step.) Below the diagonal the packed columns hold leftovers, which no
        // routine below reads.
        for (int j = 0; j < n; j++)
        {
            int top = Math.Min(j, rank - 1);
            for (int i = 0; i <= top; i++) r[j * rank + i] = r[j * ld + i];
        }
        Span<double> trapezoid = r[..(rank * n)];
        var reflectorScales = new double[rank];
        var pivot = new int[n];
        for (int k = 0; k < n; k++) pivot[k] = jpvt[k] - 1;
        double kept1, full1 = double.PositiveInfinity;
        fixed (double* ptri = trapezoid, prs = reflectorScales)
        {
            if (rank < n) LapackException.ThrowIfFailed(Lapacke.Dtzrzf(Lapacke.ColMajor, rank, n, ptri, rank, prs));
            double rc;
            LapackException.ThrowIfFailed(Lapacke.Dtrcon(Lapacke.ColMajor, (byte)'1', (byte)'U', (byte)'N', rank, ptri, rank, &rc));
            kept1 = 1.0 / rc;
            if (rank == nk) full1 = kept1;
        }
        return new Factorization
        {
            Storage = sketch, Nk = nk, Width = n, Compression = compression, Kept = kept, Scale = scale, Rank = rank, Pivot = pivot, ReflectorScales = reflectorScales,
            WarmStart = c.AsSpan(0, rank).ToArray(), SketchRows = s, KeptCondition = kept1, FullCondition = full1, PivotedColumns = pivotedColumns,
            Seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds,
        };
    }

    /// <summary>
    /// How far above the rank cut the leading triangle's smallest singular value must provably sit for
    /// <see cref="TrailingPivotingApplies"/>: its 1-norm condition estimate κ₁(R₁₁) must satisfy
    /// κ₁·<see cref="PivotOverestimate"/>·rcond ≤ 1/LeadingConditionMargin (κ₁ ≤ 3.3e10 at rcond = 1e-13). The default
    /// lattice's message block (1,024 columns) has κ₁ ≈ 3e6.
    /// </summary>
    internal const double LeadingConditionMargin = 100;

    /// <summary>
    /// Whether the pivoted QR can be confined to the trailing block R₂₂ of the sketch's R = [R₁₁ R₁₂; 0 R₂₂], R₁₁ being
    /// the first <paramref name="n1"/> (leading) columns: when R₁₁ is well conditioned (<see cref="LeadingConditionMargin"/>)
    /// and each of its diagonal entries lies above the cut, no column of the leading block would be dropped, and the
    /// rank is decided by R₂₂ alone — the part of the other columns that the leading ones do not explain. Why it pays:
    /// on the default lattice the node and edge blocks (384 columns) are features of one scalar each and nearly
    /// dependent, which forced a pivoted QR of the whole 1,409-column R (0.15 s); the message block is not, and putting
    /// it first leaves a 385-column R₂₂ to pivot. <paramref name="r11"/> is the largest column norm of R, what the
    /// whole pivoted QR's |R'₁₁| would be.
    /// </summary>
    private static unsafe bool TrailingPivotingApplies(Span<double> w, int ld, int p, int nk, int n1, double rcond, double knownScale, out double r11)
    {
        r11 = knownScale;
        if (n1 <= 0 || n1 >= nk || n1 > p) return false;
        if (!(knownScale > 0))
            for (int j = 0; j < nk; j++) r11 = Math.Max(r11, TensorPrimitives.Norm(w.Slice(j * ld, Math.Min(j + 1, p))));
        double cut = rcond * PivotOverestimate * r11;
        for (int k = 0; k < n1; k++)
            if (!(Math.Abs(w[k * ld + k]) > LeadingConditionMargin * cut)) return false;
        double rc;
        fixed (double* pw = w)
            LapackException.ThrowIfFailed(Lapacke.Dtrcon(Lapacke.ColMajor, (byte)'1', (byte)'U', (byte)'N', n1, pw, ld, &rc));
        return rc > 0 && rc >= LeadingConditionMargin * PivotOverestimate * rcond;   // κ₁ = 1/rc
    }

    /// <summary>Columns [c0, c0 + perm.Length) of rows [0, rows) of the column-major w (leading dimension ld) permuted: new column k = old column c0 + perm[k] − 1 (LAPACK's 1-based jpvt).</summary>
    private static void PermuteColumns(Span<double> w, int ld, int rows, int c0, int[] perm)
    {
        var old = new double[(long)rows * perm.Length];
        for (int k = 0; k < perm.Length; k++) w.Slice((c0 + k) * ld, rows).CopyTo(old.AsSpan(k * rows, rows));
        for (int k = 0; k < perm.Length; k++) old.AsSpan((perm[k] - 1) * rows, rows).CopyTo(w.Slice((c0 + k) * ld, rows));
    }

    /// <summary>
    /// Reorders the kept columns (and their scales) so that those inside <paramref name="block"/> come first, each
    /// group in ascending column order; returns how many are in the block.
    /// </summary>
    private static int PutFirst(ColumnBlock block, int[] kept, double[] scale, int nk, int cols)
    {
        if (block.Start < 0 || block.Count < 0 || (long)block.Start + block.Count > cols)
            throw new ArgumentOutOfRangeException(nameof(block), block, $"the leading block must lie within the {cols} columns");
        bool Inside(int col) => col >= block.Start && col < block.Start + block.Count;
        // OrderBy is stable: each group keeps its ascending order.
        int[] order = [.. Enumerable.Range(0, nk).OrderBy(k => Inside(kept[k]) ? 0 : 1)];
        double[] reorderedScale = [.. order.Select(k => scale[k])];
        int[] reorderedKept = [.. order.Select(k => kept[k])];
        reorderedKept.CopyTo(kept, 0);
        reorderedScale.CopyTo(scale, 0);
        return reorderedKept.Count(Inside);
    }

    /// <summary>
    /// The positions among the kept columns (in <paramref name="kept"/>'s order, past the leading block) of each block's
    /// kept columns, ascending; a block that names columns outside A is refused. The trailing kept columns are in
    /// ascending column order, so each block's positions are contiguous.
    /// </summary>
    private static List<ColumnBlock> PositionsOf(IReadOnlyList<ColumnBlock> blocks, int[] kept, int nk, int leadingKept, int cols)
    {
        var positions = new List<ColumnBlock>();
        foreach (ColumnBlock block in blocks.OrderBy(b => b.Start))
        {
            if (block.Start < 0 || block.Count < 0 || (long)block.Start + block.Count > cols)
                throw new ArgumentOutOfRangeException(nameof(blocks), block, $"a compressible block must lie within the {cols} columns");
            int first = -1, count = 0;
            for (int k = leadingKept; k < nk; k++)
                if (kept[k] >= block.Start && kept[k] < block.Start + block.Count)
                {
                    if (first < 0) first = k;
                    count++;
                }
            if (count > 0 && (positions.Count == 0 || first >= positions[^1].Start + positions[^1].Count))
                positions.Add(new ColumnBlock(first, count));
        }
        return positions;
    }

    /// <summary>Step 3: CGLS on the preconditioned operator from the warm start, then x = P z and the exact residual.</summary>
    internal static SolveReport Iterate(Factorization f, ReadOnlySpan<double> a, int rows, int cols, ReadOnlySpan<double> b,
        double ridge, double tolerance, int maxIterations)
    {
        // The iterations' BLAS/LAPACK calls are vector-sized; the fused pass owns the cores. One BLAS thread keeps
        // OpenBLAS's workers from being woken to spin against the pass's threads.
        int blasThreads = NativeLibraries.BlasThreads;
        NativeLibraries.SetBlasThreads(1);
        try { return IterateOnOneBlasThread(f, a, rows, cols, b, ridge, tolerance, maxIterations); }
        finally { NativeLibraries.SetBlasThreads(blasThreads); }
    }

    private static SolveReport IterateOnOneBlasThread(Factorization f, ReadOnlySpan<double> a, int rows, int cols, ReadOnlySpan<double> b,
        double ridge, double tolerance, int maxIterations)
    {
        var op = new Preconditioner(f);
        var pass = new FusedNormalPass(rows, cols);
        int r = f.Rank;
        var z = (double[])f.WarmStart.Clone();
        var x = new double[cols];
        var g = new double[cols];
        var s = new double[r];
        var p = new double[r];
        var ps = new double[r];
        double bnorm = TensorPrimitives.Norm(b);

        double rr = Exact(op, pass, a, b, z, x, g, s, ridge, out double data2);
        s.CopyTo(p, 0);
        double gamma = TensorPrimitives.Dot(s, s);
        double normM = 0;
        int iterations = 0;
        bool Converged(double normS, double normR) =>
            normR <= ConsistentResidual * bnorm || normS <= tolerance * Math.Max(normM, 1e-300) * normR || normS == 0;

        while (iterations < maxIterations && gamma > 0)
        {
            iterations++;
            op.Apply(p, x);
            double qq = pass.Run(a, x, default, default, g);
            if (ridge > 0) qq += op.RidgeTerm(x, g, ridge, +1);
            if (!(qq > 0)) break;
            normM = Math.Max(normM, Math.Sqrt(qq / TensorPrimitives.Dot(p, p)));
            double alpha = gamma / qq;
            TensorPrimitives.MultiplyAdd(p, alpha, z, z);
            op.ApplyTranspose(g, ps);
            TensorPrimitives.MultiplyAdd(ps, -alpha, s, s);
            rr = Math.Max(0, rr - alpha * gamma);
            double next = TensorPrimitives.Dot(s, s);

            if (Converged(Math.Sqrt(next), Math.Sqrt(rr))) break;
            double beta = next / gamma;
            TensorPrimitives.MultiplyAdd(p, beta, s, p);
            gamma = next;
        }
        Exact(op, pass, a, b, z, x, g, s, ridge, out data2);   // x = P z and its exact residual
        return new SolveReport((double[])x.Clone(), f.Rank, f.KeptCondition, Math.Sqrt(data2), cols - f.Nk, SolverKind.Sketch, rows, cols, ridge)
        {
            RhsNorm = bnorm,
            Iterations = iterations,
            SketchRows = f.SketchRows,
            FactorSeconds = f.Seconds,
        };
    }

    /// <summary>
    /// The exact residual and normal residual at z, by one fused pass: x = P z, returns ‖b − A x‖² (+ λ‖D⁻¹x‖²) with the
    /// data part in <paramref name="dataResidual2"/>, and s = Pᵀ(Aᵀ(b − A x) − λ D⁻² x).
    /// </summary>
    private static double Exact(Preconditioner op, FusedNormalPass pass, ReadOnlySpan<double> a, ReadOnlySpan<double> b,
        double[] z, double[] x, double[] g, double[] s, double ridge, out double dataResidual2)
    {
        op.Apply(z, x);
        dataResidual2 = pass.Run(a, x, b, default, g);
        double ridge2 = ridge > 0 ? op.RidgeTerm(x, g, ridge, -1) : 0;
        op.ApplyTranspose(g, s);
        return dataResidual2 + ridge2;
    }

    /// <summary>
    /// P = D E Π Wᵀ [T⁻¹; 0] from the factorization (E = I without <see cref="BlockCompression"/>), mapping z (length r)
    /// to x (length cols, zero outside the kept columns), and its transpose; each one triangular solve on r values
    /// (dtrsv, 0.2 ms at r = 1,209), one application of W's reflectors (<see cref="TrailingReflectors"/>, about
    /// 4·r·(Width − r) flops) and, with compression, one small dgemv per compressed block.
    /// </summary>
    private sealed unsafe class Preconditioner(Factorization f)
    {
        private readonly double[] _t = new double[f.Width];
        private readonly double[] _y = f.Compression is null ? [] : new double[f.Width];
        private readonly double[] _u = f.Compression is null ? [] : new double[f.Nk];
        private readonly TrailingReflectors _w = new(f.Trapezoid, f.ReflectorScales, f.Rank, f.Width);

        /// <summary>x = P z (x is overwritten, length cols).</summary>
        public void Apply(ReadOnlySpan<double> z, Span<double> x)
        {
            int r = f.Rank, n = f.Width;
            z.CopyTo(_t);
            Array.Clear(_t, r, n - r);
            fixed (double* pt = _t, ptri = f.Trapezoid)
                OpenBlas.Dtrsv(OpenBlas.ColMajor, OpenBlas.Upper, OpenBlas.NoTrans, OpenBlas.NonUnit, r, ptri, r, pt, 1);
            _w.ApplyTranspose(_t);
            x.Clear();
            if (f.Compression is { } e)
            {
                for (int k = 0; k < n; k++) _y[f.Pivot[k]] = _t[k];
                e.Expand(_y, _u);
                for (int j = 0; j < f.Nk; j++) x[f.Kept[j]] = f.Scale[j] * _u[j];
                return;
            }
            for (int k = 0; k < n; k++)
            {
                int j = f.Pivot[k];
                x[f.Kept[j]] = f.Scale[j] * _t[k];
            }
        }

        /// <summary>z = Pᵀ g (z is overwritten, length r).</summary>
        public void ApplyTranspose(ReadOnlySpan<double> g, Span<double> z)
        {
            int r = f.Rank, n = f.Width;
            if (f.Compression is { } e)
            {
                for (int j = 0; j < f.Nk; j++) _u[j] = f.Scale[j] * g[f.Kept[j]];
                e.Reduce(_u, _y);
                for (int k = 0; k < n; k++) _t[k] = _y[f.Pivot[k]];
            }
            else
                for (int k = 0; k < n; k++)
                {
                    int j = f.Pivot[k];
                    _t[k] = f.Scale[j] * g[f.Kept[j]];
                }
            _w.Apply(_t);
            fixed (double* pt = _t, ptri = f.Trapezoid)
                OpenBlas.Dtrsv(OpenBlas.ColMajor, OpenBlas.Upper, OpenBlas.Trans, OpenBlas.NonUnit, r, ptri, r, pt, 1);
            _t.AsSpan(0, r).CopyTo(z);
        }

        /// <summary>
        /// The ridge rows √λ D⁻¹ (over the kept columns) for x: adds sign·λ D⁻² x to g and returns λ‖D⁻¹x‖².
        /// </summary>
        public double RidgeTerm(ReadOnlySpan<double> x, Span<double> g, double ridge, double sign)
        {
            double sum = 0;
            for (int j = 0; j < f.Nk; j++)
            {
                int col = f.Kept[j];
                double y = x[col] / f.Scale[j];
                sum += y * y;
                g[col] += sign * ridge * y / f.Scale[j];
            }
            return ridge * sum;
        }
    }
}
