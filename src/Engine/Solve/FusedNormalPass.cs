// One pass over a row-major A that forms A·x and Aᵀ·(weights from A·x) together, so an iteration reads A once, not twice.
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Engine.Solve;

/// <summary>
/// The product an iterative least-squares solver needs, fused over the rows of a row-major A[rows, cols]:
/// <code>
///   t_i = a_i · x                  (q_i = t_i when q is given)
///   w_i = t_i, or b_i − t_i when b is given
///   g   = Σ_i w_i a_i   (= AᵀA x, or Aᵀ(b − A x))      returns Σ_i w_i²
/// </code>
/// Each row is used twice while it is in cache, so a pass costs one read of A: at 64,801 × 1,409 (730 MB) it takes
/// 16.5–18.4 ms here (40–44 GB/s; a plain 2-thread read of the same bytes takes 12 ms) against 34–40 ms for dgemv then
/// dgemv transposed (SketchPassBench, perf/RESULTS.md).
/// <para>The rows are cut into <see cref="Chunks"/> fixed ranges whatever the thread count; each range sums into its own
/// partial g, and the partials are added in range order, so the result has the same bits on every run and for every
/// thread count. One instance per solve (it owns the partials); not thread-safe.</para>
/// </summary>
internal sealed unsafe class FusedNormalPass
{
    /// <summary>Fixed row ranges per pass (enough to keep a few cores busy, few enough that the partials stay small).</summary>
    internal const int Chunks = 16;

    private readonly int _rows, _cols;
    private readonly double[] _partials; // [Chunks, cols]
    private readonly double[] _sums = new double[Chunks];

    public FusedNormalPass(int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(cols, 1);
        _rows = rows; _cols = cols;
        _partials = new double[(long)Chunks * cols];
    }

    /// <summary>
    /// One pass: <paramref name="a"/> [rows·cols], <paramref name="x"/> [cols], <paramref name="b"/> [rows] or empty,
    /// <paramref name="q"/> [rows] or empty, <paramref name="g"/> [cols] (overwritten). Returns Σ w_i².
    /// </summary>
    public double Run(ReadOnlySpan<double> a, ReadOnlySpan<double> x, ReadOnlySpan<double> b, Span<double> q, Span<double> g)
    {
        Check(a, x, b, q, g, _rows, _cols);
        int rows = _rows, cols = _cols;
        fixed (double* pa0 = a, px0 = x, pb0 = b, pq0 = q, pp0 = _partials)
        {
            double* pa = pa0, px = px0, pb = b.IsEmpty ? null : pb0, pq = q.IsEmpty ? null : pq0, pp = pp0;
            double[] sums = _sums;
            Parallel.For(0, Chunks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, c =>
            {
                int i0 = (int)((long)rows * c / Chunks), i1 = (int)((long)rows * (c + 1) / Chunks);
                sums[c] = RowRange(pa, px, pb, pq, pp + (long)c * cols, i0, i1, cols);
            });
        }
        g.Clear();
        double total = 0;
        for (int c = 0; c < Chunks; c++)
        {
            TensorPrimitives.Add(g, _partials.AsSpan(c * cols, cols), g);
            total += _sums[c];
        }
        return total;
    }

    /// <summary>
    /// Rows [i0, i1) into the partial <paramref name="g"/> (cleared first); returns their Σ w_i². Rows go in blocks of
    /// <see cref="RowBlock"/>: the block's dot products share each load of x and run in independent accumulators, and
    /// its update of g is one read and one write of g for all four rows. Row by row (TensorPrimitives.Dot, then
    /// MultiplyAdd) the pass read A at 34 GB/s against the 60 GB/s a plain 2-thread read reaches here; the single dot
    /// product's dependency chain and g's traffic per row were the limit (SketchPassBench, perf/RESULTS.md).
    /// Compiled fully optimised from the first call: a solve makes only 10–60 passes, and at the runtime's first tier the
    /// early passes ran up to 8× slower (56 ms against 7 ms on the pair model's 64,801 × 258 Z) until tiering caught up.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double RowRange(double* a, double* x, double* b, double* q, double* g, int i0, int i1, int cols)
    {
        new Span<double>(g, cols).Clear();
        Span<double> w = stackalloc double[RowBlock];
        double ss = 0;
        int i = i0;
        for (; i + RowBlock <= i1; i += RowBlock)
        {
            double* r0 = a + (long)i * cols;
            Dot4(r0, cols, x, cols, w);
            for (int k = 0; k < RowBlock; k++)
            {
                if (q is not null) q[i + k] = w[k];
                if (b is not null) w[k] = b[i + k] - w[k];
                ss += w[k] * w[k];
            }
            Update4(r0, cols, w, g, cols);
        }
        for (; i < i1; i++)
        {
            var row = new ReadOnlySpan<double>(a + (long)i * cols, cols);
            double t = TensorPrimitives.Dot(row, new ReadOnlySpan<double>(x, cols));
            if (q is not null) q[i] = t;
            double wi = b is null ? t : b[i] - t;
            ss += wi * wi;
            TensorPrimitives.MultiplyAdd(row, wi, new Span<double>(g, cols), new Span<double>(g, cols));
        }
        return ss;
    }

    /// <summary>Rows per block of <see cref="RowRange"/> (four rows of the lattice's Z, 45 KB, stay in L2 between their two uses).</summary>
    internal const int RowBlock = 4;

