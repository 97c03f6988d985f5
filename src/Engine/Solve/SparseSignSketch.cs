// The sketch S·[A D, b] of a tall row-major A by a seeded sparse sign embedding (or S = I when it would not be smaller).
using System.Numerics.Tensors;

namespace Engine.Solve;

/// <summary>
/// Forms the column-major sketch <c>[S A D, S b]</c> of the kept, equilibrated columns (D = diag(scale) over
/// <c>kept</c>) for <see cref="SketchPreconditioned"/>. S is the sparse sign embedding: row i of A goes to
/// <see cref="SketchPreconditioned.NonzerosPerRow"/> distinct sketch rows with random signs ±1/√ζ, drawn from
/// <see cref="Random"/> with the given seed, so the same seed gives the same sketch bits.
/// </summary>
internal static class SparseSignSketch
{
    /// <summary>Columns per panel: a panel's s-row slice of the sketch (5,636 × 32 doubles = 1.4 MB at 1,409 columns) stays near the core while every row of A is scattered into it.</summary>
    internal const int Panel = 32;

    /// <summary>S = I: <paramref name="w"/>[k·ld + i] = a[i, kept[k]]·scale[k] for i &lt; rows, and column nk = b.</summary>
    internal static void CopyExact(ReadOnlySpan<double> a, int rows, int cols, ReadOnlySpan<double> b, int[] kept, double[] scale,
        int nk, Span<double> w, int ld)
    {
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<double> row = a.Slice(i * cols, cols);
            for (int k = 0; k < nk; k++) w[k * ld + i] = row[kept[k]] * scale[k];
            w[nk * ld + i] = b[i];
        }
    }

    /// <summary>
    /// Rows [0, s) of every column of <paramref name="w"/> (column-major, leading dimension <paramref name="ld"/> ≥ s):
    /// the s × (nk + 1) sketch. A is read once, in column panels; threads own disjoint panels and add rows in ascending
    /// order, so the result does not depend on the thread count.
    /// </summary>
    internal static unsafe void Apply(ReadOnlySpan<double> a, int rows, int cols, ReadOnlySpan<double> b, int[] kept, double[] scale,
        int nk, int s, int seed, Span<double> w, int ld)
    {
        int zeta = Math.Min(SketchPreconditioned.NonzerosPerRow, s);
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
        for (int k = 0; k < s; k++) w[nk * ld + k] = sb[k] * inv;

        int panels = (cols + Panel - 1) / Panel;
        int threads = Math.Max(1, Math.Min(Environment.ProcessorCount, panels));
        fixed (double* pa0 = a, pw0 = w)
        {
            double* pa = pa0, pw = pw0;
            Parallel.For(0, panels, new ParallelOptions { MaxDegreeOfParallelism = threads },
                () => new double[(long)s * Panel],
                (panel, _, sp) =>
                {
                    int c0 = panel * Panel, width = Math.Min(Panel, cols - c0);
                    Array.Clear(sp, 0, s * width);
                    for (int i = 0; i < rows; i++)
                    {
                        var segment = new ReadOnlySpan<double>(pa + (long)i * cols + c0, width);
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
                        double* wc = pw + (long)j * ld;
                        for (int k = 0; k < s; k++) wc[k] = sp[k * width + col] * f;
                    }
                    return sp;
                },
                _ => { });
        }
    }
}
