// `evaluate`: derivative errors of a saved model on a data set (.npz, LAMMPS dump or extended XYZ).
using System.CommandLine;
using System.Text.Json.Nodes;
using Engine.Data;
using Engine.Metrics;
using Engine.Model;
using static Engine.Cli.CommandRunner;

namespace Engine.Cli.Commands;

internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model file written by train", Required = true };
        var data = new Option<string>("--data") { Description = "data with dq and dp: .npz, LAMMPS dump or extended XYZ (MD formats need --units; --cutoff defaults to the model's)", Required = true };
        var json = new Option<bool>("--json") { Description = "print one JSON object on stdout" };
        var cmd = new Command("evaluate", "Derivative errors (q̇, ṗ) of a model on a data set.");
        foreach (var o in new Option[] { model, data, json }) cmd.Options.Add(o);
        var loading = DataLoading.AddTo(cmd);
        cmd.SetAction(r => Run("evaluate", r.GetValue(json), progress =>
        {
            var m = ModelFile.Load(r.GetValue(model)!);
            var set = loading.Read(r, r.GetValue(data)!, progress, ModelCutoff(m));
            progress($"evaluating on {set.Snapshots} snapshots of {set.Particles} particles");
            return Evaluate(m, set);
        }));
        return cmd;
    }

    /// <summary>The neighbour cutoff a model was trained with, or null for a fixed-topology model.</summary>
    public static double? ModelCutoff(HamiltonianModel m) => m.Graph.UsesFixedEdges ? null : m.Graph.Cutoff;

    public static JsonObject Evaluate(HamiltonianModel model, PhaseSpaceData set)
    {
        if (!set.HasDerivatives) throw new Common.InvalidInputException("evaluate needs 'dq' and 'dp' in the data to compare against");
        if (set.Dimension != model.Dimension) throw new Common.InvalidInputException($"the data are {set.Dimension}-dimensional, the model {model.Dimension}-dimensional");
        var evaluator = model.CreateEvaluator(set.Mass, set.Species, set.Edges, set.Box);
        var e = DerivativeErrors.Evaluate(evaluator, set);
        var result = new JsonObject
        {
            ["snapshots"] = set.Snapshots,
            ["particles"] = set.Particles,
            ["dydt_mse"] = Num(e.Mse),
            ["dydt_rel_l2"] = Num(e.RelativeL2),
            ["dq_mse"] = Num(e.DqMse),
            ["dp_mse"] = Num(e.DpMse),
        };
        if (model.IsSeparable) result["force_rel_l2"] = Num(e.ForceRelativeL2);
        if (set.H is not null)
        {
            double num = 0, den = 0;
            for (int s = 0; s < set.Snapshots; s++)
            {
                double h = evaluator.Evaluate(set.QOf(s), set.POf(s), default, default);
                num += (h - set.H[s]) * (h - set.H[s]);
                den += set.H[s] * set.H[s];
            }
            result["energy_rel_l2"] = Num(den > 0 ? Math.Sqrt(num / den) : Math.Sqrt(num));
        }
        return result;
    }
}
