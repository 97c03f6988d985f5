// Column norms of the equilibration: the row-range reduction of a large A against plain loops, and its determinism.
using Engine.Common;
using Engine.Solve;
using NUnit.Framework;
using static Engine.Tests.Solve.SolveTestData;

namespace Engine.Tests.Solve;

[TestFixture]
public sealed class ColumnEquilibrationTests
{
    [TestCase(3, 5)]                  // one range
    [TestCase(70_001, 17)]            // above ParallelFrom: 16 uneven row ranges
    [TestCase(16_400, 65)]
    public void ColumnSumSquaresMatchesPlainLoops(int rows, int cols)
    {
        double[] a = RandomMatrix(rows, cols, seed: 950 + cols);
        var fast = new double[cols];
        ColumnEquilibration.ColumnSumSquares(a, rows, cols, fast);
        for (int j = 0; j < cols; j++)
        {
            double sum = 0;
            for (int i = 0; i < rows; i++) sum += a[(long)i * cols + j] * a[(long)i * cols + j];
            Assert.That(fast[j], Is.EqualTo(sum).Within(1e-10).Percent, $"column {j}");   // 1e-12 relative: summation order
        }
        var again = new double[cols];
        ColumnEquilibration.ColumnSumSquares(a, rows, cols, again);
        Assert.That(again, Is.EqualTo(fast).AsCollection, "fixed row ranges: the same bits on every run");
    }

    [Test]
    public void NonFiniteEntryOfALargeMatrixIsNamedByColumn()
    {
        const int rows = 70_001, cols = 17;
        double[] a = RandomMatrix(rows, cols, seed: 960);
        a[(long)60_000 * cols + 11] = double.NaN;
        var e = Assert.Throws<InvalidInputException>(() => ColumnEquilibration.ColumnSumSquares(a, rows, cols, new double[cols]));
        Assert.That(e!.Message, Does.Contain("Column 11"));
    }
}
