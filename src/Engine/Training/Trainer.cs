// The training pipeline: graph → sample hidden layers → assemble Hamilton's equations → solve the head.
using System.Diagnostics;
using Engine.Common;
using Engine.Data;
using Engine.Equations;
using Engine.Features;
using Engine.Graph;
using Engine.Model;
using Engine.Solve;

namespace Engine.Training;

/// <summary>Trains a <see cref="HamiltonianModel"/> from phase-space data with exact time derivatives.</summary>
public static class Trainer
{
    public static (HamiltonianModel Model, TrainingReport Report) Train(PhaseSpaceData data, TrainingOptions options)
    {
        data.Validate();
        if (!data.HasDerivatives) throw new InvalidInputException("training needs the time derivatives 'dq' and 'dp' in the data");
        var graph = GraphRule.Of(data);
        var topology = graph.TopologyFor(data);
        var progress = options.Progress ?? (_ => { });
        var speciesNames = SpeciesNamesOf(data, options);   // checked before the expensive part

        var clock = Stopwatch.StartNew();
        progress($"sampling {options.Family} features ({options.Sampler}, {Activation.Name(options.Activation)}) from {data.Snapshots} snapshots");
        IFeatureMap features = FeatureSampling.Sample(data, topology, graph, options);
        double samplingSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        progress($"assembling {2L * data.Snapshots * data.StateSize + 1} rows × {features.FeatureCount + 1} columns");
        using var system = SystemAssembly.Assemble(data, topology, features, options, progress);
        double assemblySeconds = clock.Elapsed.TotalSeconds;
        CheckBlocksDetermined(features, system.DerivativeColumnSumSquares);

        clock.Restart();
        progress($"solving with {system.Solver}");
        var report = system.Solve(options);
        double solveSeconds = clock.Elapsed.TotalSeconds;
        progress($"solved with {report.Solver}: rank {report.Rank}, condition estimate {report.ConditionEstimate:g3}, " +
                 $"relative residual {report.RelativeResidual:g3}" + (report.Iterations > 0 ? $", {report.Iterations} CGLS iterations" : ""));

        int F = features.FeatureCount;
        var theta = report.X.AsSpan(0, F).ToArray();
        var model = new HamiltonianModel(features, theta, report.X[F], graph, new ModelInfo
        {
            Sampler = options.Sampler, Activation = options.Activation, Seed = options.Seed,
            LengthUnit = data.LengthUnit, EnergyUnit = data.EnergyUnit,
        }, speciesNames);
        return (model, new TrainingReport
        {
            Rows = (int)report.Rows, Cols = report.Cols, Snapshots = data.Snapshots, Solver = report.Solver,
            Rank = report.Rank, ConditionEstimate = report.ConditionEstimate, ResidualNorm = report.ResidualNorm,
            ZeroColumns = report.ZeroColumns, RelativeResidual = report.RelativeResidual, SolverIterations = report.Iterations,
            SolverFactorSeconds = report.FactorSeconds,
            SolverRequested = options.Solver ?? SolverKind.Auto, AnchorEnergy = system.AnchorEnergy, AnchorFromData = system.AnchorFromData,
            SamplingSeconds = samplingSeconds, AssemblySeconds = assemblySeconds, SolveSeconds = solveSeconds,
        });
    }

    /// <summary>
    /// The names a pair model stores, checked: the options' names, else the data's labels of its codes, else null (the
    /// codes in decimal). Graph models resolve no species, so names given for them are refused.
    /// </summary>
    private static string[]? SpeciesNamesOf(PhaseSpaceData data, TrainingOptions options)
    {
        if (options.Family != ModelFamily.Pair)
        {
            if (options.SpeciesNames is not null)
                throw new InvalidInputException("species names apply to pair models only; graph models do not resolve species");
            return null;
        }
        int count = data.Species.Length == 0 ? 1 : data.Species.Max() + 1;
        if (options.SpeciesNames is not null) return SpeciesNaming.Check(options.SpeciesNames, count);
        if (data.SpeciesNames is not { } labels || labels.Length < count) return null;
        try { return SpeciesNaming.Check(labels.Take(count).ToArray(), count); }
        catch (InvalidInputException e)
        {
            throw new InvalidInputException($"the data's species labels cannot name the model's species ({e.Message}); give names explicitly (TrainingOptions.SpeciesNames, or train --species-names LABEL:NAME,…)", e);
        }
    }

    /// <summary>
    /// A block whose every column is zero in the system has no support in the data: the solve would silently
    /// return 0 for that part of H. That is refused, naming the block and its likely cause.
    /// </summary>
    private static void CheckBlocksDetermined(IFeatureMap features, double[] derivativeColumnSumSquares)
    {
        foreach (var block in features.Blocks)
        {
            bool any = false;
            for (int k = block.Start; k < block.Start + block.Count && !any; k++) any = derivativeColumnSumSquares[k] > 0;
            if (any) continue;
            string cause = block.DependsOn switch
            {
                FeatureDependence.Momenta => "every momentum in the training data is zero, so nothing fixes how H depends on p; add snapshots with nonzero momenta",
                FeatureDependence.Positions => "no pair of particles interacts in the training data (no edges, or all beyond the cutoff), so nothing fixes the potential; check 'edges' or 'cutoff'",
                _ => "its features have no derivative anywhere in the training data",
            };
            throw new RankDeficientSystemException($"the least-squares system is rank-deficient: the '{block.Name}' feature block is zero in every row of Hamilton's equations — {cause}");
        }
    }
}
