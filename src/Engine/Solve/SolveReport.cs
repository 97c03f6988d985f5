// The result of one least-squares solve: the solution and the diagnostics that say how much to trust it.
namespace Engine.Solve;

/// <summary>
/// Solution and diagnostics of min ‖A x − b‖₂ (+ λ‖D⁻¹x‖² in the equilibrated coordinates when a ridge is used).
/// </summary>
/// <param name="X">The solution, length <see cref="Cols"/>, in the caller's (unscaled) coordinates; zero for zero columns.</param>
/// <param name="Rank">
/// Numerical rank among the nonzero columns: the number of kept singular values (Gelsd), the columns the pivoted QR of the sketch keeps (Sketch),
/// the size of the kept triangular block (Qr), or the number of nonzero columns (Cholesky, which succeeds only at full rank).
/// </param>
/// <param name="ConditionEstimate">
/// An estimate of cond₂ of the equilibrated matrix A·D (not of the Gram matrix), restricted to what the solver kept:
/// Gelsd: exactly s_max / s_rank over the kept singular values (the full ratio s_max / s_min is available
/// from <see cref="SingularValues"/>); Qr: 1 / dtrcon, the 1-norm condition estimate of the kept rank×rank
/// triangular factor (within a factor of Rank of cond₂); Cholesky: sqrt(1 / dpocon) of the equilibrated regularised
/// Gram matrix, i.e. the square root of its 1-norm condition estimate (cond(G) = cond(A)², within a factor of √Rank);
/// Sketch: 1 / dtrcon, the 1-norm condition estimate of the kept triangle T of the complete orthogonal factorisation of the sketch S·A·D
/// (within a factor of Rank of its cond₂, which is within the embedding's distortion, about 3 at 4·n sketch rows, of
/// A·D's).
/// </param>
/// <param name="ResidualNorm">
/// ‖A x − b‖₂ in the caller's coordinates, without the ridge term. Computed explicitly from A where A is at hand
/// (<see cref="DenseLeastSquares"/>); from the accumulated bᵀb − 2xᵀ(Aᵀb) + xᵀGx, clamped at 0, by
/// <see cref="NormalEquations.Solve"/>, whose relative accuracy is about sqrt(ε)·‖b‖ for tiny residuals.
/// </param>
/// <param name="ZeroColumns">How many columns of A were identically zero; they were removed and got coefficient 0.</param>
/// <param name="Solver">The algorithm used.</param>
/// <param name="Rows">Number of rows of A (accumulated rows for <see cref="NormalEquations"/>).</param>
/// <param name="Cols">Number of columns of A (unknowns).</param>
/// <param name="Ridge">
/// The absolute ridge λ added in the equilibrated coordinates (where every kept column has unit norm, so the
/// equilibrated Gram matrix has unit diagonal and trace = kept columns): λ = relativeRidge·trace/n = relativeRidge.
/// </param>
public sealed record SolveReport(
    double[] X,
    int Rank,
    double ConditionEstimate,
    double ResidualNorm,
    int ZeroColumns,
    SolverKind Solver,
    long Rows,
    int Cols,
    double Ridge)
{
    /// <summary>
    /// Gelsd: all singular values of the equilibrated (and ridge-augmented) matrix of the nonzero columns,
    /// descending, length min(rows, nonzero columns). Null for the other solvers.
    /// </summary>
    public double[]? SingularValues { get; init; }

    /// <summary>‖b‖₂ of the right-hand side (without the ridge rows); 0 only when b = 0.</summary>
    public double RhsNorm { get; init; }

    /// <summary>The final relative residual ‖A x − b‖₂ / ‖b‖₂ (0 when b = 0), the quantity every solver is compared on.</summary>
    public double RelativeResidual => RhsNorm > 0 ? ResidualNorm / RhsNorm : 0.0;

    /// <summary>Iterations of the iterative solver (CGLS for <see cref="SolverKind.Sketch"/>); 0 for the direct solvers.</summary>
    public int Iterations { get; init; }

    /// <summary>Sketch only: wall-clock seconds of the sketch and its two QR factorisations (the rest of the solve is CGLS and the final residual); 0 otherwise.</summary>
    public double FactorSeconds { get; init; }

    /// <summary>Sketch only: rows of the sketch S·A (equal to the rows of A when the sketch would not be smaller, then S = I); 0 otherwise.</summary>
    public int SketchRows { get; init; }
}
