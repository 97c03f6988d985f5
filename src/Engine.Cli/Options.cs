// Option parsing shared by several commands: enum names as the CLI spells them.
using Engine.Common;
using Engine.Dynamics;
using Engine.Equations;
using Engine.Features;
using Engine.Solve;
using Engine.Training;

namespace Engine.Cli;

internal static class Names
{
    public static ModelFamily Family(string s) => s switch
    {
        "graph" => ModelFamily.Graph,
        "pair" => ModelFamily.Pair,
        _ => throw new InvalidInputException($"--model '{s}' is not a model family; use 'graph' (non-separable graph HGN) or 'pair' (separable pair potential)"),
    };

    public static string Of(ModelFamily f) => f == ModelFamily.Pair ? "pair" : "graph";

    public static GraphConstruction Construction(string s) => s switch
    {
        "invariant" => GraphConstruction.Invariant,
        "frame" => GraphConstruction.Frame,
        _ => throw new InvalidInputException($"--construction '{s}' is unknown; use 'invariant' (frame-free, the default) or 'frame' (the paper's local frame)"),
    };

    /// <summary>The construction of a graph model as the CLI spells it; null for a pair model.</summary>
    public static string? ConstructionOf(ModelFamily f) => f switch
    {
        ModelFamily.Graph => "invariant",
        ModelFamily.GraphFrame => "frame",
        _ => null,
    };

    public static SamplerKind Sampler(string s) => s switch
    {
        "swim" => SamplerKind.Swim,
        "elm" => SamplerKind.Elm,
        _ => throw new InvalidInputException($"--sampler '{s}' is unknown; use 'swim' or 'elm'"),
    };

    public static string Of(SamplerKind k) => k == SamplerKind.Swim ? "swim" : "elm";

    public static ActivationKind Activation(string s) => s switch
    {
        "tanh" => ActivationKind.Tanh,
        "sin" => ActivationKind.Sin,
        _ => throw new InvalidInputException($"--activation '{s}' is unknown; use 'tanh' or 'sin'"),
    };

    public static SolverKind Solver(string s) => s switch
    {
        "cholesky" => SolverKind.Cholesky,
        "gelsd" => SolverKind.Gelsd,
        "qr" => SolverKind.Qr,
        "sketch" => SolverKind.Sketch,
        "auto" => SolverKind.Auto,
        _ => throw new InvalidInputException($"--solver '{s}' is unknown; use 'auto', 'gelsd' (SVD, as the paper), 'qr' (rank-revealing QR), 'cholesky' (regularised normal equations, streamed) or 'sketch' (randomized sketch-and-precondition CGLS)"),
    };

    public static string Of(SolverKind k) => k switch
    {
        SolverKind.Cholesky => "cholesky", SolverKind.Gelsd => "gelsd", SolverKind.Qr => "qr", SolverKind.Sketch => "sketch", _ => "auto",
    };

    public static RowWeighting Weighting(string s) => s switch
    {
        "none" => RowWeighting.None,
        "balanced" => RowWeighting.Balanced,
        _ => throw new InvalidInputException($"--weighting '{s}' is unknown; use 'none' or 'balanced'"),
    };

    public static IntegratorKind Integrator(string s) => s switch
    {
        "stormer-verlet" => IntegratorKind.StormerVerlet,
        "velocity-verlet" => IntegratorKind.VelocityVerlet,
        "implicit-midpoint" => IntegratorKind.ImplicitMidpoint,
        _ => throw new InvalidInputException($"--integrator '{s}' is unknown; use 'stormer-verlet', 'velocity-verlet' or 'implicit-midpoint'"),
    };

    public static int Positive(int v, string option) => v > 0 ? v : throw new InvalidInputException($"{option} must be positive (got {v})");
}
