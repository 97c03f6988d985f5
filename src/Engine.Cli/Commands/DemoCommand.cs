// `demo`: the built-in default end to end — 3D lattice data, both model families, held-out evaluation.
using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Engine.Features;
using Engine.Metrics;
using Engine.Simulation;
using Engine.Training;
using static Engine.Cli.CommandRunner;

namespace Engine.Cli.Commands;

internal static class DemoCommand
{
    public static Command Create()
    {
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "print one JSON object on stdout" };
        var cmd = new Command("demo", "Generate the default 3×3×3 harmonic lattice (20 training + 5 held-out trajectories × 20 snapshots), train the graph HGN and the pair potential, evaluate on the held-out trajectories.");
        cmd.Options.Add(seed);
        cmd.Options.Add(json);
        cmd.SetAction(r => Run("demo", r.GetValue(json), progress =>
        {
            int s = r.GetValue(seed);
            progress("simulating the default 3×3×3 harmonic lattice (method.md §4)");
            var clock = Stopwatch.StartNew();
            var data = SpringSystems.DefaultData(s);
            var (train, test) = data.SplitByTrajectory(SpringSystems.DefaultTestTrajectories);
            double simulate = clock.Elapsed.TotalSeconds;

            var models = new JsonArray();
            JsonObject? graph = null;
            foreach (var family in new[] { ModelFamily.Graph, ModelFamily.Pair })
            {
                progress($"training the {Names.Of(family)} model");
                var (model, report) = Trainer.Train(train, new TrainingOptions { Family = family, Seed = s, Progress = progress });
                var errors = DerivativeErrors.Evaluate(model.CreateEvaluator(test.Mass, test.Species, test.Edges, test.Box), test);
                var entry = new JsonObject
                {
                    ["family"] = Names.Of(family),
                    ["cols"] = report.Cols,
                    ["fit_seconds"] = Num(report.FitSeconds),
                    ["test_dydt_mse"] = Num(errors.Mse),
                    ["test_dydt_rel_l2"] = Num(errors.RelativeL2),
                };
                progress($"{Names.Of(family)}: fit {report.FitSeconds:F2} s, held-out derivative MSE {errors.Mse:E2}");
                models.Add((JsonNode)entry);
                graph ??= entry;
            }
            return new JsonObject
            {
                ["system"] = "lattice3d 3x3x3 harmonic",
                ["train_snapshots"] = train.Snapshots,
                ["test_snapshots"] = test.Snapshots,
                ["simulate_seconds"] = Num(simulate),
                ["model"] = "graph",
                ["test_dydt_mse"] = graph!["test_dydt_mse"]!.DeepClone(),
                ["fit_seconds"] = graph["fit_seconds"]!.DeepClone(),
                ["rows"] = 2 * train.Snapshots * train.StateSize + 1,
                ["models"] = models,
            };
        }));
        return cmd;
    }
}
