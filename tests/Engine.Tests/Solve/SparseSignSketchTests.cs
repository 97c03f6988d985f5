// The sketch's scatter kernel against its scalar specification, and the sketch against an explicit S·A.
using Engine.Solve;
using NUnit.Framework;
using static Engine.Tests.Solve.SolveTestData;

namespace Engine.Tests.Solve;

[TestFixture]
public sealed class SparseSignSketchTests
{
    [Test]
    public unsafe void ScatterMatchesTheScalarSpecification([Values(0, 1, 7, 15, 16, 17)] int width, [Values(0, 1, 9, 50)] int rows)
    {
        const int s = 23, lda = 40;
        double[] a = RandomMatrix(Math.Max(rows, 1), lda, seed: 800 + width + rows);
        var (target, sign, zeta) = SparseSignSketch.Embedding(rows, s, seed: 801);
        var fast = new double[s * Math.Max(width, 1)];
        var reference = new double[fast.Length];
        fixed (double* pa = a, pf = fast, pr = reference)
        {
            SparseSignSketch.ScatterRows(pa + 3, rows, lda, width, target, sign, zeta, pf);
            SparseSignSketch.ScatterRowsScalar(pa + 3, rows, lda, width, target, sign, zeta, pr);
        }
        Assert.That(fast, Is.EqualTo(reference).AsCollection, "the same additions in the same order give the same bits");
    }

    [Test]
    public void EmbeddingHasDistinctTargetsPerRowAndBothSigns()
    {
        const int rows = 500, s = 40;
        var (target, sign, zeta) = SparseSignSketch.Embedding(rows, s, seed: 811);
        Assert.That(zeta, Is.EqualTo(SketchPreconditioned.NonzerosPerRow));
        for (int i = 0; i < rows; i++)
        {
            var row = target.AsSpan(i * zeta, zeta).ToArray();
            Assert.That(row, Is.Unique, $"row {i}");
            Assert.That(row, Is.All.InRange(0, s - 1));
        }
        Assert.That(sign, Is.All.EqualTo(1.0).Or.EqualTo(-1.0));
        double plus = sign.Count(v => v > 0) / (double)sign.Length;
        Assert.That(plus, Is.InRange(0.45, 0.55));
    }

    [Test]
    public void EachRowDrawsFromItsOwnStream()
    {
        // Rows are drawn in parallel chunks when there are many: row i must not depend on how many rows there are or on
        // which thread drew it, and another seed must give another embedding.
        const int s = 977;
        var (few, fewSigns, zeta) = SparseSignSketch.Embedding(300, s, seed: 5);
        var (many, manySigns, _) = SparseSignSketch.Embedding(50_000, s, seed: 5);
        Assert.That(many.AsSpan(0, few.Length).ToArray(), Is.EqualTo(few).AsCollection);
        Assert.That(manySigns.AsSpan(0, fewSigns.Length).ToArray(), Is.EqualTo(fewSigns).AsCollection);
        var (again, againSigns, _) = SparseSignSketch.Embedding(50_000, s, seed: 5);
        Assert.That(again, Is.EqualTo(many).AsCollection);
        Assert.That(againSigns, Is.EqualTo(manySigns).AsCollection);
        var (other, _, _) = SparseSignSketch.Embedding(300, s, seed: 6);
        Assert.That(other.Zip(few).Count(p => p.First == p.Second), Is.LessThan(few.Length / 20), "another seed, another embedding");
        Assert.That(zeta, Is.EqualTo(SketchPreconditioned.NonzerosPerRow));
    }

