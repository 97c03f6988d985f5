// Every choice of a training run, with the defaults method.md and its measurements support.
using Engine.Equations;
using Engine.Features;
using Engine.Solve;

namespace Engine.Training;

/// <summary>Options of <see cref="Trainer.Train"/>. Defaults follow method.md §3 and §10.1.</summary>
public sealed record TrainingOptions
{
    public ModelFamily Family { get; init; } = ModelFamily.Graph;
    /// <summary>
    /// Graph models only: the frame-free invariant construction (default) or the paper's local-frame construction
    /// (method.md §2.2–2.4). <see cref="GraphConstruction.Frame"/> with <see cref="ModelFamily.Pair"/> is refused.
    /// </summary>
    public GraphConstruction Construction { get; init; } = GraphConstruction.Invariant;
    public SamplerKind Sampler { get; init; } = SamplerKind.Swim;
    public ActivationKind Activation { get; init; } = ActivationKind.Tanh;
    /// <summary>Graph: node-encoder width n_V.</summary>
    public int WidthNode { get; init; } = 128;
    /// <summary>Graph: edge-encoder width n_E.</summary>
    public int WidthEdge { get; init; } = 128;
    /// <summary>Graph: message-layer width d_L.</summary>
    public int WidthMessage { get; init; } = 1024;
    /// <summary>Pair: radial features per species pair.</summary>
    public int WidthPair { get; init; } = 256;
    public int Seed { get; init; } = 0;
    /// <summary>
    /// Pair: the name of each species code <c>[species count]</c> stored in the model; null = the data's
    /// <see cref="Data.PhaseSpaceData.SpeciesNames"/>, else the codes in decimal ("0", "1", …).
    /// </summary>
    public IReadOnlyList<string>? SpeciesNames { get; init; }
    /// <summary>
    /// The solver; null (or <see cref="SolverKind.Auto"/>) = automatic: while the dense system fits in
    /// <see cref="MaxDenseBytes"/>, <see cref="SolverChoice"/>'s rule on it (gelsd for small or square-ish systems,
    /// the sketch solver for tall ill-conditioned ones, Cholesky where the sketch shows the Gram matrix is safe);
    /// beyond that, the streamed Cholesky of the regularised normal equations (which squares cond(Z), so it stalls
    /// near 1e-9 where gelsd and the sketch reach 1e-18 on the default lattice — measured, see perf/RESULTS.md).
    /// </summary>
    public SolverKind? Solver { get; init; }
    /// <summary>Largest dense system Z (bytes) the automatic choice materialises for gelsd/QR.</summary>
    public long MaxDenseBytes { get; init; } = 3L << 30;
    /// <summary>Relative singular-value cutoff of gelsd / QR (the paper's group uses 1e-13).</summary>
    public double Rcond { get; init; } = 1e-13;
    /// <summary>CGLS stopping tolerance of the sketch solver (<see cref="DenseLeastSquares.SketchTolerance"/>).</summary>
    public double SolverTolerance { get; init; } = DenseLeastSquares.SketchTolerance;
    /// <summary>Ridge of the Cholesky solver relative to the mean diagonal of the equilibrated Gram matrix.</summary>
    public double Ridge { get; init; } = 1e-12;
    public RowWeighting Weighting { get; init; } = RowWeighting.None;
    /// <summary>At most this many input rows per layer are gathered for sampling (SWIM draws pairs among them).</summary>
    public int MaxSamplingRows { get; init; } = 100_000;
    /// <summary>
    /// Rows per assembled block of the streamed normal equations: whole snapshots are batched up to it, and a larger
    /// snapshot is cut into spatially compact particle blocks when the family allows it (pair), else it is one block (graph families).
    /// </summary>
    public int RowsPerBlock { get; init; } = 4096;
    /// <summary>
    /// Workers of the assembly (a fixed partition of snapshots or row blocks, so results do not depend on scheduling);
    /// null = every core, except on the streamed path from SystemAssembly.GramBoundColumns columns on, where one
    /// worker lets OpenBLAS thread the dsyrk that dominates; 1 = sequential on the calling thread.
    /// </summary>
    public int? Threads { get; init; }
    /// <summary>Progress messages (stderr in the CLI); null = silent.</summary>
    public Action<string>? Progress { get; init; }
}
