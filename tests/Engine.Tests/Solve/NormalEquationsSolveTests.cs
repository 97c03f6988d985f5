// NormalEquations.Solve: the one-triangle in-place factorisation solves the equilibrated ridge system, and the residual
// it reports from the raw accumulation is ‖Ax − b‖ of the returned x, with zero columns and uneven column scales.
using Engine.Solve;
using NUnit.Framework;
using static Engine.Tests.Solve.SolveTestData;

namespace Engine.Tests.Solve;

[TestFixture]
public sealed class NormalEquationsSolveTests
{
    private const int Rows = 120, Cols = 9, ZeroColumn = 4;
    private const double Ridge = 1e-4;

    // Random A with column ZeroColumn identically zero and columns 2 and 6 scaled by 1e3 and 1e-3 (equilibration must
    // undo the scales); b random, so the residual is a sizeable fraction of ‖b‖ and the normal-equation formula has
    // no cancellation to hide behind.
    private static (double[] A, double[] B) Data()
    {
        double[] a = RandomMatrix(Rows, Cols, seed: 301);
        for (int i = 0; i < Rows; i++)
        {
            a[i * Cols + ZeroColumn] = 0;
            a[i * Cols + 2] *= 1e3;
            a[i * Cols + 6] *= 1e-3;
        }
        return (a, RandomVector(Rows, seed: 302));
    }

    private static SolveReport AccumulateAndSolve(double[] a, int rows, int cols, double[] b, int block, double ridge)
    {
        var ne = new NormalEquations(cols);
        for (int i = 0; i < rows; i += block)
        {
            int k = Math.Min(block, rows - i);
            ne.Accumulate(a.AsSpan(i * cols, k * cols), k, b.AsSpan(i, k));
        }
        return ne.Solve(ridge);
    }

    [Test]
    public void ReportedResidualIsTheDirectResidualOfTheReturnedSolution()
    {
        var (a, b) = Data();
        SolveReport r = AccumulateAndSolve(a, Rows, Cols, b, block: 17, Ridge);

        Assert.That(r.ZeroColumns, Is.EqualTo(1));
        Assert.That(r.Rank, Is.EqualTo(Cols - 1));
        Assert.That(r.Ridge, Is.EqualTo(Ridge));
        Assert.That(r.X[ZeroColumn], Is.EqualTo(0.0), "a zero column gets x = 0");
        double direct = ResidualNorm(a, Rows, Cols, r.X, b);
        Assert.That(direct, Is.GreaterThan(0.1 * Norm(b)), "the test needs a residual far from the cancellation level");
        SolveAssert.ScalarsClose(direct, r.ResidualNorm, 1e-10, "reported residual against ‖Ax − b‖");
    }

    [Test]
    public void SolutionIsTheEquilibratedRidgeSolutionOfAManagedReference()
    {
        var (a, b) = Data();
        SolveReport r = AccumulateAndSolve(a, Rows, Cols, b, block: Rows, Ridge);

        // Managed reference: kept columns k, D = 1/‖a_k‖, (D AᵀA D + λI) y = D Aᵀb by Gaussian elimination, x = D y.
        int[] kept = Enumerable.Range(0, Cols).Where(j => j != ZeroColumn).ToArray();
        int nk = kept.Length;
        var d = new double[nk];
        for (int p = 0; p < nk; p++)
        {
            double s = 0;
            for (int i = 0; i < Rows; i++) s += a[i * Cols + kept[p]] * a[i * Cols + kept[p]];
            d[p] = 1 / Math.Sqrt(s);
        }
        var m = new double[nk, nk + 1];
        for (int p = 0; p < nk; p++)
        {
            for (int q = 0; q < nk; q++)
            {
                double s = 0;
                for (int i = 0; i < Rows; i++) s += a[i * Cols + kept[p]] * a[i * Cols + kept[q]];
                m[p, q] = d[p] * s * d[q] + (p == q ? Ridge : 0);
            }
            double t = 0;
            for (int i = 0; i < Rows; i++) t += a[i * Cols + kept[p]] * b[i];
            m[p, nk] = d[p] * t;
        }
        double[] y = GaussianElimination(m, nk);
        var expected = new double[Cols];
        for (int p = 0; p < nk; p++) expected[kept[p]] = d[p] * y[p];

        // Compare in the equilibrated coordinates, where the entries are of one scale.
        var ey = new double[nk];
        var ay = new double[nk];
        for (int p = 0; p < nk; p++) { ey[p] = expected[kept[p]] / d[p]; ay[p] = r.X[kept[p]] / d[p]; }
        SolveAssert.VectorsClose(ey, ay, SolveAssert.WellConditioned, "equilibrated solution");
        Assert.That(r.ConditionEstimate, Is.GreaterThanOrEqualTo(1.0).And.LessThan(1e3), "cond(A) of a random, equilibrated A");
    }

