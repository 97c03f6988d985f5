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
}
