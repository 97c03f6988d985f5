// One velocity-Verlet step with a learned pair model, and with the true Lennard-Jones Hamiltonian for comparison.
using BenchmarkDotNet.Attributes;
using Engine.Common;
using Engine.Dynamics;
using Engine.Simulation;

namespace Engine.Benchmarks.Suite;

/// <summary>
/// <see cref="Integrator.Step"/> (velocity Verlet, dt 5e-3) of N LJ particles: a pair model (width 128) trained in
/// the setup on a short 128-particle run and transferred to N, against the analytic LJ. Each step includes the
/// cell-list neighbour search and one potential evaluation (both evaluators cache V at the same q). The state
/// advances from call to call, as in a real run.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Dynamics", "Step")]
public class StepBench
{
    [Params(128, 3 * 512 + 7)]
    public int N;

    private double[] _q = null!, _p = null!, _qTrue = null!, _pTrue = null!;
    private Integrator _learned = null!, _true = null!;
    private const double Dt = 5e-3;

    [GlobalSetup]
    public void Setup()
    {
        var model = BenchFixtures.LearnedLennardJonesPairModel();
        var lj = BenchFixtures.LennardJones(N, width: 8);
        _q = (double[])lj.Q.Clone(); _p = (double[])lj.P.Clone();
        _qTrue = (double[])lj.Q.Clone(); _pTrue = (double[])lj.P.Clone();
        IHamiltonian learned = model.CreateEvaluator(lj.Mass, lj.Species, null, lj.Box);
        _learned = new Integrator(learned, IntegratorKind.VelocityVerlet);
        _true = new Integrator(new LennardJones(N, lj.Box, cutoff: lj.Cutoff), IntegratorKind.VelocityVerlet);
    }

    [Benchmark]
    public void LearnedPairModel() => _learned.Step(_q, _p, Dt);

    [Benchmark(Baseline = true)]
    public void TrueLennardJones() => _true.Step(_qTrue, _pTrue, Dt);
}
