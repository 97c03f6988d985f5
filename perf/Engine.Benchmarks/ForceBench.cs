// Force evaluation on a Lennard-Jones configuration: the learned pair model against plain LJ in the same loop.
using BenchmarkDotNet.Attributes;
using Engine.Features;

namespace Engine.Benchmarks.Suite;

/// <summary>
/// V and ∂V/∂q over a prebuilt edge list (the neighbour search is timed in <see cref="NeighborListBench"/>):
/// <see cref="PairPotentialFeatures.EvaluatePotential"/> at width 256 against <see cref="LennardJonesEdgeKernel"/>.
/// Pair evaluations per second = <see cref="Pairs"/> / mean time; the pair count is printed by the setup.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Force")]
public class ForceBench
{
    [Params(128, 3 * 512 + 7)]
    public int N;

    [Params(64, 256)]
    public int Width;

    private LennardJonesFixture _lj = null!;
    private FeatureWorkspace _ws = null!;
    private double[] _grad = null!;

    /// <summary>Pairs within the cutoff: the items each call evaluates.</summary>
    public int Pairs => _lj.Edges.Count;

    [GlobalSetup]
    public void Setup()
    {
        _lj = BenchFixtures.LennardJones(N, Width);
        _ws = _lj.Pair.CreateWorkspace();
        _grad = new double[3 * N];
        Console.WriteLine($"// ForceBench N={N}: {Pairs} pairs within rc");
    }

    [Benchmark]
    public double PairModel() => _lj.Pair.EvaluatePotential(_lj.Snapshot, _lj.Theta, _grad, _ws);

    [Benchmark(Baseline = true)]
    public double LennardJones() => LennardJonesEdgeKernel.Evaluate(_lj.Edges, N, 1, 1, _lj.Cutoff, _grad);
}
