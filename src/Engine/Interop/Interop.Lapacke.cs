// P/Invoke declarations for LAPACKE (least squares, Cholesky, condition estimates), source-generated.
using System.Runtime.InteropServices;

namespace Engine.Interop;

internal static unsafe partial class Interop
{
    /// <summary>
    /// High-level LAPACKE entry points of <c>liblapacke.so.3</c> (Debian <c>liblapacke</c>). They run the workspace
    /// query and allocate the workspace themselves. Every one returns LAPACK's <c>info</c>
    /// (0 = success, &lt; 0 = argument −info invalid, &gt; 0 = a numerical failure the routine documents), except
    /// the norm functions. Character arguments (<c>uplo</c>, <c>norm</c>, <c>diag</c>) are ASCII bytes.
    /// lapack_int is 32-bit here (the LP64 build Debian ships).
    /// </summary>
    internal static unsafe partial class Lapacke
    {
        private const string Library = "liblapacke.so.3";

        /// <summary>LAPACK_ROW_MAJOR: element (i, j) at <c>a[i*lda + j]</c>. LAPACKE transposes into a temporary.</summary>
        internal const int RowMajor = 101;
        /// <summary>LAPACK_COL_MAJOR: element (i, j) at <c>a[j*lda + i]</c>; LAPACK's native layout, no copy.</summary>
        internal const int ColMajor = 102;

        /// <summary>Minimum-norm least squares by SVD (divide and conquer); singular values s_i ≤ rcond·s_1 are dropped.</summary>
        [LibraryImport(Library, EntryPoint = "LAPACKE_dgelsd")]
        internal static partial int Dgelsd(int layout, int m, int n, int nrhs, double* a, int lda,
            double* b, int ldb, double* s, double rcond, int* rank);

        /// <summary>Minimum-norm least squares by QR with column pivoting and a complete orthogonal factorisation.</summary>
        [LibraryImport(Library, EntryPoint = "LAPACKE_dgelsy")]
        internal static partial int Dgelsy(int layout, int m, int n, int nrhs, double* a, int lda,
            double* b, int ldb, int* jpvt, double rcond, int* rank);

        /// <summary>Householder QR A = Q·R (blocked, level 3); R in the upper triangle, Q as reflectors below it and in tau (length min(m, n)).</summary>
        [LibraryImport(Library, EntryPoint = "LAPACKE_dgeqrf")]
        internal static partial int Dgeqrf(int layout, int m, int n, double* a, int lda, double* tau);

        /// <summary>
        /// QR with column pivoting A·P = Q·R (dgeqp3); jpvt[j] ≠ 0 on entry fixes column j in front, 0 leaves it free; on exit
        /// jpvt[j] = k (1-based) means column j of A·P is column k of A. R in the upper triangle, Q as reflectors and tau.
        /// </summary>
        [LibraryImport(Library, EntryPoint = "LAPACKE_dgeqp3")]
        internal static partial int Dgeqp3(int layout, int m, int n, double* a, int lda, int* jpvt, double* tau);

        /// <summary>
        /// Reduces the upper trapezoidal m×n matrix [A1 A2] (m ≤ n, A1 upper triangular) to [T 0]·Z with Z orthogonal (dtzrzf):
        /// T overwrites A1, Z is kept as m reflectors in the rest of A and tau (length m). The step after QR with column
        /// pivoting that gives a complete orthogonal factorisation, as in dgelsy.
        /// </summary>
        [LibraryImport(Library, EntryPoint = "LAPACKE_dtzrzf")]
        internal static partial int Dtzrzf(int layout, int m, int n, double* a, int lda, double* tau);

        /// <summary>C = op(Z)·C (side 'L') with Z from <see cref="Dtzrzf"/>: k reflectors whose meaningful part spans the last l columns of A.</summary>
        [LibraryImport(Library, EntryPoint = "LAPACKE_dormrz")]
        internal static partial int Dormrz(int layout, byte side, byte trans, int m, int n, int k, int l, double* a, int lda,
            double* tau, double* c, int ldc);

        /// <summary>Overwrites the m × n A (m ≥ n ≥ k) with the first n columns of Q = H(1)···H(k) from dgeqrf's reflectors in A and tau.</summary>
        [LibraryImport(Library, EntryPoint = "LAPACKE_dorgqr")]
        internal static partial int Dorgqr(int layout, int m, int n, int k, double* a, int lda, double* tau);

        /// <summary>C = op(Q)·C (side 'L') or C·op(Q) ('R') with Q the product of k reflectors from dgeqrf/dgeqp3; trans 'N' or 'T'.</summary>
        [LibraryImport(Library, EntryPoint = "LAPACKE_dormqr")]
        internal static partial int Dormqr(int layout, byte side, byte trans, int m, int n, int k, double* a, int lda,
            double* tau, double* c, int ldc);

        /// <summary>Cholesky factorisation of a symmetric positive definite matrix; info &gt; 0: leading minor info is not positive definite.</summary>
        [LibraryImport(Library, EntryPoint = "LAPACKE_dpotrf")]
        internal static partial int Dpotrf(int layout, byte uplo, int n, double* a, int lda);

        /// <summary>Solves A·X = B with the Cholesky factor from <see cref="Dpotrf"/>.</summary>
        [LibraryImport(Library, EntryPoint = "LAPACKE_dpotrs")]
        internal static partial int Dpotrs(int layout, byte uplo, int n, int nrhs, double* a, int lda, double* b, int ldb);

        /// <summary>Estimates the reciprocal 1-norm condition number of an SPD matrix from its Cholesky factor and its 1-norm.</summary>
        [LibraryImport(Library, EntryPoint = "LAPACKE_dpocon")]
        internal static partial int Dpocon(int layout, byte uplo, int n, double* a, int lda, double anorm, double* rcond);

        /// <summary>Estimates the reciprocal condition number of a triangular matrix in the given norm ('1' or 'I').</summary>
        [LibraryImport(Library, EntryPoint = "LAPACKE_dtrcon")]
        internal static partial int Dtrcon(int layout, byte norm, byte uplo, byte diag, int n, double* a, int lda, double* rcond);

        /// <summary>A norm ('M', '1', 'I' or 'F') of a symmetric matrix stored in its <paramref name="uplo"/> triangle.</summary>
        [LibraryImport(Library, EntryPoint = "LAPACKE_dlansy")]
        internal static partial double Dlansy(int layout, byte norm, byte uplo, int n, double* a, int lda);
    }
}
