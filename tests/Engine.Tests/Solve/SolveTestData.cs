// Seeded test matrices and managed reference solvers (independent of LAPACK) for the Solve tests.
namespace Engine.Tests.Solve;

internal static class SolveTestData
{
    /// <summary>Row-major [rows, cols] with entries uniform in [−1, 1) from a seeded generator.</summary>
    public static double[] RandomMatrix(int rows, int cols, int seed)
    {
        var rng = new Random(seed);
        var a = new double[rows * cols];
        for (int i = 0; i < a.Length; i++) a[i] = 2 * rng.NextDouble() - 1;
        return a;
    }

    public static double[] RandomVector(int n, int seed, double amplitude = 1)
    {
        var rng = new Random(seed);
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = amplitude * (2 * rng.NextDouble() - 1);
        return v;
    }

    /// <summary>y = A x for row-major A[rows, cols], plain loops.</summary>
    public static double[] Multiply(double[] a, int rows, int cols, double[] x)
    {
        var y = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            double s = 0;
            for (int j = 0; j < cols; j++) s += a[i * cols + j] * x[j];
            y[i] = s;
        }
        return y;
    }

    public static double Norm(ReadOnlySpan<double> v)
    {
        double s = 0;
        foreach (double t in v) s += t * t;
        return Math.Sqrt(s);
    }

    public static double ResidualNorm(double[] a, int rows, int cols, double[] x, double[] b)
    {
        double[] ax = Multiply(a, rows, cols, x);
        for (int i = 0; i < rows; i++) ax[i] -= b[i];
        return Norm(ax);
    }

    /// <summary>Full-column-rank least squares by managed Householder QR (the textbook algorithm, no pivoting).</summary>
    public static double[] HouseholderLeastSquares(double[] a, int rows, int cols, double[] b)
    {
        var r = (double[])a.Clone();
        var c = (double[])b.Clone();
        var v = new double[rows];
        for (int k = 0; k < cols; k++)
        {
            double norm = 0;
            for (int i = k; i < rows; i++) norm += r[i * cols + k] * r[i * cols + k];
            norm = Math.Sqrt(norm);
            double alpha = r[k * cols + k] > 0 ? -norm : norm;
            double vv = 0;
            for (int i = k; i < rows; i++) { v[i] = r[i * cols + k]; }
            v[k] -= alpha;
            for (int i = k; i < rows; i++) vv += v[i] * v[i];
            if (vv == 0) continue;
            for (int j = k; j < cols; j++)
            {
                double dot = 0;
                for (int i = k; i < rows; i++) dot += v[i] * r[i * cols + j];
                double f = 2 * dot / vv;
                for (int i = k; i < rows; i++) r[i * cols + j] -= f * v[i];
            }
            double dc = 0;
            for (int i = k; i < rows; i++) dc += v[i] * c[i];
            double fc = 2 * dc / vv;
            for (int i = k; i < rows; i++) c[i] -= fc * v[i];
        }
        var x = new double[cols];
        for (int k = cols - 1; k >= 0; k--)
        {
            double s = c[k];
            for (int j = k + 1; j < cols; j++) s -= r[k * cols + j] * x[j];
            x[k] = s / r[k * cols + k];
        }
        return x;
    }

    /// <summary>Row-major [rows, n] with orthonormal columns: modified Gram–Schmidt, applied twice for orthogonality to round-off.</summary>
    public static double[] OrthonormalColumns(int rows, int n, int seed)
    {
        double[] q = RandomMatrix(rows, n, seed);
        for (int pass = 0; pass < 2; pass++)
        {
            for (int k = 0; k < n; k++)
            {
                for (int p = 0; p < k; p++)
                {
                    double dot = 0;
                    for (int i = 0; i < rows; i++) dot += q[i * n + p] * q[i * n + k];
                    for (int i = 0; i < rows; i++) q[i * n + k] -= dot * q[i * n + p];
                }
                double norm = 0;
                for (int i = 0; i < rows; i++) norm += q[i * n + k] * q[i * n + k];
                norm = Math.Sqrt(norm);
                for (int i = 0; i < rows; i++) q[i * n + k] /= norm;
            }
        }
        return q;
    }

    /// <summary>
    /// A = U diag(s) Hᵀ with U orthonormal [rows, n] and H the n×n Sylvester–Hadamard matrix divided by √n
    /// (n a power of 2). Every column of A has the same norm sqrt(Σ s²/n), so column equilibration is a uniform
    /// scaling and leaves the singular-value ratios, hence cond₂(A) = max s / min s, unchanged.
    /// </summary>
    public static double[] KnownSingularValues(int rows, double[] s, int seed)
    {
        int n = s.Length;
        var h = new double[n * n];
        h[0] = 1;
        for (int size = 1; size < n; size *= 2)
        {
            for (int i = 0; i < size; i++)
                for (int j = 0; j < size; j++)
                {
                    double v = h[i * n + j];
                    h[i * n + j + size] = v;
                    h[(i + size) * n + j] = v;
                    h[(i + size) * n + j + size] = -v;
                }
        }
        double inv = 1 / Math.Sqrt(n);
        double[] u = OrthonormalColumns(rows, n, seed);
        var a = new double[rows * n];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int k = 0; k < n; k++) sum += u[i * n + k] * s[k] * h[j * n + k] * inv;
                a[i * n + j] = sum;
            }
        return a;
    }

    /// <summary>Row-major [rows, cols] with orthonormal columns: MGS twice, like <see cref="OrthonormalColumns"/>, but on contiguous columns (fast for rows in the thousands).</summary>
    public static double[] OrthonormalColumnsFast(int rows, int cols, int seed)
    {
        double[] g = RandomMatrix(cols, rows, seed); // row k = column k of U
        for (int pass = 0; pass < 2; pass++)
            for (int k = 0; k < cols; k++)
            {
                var qk = g.AsSpan(k * rows, rows);
                for (int p = 0; p < k; p++)
                {
                    var qp = g.AsSpan(p * rows, rows);
                    double dot = System.Numerics.Tensors.TensorPrimitives.Dot<double>(qp, qk);
                    for (int i = 0; i < rows; i++) qk[i] -= dot * qp[i];
                }
                double norm = Norm(qk);
                for (int i = 0; i < rows; i++) qk[i] /= norm;
            }
        var u = new double[rows * cols];
        for (int k = 0; k < cols; k++)
            for (int i = 0; i < rows; i++) u[i * cols + k] = g[k * rows + i];
        return u;
    }

    /// <summary>U diag(s) Vᵀ with U row-major [rows, cols] and V row-major [cols, cols].</summary>
    public static double[] FromSvd(double[] u, double[] s, double[] v, int rows, int cols)
    {
        var vs = new double[cols * cols]; // vs[k, j] = s_k V[j, k]
        for (int k = 0; k < cols; k++)
            for (int j = 0; j < cols; j++) vs[k * cols + j] = s[k] * v[j * cols + k];
        var a = new double[rows * cols];
        for (int i = 0; i < rows; i++)
        {
            var row = a.AsSpan(i * cols, cols);
            for (int k = 0; k < cols; k++)
            {
                double uik = u[i * cols + k];
                if (uik != 0) System.Numerics.Tensors.TensorPrimitives.MultiplyAdd<double>(vs.AsSpan(k * cols, cols), uik, row, row);
            }
        }
        return a;
    }
}
