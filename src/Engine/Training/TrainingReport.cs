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
    /// <summary>H₀ of the anchor row, and whether it came from the data (else H₀ = 0, which leaves the dynamics unchanged).</summary>
    public required double AnchorEnergy { get; init; }
    public required bool AnchorFromData { get; init; }
    public required double SamplingSeconds { get; init; }
    public required double AssemblySeconds { get; init; }
    public required double SolveSeconds { get; init; }
    /// <summary>Sampling + assembly + solve.</summary>
    public double FitSeconds => SamplingSeconds + AssemblySeconds + SolveSeconds;
}
