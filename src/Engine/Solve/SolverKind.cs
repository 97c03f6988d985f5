// Which dense least-squares algorithm solves the linear head.
namespace Engine.Solve;

/// <summary>
/// The least-squares algorithms of the linear head. All of them solve the column-equilibrated problem
/// (every nonzero column scaled to unit 2-norm, zero columns removed; method.md §10.1) and map the solution back.
/// </summary>
public enum SolverKind
{
    /// <summary>
    /// <c>LAPACKE_dgelsd</c>: SVD, minimum-norm solution, singular values s_i ≤ rcond·s_max dropped
    /// (what the paper's <c>numpy.linalg.lstsq</c> does; method.md §3.2). The most robust and the slowest.
    /// </summary>
    Gelsd,

    /// <summary>
    /// <c>LAPACKE_dgelsy</c>: rank-revealing QR with column pivoting and a complete orthogonal factorisation,
    /// minimum-norm solution of the kept columns; the leading triangular block is kept while its estimated
    /// condition number stays below 1/rcond.
    /// </summary>
    Qr,

    /// <summary>
    /// Regularised normal equations: G = AᵀA (dsyrk), (G + λI) x = Aᵀb by Cholesky (dpotrf/dpotrs).
    /// The fastest (method.md §10 item 5); needs a ridge when G is (numerically) singular.
    /// </summary>
    Cholesky,

    /// <summary>
    /// Randomized sketch-and-precondition (Blendenpik/LSRN, method.md §10): a seeded sparse sign sketch S·A of
    /// about 4·n rows, QR of the sketch and QR with column pivoting of its R as right preconditioner (columns whose
    /// pivot falls to 3·rcond·|R'₁₁| dropped, about what gelsd drops, and dgelsy's complete orthogonal step for the minimum-norm solution),
    /// then CGLS on the well-conditioned preconditioned operator, one fused pass over A per iteration, started from
    /// the sketch-and-solve solution. O(m·n) per iteration
    /// instead of gelsd's O(m·n²); gelsd's residual, or lower where gelsd's cutoff drops useful directions
    /// (see <see cref="SketchPreconditioned"/>).
    /// </summary>
    Sketch,

    /// <summary>
    /// Chosen by shape and conditioning (<see cref="SolverChoice"/>): gelsd for small or square-ish systems,
    /// the sketch solver for tall ones, and Cholesky of the Gram matrix where the sketch shows it is well enough
    /// conditioned. The report names the solver actually used, never <see cref="Auto"/>.
    /// </summary>
    Auto,
}
