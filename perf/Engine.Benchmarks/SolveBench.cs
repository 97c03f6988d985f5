// The least-squares head: dense gelsd / pivoted QR / Cholesky / sketch-and-precondition and the streamed normal equations on one matrix.
using BenchmarkDotNet.Attributes;
using Engine.Solve;

namespace Engine.Benchmarks.Suite;

/// <summary>
/// min ‖A x − b‖ for a 20,000 × 512 random-feature-like A (tanh of random projections: numerically rank deficient,
/// like real feature matrices). Each dense call equilibrates and copies A (so allocates about |A|); NormalEquations
/// accumulates the same rows with dsyrk in 4,096-row blocks, then solves. Few iterations: each call takes ~0.1–3 s.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Solve")]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class SolveBench
{
    private const int Rows = 20000, Cols = 512, Block = 4096;
    private double[] _a = null!, _b = null!;

    [GlobalSetup]
    public void Setup() => (_a, _b) = BenchFixtures.RandomFeatureSystem(Rows, Cols);

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
