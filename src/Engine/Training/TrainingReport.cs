// What a training run did and how well the least-squares system was determined.
using Engine.Solve;

namespace Engine.Training;

/// <summary>Sizes, solver diagnostics and wall-clock times (seconds, no file I/O) of one training run.</summary>
public sealed record TrainingReport
{
    public required int Rows { get; init; }
    public required int Cols { get; init; }
    public required int Snapshots { get; init; }
    public required SolverKind Solver { get; init; }
    public required int Rank { get; init; }
    public required double ConditionEstimate { get; init; }
    public required double ResidualNorm { get; init; }
    public required int ZeroColumns { get; init; }
    /// <summary>The final relative residual ‖Z w − u‖₂ / ‖u‖₂ of the solve (the anchor row included, no ridge term).</summary>
    public double RelativeResidual { get; init; }
    /// <summary>CGLS iterations of the sketch solver; 0 for the direct solvers.</summary>
    public int SolverIterations { get; init; }
    /// <summary>Sketch solver: seconds of the sketch, its QR and SVD, within <see cref="SolveSeconds"/>; 0 otherwise.</summary>
    public double SolverFactorSeconds { get; init; }
    /// <summary>What was asked for: a solver, or <see cref="SolverKind.Auto"/> (then <see cref="Solver"/> is what the rule picked).</summary>
    public SolverKind SolverRequested { get; init; } = SolverKind.Auto;
    /// <summary>H₀ of the anchor row, and whether it came from the data (else H₀ = 0, which leaves the dynamics unchanged).</summary>
    public required double AnchorEnergy { get; init; }
    public required bool AnchorFromData { get; init; }
    public required double SamplingSeconds { get; init; }
    public required double AssemblySeconds { get; init; }
    public required double SolveSeconds { get; init; }
    /// <summary>Sampling + assembly + solve.</summary>
    public double FitSeconds => SamplingSeconds + AssemblySeconds + SolveSeconds;
}
