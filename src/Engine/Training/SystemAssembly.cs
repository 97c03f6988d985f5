// Streams the rows of Hamilton's equations into the solver: a dense Z for gelsd/QR, or normal equations block by block.
using Engine.Data;
using Engine.Equations;
using Engine.Features;
using Engine.Graph;
using Engine.Solve;

namespace Engine.Training;

/// <summary>An assembled system, ready to solve: either dense (Z, u) or accumulated normal equations.</summary>
public sealed class AssembledSystem
{
    internal double[]? Z;
    internal double[]? U;
    internal NormalEquations? Normal;
    public required int Rows { get; init; }
    public required int Cols { get; init; }
    public required double AnchorEnergy { get; init; }
    public required bool AnchorFromData { get; init; }

    public required SolverKind Solver { get; init; }
    /// <summary>Sum of squares of every column over the derivative rows only (the anchor row excluded): a block that is zero here is not determined by Hamilton's equations.</summary>
    public required double[] DerivativeColumnSumSquares { get; init; }

    public SolveReport Solve(TrainingOptions o) => Normal is not null
        ? Normal.Solve(o.Ridge)
        : DenseLeastSquares.Solve(Z!, Rows, Cols, U!, Solver, o.Rcond, seed: o.Seed, tolerance: o.SolverTolerance);
}

public static class SystemAssembly
{
    public static AssembledSystem Assemble(PhaseSpaceData data, Topology topology, IFeatureMap features, TrainingOptions o, Action<string> progress)
    {
        int nd = data.StateSize, F = features.FeatureCount, cols = F + 1;
        long rowsLong = 2L * data.Snapshots * nd + 1;
        var solver = ChooseSolver(o, rowsLong, cols, progress);
        int rows = (int)Math.Min(rowsLong, int.MaxValue);
        var (wq, wp) = HamiltonRows.Weights(o.Weighting, data.Dq, data.Dp);
        var ws = features.CreateWorkspace();
        var edges = new EdgeBuffer();
        var columnSumSquares = new double[cols];

        // Anchor: the first snapshot with a known energy; without one, H₀ = 0 (dynamics are unaffected).
        int anchor = 0;
        bool fromData = data.H is not null;
        double h0 = fromData ? data.H![anchor] : 0.0;
        var anchorRow = new double[cols];
        topology.Build(data.QOf(anchor), data.Particles, edges);
        double anchorRhs = HamiltonRows.FillAnchor(features, Snap(data, anchor, edges), h0, 1.0, anchorRow, ws);

        int perSnapshot = 2 * nd;
        if (solver == SolverKind.Cholesky)
        {
            var normal = new NormalEquations(cols);
            int batch = Math.Max(1, o.RowsPerBlock / perSnapshot);
            var block = new double[batch * perSnapshot * cols];
            var rhs = new double[batch * perSnapshot];
            for (int m0 = 0; m0 < data.Snapshots; m0 += batch)
            {
                int count = Math.Min(batch, data.Snapshots - m0);
                for (int k = 0; k < count; k++)
                {
                    int m = m0 + k;
                    topology.Build(data.QOf(m), data.Particles, edges);
                    HamiltonRows.FillSnapshot(features, Snap(data, m, edges), data.DqOf(m), data.DpOf(m), wq, wp,
                        block.AsSpan(k * perSnapshot * cols, perSnapshot * cols), rhs.AsSpan(k * perSnapshot, perSnapshot), ws);
                }
                AddColumnSumSquares(block.AsSpan(0, count * perSnapshot * cols), cols, columnSumSquares);
                normal.Accumulate(block.AsSpan(0, count * perSnapshot * cols), count * perSnapshot, rhs.AsSpan(0, count * perSnapshot));
                if ((m0 / batch) % 50 == 0) progress($"  assembled {m0 + count}/{data.Snapshots} snapshots");
            }
            normal.Accumulate(anchorRow, 1, [anchorRhs]);
            return new AssembledSystem { Normal = normal, Solver = solver, DerivativeColumnSumSquares = columnSumSquares, Rows = rows, Cols = cols, AnchorEnergy = h0, AnchorFromData = fromData };
        }

        var z = new double[(long)rows * cols];
        var u = new double[rows];
        for (int m = 0; m < data.Snapshots; m++)
        {
            topology.Build(data.QOf(m), data.Particles, edges);
            HamiltonRows.FillSnapshot(features, Snap(data, m, edges), data.DqOf(m), data.DpOf(m), wq, wp,
                z.AsSpan(m * perSnapshot * cols, perSnapshot * cols), u.AsSpan(m * perSnapshot, perSnapshot), ws);
        }
        AddColumnSumSquares(z.AsSpan(0, (rows - 1) * cols), cols, columnSumSquares);
        anchorRow.CopyTo(z.AsSpan((rows - 1) * cols, cols));
        u[rows - 1] = anchorRhs;
        return new AssembledSystem { Z = z, U = u, Solver = solver, DerivativeColumnSumSquares = columnSumSquares, Rows = rows, Cols = cols, AnchorEnergy = h0, AnchorFromData = fromData };
    }

    /// <summary>Auto (SolverChoice's rule on the dense Z) when Z fits the budget (and .NET's array limit), else the streamed Cholesky; an explicit dense choice that does not fit is refused.</summary>
    private static SolverKind ChooseSolver(TrainingOptions o, long rows, int cols, Action<string> progress)
    {
        long values = rows * cols;
        bool fits = values <= Array.MaxLength && values * sizeof(double) <= o.MaxDenseBytes;
        if (o.Solver is SolverKind explicitSolver && explicitSolver != SolverKind.Auto)
        {
            if (explicitSolver != SolverKind.Cholesky && values > Array.MaxLength)
                throw new Common.InvalidInputException($"the dense system ({rows} × {cols}) is too large for {explicitSolver}; use --solver cholesky, which streams the normal equations");
            return explicitSolver;
        }
        if (fits) return SolverKind.Auto;
        progress($"the dense system ({rows} × {cols}, {values * 8.0 / (1 << 30):F1} GiB) exceeds the dense budget: streaming the normal equations (Cholesky)");
        return SolverKind.Cholesky;
    }

    private static void AddColumnSumSquares(ReadOnlySpan<double> rows, int cols, double[] sums)
    {
        for (int r = 0; r < rows.Length / cols; r++)
        {
            var row = rows.Slice(r * cols, cols);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(row, row, sums, sums);
        }
    }

    private static Snapshot Snap(PhaseSpaceData data, int m, EdgeBuffer edges) => new(data.QOf(m), data.POf(m), data.Mass, data.Species, edges);
}
