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
/// matrix is safe: cond(AᵀA)·ε = κ²ε ≤ 2e-10 (≤ 2e-9 should the estimate fall threefold below cond₂). If moreover
/// cols ≤ <see cref="CholeskyColumnLimit"/>, Cholesky of AᵀA (m·n² flops, compute-bound) costs less than the
/// iterations still ahead of the factored sketch (about 19 memory-bound passes of 8·m·n bytes) → Cholesky.</item>
/// <item>Else → the sketch solver: on rank-deficient, ill-conditioned random-feature systems (the default lattice:
/// cond ≈ 1e13) it reaches gelsd's residual at a fraction of gelsd's O(m·n²) cost, where Cholesky would square
/// the condition and stall.</item>
/// </list>
/// </summary>
public static class SolverChoice
{
    /// <summary>Sketch-estimated condition number of the equilibrated A below which the Gram matrix is trusted.</summary>
    public const double CholeskyConditionLimit = 1e3;

    /// <summary>
    /// Widest system for which Cholesky beats the factored sketch's remaining iterations. Their costs cross where
    /// n ≈ passes·8·(Gram flop rate)/(pass bandwidth) ≈ 19·8·74/44 ≈ 256. `AutoCrossoverBench` on random 64,801-row
    /// systems (2026-11-22, perf/RESULTS.md), Cholesky against the iterations after the factorization: 27 against
    /// 37 ms at 128 columns, 47 against 59 at 192, 73–92 against 75–81 at 258, 251–311 against 166–183 at 512,
    /// 0.87–0.97 s against 0.29–0.35 s at 1,024 and 1.67–1.72 s against 0.39–0.47 s at 1,409. Those iterations ran to
    /// the CGLS tolerance of the time, 1e-6; at today's 1e-4 they need about two thirds of the passes, which moves the
    /// crossover down to about 128–192 columns by the same arithmetic (not yet re-measured). Between there and 256 both
    /// choices reach the same residual; Cholesky may then cost up to about 20 % more than the iterations would.
    /// </summary>
    public const int CholeskyColumnLimit = 256;

    /// <summary>Rows per column from which a system counts as tall enough to sketch.</summary>
    public const int TallRatio = 4;

    /// <summary>Whether the shape calls for the sketch (or, after it, Cholesky) rather than gelsd: rule 1 above.</summary>
    public static bool PrefersSketch(long rows, int cols) =>
        rows >= (long)TallRatio * cols && cols >= 64 && rows * cols >= 1L << 21;

    /// <summary>
    /// Rule 2 above: the sketch's pivoted QR shows full rank and κ ≤ <see cref="CholeskyConditionLimit"/>, and the
    /// system is at most <see cref="CholeskyColumnLimit"/> columns wide.
    /// </summary>
    internal static bool PrefersGram(SketchPreconditioned.Factorization f) =>
        f.Rank == f.Nk && f.FullCondition <= CholeskyConditionLimit && f.Nk <= CholeskyColumnLimit;
}
