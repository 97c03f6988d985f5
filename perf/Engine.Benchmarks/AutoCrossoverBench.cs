// The comparison behind SolverChoice.CholeskyColumnLimit: Cholesky of the Gram against the iterations that remain once the sketch is factored.
using BenchmarkDotNet.Attributes;
using Engine.Solve;

namespace Engine.Benchmarks.Suite;

/// <summary>
/// On a well-conditioned random 64,801 × n system (full rank, cond ≈ 1), `auto` factors the sketch first and then
/// either solves by Cholesky of the Gram or runs CGLS on the factored sketch. This times the two sides of that choice:
/// <see cref="Cholesky"/> (the whole Cholesky solve: Gram, factorisation, residual) against <see cref="SketchIterations"/>
/// (CGLS and the exact residual from a factorization made once in the setup), with <see cref="SketchFactor"/> for
/// reference. Where the first exceeds the second, Cholesky no longer pays.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Solve")]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class AutoCrossoverBench
{
    private const int Rows = 64801;
    private double[] _a = null!, _b = null!;
    private SketchPreconditioned.Factorization _factor = null!;

    [Params(128, 192, 258, 512, 1024, 1409)]
    public int Cols { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(Cols);
        _a = new double[(long)Rows * Cols];
        for (long i = 0; i < _a.Length; i++) _a[i] = rng.NextDouble() - 0.5;
        _b = new double[Rows];
        for (int i = 0; i < Rows; i++) _b[i] = rng.NextDouble() - 0.5;
        _factor = SketchPreconditioned.Factor(_a, Rows, Cols, _b, rcond: 1e-13, ridge: 0, seed: 0);
    }

    [GlobalCleanup]
    public void Cleanup() => _factor.Dispose();

    [Benchmark(Baseline = true)]
    public SolveReport Cholesky() => DenseLeastSquares.Solve(_a, Rows, Cols, _b, SolverKind.Cholesky);

    [Benchmark]
    public SolveReport SketchIterations() =>
        SketchPreconditioned.Iterate(_factor, _a, Rows, Cols, _b, ridge: 0, SketchPreconditioned.DefaultTolerance, SketchPreconditioned.DefaultMaxIterations);

    [Benchmark]
    public void SketchFactor()
    {
        using var f = SketchPreconditioned.Factor(_a, Rows, Cols, _b, rcond: 1e-13, ridge: 0, seed: 0);
    }
}
