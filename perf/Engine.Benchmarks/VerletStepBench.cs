// Neighbour search per MD step: a fresh cell-list search every step against a Verlet list reused with a skin.
using BenchmarkDotNet.Attributes;
using Engine.Dynamics;
using Engine.Simulation;

namespace Engine.Benchmarks.Suite;

/// <summary>
/// One velocity-Verlet step (dt 5e-3) of the true Lennard-Jones Hamiltonian (ρ* 0.8, T* 1, rc 2.5σ, periodic cube)
/// at 10³–10⁵ particles: with skin 0 (a fresh cell-list search at every step, the engine before Verlet lists) and
/// with the default skin 0.3σ (a Verlet list rebuilt only when particles have moved far enough). The state advances
/// from call to call, so the reuse case pays its rebuilds at their real rate; the setup runs 100 steps first so the
/// lattice start has begun to melt. Both trajectories are the same up to round-off; the force loop is the same code,
/// so the difference is the neighbour work per step.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Graph", "Dynamics", "NeighborList")]
public class VerletStepBench
{
    [Params(1_000, 10_000, 100_000)]
    public int N;

    private double[] _qFresh = null!, _pFresh = null!, _qReuse = null!, _pReuse = null!;
    private Integrator _fresh = null!, _reuse = null!;
    private LennardJones _ljReuse = null!;
    private long _stepsReuse, _buildsAtStart;
    private const double Dt = 5e-3;

    [GlobalSetup]
    public void Setup()
    {
        var system = new LennardJonesSystem();
        _qFresh = new double[3 * N]; _pFresh = new double[3 * N];
        system.InitialState(N, seed: 0, _qFresh, _pFresh);
        var ljFresh = new LennardJonesSystem { Skin = 0 }.Hamiltonian(N);
        _ljReuse = new LennardJonesSystem { Skin = LennardJones.DefaultSkinOverSigma }.Hamiltonian(N);
        _fresh = new Integrator(ljFresh, IntegratorKind.VelocityVerlet);
        _reuse = new Integrator(_ljReuse, IntegratorKind.VelocityVerlet);
        for (int s = 0; s < 100; s++) _reuse.Step(_qFresh, _pFresh, Dt);
        _qReuse = (double[])_qFresh.Clone(); _pReuse = (double[])_pFresh.Clone();
        _buildsAtStart = _ljReuse.NeighbourSearches;
    }

    [GlobalCleanup]
    public void Report() =>
        Console.WriteLine($"// VerletStepBench N={N}: {_stepsReuse} reuse steps, {_ljReuse.NeighbourSearches - _buildsAtStart} list builds " +
                          $"({(double)_stepsReuse / Math.Max(1, _ljReuse.NeighbourSearches - _buildsAtStart):F1} steps per build)");

    [Benchmark(Baseline = true)]
    public void FreshSearchEveryStep() => _fresh.Step(_qFresh, _pFresh, Dt);

    [Benchmark]
    public void VerletListWithSkin()
    {
        _reuse.Step(_qReuse, _pReuse, Dt);
        _stepsReuse++;
    }
}
