// The automatic solver rule: by the shape of the system and the condition the sketch reveals.
namespace Engine.Solve;

/// <summary>
/// How <see cref="SolverKind.Auto"/> picks a solver for a dense in-memory system A[rows, cols] (the training
/// pipeline streams the normal equations into Cholesky before any of this when the dense A does not fit its memory
/// budget). The rule, with the measurements behind it in perf/RESULTS.md:
/// <list type="number">
/// <item>Small or square-ish systems (rows &lt; 4·cols, cols &lt; 64, or fewer than 2²¹ entries) → gelsd: it is
/// fast there, exact to round-off, and a sketch would not be much smaller than A.</item>
/// <item>Otherwise the sketch is factored first (a small fraction of gelsd's cost). If it shows full rank and a
/// condition κ with κ ≤ <see cref="CholeskyConditionLimit"/> (the 1-norm estimate of its pivoted triangle), the Gram
/// matrix is safe: cond(AᵀA)·ε = κ²ε ≤ 2e-10 (≤ 2e-9 should the estimate fall threefold below cond₂), and Cholesky of AᵀA (one dsyrk, compute-bound) is cheaper
/// than the 20–60 memory-bound passes over A that CGLS needs → Cholesky.</item>
/// <item>Else → the sketch solver: on rank-deficient, ill-conditioned random-feature systems (the default lattice:
/// cond ≈ 1e13) it reaches gelsd's residual at a fraction of gelsd's O(m·n²) cost, where Cholesky would square
/// the condition and stall.</item>
/// </list>
/// </summary>
public static class SolverChoice
{
    /// <summary>Sketch-estimated condition number of the equilibrated A below which the Gram matrix is trusted.</summary>
    public const double CholeskyConditionLimit = 1e3;

    /// <summary>Rows per column from which a system counts as tall enough to sketch.</summary>
    public const int TallRatio = 4;

    /// <summary>Whether the shape calls for the sketch (or, after it, Cholesky) rather than gelsd: rule 1 above.</summary>
    public static bool PrefersSketch(long rows, int cols) =>
        rows >= (long)TallRatio * cols && cols >= 64 && rows * cols >= 1L << 21;

    /// <summary>Rule 2 above: the sketch's pivoted QR shows full rank and κ ≤ <see cref="CholeskyConditionLimit"/>.</summary>
    internal static bool GramIsSafe(SketchPreconditioned.Factorization f) =>
        f.Rank == f.Nk && f.FullCondition <= CholeskyConditionLimit;
}
