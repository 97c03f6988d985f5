// Compression of nearly dependent column blocks of a sketch: E orthonormal, the compressed columns the blocks times
// their bases, what is dropped below the cutoff, nothing changed when nothing can be dropped, same seed same bits.
using Engine.Solve;
using NUnit.Framework;
using static Engine.Tests.Solve.SolveTestData;

namespace Engine.Tests.Solve;

[TestFixture]
public sealed class BlockCompressionTests
{
    private const int Ld = 800;

    /// <summary>
    /// Column-major [ld, n + 1]: columns [0, well) random, [well, well + smooth) smooth functions of one scalar per row
    /// (numerically of low rank), [well + smooth, n) of exact rank <paramref name="lowRank"/>, then one random column
    /// and the right-hand side.
    /// </summary>
    private static (double[] W, int N, ColumnBlock Smooth, ColumnBlock Exact) Sketch(int well, int smooth, int exactWidth, int lowRank, int seed)
    {
        int n = well + smooth + exactWidth + 1;
        var w = new double[Ld * (n + 1)];
        var rng = new Random(seed);
        double[] left = RandomMatrix(Ld, lowRank, seed + 1), right = RandomMatrix(lowRank, exactWidth, seed + 2);
        for (int i = 0; i < Ld; i++)
        {
            double r = rng.NextDouble();
            for (int j = 0; j < well; j++) w[j * Ld + i] = rng.NextDouble() - 0.5;
            for (int j = 0; j < smooth; j++) w[(well + j) * Ld + i] = Math.Tanh(3 * (j + 1) / (double)smooth * r - 1 + 0.02 * j);
            for (int j = 0; j < exactWidth; j++)
            {
                double sum = 0;
                for (int q = 0; q < lowRank; q++) sum += left[i * lowRank + q] * right[q * exactWidth + j];
                w[(well + smooth + j) * Ld + i] = sum;
            }
            w[(n - 1) * Ld + i] = rng.NextDouble() - 0.5;
            w[n * Ld + i] = rng.NextDouble() - 0.5;
        }
        return (w, n, new ColumnBlock(well, smooth), new ColumnBlock(well + smooth, exactWidth));
    }

