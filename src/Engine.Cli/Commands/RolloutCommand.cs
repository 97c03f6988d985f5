// `rollout`: integrate a saved model from the first state of every trajectory and compare with the stored ones.
using System.CommandLine;
using System.Text.Json.Nodes;
using Engine.Data;
using Engine.Dynamics;
using Engine.Metrics;
using Engine.Model;
using static Engine.Cli.CommandRunner;

namespace Engine.Cli.Commands;

internal static class RolloutCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model file written by train", Required = true };
        var data = new Option<string>("--data") { Description = "trajectories with 'traj' and 't': .npz, LAMMPS dump or extended XYZ (MD formats need --units and --timestep; --cutoff defaults to the model's)", Required = true };
        var integrator = new Option<string>("--integrator") { Description = "stormer-verlet (paper) | velocity-verlet (separable) | implicit-midpoint (any H); default: velocity-verlet for separable models, stormer-verlet for the frame construction, implicit-midpoint otherwise" };
        var truePotential = new Option<string?>("--true-potential") { Description = "the true H of the data, to report the energy error with it: harmonic | anharmonic | morse | nonseparable (springs on the file's edges and masses) | lj (Lennard-Jones with the file's box and cutoff)" };
        var substeps = new Option<int>("--substeps") { Description = "integrator steps per stored interval", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "print one JSON object on stdout" };
        var cmd = new Command("rollout", "Roll a model out from each test trajectory's first state; position, NeurIPS-2022 relative and energy errors over time.");
        foreach (var o in new Option[] { model, data, integrator, truePotential, substeps, json }) cmd.Options.Add(o);
        var loading = DataLoading.AddTo(cmd);
        cmd.SetAction(r => Run("rollout", r.GetValue(json), progress =>
        {
            var m = ModelFile.Load(r.GetValue(model)!);
            var set = loading.Read(r, r.GetValue(data)!, progress, EvaluateCommand.ModelCutoff(m), needsTime: true);
            var kind = r.GetValue(integrator) is string s ? Names.Integrator(s) : DefaultIntegrator(m);
            progress($"rolling out {set.TrajectorySnapshots().Count} trajectories with {kind}");
            var trueH = r.GetValue(truePotential) is string name ? TrueHamiltonian(name, set) : null;
            var result = TrajectoryEvaluation.Evaluate(set, m.CreateEvaluator(set.Mass, set.Species, set.Edges, set.Box), trueH, kind, Names.Positive(r.GetValue(substeps), "--substeps"));
            return Describe(result, kind);
        }));
        return cmd;
    }

    /// <summary>
    /// Velocity Verlet for separable models; implicit midpoint for the smooth non-separable graph HGN; Störmer-Verlet
    /// (the paper's) for the frame construction, whose frame jumps between configurations so the implicit iteration
    /// has no smooth fixed point to converge to.
    /// </summary>
    /// <summary>The ground-truth Hamiltonian of a data file produced by one of the built-in systems.</summary>
    private static Common.IHamiltonian TrueHamiltonian(string name, PhaseSpaceData set)
    {
        if (name == "lj")
        {
            if (set.Box is null || set.Cutoff is null || set.Dimension != 3)
                throw new Common.InvalidInputException("--true-potential lj needs 3-D data with 'box' and 'cutoff'");
            double mass = set.Mass[0];
            if (set.Mass.Any(v => v != mass)) throw new Common.InvalidInputException("--true-potential lj needs equal masses");
            return new Simulation.LennardJones(set.Particles, set.Box, mass: mass, cutoff: set.Cutoff);
        }
        if (set.Edges is null) throw new Common.InvalidInputException($"--true-potential {name} needs the springs as 'edges' in the data");
        return name == "nonseparable"
            ? new Simulation.NonSeparableSprings(set.Mass, set.Dimension, set.Edges)
            : new Simulation.SpringNetwork(set.Mass, set.Dimension, set.Edges, Simulation.SpringPotential.FromName(name));
    }

    public static IntegratorKind DefaultIntegrator(HamiltonianModel m) => m.IsSeparable ? IntegratorKind.VelocityVerlet
        : m.Family == Features.ModelFamily.GraphFrame ? IntegratorKind.StormerVerlet : IntegratorKind.ImplicitMidpoint;

    public static JsonObject Describe(TrajectoryEvaluationResult r, IntegratorKind kind)
    {
        var o = new JsonObject
        {
            ["integrator"] = kind.ToString(),
            ["trajectories"] = r.Trajectories,
            ["steps"] = r.PositionMse.Length - 1,
            ["final_position_mse"] = Num(r.FinalPositionMse),
            ["final_rel_err_geomean"] = Num(r.RelativeError[^1]),
            ["max_energy_drift_learned"] = Num(r.MaxEnergyDriftLearned),
            ["rel_err_geomean"] = Array(r.RelativeError),
            ["position_mse"] = Array(r.PositionMse),
        };
        if (r.MaxEnergyDriftTrue is double t) o["max_energy_drift_true"] = Num(t);
        if (r.EnergyRelativeError is not null) o["energy_rel_err_geomean"] = Array(r.EnergyRelativeError);
        return o;
    }
}
