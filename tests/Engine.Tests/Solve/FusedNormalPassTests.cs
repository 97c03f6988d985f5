// The fused AᵀA·x pass of the sketch solver against its scalar specification, at awkward shapes.
using Engine.Solve;
using NUnit.Framework;
using static Engine.Tests.Solve.SolveTestData;

namespace Engine.Tests.Solve;

[TestFixture]
public sealed class FusedNormalPassTests
{
    // Vector512 holds W = 8 doubles: 1, W−1, W+1, 3W+1 columns hit the masked/overlapping tails; 0, 1, fewer and
    // more rows than FusedNormalPass.Chunks hit empty and uneven row ranges.
    private static readonly int[] Cols = [1, 7, 9, 25, 130];
    private static readonly int[] Rows = [0, 1, 5, FusedNormalPass.Chunks + 1, 203];

    [Test]
    public void MatchesTheScalarReferenceWithAndWithoutRightHandSide(
        [ValueSource(nameof(Rows))] int rows, [ValueSource(nameof(Cols))] int cols, [Values] bool withRhs)
    {
        double[] a = RandomMatrix(rows, cols, seed: 700 + rows + cols);
        double[] x = RandomVector(cols, seed: 701);
        double[] b = withRhs ? RandomVector(rows, seed: 702) : [];
        var q = new double[rows];
        var g = new double[cols];
        var qRef = new double[rows];
        var gRef = new double[cols];

        double sum = new FusedNormalPass(rows, cols).Run(a, x, b, q, g);
        double sumRef = FusedNormalPass.Reference(a, rows, cols, x, b, qRef, gRef);

        double scale = Math.Max(1, Norm(gRef));
        for (int j = 0; j < cols; j++) Assert.That(g[j], Is.EqualTo(gRef[j]).Within(1e-12 * scale), $"g[{j}]");
        for (int i = 0; i < rows; i++) Assert.That(q[i], Is.EqualTo(qRef[i]).Within(1e-12 * Math.Max(1, Math.Abs(qRef[i]))), $"q[{i}]");
        Assert.That(sum, Is.EqualTo(sumRef).Within(1e-12 * Math.Max(1, sumRef)));
        if (rows == 0) Assert.That(g, Is.All.EqualTo(0.0));
    }

    /// <summary>The four-row block kernels at every awkward length of both vector widths (W = 8 and 4).</summary>
    [Test]
    public unsafe void RowBlockKernelsMatchPlainLoops([Values(0, 1, 3, 4, 5, 7, 8, 9, 13, 17, 25, 33)] int n)
    {
        const int ld = 41;
        double[] a = RandomMatrix(FusedNormalPass.RowBlock, ld, seed: 720 + n);
        double[] x = RandomVector(Math.Max(n, 1), seed: 721);
        double[] w = RandomVector(FusedNormalPass.RowBlock, seed: 722);
        double[] g = RandomVector(Math.Max(n, 1), seed: 723);
        double[] gRef = (double[])g.Clone();
        var t = new double[FusedNormalPass.RowBlock];
        fixed (double* pa = a, px = x, pg = g)
        {
            FusedNormalPass.Dot4(pa, ld, px, n, t);
            FusedNormalPass.Update4(pa, ld, w, pg, n);
        }
        for (int k = 0; k < FusedNormalPass.RowBlock; k++)
        {
            double dot = 0, mass = 0;
            for (int j = 0; j < n; j++) { dot += a[k * ld + j] * x[j]; mass += Math.Abs(a[k * ld + j] * x[j]); }
            Assert.That(t[k], Is.EqualTo(dot).Within(1e-14 * Math.Max(1, mass)), $"row {k} · x");
        }
        for (int j = 0; j < n; j++)
        {
            for (int k = 0; k < FusedNormalPass.RowBlock; k++) gRef[j] += w[k] * a[k * ld + j];
            Assert.That(g[j], Is.EqualTo(gRef[j]).Within(1e-14 * 8), $"g[{j}]");
        }
        if (n == 0) Assert.That(t, Is.All.EqualTo(0.0), "an empty row has dot product 0");
    }

    [Test]
    public void GivesTheSameBitsOnEveryRunAndWithoutTheOptionalOutput()
    {
        const int rows = 1000, cols = 33;
        double[] a = RandomMatrix(rows, cols, seed: 711);
        double[] x = RandomVector(cols, seed: 712);
        var g1 = new double[cols];
        var g2 = new double[cols];
        var q = new double[rows];
        var pass = new FusedNormalPass(rows, cols);
        double s1 = pass.Run(a, x, default, q, g1);
        double s2 = pass.Run(a, x, default, default, g2);
        Assert.That(g2, Is.EqualTo(g1), "the partition is fixed, so the partial sums add in the same order");
        Assert.That(s2, Is.EqualTo(s1));
    }

    [Test]
    public void RefusesMismatchedLengths()
    {
        var pass = new FusedNormalPass(4, 3);
        Assert.Throws<ArgumentException>(() => pass.Run(new double[11], new double[3], default, default, new double[3]));
        Assert.Throws<ArgumentException>(() => pass.Run(new double[12], new double[2], default, default, new double[3]));
        Assert.Throws<ArgumentException>(() => pass.Run(new double[12], new double[3], new double[3], default, new double[3]));
    }
}
