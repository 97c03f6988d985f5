// NormalEquations: block accumulation equals one-shot accumulation and the managed AᵀA; Add merges partial sums.
using Engine.Solve;
using NUnit.Framework;
using static Engine.Tests.Solve.SolveTestData;

namespace Engine.Tests.Solve;

[TestFixture]
public sealed class NormalEquationsTests
{
    private const int Rows = 103, Cols = 17;
    private const double Accumulation = 1e-12;

    private static (double[] A, double[] B) Data() => (RandomMatrix(Rows, Cols, seed: 201), RandomVector(Rows, seed: 202));

    private static NormalEquations Accumulate(double[] a, double[] b, int from, int to, int block)
    {
        var ne = new NormalEquations(Cols);
        for (int i = from; i < to; i += block)
        {
            int k = Math.Min(block, to - i);
            ne.Accumulate(a.AsSpan(i * Cols, k * Cols), k, b.AsSpan(i, k));
        }
        return ne;
    }

    [Test]
    public void OneShotAccumulationEqualsManagedGramAndRhs()
    {
        var (a, b) = Data();
        NormalEquations ne = Accumulate(a, b, 0, Rows, Rows);

        var gram = new double[Cols * Cols];
        var rhs = new double[Cols];
        double bb = 0;
        for (int i = 0; i < Rows; i++)
        {
            bb += b[i] * b[i];
            for (int p = 0; p < Cols; p++)
            {
                rhs[p] += a[i * Cols + p] * b[i];
                for (int q = 0; q < Cols; q++) gram[p * Cols + q] += a[i * Cols + p] * a[i * Cols + q];
            }
        }
        SolveAssert.VectorsClose(gram, ne.Gram, Accumulation, "Gram (both triangles)");
        SolveAssert.VectorsClose(rhs, ne.Rhs, Accumulation, "Rhs");
        SolveAssert.ScalarsClose(bb, ne.RhsSquaredNorm, Accumulation, "bᵀb");
        Assert.That(ne.Rows, Is.EqualTo(Rows));
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(Rows)]
    public void BlockAccumulationEqualsOneShot(int block)
    {
        var (a, b) = Data();
        NormalEquations whole = Accumulate(a, b, 0, Rows, Rows);
        NormalEquations blocks = Accumulate(a, b, 0, Rows, block);

        SolveAssert.VectorsClose(whole.Gram, blocks.Gram, Accumulation, $"Gram, blocks of {block}");
        SolveAssert.VectorsClose(whole.Rhs, blocks.Rhs, Accumulation, $"Rhs, blocks of {block}");
        SolveAssert.ScalarsClose(whole.RhsSquaredNorm, blocks.RhsSquaredNorm, Accumulation, "bᵀb");
        Assert.That(blocks.Rows, Is.EqualTo(Rows));
        SolveAssert.VectorsClose(whole.Solve().X, blocks.Solve().X, 1e-10, "solutions");
    }

    [Test]
    public void AddMergesPartialAccumulationsIntoTheWhole()
    {
        var (a, b) = Data();
        NormalEquations whole = Accumulate(a, b, 0, Rows, Rows);
        NormalEquations merged = Accumulate(a, b, 0, 40, 7);
        merged.Add(Accumulate(a, b, 40, 41, 1));
        merged.Add(Accumulate(a, b, 41, Rows, 13));

        SolveAssert.VectorsClose(whole.Gram, merged.Gram, Accumulation, "merged Gram");
        SolveAssert.VectorsClose(whole.Rhs, merged.Rhs, Accumulation, "merged Rhs");
        SolveAssert.ScalarsClose(whole.RhsSquaredNorm, merged.RhsSquaredNorm, Accumulation, "merged bᵀb");
        Assert.That(merged.Rows, Is.EqualTo(Rows));
        Assert.Throws<ArgumentException>(() => merged.Add(new NormalEquations(Cols + 1)));
    }

    [Test]
    public void SameBlocksInTheSameOrderGiveTheSameBits()
    {
        var (a, b) = Data();
        SolveReport first = Accumulate(a, b, 0, Rows, 7).Solve();
        SolveReport second = Accumulate(a, b, 0, Rows, 7).Solve();
        Assert.That(second.X, Is.EqualTo(first.X));
    }

    [Test]
    public void SolveLeavesTheAccumulationUsable()
    {
        var (a, b) = Data();
        NormalEquations ne = Accumulate(a, b, 0, 60, 60);
        double[] gramBefore = ne.Gram;
        ne.Solve();
        Assert.That(ne.Gram, Is.EqualTo(gramBefore));
        ne.Accumulate(a.AsSpan(60 * Cols), Rows - 60, b.AsSpan(60));
        SolveAssert.VectorsClose(Accumulate(a, b, 0, Rows, Rows).Solve().X, ne.Solve().X, 1e-10, "solution after more rows");
    }

    [Test]
    public void EmptyAccumulationHasNoInformation()
    {
        var ne = new NormalEquations(5);
        ne.Accumulate(ReadOnlySpan<double>.Empty, 0, ReadOnlySpan<double>.Empty);
        Assert.Throws<Engine.Common.RankDeficientSystemException>(() => ne.Solve());
    }

    [Test]
    public void WrongBlockShapesAreRejected()
    {
        var ne = new NormalEquations(4);
        Assert.Throws<ArgumentException>(() => ne.Accumulate(new double[7], 2, new double[2]));
        Assert.Throws<ArgumentException>(() => ne.Accumulate(new double[8], 2, new double[3]));
    }
}
