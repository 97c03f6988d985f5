// The sketch's nearly dependent column blocks replaced by orthonormal bases of their significant directions.
using Engine.Common;
using Engine.Interop;
using static Engine.Interop.Interop;

namespace Engine.Solve;

/// <summary>
/// E = blockdiag(I, V₁, I, V₂, …), nk × n with orthonormal columns: each named block B of the sketch [S A D] is
/// replaced by B V, V an orthonormal basis of B's significant directions, and every other column stays as it is. The
/// least-squares problem then runs on A D E and x = D E y. Since E has orthonormal columns, ‖y‖ = ‖D⁻¹x‖, so the
/// minimum-norm solution of the compressed problem is the minimum-norm one over range(E); what E leaves out are
/// directions v with ‖B v‖ at most about twice the cutoff, which the joint rank cut
/// (<see cref="SketchPreconditioned.CompressionMargin"/> times the cutoff) drops as well.
/// <para>V comes from a QR with column pivoting of a second, small sketch T B (4 rows per column), B Π ≈ Q [R₁₁ R₁₂; 0 R₂₂]:
/// the kept rows are the fewest k for which ‖R₂₂‖_F ≤ cutoff, so every unit v orthogonal to the row space of
/// [R₁₁ R₁₂]Πᵀ has ‖T B v‖ ≤ ‖R₂₂‖₂ ≤ cutoff, and V is that row space's orthonormal basis (a QR of its transpose).
/// A pivoted QR rather than an SVD: 7.5 against 24–29 ms for the 1,024 × 256 sketch of the default lattice's edge block.</para>
/// <para>Why compress: the graph HGN's node and edge encoders are 128 and 256 features of one scalar each, numerically
/// of rank about 80 and 117 on the default lattice, and the joint QR of the sketch, 2·s·n² flops, is the solve's
/// largest step. Compressing them takes the lattice's factored width from 1,409 to about 1,222 columns (perf/RESULTS.md).</para>
/// </summary>
internal sealed class BlockCompression
{
    /// <summary>Blocks narrower than this are left as they are: compressing them cannot pay for itself.</summary>
    internal const int MinimumWidth = 8;

    /// <summary>Rows per chunk when a block is multiplied by its basis in place (a 1,024 × 256 chunk is 2 MB).</summary>
    private const int ChunkRows = 1024;

    /// <summary>
    /// Columns [Source, Source + Width) of the uncompressed order become columns [Target, Target + Count) of the
    /// compressed one: through Basis (column-major Width × Count, orthonormal columns), or unchanged (Basis null, Count = Width).
    /// </summary>
    private readonly record struct Segment(int Source, int Width, int Target, int Count, double[]? Basis);

    private readonly Segment[] _segments;

    /// <summary>nk: columns before compression.</summary>
    public int Columns { get; }

    /// <summary>n: columns after compression, n &lt; nk.</summary>
    public int Compressed { get; }

    private BlockCompression(Segment[] segments, int columns, int compressed)
    {
        _segments = segments;
        Columns = columns;
        Compressed = compressed;
    }

