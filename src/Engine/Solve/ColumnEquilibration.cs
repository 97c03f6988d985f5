// Column scaling to unit 2-norm and removal of zero columns, shared by every solver.
using Engine.Common;

namespace Engine.Solve;

/// <summary>
/// The equilibration every solver applies (method.md §10.1): column j of A is scaled by d_j = 1/‖a_j‖₂ so the
/// relative SVD/QR cutoff and the relative ridge treat feature blocks of different scales alike; identically zero
/// columns are removed. The solver solves for y in the kept, scaled coordinates and x_j = d_j·y_k maps back.
/// </summary>
internal static class ColumnEquilibration
{
    /// <summary>
    /// Squared 2-norms of the columns of the row-major <c>a[rows, cols]</c> into <paramref name="sumSquares"/> (length cols).
    /// Throws <see cref="InvalidInputException"/> naming the column when it holds NaN/Inf or overflows.
    /// <para>A large A is read by the cores in <see cref="Chunks"/> fixed row ranges, whose partial sums are added in
    /// range order: the same bits for any thread count. One thread took 40–45 ms on the default lattice's 730 MB Z,
    /// two take 25–40 ms.</para>
    /// </summary>
    internal static void ColumnSumSquares(ReadOnlySpan<double> a, int rows, int cols, Span<double> sumSquares)
    {
        sumSquares.Clear();
        int chunks = (long)rows * cols >= ParallelFrom ? Chunks : 1;
        if (chunks == 1) AddRowSquares(a, 0, rows, cols, sumSquares);
        else
        {
            var partials = new double[(long)chunks * cols];
            unsafe
            {
                fixed (double* pa0 = a)
                {
                    double* pa = pa0;
                    long length = a.Length;
                    Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, c =>
                    {
                        int i0 = (int)((long)rows * c / chunks), i1 = (int)((long)rows * (c + 1) / chunks);
                        AddRowSquares(new ReadOnlySpan<double>(pa, (int)length), i0, i1, cols, partials.AsSpan(c * cols, cols));
                    });
                }
            }
            for (int c = 0; c < chunks; c++)
                System.Numerics.Tensors.TensorPrimitives.Add(sumSquares, partials.AsSpan(c * cols, cols), sumSquares);
        }
        ThrowIfNotFinite(sumSquares);
    }

    /// <summary>Throws <see cref="InvalidInputException"/> naming the first column whose sum of squares is NaN or infinite.</summary>
    private static void ThrowIfNotFinite(ReadOnlySpan<double> sumSquares)
    {
        for (int j = 0; j < sumSquares.Length; j++)
        {
            if (!double.IsFinite(sumSquares[j]))
            {
                throw new InvalidInputException(
                    $"Column {j} of the least-squares matrix contains NaN or infinity (or values so large that its squared norm overflows). " +
                    "Fix: check the input data (non-finite positions/momenta/derivatives) and the feature scales.");
            }
        }
    }

    /// <summary>Fixed row ranges of a large <see cref="ColumnSumSquares"/>.</summary>
    internal const int Chunks = 16;

    /// <summary>Entries from which <see cref="ColumnSumSquares"/> uses the row ranges (below, one range: no thread start-up).</summary>
    internal const long ParallelFrom = 1 << 20;

    private static void AddRowSquares(ReadOnlySpan<double> a, int i0, int i1, int cols, Span<double> sumSquares)
    {
        for (int i = i0; i < i1; i++)
        {
            ReadOnlySpan<double> row = a.Slice(i * cols, cols);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(row, row, sumSquares, sumSquares);
        }
    }

    /// <summary>
    /// Kept columns (squared norm &gt; 0) and their scales d = 1/sqrt(sumSquares) from the squared norms
    /// (column sums of squares, or the diagonal of AᵀA). Returns the kept count; <paramref name="kept"/>[k] is the
    /// original column of kept column k, ascending.
    /// </summary>
    internal static int Select(ReadOnlySpan<double> sumSquares, Span<int> kept, Span<double> scale)
    {
        int nk = 0;
        for (int j = 0; j < sumSquares.Length; j++)
        {
            if (sumSquares[j] > 0)
            {
                kept[nk] = j;
                scale[nk] = 1.0 / Math.Sqrt(sumSquares[j]);
                nk++;
            }
        }
        return nk;
    }

    /// <summary>
    /// The dense solvers' common first step on a row-major A[rows, cols]: the kept (nonzero) columns and their scales
    /// D = 1/‖a_j‖ (see <see cref="Select"/>); refuses a matrix with no nonzero column. <paramref name="known"/>: A's
    /// column sums of squares when the caller formed them as it wrote A (checked for NaN and ∞ like those computed
    /// here); null: one pass over A computes them.
    /// </summary>
    internal static (int[] Kept, double[] Scale, int Count) ForDense(ReadOnlySpan<double> a, int rows, int cols, double[]? known = null)
    {
        var sumSquares = new double[cols];
        if (known is null) ColumnSumSquares(a, rows, cols, sumSquares);
        else
        {
            known.CopyTo(sumSquares, 0);
            ThrowIfNotFinite(sumSquares);
        }
        var kept = new int[cols];
        var scale = new double[cols];
        int nk = Select(sumSquares, kept, scale);
        if (nk == 0) throw NoInformation(cols, rows);
        return (kept, scale, nk);
    }

    /// <summary>x[kept[k]] = scale[k]·y[k]; every other entry of x (length cols) is 0.</summary>
    internal static double[] MapBack(ReadOnlySpan<double> y, ReadOnlySpan<int> kept, ReadOnlySpan<double> scale, int nk, int cols)
    {
        var x = new double[cols];
        for (int k = 0; k < nk; k++) x[kept[k]] = scale[k] * y[k];
        return x;
    }

    /// <summary>The error for a system in which every column is zero.</summary>
    internal static RankDeficientSystemException NoInformation(int cols, long rows) => new(
        $"The least-squares system has no information: every feature column is zero ({cols} columns, {rows} rows), " +
        "so nothing determines the model. Fix: check that the data varies (nonzero momenta and displacements, " +
        "more than one snapshot) and that the features are not all saturated or zero.");
}
