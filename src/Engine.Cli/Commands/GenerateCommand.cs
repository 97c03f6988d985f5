// `generate`: ground-truth trajectories of a built-in system, written as .npz (data-format.md).
using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Engine.Common;
using Engine.Data;
using Engine.Simulation;
using static Engine.Cli.CommandRunner;

namespace Engine.Cli.Commands;

internal static class GenerateCommand
{
    public static Command Create()
    {
        var system = new Option<string>("--system") { Description = "chain | lattice2d | lattice3d | lj (Lennard-Jones liquid, periodic, cutoff 2.5σ, reduced units)", DefaultValueFactory = _ => "lattice3d" };
        var particles = new Option<int>("--particles") { Description = "lj: particle count (FCC start, seeded vacancies when not 4k³)", DefaultValueFactory = _ => 256 };
        var density = new Option<double>("--density") { Description = "lj: reduced density ρ*", DefaultValueFactory = _ => 0.8 };
        var temperature = new Option<double>("--temperature") { Description = "lj: reduced temperature T* of the start and of the equilibration thermostat", DefaultValueFactory = _ => 1.0 };
        var equilibration = new Option<int>("--equilibration") { Description = "lj: thermostatted steps before the stored NVE trajectory", DefaultValueFactory = _ => 1000 };
        var size = new Option<string>("--size") { Description = "particles per axis, comma-separated (chain: n; lattice2d: nx,ny; lattice3d: nx,ny,nz)", DefaultValueFactory = _ => "3,3,3" };
        var potential = new Option<string>("--potential") { Description = "harmonic | anharmonic | morse | nonseparable", DefaultValueFactory = _ => "harmonic" };
        var dimension = new Option<int>("--dimension") { Description = "chain: spatial dimension (1, 2 or 3)", DefaultValueFactory = _ => SpringSystems.DefaultChainDimension };
        var trajectories = new Option<int>("--trajectories") { Description = "number of trajectories", DefaultValueFactory = _ => 25 };
        var snapshots = new Option<int>("--snapshots") { Description = "snapshots per trajectory", DefaultValueFactory = _ => 20 };
        var dt = new Option<double>("--dt") { Description = "time between stored snapshots", DefaultValueFactory = _ => 0.1 };
        var substeps = new Option<int?>("--substeps") { Description = "integrator steps between stored snapshots (lj: the MD step is dt/substeps; default 100 for springs, 20 for lj)" };
        var displacement = new Option<double>("--displacement") { Description = "initial displacement amplitude (uniform ±)", DefaultValueFactory = _ => 0.1 };
        var momentum = new Option<double>("--momentum-std") { Description = "initial momentum standard deviation", DefaultValueFactory = _ => 0.1 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "output .npz (all trajectories, or the training ones with --test-out)", Required = true };
        var testOut = new Option<string?>("--test-out") { Description = "write the last --test-trajectories trajectories here instead" };
        var testTrajectories = new Option<int>("--test-trajectories") { Description = "held-out trajectories for --test-out", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "print one JSON object on stdout" };
        var cmd = new Command("generate", "Simulate a built-in system with exact time derivatives and write .npz data.");
        foreach (var o in new Option[] { system, particles, density, temperature, equilibration, size, potential, dimension, trajectories, snapshots, dt, substeps, displacement, momentum, seed, output, testOut, testTrajectories, json }) cmd.Options.Add(o);
        cmd.SetAction(r => Run("generate", r.GetValue(json), progress =>
        {
            if (r.GetValue(system) == "lj")
            {
                int n = Names.Positive(r.GetValue(particles), "--particles");
                int steps = Names.Positive(r.GetValue(substeps) ?? 20, "--substeps");
                double mdStep = r.GetValue(dt) / steps;
                if (!(mdStep > 0 && double.IsFinite(mdStep))) throw new InvalidInputException($"--dt {r.GetValue(dt)} must be positive and finite");
                var lj = new LennardJonesSystem { Density = r.GetValue(density), Temperature = r.GetValue(temperature) };
                progress($"simulating {r.GetValue(trajectories)} Lennard-Jones trajectories of {n} particles (MD step {mdStep:G3})");
                var ljClock = Stopwatch.StartNew();
                var ljData = lj.Generate(n, Names.Positive(r.GetValue(trajectories), "--trajectories"), Names.Positive(r.GetValue(snapshots), "--snapshots"),
                    steps, mdStep, r.GetValue(equilibration), r.GetValue(seed));
                return Write(ljData, r.GetValue(output)!, r.GetValue(testOut), r.GetValue(testTrajectories), ljClock.Elapsed.TotalSeconds);
            }
            var sizes = ParseSize(r.GetValue(size)!);
            var spring = SpringSystems.Create(r.GetValue(system)!, sizes, r.GetValue(potential)!, r.GetValue(dimension));
            var generator = new TrajectoryGenerator
            {
                Trajectories = Names.Positive(r.GetValue(trajectories), "--trajectories"),
                SnapshotsPerTrajectory = Names.Positive(r.GetValue(snapshots), "--snapshots"),
                Interval = r.GetValue(dt), Substeps = Names.Positive(r.GetValue(substeps) ?? 100, "--substeps"),
                Displacement = r.GetValue(displacement), MomentumStd = r.GetValue(momentum), Seed = r.GetValue(seed),
            };
            progress($"simulating {generator.Trajectories} trajectories × {generator.SnapshotsPerTrajectory} snapshots of {spring.Particles} particles");
            var clock = Stopwatch.StartNew();
            var data = generator.Generate(spring);
            double seconds = clock.Elapsed.TotalSeconds;
            return Write(data, r.GetValue(output)!, r.GetValue(testOut), r.GetValue(testTrajectories), seconds);
        }));
        return cmd;
    }

    public static JsonObject Write(PhaseSpaceData data, string output, string? testOut, int testTrajectories, double seconds)
    {
        var result = new JsonObject { ["simulate_seconds"] = Num(seconds), ["particles"] = data.Particles, ["dimension"] = data.Dimension };
        if (testOut is null)
        {
            PhaseSpaceNpz.Write(data, output);
            result["out"] = output;
            result["snapshots"] = data.Snapshots;
            return result;
        }
        var (train, test) = data.SplitByTrajectory(testTrajectories);
        PhaseSpaceNpz.Write(train, output);
        try { PhaseSpaceNpz.Write(test, testOut); }
        catch
        {
            // A failed command leaves no output behind: not half of a train/test pair either.
            File.Delete(output);
            throw;
        }
        result["out"] = output;
        result["test_out"] = testOut;
        result["snapshots"] = train.Snapshots;
        result["test_snapshots"] = test.Snapshots;
        return result;
    }

    public static int[] ParseSize(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], out sizes[i]) || sizes[i] <= 0)
                throw new InvalidInputException($"--size '{text}': '{parts[i]}' is not a positive integer (example: --size 3,3,3)");
        return sizes;
    }
}
