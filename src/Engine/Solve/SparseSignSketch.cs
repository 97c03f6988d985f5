// The sketch S·[A D, b] of a tall row-major A by a seeded sparse sign embedding (or S = I when it would not be smaller).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Engine.Solve;

/// <summary>
/// Forms the column-major sketch <c>[S A D, S b]</c> of the kept, equilibrated columns (D = diag(scale) over
/// <c>kept</c>) for <see cref="SketchPreconditioned"/>. S is the sparse sign embedding: row i of A goes to
/// <see cref="SketchPreconditioned.NonzerosPerRow"/> distinct sketch rows with random signs ±1/√ζ, drawn from a
/// stream keyed by the given seed and the row (<see cref="Embedding"/>), so the same seed gives the same sketch bits.
/// </summary>
internal static class SparseSignSketch
{
    /// <summary>Columns per panel: a panel's s-row slice of the sketch (5,636 × 16 doubles = 0.7 MB at 1,409 columns) fits in L2 while every row of A is scattered into it.</summary>
    internal const int Panel = 16;

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
    /// The embedding's nonzeros: row i of A goes to sketch rows <c>Target[i·ζ + q]</c> (distinct for q &lt; ζ) with
    /// sign <c>Sign[i·ζ + q]</c> (±1; the common 1/√ζ is applied once at the end). The sign is a number, not a flag, so
    /// the scatter multiplies by it instead of branching: the signs are random, and a branch on them was mispredicted
    /// half the time (186 ms against 149–153 ms for the default lattice's sketch, `SketchPassBench`).
    /// <para>Row i draws from its own counter-based stream (<see cref="RowStream"/>, keyed by seed and i), so the rows
    /// are drawn in parallel and the embedding has the same bits for any thread count. One <see cref="Random"/> drawing
    /// every row in turn took 28 ms of the default lattice's 145 ms sketch at ζ = 8 (518,408 nonzeros); this took 12 ms
    /// there, and 6 ms at ζ = 4, nearly all of it the first touch of the fresh arrays (2–3 ms per MB on this VM).</para>
    /// </summary>
    internal static (int[] Target, double[] Sign, int Zeta) Embedding(int rows, int s, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(s, 1);
        int zeta = Math.Min(SketchPreconditioned.NonzerosPerRow, s);
        var target = new int[(long)rows * zeta];
        var sign = new double[(long)rows * zeta];
        int chunks = rows >= ParallelEmbeddingFrom ? Environment.ProcessorCount : 1;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, c =>
        {
            int i0 = (int)((long)rows * c / chunks), i1 = (int)((long)rows * (c + 1) / chunks);
            for (int i = i0; i < i1; i++) DrawRow(seed, i, s, target.AsSpan(i * zeta, zeta), sign.AsSpan(i * zeta, zeta));
        });
        return (target, sign, zeta);
    }

    /// <summary>Rows from which <see cref="Embedding"/> draws on every core (below, the thread start-up costs more).</summary>
    private const int ParallelEmbeddingFrom = 1 << 14;

    /// <summary>
    /// Row <paramref name="i"/>'s ζ = <paramref name="target"/>.Length distinct sketch rows in [0, s) and their signs.
    /// Each 64-bit draw gives a target from its high 32 bits (Lemire's multiply-shift: (h·s) ≫ 32, off uniform by at
    /// most s/2³²) and a sign from its lowest bit; a target the row already has is drawn again.
    /// </summary>
    private static void DrawRow(int seed, int i, int s, Span<int> target, Span<double> sign)
    {
        var stream = new RowStream(seed, i);
        for (int q = 0; q < target.Length; q++)
        {
            ulong h;
            int k;
            do
            {
                h = stream.Next();
                k = (int)(((h >> 32) * (ulong)s) >> 32);
            } while (target[..q].Contains(k));
            target[q] = k;
            sign[q] = (h & 1) == 0 ? 1.0 : -1.0;
        }
    }

    /// <summary>
    /// SplitMix64 (Steele, Lea and Flood 2014, the seeding generator of java.util.SplittableRandom) started at a state
    /// that mixes the seed and the row: a counter-based stream per row, of full 64-bit period, that passes BigCrush.
    /// </summary>
    private struct RowStream(int seed, int row)
    {
        private const ulong Gamma = 0x9E3779B97F4A7C15;
        private ulong _state = Mix(((ulong)(uint)seed << 32 | (uint)row) * Gamma);

        public ulong Next() => Mix(_state += Gamma);

        private static ulong Mix(ulong z)
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
    }

    /// <summary>
    /// Rows [0, s) of every column of <paramref name="w"/> (column-major, leading dimension <paramref name="ld"/> ≥ s):
    /// the s × (nk + 1) sketch, column j holding column kept[j] of A (kept in any order). A is read once, in column panels of <see cref="Panel"/> columns whose s-row slice
    /// of the sketch (row-major, s × Panel) stays in L2 while every row of A is scattered into it by
    /// <see cref="ScatterRows"/>; threads own disjoint panels, so the result does not depend on the thread count.
    /// </summary>
    internal static unsafe void Apply(ReadOnlySpan<double> a, int rows, int cols, ReadOnlySpan<double> b, int[] kept, double[] scale,
        int nk, int s, int seed, Span<double> w, int ld)
    {
        var (target, sign, zeta) = Embedding(rows, s, seed);
        double inv = 1.0 / Math.Sqrt(zeta);
        var sb = new double[s];
        for (int i = 0; i < rows; i++)
            for (int q = 0; q < zeta; q++) sb[target[i * zeta + q]] += sign[i * zeta + q] * b[i];
        for (int k = 0; k < s; k++) w[nk * ld + k] = sb[k] * inv;

        // Sketch column of each column of A (−1: not kept). The kept columns may come in any order (SketchPreconditioned
        // puts a well-conditioned block first).
        var slot = new int[cols];
        Array.Fill(slot, -1);
        for (int j = 0; j < nk; j++) slot[kept[j]] = j;
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
                    fixed (double* psp = sp)
                        ScatterRows(pa + c0, rows, cols, width, target, sign, zeta, psp);
                    for (int col = 0; col < width; col++)
                    {
                        int j = slot[c0 + col];
                        if (j < 0) continue;
                        double f = scale[j] * inv;
                        double* wc = pw + (long)j * ld;
                        for (int k = 0; k < s; k++) wc[k] = sp[k * width + col] * f;
                    }
                    return sp;
                },
                _ => { });
        }
    }

    /// <summary>
    /// The scatter at the heart of the sketch: for every row i and q &lt; ζ, panel row Target[i·ζ + q] (row-major,
    /// <paramref name="width"/> wide) += Sign[i·ζ + q] times the <paramref name="width"/> values at <paramref name="a"/> + i·lda.
    /// A full 16-wide panel keeps the row segment in two Vector512 (or four Vector256) registers across its ζ targets: no
    /// per-call overhead of a span routine, which cost more than the adds themselves (the sketch of the default lattice's
    /// 730 MB Z took 1.05 s with TensorPrimitives calls on 32-wide panels, 0.29 s so, both under load 6). Each update is
    /// one fused multiply-add by ±1, which rounds once, exactly as the scalar d + sign·v does. The tail panel and
    /// machines without 256-bit vectors take the scalar loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // runs once per panel per solve: no time for tiering to catch up
    internal static unsafe void ScatterRows(double* a, int rows, int lda, int width, int[] target, double[] sign, int zeta, double* panel)
    {
        if (width == 16 && Vector512.IsHardwareAccelerated)
        {
            for (int i = 0; i < rows; i++)
            {
                double* row = a + (long)i * lda;
                var v0 = Vector512.Load(row);
                var v1 = Vector512.Load(row + 8);
                long o = (long)i * zeta;
                for (int q = 0; q < zeta; q++)
                {
                    double* dst = panel + (long)target[o + q] * 16;
                    var sg = Vector512.Create(sign[o + q]);
                    Vector512.Store(Vector512.FusedMultiplyAdd(v0, sg, Vector512.Load(dst)), dst);
                    Vector512.Store(Vector512.FusedMultiplyAdd(v1, sg, Vector512.Load(dst + 8)), dst + 8);
                }
            }
            return;
        }
        if (width == 16 && Vector256.IsHardwareAccelerated)
        {
            for (int i = 0; i < rows; i++)
            {
                double* row = a + (long)i * lda;
                var v0 = Vector256.Load(row);
                var v1 = Vector256.Load(row + 4);
                var v2 = Vector256.Load(row + 8);
                var v3 = Vector256.Load(row + 12);
                long o = (long)i * zeta;
                for (int q = 0; q < zeta; q++)
                {
                    double* dst = panel + (long)target[o + q] * 16;
                    var sg = Vector256.Create(sign[o + q]);
                    Vector256.Store(Vector256.FusedMultiplyAdd(v0, sg, Vector256.Load(dst)), dst);
                    Vector256.Store(Vector256.FusedMultiplyAdd(v1, sg, Vector256.Load(dst + 4)), dst + 4);
                    Vector256.Store(Vector256.FusedMultiplyAdd(v2, sg, Vector256.Load(dst + 8)), dst + 8);
                    Vector256.Store(Vector256.FusedMultiplyAdd(v3, sg, Vector256.Load(dst + 12)), dst + 12);
                }
            }
            return;
        }
        ScatterRowsScalar(a, rows, lda, width, target, sign, zeta, panel);
    }

    /// <summary>The specification of <see cref="ScatterRows"/>: plain loops (d + sign·v with sign = ±1 is exact before its one rounding, as the FMA is).</summary>
    internal static unsafe void ScatterRowsScalar(double* a, int rows, int lda, int width, int[] target, double[] sign, int zeta, double* panel)
    {
        for (int i = 0; i < rows; i++)
        {
            double* row = a + (long)i * lda;
            long o = (long)i * zeta;
            for (int q = 0; q < zeta; q++)
            {
                double* dst = panel + (long)target[o + q] * width;
                double sg = sign[o + q];
                for (int c = 0; c < width; c++) dst[c] += sg * row[c];
            }
        }
    }
}