    /// <summary>t[k] = (row k of the block at <paramref name="r"/>, stride <paramref name="ld"/>) · x, k &lt; 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Dot4(double* r, long ld, double* x, int n, Span<double> t)
    {
        double* r1 = r + ld, r2 = r + 2 * ld, r3 = r + 3 * ld;
        int j = 0;
        double t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<double>.Count)
        {
            var a0 = Vector512<double>.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
            for (; j <= n - Vector512<double>.Count; j += Vector512<double>.Count)
            {
                var xv = Vector512.Load(x + j);
                a0 = Vector512.FusedMultiplyAdd(Vector512.Load(r + j), xv, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Load(r1 + j), xv, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Load(r2 + j), xv, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Load(r3 + j), xv, a3);
            }
            t0 = Vector512.Sum(a0); t1 = Vector512.Sum(a1); t2 = Vector512.Sum(a2); t3 = Vector512.Sum(a3);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<double>.Count)
        {
            var a0 = Vector256<double>.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
            for (; j <= n - Vector256<double>.Count; j += Vector256<double>.Count)
            {
                var xv = Vector256.Load(x + j);
                a0 = Vector256.FusedMultiplyAdd(Vector256.Load(r + j), xv, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.Load(r1 + j), xv, a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.Load(r2 + j), xv, a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.Load(r3 + j), xv, a3);
            }
            t0 = Vector256.Sum(a0); t1 = Vector256.Sum(a1); t2 = Vector256.Sum(a2); t3 = Vector256.Sum(a3);
        }
        for (; j < n; j++)
        {
            double xj = x[j];
            t0 += r[j] * xj; t1 += r1[j] * xj; t2 += r2[j] * xj; t3 += r3[j] * xj;
        }
        t[0] = t0; t[1] = t1; t[2] = t2; t[3] = t3;
    }

    /// <summary>g += Σ_k w[k]·(row k of the block at <paramref name="r"/>), k &lt; 4, in that order for each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Update4(double* r, long ld, ReadOnlySpan<double> w, double* g, int n)
    {
        double* r1 = r + ld, r2 = r + 2 * ld, r3 = r + 3 * ld;
        double w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3];
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<double> v0 = Vector512.Create(w0), v1 = Vector512.Create(w1), v2 = Vector512.Create(w2), v3 = Vector512.Create(w3);
            for (; j <= n - Vector512<double>.Count; j += Vector512<double>.Count)
            {
                var acc = Vector512.FusedMultiplyAdd(Vector512.Load(r + j), v0, Vector512.Load(g + j));
                acc = Vector512.FusedMultiplyAdd(Vector512.Load(r1 + j), v1, acc);
                acc = Vector512.FusedMultiplyAdd(Vector512.Load(r2 + j), v2, acc);
                Vector512.Store(Vector512.FusedMultiplyAdd(Vector512.Load(r3 + j), v3, acc), g + j);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> v0 = Vector256.Create(w0), v1 = Vector256.Create(w1), v2 = Vector256.Create(w2), v3 = Vector256.Create(w3);
            for (; j <= n - Vector256<double>.Count; j += Vector256<double>.Count)
            {
                var acc = Vector256.FusedMultiplyAdd(Vector256.Load(r + j), v0, Vector256.Load(g + j));
                acc = Vector256.FusedMultiplyAdd(Vector256.Load(r1 + j), v1, acc);
                acc = Vector256.FusedMultiplyAdd(Vector256.Load(r2 + j), v2, acc);
                Vector256.Store(Vector256.FusedMultiplyAdd(Vector256.Load(r3 + j), v3, acc), g + j);
            }
        }
        for (; j < n; j++)
            g[j] = Math.FusedMultiplyAdd(r3[j], w3, Math.FusedMultiplyAdd(r2[j], w2, Math.FusedMultiplyAdd(r1[j], w1, Math.FusedMultiplyAdd(r[j], w0, g[j]))));
    }

    /// <summary>The specification: the same quantities by plain loops, row by row.</summary>
    internal static double Reference(ReadOnlySpan<double> a, int rows, int cols, ReadOnlySpan<double> x, ReadOnlySpan<double> b,
        Span<double> q, Span<double> g)
    {
        Check(a, x, b, q, g, rows, cols);
        g.Clear();
        double total = 0;
        for (int i = 0; i < rows; i++)
        {
            double t = 0;
            for (int j = 0; j < cols; j++) t += a[i * cols + j] * x[j];
            if (!q.IsEmpty) q[i] = t;
            double w = b.IsEmpty ? t : b[i] - t;
            total += w * w;
            for (int j = 0; j < cols; j++) g[j] += w * a[i * cols + j];
        }
        return total;
    }

    private static void Check(ReadOnlySpan<double> a, ReadOnlySpan<double> x, ReadOnlySpan<double> b, Span<double> q, Span<double> g, int rows, int cols)
    {
        if (a.Length != (long)rows * cols) throw new ArgumentException($"a has length {a.Length}, expected {rows}·{cols}.", nameof(a));
        if (x.Length != cols) throw new ArgumentException($"x has length {x.Length}, expected {cols}.", nameof(x));
        if (g.Length != cols) throw new ArgumentException($"g has length {g.Length}, expected {cols}.", nameof(g));
        if (!b.IsEmpty && b.Length != rows) throw new ArgumentException($"b has length {b.Length}, expected {rows} or 0.", nameof(b));
        if (!q.IsEmpty && q.Length != rows) throw new ArgumentException($"q has length {q.Length}, expected {rows} or 0.", nameof(q));
    }
}
