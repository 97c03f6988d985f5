// One pass over a row-major A that forms A·x and Aᵀ·(weights from A·x) together, so an iteration reads A once, not twice.
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Engine.Solve;

/// <summary>
/// The product an iterative least-squares solver needs, fused over the rows of a row-major A[rows, cols]:
/// <code>
///   t_i = a_i · x                  (q_i = t_i when q is given)
///   w_i = t_i, or b_i − t_i when b is given
///   g   = Σ_i w_i a_i   (= AᵀA x, or Aᵀ(b − A x))      returns Σ_i w_i²
/// </code>
/// Each row is used twice while it is in L1, so a pass costs one read of A: at 64,801 × 1,409 (730 MB) it takes 21.6 ms
/// here (34 GB/s) against 36.5 ms for dgemv then dgemv transposed (SketchPassBench, perf/RESULTS.md).
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
    /// Rows [i0, i1) into the partial <paramref name="g"/> (cleared first); returns their Σ w_i². Compiled fully optimised
    /// from the first call: a solve makes only 20–60 passes, and at the runtime's first tier the early passes ran up to
    /// 8× slower (56 ms against 7 ms on the pair model's 64,801 × 258 Z) until tiering caught up.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double RowRange(double* a, double* x, double* b, double* q, double* g, int i0, int i1, int cols)
    {
        var gc = new Span<double>(g, cols);
        var xs = new ReadOnlySpan<double>(x, cols);
        gc.Clear();
        double ss = 0;
        for (int i = i0; i < i1; i++)
        {
            var row = new ReadOnlySpan<double>(a + (long)i * cols, cols);
            double t = TensorPrimitives.Dot(row, xs);
            if (q is not null) q[i] = t;
            double w = b is null ? t : b[i] - t;
            ss += w * w;
            TensorPrimitives.MultiplyAdd(row, w, gc, gc);
        }
        return ss;
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
