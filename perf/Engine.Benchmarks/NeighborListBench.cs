// Neighbour search: the O(N) cell list against the O(N²) all-pairs reference on the same LJ configuration.
using BenchmarkDotNet.Attributes;
using Engine.Graph;

namespace Engine.Benchmarks.Suite;

/// <summary>
/// One full pair search of N Lennard-Jones particles (ρ* 0.8, rc 2.5σ, periodic cube). 128 is the smallest power of
/// two whose box is ≥ 2·rc (64 particles give 4.3σ &lt; 5σ, where the minimum image is ambiguous); 3·512+7 is not a
/// multiple of any cell or vector count. Both reuse their buffers, so steady state allocates nothing.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Graph", "NeighborList")]
public class NeighborListBench
{
    [Params(128, 3 * 512 + 7)]
    public int N;

    private LennardJonesFixture _lj = null!;
    private PeriodicBox _box = null!;
    private readonly CellList _cells = new();
    private readonly EdgeBuffer _edges = new();

    [GlobalSetup]
    public void Setup()
    {
        _lj = BenchFixtures.LennardJones(N, width: 8, seed: 0);
        _box = new PeriodicBox(3, _lj.Box);
        _cells.Update(_lj.Q, N, _lj.Cutoff, _box, _edges);
    }

    [Benchmark(Baseline = true)]
    public void CellList() => _cells.Update(_lj.Q, N, _lj.Cutoff, _box, _edges);

    [Benchmark]
    public void BruteForce() => BruteForcePairs.Build(_lj.Q, N, _lj.Cutoff, _box, _edges);
}