    [Test]
    public void TargetsCoverTheSketchRowsUniformly()
    {
        // Every sketch row receives rows·ζ/s nonzeros on average; a biased map from the random bits to [0, s) (or a
        // stream that repeats) would leave some far from it. Poisson counts: 6 standard deviations is a loose bound.
        const int rows = 60_000, s = 1_000;
        var (target, sign, zeta) = SparseSignSketch.Embedding(rows, s, seed: 812);
        var counts = new int[s];
        foreach (int k in target) counts[k]++;
        double mean = (double)rows * zeta / s, bound = 6 * Math.Sqrt(mean);
        Assert.That(counts.Min(), Is.GreaterThan(mean - bound));
        Assert.That(counts.Max(), Is.LessThan(mean + bound));
        // Signs are balanced within each sketch row's share too, not only overall.
        var net = new double[s];
        for (int e = 0; e < target.Length; e++) net[target[e]] += sign[e];
        Assert.That(net.Max(Math.Abs), Is.LessThan(6 * Math.Sqrt(mean)));
    }

    [TestCase(1)]
    [TestCase(16)]
    [TestCase(37)]   // two full panels and a 5-wide tail
    public void SketchEqualsTheExplicitProductWithEquilibratedKeptColumns(int cols)
    {
        const int rows = 300, s = 64;
        double[] a = RandomMatrix(rows, cols, seed: 820 + cols);
        double[] b = RandomVector(rows, seed: 821);
        // Keep every other column, with arbitrary scales.
        int[] kept = Enumerable.Range(0, cols).Where(j => j % 2 == 0).ToArray();
        double[] scale = kept.Select(j => 1.0 + 0.1 * j).ToArray();
        int nk = kept.Length, ld = s + 3;
        var w = new double[ld * (nk + 1)];
        SparseSignSketch.Apply(a, rows, cols, b, kept, scale, nk, s, seed: 822, w, ld);

        var (target, sign, zeta) = SparseSignSketch.Embedding(rows, s, seed: 822);
        double inv = 1 / Math.Sqrt(zeta);
        var expected = new double[ld * (nk + 1)];
        for (int i = 0; i < rows; i++)
            for (int q = 0; q < zeta; q++)
            {
                int k = target[i * zeta + q];
                double signed = sign[i * zeta + q] * inv;
                for (int c = 0; c < nk; c++) expected[c * ld + k] += signed * a[i * cols + kept[c]] * scale[c];
                expected[nk * ld + k] += signed * b[i];
            }
        for (int c = 0; c <= nk; c++)
            for (int k = 0; k < s; k++)
                Assert.That(w[c * ld + k], Is.EqualTo(expected[c * ld + k]).Within(1e-12), $"column {c}, sketch row {k}");
    }

    [Test]
    public void KeptColumnsInAnyOrderGiveTheSameSketchColumns()
    {
        // SketchPreconditioned puts a leading block first; the sketch of a column must not depend on its position.
        const int rows = 300, cols = 37, s = 64;
        double[] a = RandomMatrix(rows, cols, seed: 830);
        double[] b = RandomVector(rows, seed: 831);
        int[] ascending = Enumerable.Range(0, cols).Where(j => j % 3 != 1).ToArray();
        int[] reordered = [.. ascending.Where(j => j >= 20), .. ascending.Where(j => j < 20)];
        double[] Scales(int[] kept) => kept.Select(j => 1.0 + 0.01 * j).ToArray();
        int nk = ascending.Length;
        var first = new double[s * (nk + 1)];
        var second = new double[s * (nk + 1)];
        SparseSignSketch.Apply(a, rows, cols, b, ascending, Scales(ascending), nk, s, seed: 832, first, s);
        SparseSignSketch.Apply(a, rows, cols, b, reordered, Scales(reordered), nk, s, seed: 832, second, s);
        for (int k = 0; k < nk; k++)
        {
            int at = Array.IndexOf(ascending, reordered[k]);
            Assert.That(second.AsSpan(k * s, s).ToArray(), Is.EqualTo(first.AsSpan(at * s, s).ToArray()), $"column {reordered[k]}");
        }
        Assert.That(second.AsSpan(nk * s, s).ToArray(), Is.EqualTo(first.AsSpan(nk * s, s).ToArray()), "the right-hand side");
    }
}