    [Test]
    public void AZeroColumnChangesNothingButItsOwnEntry()
    {
        var (a, b) = Data();
        // The same system without the zero column: the contiguous (all columns kept) path against the gathered one.
        int c = Cols - 1;
        var dropped = new double[Rows * c];
        for (int i = 0; i < Rows; i++)
            for (int j = 0, k = 0; j < Cols; j++)
                if (j != ZeroColumn) dropped[i * c + k++] = a[i * Cols + j];

        SolveReport with = AccumulateAndSolve(a, Rows, Cols, b, block: Rows, Ridge);
        SolveReport without = AccumulateAndSolve(dropped, Rows, c, b, block: Rows, Ridge);

        Assert.That(without.ZeroColumns, Is.Zero);
        var kept = with.X.Where((_, j) => j != ZeroColumn).ToArray();
        // Columns 2 and 6 differ in scale by 1e6, so compare each entry against its own size.
        for (int k = 0; k < c; k++)
            SolveAssert.ScalarsClose(without.X[k], kept[k], 1e-12, $"x[{k}]");
        SolveAssert.ScalarsClose(without.ResidualNorm, with.ResidualNorm, 1e-12, "residual");
        SolveAssert.ScalarsClose(without.ConditionEstimate, with.ConditionEstimate, 1e-8, "condition estimate");
    }

    [Test]
    public void SolveLeavesTheAccumulationBitForBitAlsoWhenItThrows()
    {
        var (a, b) = Data();
        // Column 7 duplicates column 1: singular without a ridge, so Solve(0) throws after it has started factorising.
        for (int i = 0; i < Rows; i++) a[i * Cols + 7] = a[i * Cols + 1];
        var ne = new NormalEquations(Cols);
        ne.Accumulate(a, Rows, b);
        double[] gram = ne.Gram, rhs = ne.Rhs;

        SolveReport ridged = ne.Solve(Ridge);
        Assert.That(ne.Gram, Is.EqualTo(gram), "after a solve with a zero column");
        Assert.Throws<Engine.Common.RankDeficientSystemException>(() => ne.Solve(0));
        Assert.That(ne.Gram, Is.EqualTo(gram), "after a failed solve");
        Assert.That(ne.Rhs, Is.EqualTo(rhs));
        Assert.That(ne.Solve(Ridge).X, Is.EqualTo(ridged.X), "a failed solve changes no later result");
    }

    [Test]
    public void SolvedPartsMergeIntoTheWhole()
    {
        var (a, b) = Data();
        NormalEquations Part(int from, int to)
        {
            var ne = new NormalEquations(Cols);
            ne.Accumulate(a.AsSpan(from * Cols, (to - from) * Cols), to - from, b.AsSpan(from, to - from));
            return ne;
        }
        NormalEquations whole = Part(0, Rows), first = Part(0, 50), second = Part(50, Rows);
        // Solving the parts first leaves their factors in the storage's scratch half; merging must not see them.
        first.Solve(Ridge);
        second.Solve(Ridge);
        first.Add(second);
        SolveAssert.VectorsClose(whole.Gram, first.Gram, 1e-12, "merged Gram");
        SolveReport expected = whole.Solve(Ridge), merged = first.Solve(Ridge);
        for (int j = 0; j < Cols; j++) SolveAssert.ScalarsClose(expected.X[j], merged.X[j], 1e-9, $"x[{j}]");
        SolveAssert.ScalarsClose(expected.ResidualNorm, merged.ResidualNorm, 1e-10, "residual");
    }

    // Solves the n×n system stored in m[:, :n] with right-hand side m[:, n], partial pivoting.
    private static double[] GaussianElimination(double[,] m, int n)
    {
        for (int k = 0; k < n; k++)
        {
            int piv = k;
            for (int i = k + 1; i < n; i++) if (Math.Abs(m[i, k]) > Math.Abs(m[piv, k])) piv = i;
            for (int j = 0; j <= n; j++) (m[k, j], m[piv, j]) = (m[piv, j], m[k, j]);
            for (int i = k + 1; i < n; i++)
            {
                double l = m[i, k] / m[k, k];
                for (int j = k; j <= n; j++) m[i, j] -= l * m[k, j];
            }
        }
        var x = new double[n];
        for (int i = n - 1; i >= 0; i--)
        {
            double s = m[i, n];
            for (int j = i + 1; j < n; j++) s -= m[i, j] * x[j];
            x[i] = s / m[i, i];
        }
        return x;
    }
}
