// Feature Jacobians of one snapshot of the default 3×3×3 lattice: the graph HGN and the separable pair model.
using BenchmarkDotNet.Attributes;
using Engine.Features;

namespace Engine.Benchmarks.Suite;

/// <summary>
/// <c>EvaluateJacobian</c> (both halves ∂Φ/∂p and ∂Φ/∂q, stride F + 1, as the assembly writes them) on snapshot 0 of
/// the default lattice (27 particles, 54 springs) at the training default widths: graph 128/128/1024 (F = 1280),
/// pair 256 (F = 257).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Features", "Jacobian")]
public class JacobianBench
{
    private FeatureFixture _graph = null!, _pair = null!;
    private FeatureWorkspace _graphWs = null!, _pairWs = null!;
    private double[] _gp = null!, _gq = null!, _pp = null!, _pq = null!;

    [GlobalSetup]
    public void Setup()
    {
        _graph = BenchFixtures.DefaultLatticeGraph();
        _pair = BenchFixtures.DefaultLatticePair();
        _graphWs = _graph.Features.CreateWorkspace();
        _pairWs = _pair.Features.CreateWorkspace();
        _gp = new double[_graph.RowsPerHalf * _graph.Stride]; _gq = new double[_gp.Length];
        _pp = new double[_pair.RowsPerHalf * _pair.Stride]; _pq = new double[_pp.Length];
    }

    [Benchmark]
    public void GraphHgn() => _graph.Features.EvaluateJacobian(_graph.Snapshot0, _gp, _gq, _graph.Stride, _graphWs);

    [Benchmark]
    public void PairPotential() => _pair.Features.EvaluateJacobian(_pair.Snapshot0, _pp, _pq, _pair.Stride, _pairWs);
}