    /// <summary>
    /// Compresses the column-major <paramref name="w"/> (leading dimension ld, nk + 1 columns, the last the right-hand
    /// side) in place: each block of <paramref name="blocks"/> (positions among the nk columns, ascending and disjoint)
    /// is replaced by its product with a basis of its directions above <paramref name="cutoff"/> (see the class remarks),
    /// the other columns and the right-hand side move up behind it. Returns null, with w untouched, when no block loses
    /// a direction. <paramref name="seed"/> draws the blocks' small sketches: the same seed gives the same bits.
    /// </summary>
    internal static unsafe BlockCompression? Compress(Span<double> w, int ld, int nk, IReadOnlyList<ColumnBlock> blocks, double cutoff, int seed)
    {
        if (w.Length < (long)ld * (nk + 1)) throw new ArgumentException($"w holds {w.Length} values, fewer than {ld}·{nk + 1}.", nameof(w));
        int previousEnd = 0;
        foreach (ColumnBlock block in blocks)
        {
            if (block.Start < previousEnd || block.Count < 0 || block.Start + block.Count > nk)
                throw new ArgumentOutOfRangeException(nameof(blocks), block, $"blocks must be ascending, disjoint and within the {nk} columns");
            previousEnd = block.Start + block.Count;
        }

        // One scratch buffer for the small sketches and the row chunks, in huge pages: on this VM fresh memory costs about
        // 3 ms per MB at its first touch in 4 KiB pages, several times what the work on it costs here.
        int widest = blocks.Select(b => b.Count).DefaultIfEmpty(0).Max();
        if (widest < MinimumWidth) return null;
        long smallLength = (long)Math.Min(ld, SketchPreconditioned.SketchRowsPerColumn * widest) * widest;
        using var scratch = new HugePageBuffer(smallLength + (long)ChunkRows * widest);
        Span<double> small = scratch.Span[..(int)smallLength];
        Span<double> chunk = scratch.Span.Slice((int)smallLength, ChunkRows * widest);

        // Pass 1: each block's basis, from its small sketch; nothing in w changes yet. Its LAPACK calls are small: on one
        // BLAS thread the edge block's pivoted QR took 6.5 ms against 7.6 on two (C program on this libopenblas), and
        // the workers are not woken for each call.
        var bases = new List<(ColumnBlock Block, double[] Basis, int Kept)>();
        int blasThreads = NativeLibraries.BlasThreads;
        NativeLibraries.SetBlasThreads(1);
        try
        {
            foreach (ColumnBlock block in blocks)
            {
                if (block.Count < MinimumWidth) continue;
                var (basis, kept) = SignificantBasis(w, ld, block, cutoff, seed, small);
                if (kept < block.Count) bases.Add((block, basis, kept));
            }
        }
        finally { NativeLibraries.SetBlasThreads(blasThreads); }
        if (bases.Count == 0) return null;

        // Pass 2: move the columns up. A compressed block's product is formed chunk by chunk of rows, each chunk copied
        // out before its rows are written, so it lands over the block's own columns without a block-sized buffer.
        var segments = new List<Segment>();
        int source = 0, target = 0;
        void Keep(Span<double> w, int end)
        {
            if (end <= source) return;
            if (target != source)
                for (int c = source; c < end; c++) w.Slice(c * ld, ld).CopyTo(w.Slice((target + c - source) * ld, ld));
            segments.Add(new Segment(source, end - source, target, end - source, null));
            target += end - source;
            source = end;
        }
        foreach (var (block, basis, kept) in bases)
        {
            Keep(w, block.Start);
            int width = block.Count;
            for (int i0 = 0; kept > 0 && i0 < ld; i0 += ChunkRows)
            {
                int rows = Math.Min(ChunkRows, ld - i0);
                for (int j = 0; j < width; j++) w.Slice((block.Start + j) * ld + i0, rows).CopyTo(chunk.Slice(j * rows, rows));
                fixed (double* pw = w, pb = basis, pc = chunk)
                    OpenBlas.Dgemm(OpenBlas.ColMajor, OpenBlas.NoTrans, OpenBlas.NoTrans, rows, kept, width,
                        1.0, pc, rows, pb, width, 0.0, pw + (long)target * ld + i0, ld);
            }
            segments.Add(new Segment(block.Start, width, target, kept, basis));
            target += kept;
            source = block.Start + width;
        }
        Keep(w, nk);
        w.Slice(nk * ld, ld).CopyTo(w.Slice(target * ld, ld));     // the right-hand side behind the last column
        return new BlockCompression([.. segments], nk, target);
    }

    /// <summary>
    /// An orthonormal basis V (column-major width × k) of the block's directions above the cutoff, from a QR with column
    /// pivoting of its small sketch: k is the fewest kept rows for which the rest, R₂₂, has ‖R₂₂‖_F ≤ cutoff.
    /// </summary>
    private static unsafe (double[] Basis, int Kept) SignificantBasis(ReadOnlySpan<double> w, int ld, ColumnBlock block, double cutoff, int seed,
        Span<double> scratch)
    {
        int width = block.Count;
        int rows = Math.Min(ld, SketchPreconditioned.SketchRowsPerColumn * width);
        Span<double> small = scratch[..(rows * width)];
        SketchOfBlock(w, ld, block, rows, seed, small);
        int p = Math.Min(rows, width);
        var pivot = new int[width];
        var tau = new double[Math.Max(1, p)];
        fixed (double* ps = small, pt = tau)
        fixed (int* pj = pivot)
            LapackException.ThrowIfFailed(Lapacke.Dgeqp3(Lapacke.ColMajor, rows, width, ps, rows, pj, pt));

        // ‖R[k.., k..]‖_F² from the bottom row up: row i of R has its nonzeros at columns ≥ i, all inside R₂₂ for i ≥ k.
        double tail = 0, limit = cutoff * cutoff;
        int kept = p;
        while (kept > 0)
        {
            int i = kept - 1;
            double row = 0;
            for (int j = i; j < width; j++) row += small[j * rows + i] * small[j * rows + i];
            if (tail + row > limit) break;
            tail += row;
            kept--;
        }
        if (kept == width) return ([], kept);
        if (kept == 0) return ([], 0);

        // V: the row space of the kept rows [R₁₁ R₁₂]Πᵀ, as the Q of a QR of its transpose (width × kept).
        var basis = new double[width * kept];
        for (int j = 0; j < width; j++)
        {
            int column = pivot[j] - 1;
            for (int i = 0; i < Math.Min(j + 1, kept); i++) basis[i * width + column] = small[j * rows + i];
        }
        var reflectors = new double[kept];
        fixed (double* pb = basis, pr = reflectors)
        {
            LapackException.ThrowIfFailed(Lapacke.Dgeqrf(Lapacke.ColMajor, width, kept, pb, width, pr));
            LapackException.ThrowIfFailed(Lapacke.Dorgqr(Lapacke.ColMajor, width, kept, kept, pb, width, pr));
        }
        return (basis, kept);
    }

