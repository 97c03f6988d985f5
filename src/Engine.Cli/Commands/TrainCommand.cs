// `train`: fit a model to a data set (.npz, LAMMPS dump or extended XYZ) and save it.
using System.CommandLine;
using System.Text.Json.Nodes;
using Engine.Solve;
using Engine.Common;
using Engine.Data;
using Engine.Features;
using Engine.Model;
using Engine.Training;
using static Engine.Cli.CommandRunner;

namespace Engine.Cli.Commands;

internal static class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "training data with dq and dp: .npz (data-format.md), LAMMPS dump (id type x y z vx vy vz fx fy fz) or extended XYZ; MD formats need --units and --cutoff", Required = true };
        var family = new Option<string>("--model") { Description = "graph (non-separable graph HGN) | pair (separable pair potential)", DefaultValueFactory = _ => "graph" };
        var construction = new Option<string>("--construction") { Description = "graph: invariant (frame-free invariant scalars, default) | frame (the paper's local-frame construction, method.md §2.2–2.4)", DefaultValueFactory = _ => "invariant" };
        var sampler = new Option<string>("--sampler") { Description = "swim | elm", DefaultValueFactory = _ => "swim" };
        var activation = new Option<string>("--activation") { Description = "tanh | sin", DefaultValueFactory = _ => "tanh" };
        var width = new Option<int?>("--width") { Description = "main feature width: message layer (graph) or radial features per species pair (pair)" };
        var widthNode = new Option<int?>("--width-node") { Description = "graph: node-encoder width (default 128)" };
        var widthEdge = new Option<int?>("--width-edge") { Description = "graph: edge-encoder width (default 128)" };
        var widthMsg = new Option<int?>("--width-msg") { Description = "graph: message-layer width (default 1024)" };
        var seed = new Option<int>("--seed") { Description = "seed of the sampled layers", DefaultValueFactory = _ => 0 };
        var solver = new Option<string>("--solver") { Description = "auto (by shape and conditioning: gelsd for small systems, sketch for tall ones, cholesky where the sketch shows the Gram is well conditioned or the dense system does not fit in memory) | gelsd | qr | cholesky | sketch", DefaultValueFactory = _ => "auto" };
        var ridge = new Option<double>("--ridge") { Description = "cholesky: ridge relative to the mean diagonal of the equilibrated Gram matrix", DefaultValueFactory = _ => 1e-12 };
        var rcond = new Option<double>("--rcond") { Description = "gelsd/qr/sketch: relative singular-value cutoff", DefaultValueFactory = _ => 1e-13 };
        var solverTol = new Option<double>("--solver-tol") { Description = "sketch: CGLS stopping tolerance on ‖(ZP)ᵀr‖/(‖ZP‖‖r‖); the residual ends within about (3·tol)²/2 of the optimum", DefaultValueFactory = _ => DenseLeastSquares.SketchTolerance };
        var weighting = new Option<string>("--weighting") { Description = "none | balanced (q̇ and ṗ rows scaled to equal RMS)", DefaultValueFactory = _ => "none" };
        var speciesNames = new Option<string?>("--species-names") { Description = "pair: species names stored in the model (hosts such as KIM/LAMMPS match species by name), as LABEL:NAME entries, LABEL being the data's label of the species: LAMMPS dump type (\"1:Ar,2:Kr\"), extended-XYZ species (\"Ar:argon\") or, for .npz, the species code (\"0:Ar\"). Unlisted species keep their label. Default: the labels (LAMMPS types \"1\", \"2\", …; extended-XYZ species; .npz codes \"0\", \"1\", …)" };
        var output = new Option<string>("--out") { Description = "model file to write", Required = true };
        var json = new Option<bool>("--json") { Description = "print one JSON object on stdout" };
        var threads = new Option<int?>("--threads") { Description = "assembly workers (fixed partition: same bits on every run; default every core, 1 = sequential)" };

        var cmd = new Command("train", "Fit the linear head of a random-feature Hamiltonian model to phase-space data.");
        foreach (var o in new Option[] { data, family, construction, sampler, activation, width, widthNode, widthEdge, widthMsg, seed, solver, ridge, rcond, solverTol, weighting, speciesNames, output, json, threads }) cmd.Options.Add(o);
        var loading = DataLoading.AddTo(cmd);
        cmd.SetAction(r => Run("train", r.GetValue(json), progress =>
        {
            var fam = Names.Family(r.GetValue(family)!);
            var cons = Names.Construction(r.GetValue(construction)!);
            if (fam == ModelFamily.Pair && cons == GraphConstruction.Frame)
                throw new InvalidInputException("--construction frame applies to --model graph only; drop --construction or use --model graph");
            var defaults = new TrainingOptions();
            var options = defaults with
            {
                Family = fam,
                Construction = cons,
                Sampler = Names.Sampler(r.GetValue(sampler)!),
                Activation = Names.Activation(r.GetValue(activation)!),
                WidthNode = Names.Positive(r.GetValue(widthNode) ?? defaults.WidthNode, "--width-node"),
                WidthEdge = Names.Positive(r.GetValue(widthEdge) ?? defaults.WidthEdge, "--width-edge"),
                WidthMessage = Names.Positive(r.GetValue(widthMsg) ?? (fam == ModelFamily.Graph ? r.GetValue(width) : null) ?? defaults.WidthMessage, "--width-msg"),
                WidthPair = Names.Positive((fam == ModelFamily.Pair ? r.GetValue(width) : null) ?? defaults.WidthPair, "--width"),
                Seed = r.GetValue(seed),
                Solver = r.GetValue(solver) == "auto" ? null : Names.Solver(r.GetValue(solver)!),
                Ridge = r.GetValue(ridge),
                Rcond = r.GetValue(rcond),
                SolverTolerance = r.GetValue(solverTol),
                Weighting = Names.Weighting(r.GetValue(weighting)!),
                Threads = r.GetValue(threads) is int t ? Names.Positive(t, "--threads") : null,
                Progress = progress,
            };
            if (r.GetValue(speciesNames) is not null && fam != ModelFamily.Pair)
                throw new InvalidInputException("--species-names applies to --model pair only; graph models do not resolve species");
            var set = loading.Read(r, r.GetValue(data)!, progress);
            if (r.GetValue(speciesNames) is string mapping)
            {
                try { options = options with { SpeciesNames = SpeciesNaming.FromLabels(set.SpeciesNames, set.Species.Length == 0 ? 1 : set.Species.Max() + 1, mapping) }; }
                catch (InvalidInputException e) { throw new InvalidInputException($"--species-names: {e.Message}", e); }
            }
            var (model, report) = Trainer.Train(set, options);
            string outPath = r.GetValue(output)!;
            ModelFile.Save(model, outPath);
            progress($"fit {report.FitSeconds:F3} s; wrote {outPath}");
            return Describe(model, report, outPath);
        }));
        return cmd;
    }

    public static JsonObject Describe(HamiltonianModel model, TrainingReport report, string? path) => new()
    {
        ["model"] = path,
        ["family"] = Names.Of(model.Family),
        ["construction"] = Names.ConstructionOf(model.Family),
        ["sampler"] = Names.Of(model.Info.Sampler),
        ["activation"] = Activation.Name(model.Info.Activation),
        ["seed"] = model.Info.Seed,
        ["fit_seconds"] = Num(report.FitSeconds),
        ["sampling_seconds"] = Num(report.SamplingSeconds),
        ["assembly_seconds"] = Num(report.AssemblySeconds),
        ["solve_seconds"] = Num(report.SolveSeconds),
        ["rows"] = report.Rows,
        ["cols"] = report.Cols,
        ["snapshots"] = report.Snapshots,
        ["solver"] = Names.Of(report.Solver),
        ["rank"] = report.Rank,
        ["condition_estimate"] = Num(report.ConditionEstimate),
        ["residual_norm"] = Num(report.ResidualNorm),
        ["relative_residual"] = Num(report.RelativeResidual),
        ["solver_iterations"] = report.SolverIterations,
        ["solver_factor_seconds"] = Num(report.SolverFactorSeconds),
        ["solver_requested"] = Names.Of(report.SolverRequested),
        ["zero_columns"] = report.ZeroColumns,
        ["anchor_energy"] = Num(report.AnchorEnergy),
        ["anchor_from_data"] = report.AnchorFromData,
        ["length_unit"] = model.Info.LengthUnit,
        ["energy_unit"] = model.Info.EnergyUnit,
        ["species_names"] = new JsonArray(model.SpeciesNames.Select(n => (JsonNode)JsonValue.Create(n)).ToArray()),
    };
}
