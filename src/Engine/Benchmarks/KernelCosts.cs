// The flop and byte counts behind every roofline number: one documented formula per kernel.
namespace Engine.Benchmarks;

/// <summary>
/// Floating-point operations and compulsory memory traffic of each timed kernel, as functions of its sizes.
/// Conventions: an FMA counts 2 flops; a division, square root or comparison 1; a select 0. Bytes are the
/// compulsory traffic of 8-byte doubles (each input read once, each output written once; write-allocate
/// traffic is not counted, as in STREAM), so the GB/s derived from them is a lower bound on real traffic.
/// Data that stays in cache across calls (layer weights, θ) is not counted. Transcendentals are counted by
/// the operations of their vector implementations (estimates; see the constants).
/// </summary>
public static class KernelCosts
{
    /// <summary>
    /// tanh and its derivative per element (<see cref="Features.Activation"/>): both branches are evaluated for
    /// every lane: e^{2|x|} ≈ 25 (range reduction + degree-11 polynomial + scaling), 1 − 2/(e + 1) 3, the rational
    /// branch 13 (x², P: 4, Q: 5, a + a·z·P/Q: 4), |x|, sign and select 2, σ' = 1 − t² 2. Total ≈ 45.
    /// </summary>
    public const double TanhFlops = 45;

    /// <summary>sin and cos per element (σ and σ' of the sin activation): ≈ 25 each (reduction + polynomial).</summary>
    public const double SinCosFlops = 50;

    /// <summary>LinearCombination: <c>row += c0·x + c1·y + c2·z</c>: 3 FMAs = 6 flops; reads row, x, y, z, writes row: 40 bytes per element.</summary>
    public static (double Flops, double Bytes) LinearCombination(int n) => (6.0 * n, 40.0 * n);

    /// <summary>DotProduct: 1 FMA = 2 flops; reads x and y: 16 bytes per element.</summary>
    public static (double Flops, double Bytes) DotProduct(int n) => (2.0 * n, 16.0 * n);

    /// <summary>Activation with derivative: <paramref name="flopsPerElement"/>; reads z, writes σ and σ': 24 bytes per element.</summary>
    public static (double Flops, double Bytes) Activation(int n, double flopsPerElement) => (flopsPerElement * n, 24.0 * n);

    /// <summary>
    /// <see cref="Features.GraphHgnFeatures.EvaluateJacobian"/> on one snapshot of N particles in d dimensions with
    /// E undirected edges and widths (nv, ne, nm), tanh activations (A = <see cref="TanhFlops"/>):
    /// <code>
    ///   node, per particle:         nv·(2 + A + 1 + 2d)      pre-activation (copy + 1 FMA), σ/σ', σ'∘w, d row AXPYs
    ///   edge, per edge:             ne·(2 + A + 1 + 4d)      the same, scattered into both endpoints' d rows
    ///   message, per edge × 2 dirs: nm·(12 + A + 6 + 24d)    6-input pre-activation, σ/σ', six t_l = σ'∘W[:,l],
    ///                                                        4·d LinearCombination rows of 6 flops
    /// </code>
    /// Bytes: the compulsory output, both halves of the block <c>[2·N·d, stride]</c> written once; the rows are in fact
    /// cleared then updated once per incident edge, so real traffic is several times higher.
    /// </summary>
    public static (double Flops, double Bytes) GraphJacobian(int particles, int d, int edges, int nv, int ne, int nm, int stride)
    {
        double a = TanhFlops;
        double flops = particles * nv * (2 + a + 1 + 2.0 * d)
                     + edges * ne * (2 + a + 1 + 4.0 * d)
                     + 2.0 * edges * nm * (12 + a + 6 + 24.0 * d);
        return (flops, 2.0 * particles * d * stride * 8);
    }

    /// <summary>
    /// <see cref="Training.SystemAssembly.Assemble"/> into normal equations for S snapshots: R = S·2·N·d rows of
    /// C = F + 1 columns. Flops: S Jacobians (<paramref name="jacobianFlops"/> each) + dsyrk on the upper triangle
    /// R·C·(C + 1) + Aᵀb (dgemv) 2·R·C + column sums of squares 2·R·C. Bytes: each block written by the Jacobian,
    /// then read by the column sums and by dsyrk: 3·R·C·8.
    /// </summary>
    public static (double Flops, double Bytes) NormalEquationsAssembly(int snapshots, int rowsPerSnapshot, int cols, double jacobianFlops)
    {
        double r = (double)snapshots * rowsPerSnapshot, c = cols;
        return (snapshots * jacobianFlops + r * c * (c + 1) + 4 * r * c, 3 * r * c * 8);
    }