    /// <summary>
    /// <paramref name="small"/> = T·B for the block B = w[:, block] (ld rows), T a sparse sign embedding of
    /// <paramref name="rows"/> rows drawn from <paramref name="seed"/> (<see cref="SparseSignSketch.Embedding"/>),
    /// column-major rows × block.Count; B itself when rows = ld. Its singular values lie within the embedding's distortion (about a factor of 2 either way at 4 rows
    /// per column) of B's, well inside <see cref="SketchPreconditioned.CompressionMargin"/>, and it is a fraction of B's
    /// size: 512 × 128 and 1,024 × 256 against 5,636 rows on the default lattice.
    /// </summary>
    private static void SketchOfBlock(ReadOnlySpan<double> w, int ld, ColumnBlock block, int rows, int seed, Span<double> small)
    {
        if (rows == ld)
        {
            w.Slice(block.Start * ld, ld * block.Count).CopyTo(small);
            return;
        }
        small.Clear();
        // The embedding's draw is SparseSignSketch's; its scatter kernel is not, since that one reads rows of a
        // row-major A and the block's rows here are strided by ld. At 4·width rows a column's target stays in L1.
        var (target, sign, zeta) = SparseSignSketch.Embedding(ld, rows, seed);
        double norm = 1 / Math.Sqrt(zeta);
        for (int j = 0; j < block.Count; j++)
        {
            ReadOnlySpan<double> column = w.Slice((block.Start + j) * ld, ld);
            Span<double> into = small.Slice(j * rows, rows);
            for (int i = 0; i < ld; i++)
            {
                double v = column[i] * norm;
                for (int q = 0; q < zeta; q++) into[target[i * zeta + q]] += sign[i * zeta + q] * v;
            }
        }
    }

    /// <summary>u = E y: <paramref name="y"/> of length <see cref="Compressed"/>, <paramref name="u"/> of length <see cref="Columns"/>.</summary>
    public unsafe void Expand(ReadOnlySpan<double> y, Span<double> u)
    {
        foreach (Segment g in _segments)
        {
            if (g.Basis is null) { y.Slice(g.Target, g.Count).CopyTo(u.Slice(g.Source, g.Width)); continue; }
            if (g.Count == 0) { u.Slice(g.Source, g.Width).Clear(); continue; }
            fixed (double* pb = g.Basis, py = y, pu = u)
                OpenBlas.Dgemv(OpenBlas.ColMajor, OpenBlas.NoTrans, g.Width, g.Count, 1.0, pb, g.Width, py + g.Target, 1, 0.0, pu + g.Source, 1);
        }
    }

    /// <summary>y = Eᵀ u: <paramref name="u"/> of length <see cref="Columns"/>, <paramref name="y"/> of length <see cref="Compressed"/>.</summary>
    public unsafe void Reduce(ReadOnlySpan<double> u, Span<double> y)
    {
        foreach (Segment g in _segments)
        {
            if (g.Basis is null) { u.Slice(g.Source, g.Width).CopyTo(y.Slice(g.Target, g.Count)); continue; }
            if (g.Count == 0) continue;
            fixed (double* pb = g.Basis, py = y, pu = u)
                OpenBlas.Dgemv(OpenBlas.ColMajor, OpenBlas.Trans, g.Width, g.Count, 1.0, pb, g.Width, pu + g.Source, 1, 0.0, py + g.Target, 1);
        }
    }
}
