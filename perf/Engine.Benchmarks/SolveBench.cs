// The least-squares head: dense gelsd / pivoted QR / Cholesky / sketch-and-precondition and the streamed normal equations on one matrix.
using BenchmarkDotNet.Attributes;
using Engine.Solve;

namespace Engine.Benchmarks.Suite;

/// <summary>
/// min ‖A x − b‖ for a 20,000 × 512 random-feature-like A (tanh of random projections: numerically rank deficient,
/// like real feature matrices). Each dense call equilibrates and copies A (so allocates about |A|); NormalEquations
/// accumulates the same rows with dsyrk in 4,096-row blocks, then solves. CholeskyGram3072 and CholeskyGram6144 time
/// <see cref="Engine.Solve.NormalEquations.Solve"/> alone on an accumulated random-feature Gram (the roofline's
/// cholesky_solve rows; each allocates its n² factor). Few iterations: each call takes ~0.1–3 s.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Solve")]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class SolveBench
{
    private const int Rows = 20000, Cols = 512, Block = 4096;
    private double[] _a = null!, _b = null!;
    private NormalEquations _gram = null!;

    // Targeted setups, so the dense cases do not build a 6144² Gram and the Gram cases do not build A.
    [GlobalSetup(Targets = [nameof(Gelsd), nameof(Qr), nameof(Cholesky), nameof(Sketch), nameof(NormalEquations)])]
    public void Setup() => (_a, _b) = BenchFixtures.RandomFeatureSystem(Rows, Cols);

    [GlobalSetup(Target = nameof(CholeskyGram3072))]
    public void SetupGram3072() => _gram = BenchFixtures.AccumulatedRandomFeatureGram(3072);

    [GlobalSetup(Target = nameof(CholeskyGram6144))]
    public void SetupGram6144() => _gram = BenchFixtures.AccumulatedRandomFeatureGram(6144);

    [Benchmark(Baseline = true)]
    public SolveReport Gelsd() => DenseLeastSquares.Solve(_a, Rows, Cols, _b, SolverKind.Gelsd);

    [Benchmark]
    public SolveReport Qr() => DenseLeastSquares.Solve(_a, Rows, Cols, _b, SolverKind.Qr);

    [Benchmark]
    public SolveReport Cholesky() => DenseLeastSquares.Solve(_a, Rows, Cols, _b, SolverKind.Cholesky, ridge: 1e-12);

    [Benchmark]
    public SolveReport Sketch() => DenseLeastSquares.Solve(_a, Rows, Cols, _b, SolverKind.Sketch);

    [Benchmark]
    public SolveReport NormalEquations() => AccumulateAndSolve();

    [Benchmark]
    public SolveReport CholeskyGram3072() => _gram.Solve(1e-12);

    /// <summary>Ridge 1e-10, as in the roofline: at 1e-12 (below n·ε) this rank-deficient Gram is refused as singular.</summary>
    [Benchmark]
    public SolveReport CholeskyGram6144() => _gram.Solve(1e-10);

    private SolveReport AccumulateAndSolve()
    {
        var normal = new NormalEquations(Cols);
        for (int r0 = 0; r0 < Rows; r0 += Block)
        {
            int k = Math.Min(Block, Rows - r0);
            normal.Accumulate(_a.AsSpan(r0 * Cols, k * Cols), k, _b.AsSpan(r0, k));
        }
        return normal.Solve();
    }
}