    /// <summary>
    /// gelsd on an m×n system (m ≥ n): 2mn² + 11n³, the R-SVD least-squares count of Golub &amp; Van Loan
    /// (Matrix Computations, 3rd ed., §5.7.1); the equilibration and residual add O(mn). Bytes: A read to make the
    /// equilibrated column-major copy, the copy written, then read by LAPACK: 3·m·n·8.
    /// </summary>
    public static (double Flops, double Bytes) Gelsd(int m, int n) => (2.0 * m * n * n + 11.0 * n * n * n, 3.0 * m * n * 8);

    /// <summary>
    /// <see cref="Solve.NormalEquations.Solve"/> on an accumulated n×n Gram matrix with no zero column. Flops counted:
    /// dpotrf n³/3 (its n²/2 lower-order term left out); dpotrs 2n² (two triangular solves); dpocon 4n², counted as
    /// two applications of F⁻¹ at 2n² each (its Hager–Higham estimator usually makes 4–5, so this undercounts); the
    /// residual's dsymv on the raw G 2n²; the equilibration n² (two multiplications per stored element of one
    /// triangle). Not counted: dlansy's and the dot products' additions. Total n³/3 + 9n²; the n² terms are 0.9 % of
    /// it at n = 3072 and 0.4 % at 6144. Bytes, one n²/2 triangle per pass: G's triangle read by the equilibration and
    /// by dsymv, F's triangle written once, then read and written by dpotrf: 5·(n²/2)·8. The triangular solves re-read
    /// the factor, which does not fit in cache at these sizes; that traffic is not counted.
    /// </summary>
    public static (double Flops, double Bytes) CholeskySolve(int n) => (n * (double)n * n / 3 + 9.0 * n * n, 20.0 * n * n);

    /// <summary>
    /// The sketch-and-precondition solver on an m×n system with s sketch rows, ζ nonzeros per row of A, rank r and
    /// k CGLS iterations: the sketch application ζ·m·n adds, dgeqrf of the s×n sketch 2sn² − 2n³/3, dgeqp3 of its n×n
    /// factor 4n³/3, and per iteration one fused pass over A (A·v and Aᵀ·(A·v), 4mn) plus the two triangular solves
    /// with the r×r preconditioner (2r²); the first and last passes (exact residual) count as one more iteration each.
    /// Bytes: A read once for the equilibration, once for the sketch and once per pass, 8·m·n·(k + 4); the iterations
    /// are memory-bound, so GB/s is the figure to compare with the copy peak.
    /// </summary>
    public static (double Flops, double Bytes) Sketch(int m, int n, int s, int zeta, int r, int k) =>
        ((double)zeta * m * n + 2.0 * s * n * n - 2.0 / 3 * n * n * n + 4.0 / 3 * n * n * n + (k + 2) * (4.0 * m * n + 2.0 * r * r),
         8.0 * m * n * (k + 4));

    /// <summary>
    /// <see cref="Features.PairPotentialFeatures.EvaluatePotential"/> with gradient over E pairs at width W (tanh):
    /// per pair W·(2 + A + 4) + 24: pre-activation (copy + FMA), σ/σ', θ·σ and (θ∘w)·σ' (2 flops each per neuron),
    /// then cutoff function, dV/dr and the scatter. Bytes: the edge list (I, J: 8, Dr: 24, R: 8 = 40 per pair) and
    /// ∂V/∂q written once (N·3·8); the per-neuron vectors stay in L1.
    /// </summary>
    public static (double Flops, double Bytes) PairPotential(int pairs, int width, int particles) =>
        (pairs * (width * (2 + TanhFlops + 4) + 24.0), 40.0 * pairs + 24.0 * particles);

    /// <summary><see cref="LennardJonesEdgeKernel"/> over E pairs: <see cref="LennardJonesEdgeKernel.FlopsPerPair"/> per pair, the same bytes as the pair model.</summary>
    public static (double Flops, double Bytes) LennardJonesPairs(int pairs, int particles) =>
        ((double)LennardJonesEdgeKernel.FlopsPerPair * pairs, 40.0 * pairs + 24.0 * particles);

    /// <summary>dgemm C = A·B, n×n: 2n³ flops; A and B read, C written: 3·n²·8 bytes.</summary>
    public static (double Flops, double Bytes) Dgemm(int n) => (2.0 * n * n * n, 3.0 * n * n * 8);

    /// <summary>A copy of n doubles: 0 flops; read + write 16 bytes per element (STREAM's convention).</summary>
    public static (double Flops, double Bytes) Copy(long n) => (0, 16.0 * n);
}
