// The feature kernels side by side: scalar reference, explicit Vector256, explicit Vector512, dispatcher, TensorPrimitives.
using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Engine.Features;
using Engine.Features.Kernels;

namespace Engine.Benchmarks.Suite;

/// <summary>
/// LinearCombination (<c>row += c0·x + c1·y + c2·z</c>), DotProduct and the tanh/sin activations (value and
/// derivative) at n = 128 (in L1) and 6·512+7 (in L2, a tail at every width). Each group's baseline is the scalar
/// reference. The TensorPrimitives form of LinearCombination is three MultiplyAdd passes (what the kernel fuses);
/// of tanh, Tanh then σ' = 1 − t² in two more passes; of sin, Sin and Cos.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class FeatureKernelBench
{
    [Params(128, 6 * 512 + 7)]
    public int N;

    private double[] _x = null!, _y = null!, _z = null!, _row = null!, _v = null!, _dv = null!;

    [GlobalSetup]
    public void Setup()
    {
        _x = BenchFixtures.Uniform(N, 1);
        _y = BenchFixtures.Uniform(N, 2);
        _z = BenchFixtures.Uniform(N, 3, -4, 4);
        _row = BenchFixtures.Uniform(N, 4);
        _v = new double[N];
        _dv = new double[N];
    }

    // The coefficients are tiny so that the row, updated in place by every call, stays O(1) over a whole run.
    private const double C0 = 1e-9, C1 = -1e-9, C2 = 1e-9;

    #region LinearCombination
    [Benchmark(Baseline = true), BenchmarkCategory("LinearCombination")]
    public void LinCombScalar() => LinearCombination.Scalar(_row, C0, _x, C1, _y, C2, _z);

    [Benchmark, BenchmarkCategory("LinearCombination")]
    public void LinCombVector256() => LinearCombination.ApplyVector256(_row, C0, _x, C1, _y, C2, _z);

    [Benchmark, BenchmarkCategory("LinearCombination")]
    public void LinCombVector512() => LinearCombination.ApplyVector512(_row, C0, _x, C1, _y, C2, _z);

    [Benchmark, BenchmarkCategory("LinearCombination")]
    public void LinCombDispatch() => LinearCombination.Apply(_row, C0, _x, C1, _y, C2, _z);

    [Benchmark, BenchmarkCategory("LinearCombination")]
    public void LinCombTensorPrimitives3Pass() { TensorPrimitives.MultiplyAdd(_x, C0, _row, _row); TensorPrimitives.MultiplyAdd(_y, C1, _row, _row); TensorPrimitives.MultiplyAdd(_z, C2, _row, _row); }
    #endregion

    #region DotProduct
    [Benchmark(Baseline = true), BenchmarkCategory("DotProduct")]
    public double DotScalar() => DotProduct.Scalar(_x, _y);

    [Benchmark, BenchmarkCategory("DotProduct")]
    public double DotVector256() => DotProduct.ApplyVector256(_x, _y);

    [Benchmark, BenchmarkCategory("DotProduct")]
    public double DotVector512() => DotProduct.ApplyVector512(_x, _y);

    [Benchmark, BenchmarkCategory("DotProduct")]
    public double DotTensorPrimitives() => TensorPrimitives.Dot(_x, _y);
    #endregion

    #region Activation tanh
    [Benchmark(Baseline = true), BenchmarkCategory("Tanh")]
    public void TanhScalar() => Activation.ApplyScalar(ActivationKind.Tanh, _z, _v, _dv);

    [Benchmark, BenchmarkCategory("Tanh")]
    public void TanhVector256() => Activation.ApplyVector256(ActivationKind.Tanh, _z, _v, _dv);

    [Benchmark, BenchmarkCategory("Tanh")]
    public void TanhVector512() => Activation.ApplyVector512(ActivationKind.Tanh, _z, _v, _dv);

    [Benchmark, BenchmarkCategory("Tanh")]
    public void TanhTensorPrimitives() { TensorPrimitives.Tanh(_z, _v); TensorPrimitives.Multiply(_v, _v, _dv); TensorPrimitives.Subtract(1.0, _dv, _dv); }
    #endregion

    #region Activation sin
    [Benchmark(Baseline = true), BenchmarkCategory("Sin")]
    public void SinScalar() => Activation.ApplyScalar(ActivationKind.Sin, _z, _v, _dv);

    [Benchmark, BenchmarkCategory("Sin")]
    public void SinVector256() => Activation.ApplyVector256(ActivationKind.Sin, _z, _v, _dv);

    [Benchmark, BenchmarkCategory("Sin")]
    public void SinVector512() => Activation.ApplyVector512(ActivationKind.Sin, _z, _v, _dv);

    [Benchmark, BenchmarkCategory("Sin")]
    public void SinTensorPrimitives() { TensorPrimitives.Sin(_z, _v); TensorPrimitives.Cos(_z, _dv); }
    #endregion
}
