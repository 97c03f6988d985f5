// System assembly: Hamilton's-equation rows of a batch of snapshots streamed into normal equations.
using BenchmarkDotNet.Attributes;
using Engine.Equations;
using Engine.Features;
using Engine.Solve;
using Engine.Training;

namespace Engine.Benchmarks.Suite;

/// <summary>
/// <see cref="SystemAssembly.Assemble"/> on the Cholesky path (Jacobian rows block by block, dsyrk into G = ZᵀZ) for
/// 40 snapshots of the default lattice with the graph HGN at 128/128/1024 (6,480 rows × 1,281 columns), and one
/// snapshot's <see cref="HamiltonRows.FillSnapshot"/> alone (the rows without the Gram update).
/// Assemble allocates its block and G per call (reported by the memory diagnoser).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Training", "Assembly")]
public class AssemblyBench
{
    private FeatureFixture _graph = null!;
    private FeatureWorkspace _ws = null!;
    private double[] _block = null!, _rhs = null!;
    private TrainingOptions _options = null!;

    /// <summary>Assembly workers (TrainingOptions.Threads): 1 = sequential, with OpenBLAS's own threads in dsyrk.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _options = new TrainingOptions { Solver = SolverKind.Cholesky, Threads = Threads };
        _graph = BenchFixtures.DefaultLatticeGraph();
        _ws = _graph.Features.CreateWorkspace();
        _block = new double[2 * _graph.RowsPerHalf * _graph.Stride];
        _rhs = new double[2 * _graph.RowsPerHalf];
    }

    [Benchmark]
    public AssembledSystem NormalEquations40Snapshots() => SystemAssembly.Assemble(_graph.Data, _graph.Topology, _graph.Features, _options, _ => { });

    [Benchmark]
    public void HamiltonRowsOneSnapshot() => HamiltonRows.FillSnapshot(_graph.Features, _graph.Snapshot0, _graph.Data.DqOf(0), _graph.Data.DpOf(0), 1.0, 1.0, _block, _rhs, _ws);
}
