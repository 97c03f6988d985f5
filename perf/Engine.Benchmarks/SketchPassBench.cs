// The memory-bound parts of the sketch solver on a matrix of the default lattice's shape: its CGLS pass and its sketch.
using BenchmarkDotNet.Attributes;
using Engine.Solve;
using static Engine.Interop.Interop;

namespace Engine.Benchmarks.Suite;

/// <summary>
/// On a random 64,801 × 1,409 row-major Z (730 MB, the shape of the default lattice at node/edge/message widths
/// 128/256/1024): one <see cref="FusedNormalPass"/> (Z·x and Zᵀ(Z·x) in one read of Z) against the two OpenBLAS dgemv
/// calls LSQR made per iteration, and the sparse sign sketch (<see cref="SparseSignSketch.Apply"/>, 4·n rows). All three
/// stream Z from memory, so their time against the copy peak of `hgn bench` is the figure of merit. The fused pass and
/// the sketch pick their vector width inside; <see cref="IsaWidthsConfig"/> runs the class under the settings that make
/// them pick Vector512, Vector256 and the scalar loops (the dgemv rows are OpenBLAS's, the same in every job).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Solve")]
[Config(typeof(IsaWidthsConfig))]
public class SketchPassBench
{
    private const int Rows = 64801, Cols = 1409;
    private double[] _z = null!, _x = null!, _b = null!, _q = null!, _g = null!, _sketch = null!, _scale = null!;
    private int[] _kept = null!;
    private FusedNormalPass _pass = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _z = new double[(long)Rows * Cols];
        for (long i = 0; i < _z.Length; i++) _z[i] = rng.NextDouble() - 0.5;
        _x = Enumerable.Range(0, Cols).Select(_ => rng.NextDouble()).ToArray();
        _b = Enumerable.Range(0, Rows).Select(_ => rng.NextDouble()).ToArray();
        _q = new double[Rows];
        _g = new double[Cols];
        _pass = new FusedNormalPass(Rows, Cols);
        _kept = Enumerable.Range(0, Cols).ToArray();
        _scale = Enumerable.Repeat(1.0, Cols).ToArray();
        _sketch = new double[(long)SketchRows * (Cols + 1)];
        Engine.Interop.NativeLibraries.EnsureLoaded();
    }

    private static int SketchRows => SketchPreconditioned.SketchRowsPerColumn * Cols;

    [Benchmark(Baseline = true)]
    public double FusedPass() => _pass.Run(_z, _x, default, _q, _g);

    [Benchmark]
    public unsafe void TwoDgemv()
    {
        fixed (double* pz = _z, px = _x, pq = _q, pg = _g)
        {
            OpenBlas.Dgemv(OpenBlas.RowMajor, OpenBlas.NoTrans, Rows, Cols, 1.0, pz, Cols, px, 1, 0.0, pq, 1);
            OpenBlas.Dgemv(OpenBlas.RowMajor, OpenBlas.Trans, Rows, Cols, 1.0, pz, Cols, pq, 1, 0.0, pg, 1);
        }
    }

    [Benchmark]
    public void Sketch() => SparseSignSketch.Apply(_z, Rows, Cols, _b, _kept, _scale, Cols, SketchRows, seed: 0, _sketch, SketchRows);
}