    /// <summary>Column k of the compressed sketch as the original columns times E e_k.</summary>
    private static double[] Expected(double[] original, int n, BlockCompression e, int k)
    {
        var y = new double[e.Compressed];
        y[k] = 1;
        var u = new double[n];
        e.Expand(y, u);
        var column = new double[Ld];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < Ld; i++) column[i] += original[j * Ld + i] * u[j];
        return column;
    }

    [Test]
    public void ExpandAndReduceAreTransposesAndEHasOrthonormalColumns()
    {
        var (w, n, smooth, exact) = Sketch(well: 30, smooth: 40, exactWidth: 24, lowRank: 6, seed: 901);
        BlockCompression? e = BlockCompression.Compress(w, Ld, n, [smooth, exact], cutoff: 1e-10, seed: 3);
        Assert.That(e, Is.Not.Null);
        Assert.That(e!.Columns, Is.EqualTo(n));
        Assert.That(e.Compressed, Is.LessThan(n - 18), "the exact block alone loses 18 directions");

        double[] y = RandomVector(e.Compressed, seed: 902), u = RandomVector(n, seed: 903);
        var ey = new double[n];
        var etu = new double[e.Compressed];
        e.Expand(y, ey);
        e.Reduce(u, etu);
        double left = 0, right = 0;
        for (int j = 0; j < n; j++) left += ey[j] * u[j];
        for (int k = 0; k < e.Compressed; k++) right += y[k] * etu[k];
        SolveAssert.ScalarsClose(left, right, 1e-13, "⟨E y, u⟩ = ⟨y, Eᵀ u⟩");

        var back = new double[e.Compressed];
        e.Reduce(ey, back);
        SolveAssert.VectorsClose(y, back, 1e-13, "Eᵀ E = I");
        SolveAssert.ScalarsClose(Norm(y), Norm(ey), 1e-13, "‖E y‖ = ‖y‖");
    }

    [Test]
    public void CompressedColumnsAreTheBlocksTimesTheirBasesAndTheRightHandSideFollows()
    {
        var (w, n, smooth, exact) = Sketch(well: 30, smooth: 40, exactWidth: 24, lowRank: 6, seed: 911);
        double[] original = (double[])w.Clone();
        BlockCompression e = BlockCompression.Compress(w, Ld, n, [smooth, exact], cutoff: 1e-10, seed: 3)!;

        // Rounding is relative to the block's entries (of order 1), not to a weak combination's own length.
        double scale = original.Max(Math.Abs);
        for (int k = 0; k < e.Compressed; k++)
        {
            double[] expected = Expected(original, n, e, k);
            for (int i = 0; i < Ld; i++)
                Assert.That(Math.Abs(w[k * Ld + i] - expected[i]), Is.LessThanOrEqualTo(1e-12 * scale), $"column {k}, row {i}");
        }
        Assert.That(w.AsSpan(e.Compressed * Ld, Ld).ToArray(), Is.EqualTo(original.AsSpan(n * Ld, Ld).ToArray()), "b is column n'");
        Assert.That(w.AsSpan(0, 30 * Ld).ToArray(), Is.EqualTo(original.AsSpan(0, 30 * Ld).ToArray()), "columns before the blocks stay");
    }

    [Test]
    public void AnExactlyLowRankBlockKeepsItsRankAndWhatIsDroppedLiesBelowTheCutoff()
    {
        const int lowRank = 6;
        const double cutoff = 1e-10;
        var (w, n, _, exact) = Sketch(well: 10, smooth: 0, exactWidth: 40, lowRank: lowRank, seed: 921);
        double[] original = (double[])w.Clone();
        BlockCompression e = BlockCompression.Compress(w, Ld, n, [exact], cutoff, seed: 5)!;
        Assert.That(e.Compressed, Is.EqualTo(n - 40 + lowRank), "the block keeps exactly its rank");

        // A unit direction inside the block, orthogonal to what E keeps: u − E Eᵀ u.
        for (int trial = 0; trial < 5; trial++)
        {
            var u = new double[n];
            double[] inside = RandomVector(40, seed: 930 + trial);
            inside.CopyTo(u, exact.Start);
            var y = new double[e.Compressed];
            var kept = new double[n];
            e.Reduce(u, y);
            e.Expand(y, kept);
            for (int j = 0; j < n; j++) u[j] -= kept[j];
            double length = Norm(u);
            Assert.That(length, Is.GreaterThan(0.5), "a random direction is mostly outside a 6-dimensional range");
            var image = new double[Ld];
            for (int j = 0; j < n; j++)
                for (int i = 0; i < Ld; i++) image[i] += original[j * Ld + i] * u[j] / length;
            Assert.That(Norm(image), Is.LessThanOrEqualTo(2 * cutoff), "‖B v‖ within the small sketch's distortion of the cutoff");
        }
    }

    [Test]
    public void ABlockThatLosesNothingLeavesTheSketchUntouched()
    {
        var (w, n, _, _) = Sketch(well: 50, smooth: 0, exactWidth: 0, lowRank: 1, seed: 941);
        double[] original = (double[])w.Clone();
        Assert.That(BlockCompression.Compress(w, Ld, n, [new ColumnBlock(0, 50)], cutoff: 1e-10, seed: 3), Is.Null);
        Assert.That(w, Is.EqualTo(original));
    }

    [Test]
    public void NarrowBlocksAreLeftAlone()
    {
        var (w, n, _, exact) = Sketch(well: 4, smooth: 0, exactWidth: BlockCompression.MinimumWidth - 1, lowRank: 1, seed: 951);
        double[] original = (double[])w.Clone();
        Assert.That(BlockCompression.Compress(w, Ld, n, [exact], cutoff: 1e-10, seed: 3), Is.Null, "rank 1 of 7, but too narrow to pay");
        Assert.That(w, Is.EqualTo(original));
    }

    [Test]
    public void SameSeedGivesTheSameBits()
    {
        var (w1, n, smooth, exact) = Sketch(well: 30, smooth: 40, exactWidth: 24, lowRank: 6, seed: 961);
        double[] w2 = (double[])w1.Clone();
        BlockCompression e1 = BlockCompression.Compress(w1, Ld, n, [smooth, exact], cutoff: 1e-10, seed: 11)!;
        BlockCompression e2 = BlockCompression.Compress(w2, Ld, n, [smooth, exact], cutoff: 1e-10, seed: 11)!;
        Assert.That(e2.Compressed, Is.EqualTo(e1.Compressed));
        Assert.That(w2, Is.EqualTo(w1));
    }

    [Test]
    public void BlocksOutOfOrderOrOutsideTheColumnsAreRefused()
    {
        var (w, n, smooth, exact) = Sketch(well: 30, smooth: 40, exactWidth: 24, lowRank: 6, seed: 971);
        Assert.Throws<ArgumentOutOfRangeException>(() => BlockCompression.Compress(w, Ld, n, [exact, smooth], 1e-10, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => BlockCompression.Compress(w, Ld, n, [new ColumnBlock(n - 5, 10)], 1e-10, 3));
        Assert.Throws<ArgumentException>(() => BlockCompression.Compress(w.AsSpan(0, Ld * n).ToArray(), Ld, n, [smooth], 1e-10, 3));
    }
}
