// P/Invoke declarations for OpenBLAS (CBLAS level 2/3 and the thread-count controls), source-generated.
using System.Runtime.InteropServices;

namespace Engine.Interop;

internal static unsafe partial class Interop
{
    /// <summary>
    /// CBLAS entry points of <c>libopenblas.so.0</c> (Debian <c>libopenblas0-pthread</c>). Matrices are passed as
    /// raw pointers with an explicit leading dimension; the layout argument says how they are stored.
    /// Call <see cref="NativeLibraries.EnsureLoaded"/> before the first call so a missing library is reported
    /// with its fix instead of a <see cref="DllNotFoundException"/>.
    /// </summary>
    internal static unsafe partial class OpenBlas
    {
        private const string Library = "libopenblas.so.0";

        /// <summary>CBLAS_ORDER: row-major storage, element (i, j) at <c>a[i*lda + j]</c>.</summary>
        internal const int RowMajor = 101;
        /// <summary>CBLAS_ORDER: column-major storage, element (i, j) at <c>a[j*lda + i]</c>.</summary>
        internal const int ColMajor = 102;
        internal const int NoTrans = 111;
        internal const int Trans = 112;
        internal const int Upper = 121;
        internal const int Lower = 122;

        /// <summary>C = alpha·op(A)·op(B) + beta·C.</summary>
        [LibraryImport(Library, EntryPoint = "cblas_dgemm")]
        internal static partial void Dgemm(int order, int transA, int transB, int m, int n, int k,
            double alpha, double* a, int lda, double* b, int ldb, double beta, double* c, int ldc);

        /// <summary>C = alpha·op(A)ᵀ·op(A) + beta·C on the <paramref name="uplo"/> triangle of the n×n matrix C.</summary>
        [LibraryImport(Library, EntryPoint = "cblas_dsyrk")]
        internal static partial void Dsyrk(int order, int uplo, int trans, int n, int k,
            double alpha, double* a, int lda, double beta, double* c, int ldc);

        /// <summary>y = alpha·op(A)·x + beta·y with A of m×n.</summary>
        [LibraryImport(Library, EntryPoint = "cblas_dgemv")]
        internal static partial void Dgemv(int order, int transA, int m, int n,
            double alpha, double* a, int lda, double* x, int incX, double beta, double* y, int incY);

        /// <summary>y = alpha·A·x + beta·y with A symmetric n×n, only the <paramref name="uplo"/> triangle read.</summary>
        [LibraryImport(Library, EntryPoint = "cblas_dsymv")]
        internal static partial void Dsymv(int order, int uplo, int n,
            double alpha, double* a, int lda, double* x, int incX, double beta, double* y, int incY);

        /// <summary>Solves op(A)·x = b in place (x holds b on entry) with A triangular n×n.</summary>
        [LibraryImport(Library, EntryPoint = "cblas_dtrsv")]
        internal static partial void Dtrsv(int order, int uplo, int transA, int diag, int n, double* a, int lda, double* x, int incX);

        /// <summary>CBLAS_DIAG: the diagonal of a triangular matrix is stored (not assumed to be 1).</summary>
        internal const int NonUnit = 131;

        /// <summary>Sets the number of threads OpenBLAS uses for every later call (process-wide).</summary>
        [LibraryImport(Library, EntryPoint = "openblas_set_num_threads")]
        internal static partial void SetNumThreads(int threads);

        /// <summary>The number of threads OpenBLAS currently uses.</summary>
        [LibraryImport(Library, EntryPoint = "openblas_get_num_threads")]
        internal static partial int GetNumThreads();
    }
}
