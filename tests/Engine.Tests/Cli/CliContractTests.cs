// The CLI contract used by outside scripts: command names, flags, JSON keys, one JSON object on stdout, determinism.
using Engine.Data;
using NUnit.Framework;
using static Engine.Tests.Cli.CliHarness;

namespace Engine.Tests.Cli;

[TestFixture, NonParallelizable]
public class CliContractTests
{
    private CliData _data = null!;
    private string _graph = null!, _pair = null!;

    [OneTimeSetUp]
    public void MakeDataAndModels()
    {
        _data = new CliData();
        _graph = _data.Dir.File("graph.model");
        _pair = _data.Dir.File("pair.model");
        Ok(["train", "--data", _data.Train, "--model", "graph", "--sampler", "swim", .. CliData.SmallGraph, "--seed", "1", "--out", _graph, "--json"]);
        Ok("train", "--data", _data.Train, "--model", "pair", "--sampler", "swim", "--width", "24", "--seed", "1", "--out", _pair, "--json");
    }

    [OneTimeTearDown] public void Cleanup() => _data.Dispose();

    private static int TrainSnapshots => CliData.TrainTrajectories * CliData.SnapshotsPerTrajectory;

    [Test]
    public void Generate_WritesBothFiles_AndReportsThemInOneJsonObject()
    {
        string train = _data.Dir.File("gen-train.npz"), test = _data.Dir.File("gen-test.npz");
        var r = Run("generate", "--system", "lattice3d", "--size", "2,2,2", "--trajectories", "6", "--snapshots", "5",
            "--test-trajectories", "2", "--out", train, "--test-out", test, "--json");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var json = r.Json();
        Assert.That(json["ok"]!.GetValue<bool>(), Is.True);
        Assert.That(json["command"]!.GetValue<string>(), Is.EqualTo("generate"));
        Assert.That(json["out"]!.GetValue<string>(), Is.EqualTo(train));
        Assert.That(json["test_out"]!.GetValue<string>(), Is.EqualTo(test));

        var trainSet = PhaseSpaceNpz.Read(train);
        var testSet = PhaseSpaceNpz.Read(test);
        Assert.That(trainSet.Snapshots, Is.EqualTo(4 * 5));
        Assert.That(testSet.Snapshots, Is.EqualTo(2 * 5));
        Assert.That((trainSet.Particles, trainSet.Dimension), Is.EqualTo((8, 3)));
        Assert.That(trainSet.HasDerivatives && testSet.HasDerivatives, "generated data carry dq and dp");
        Assert.That(json["snapshots"]!.GetValue<int>(), Is.EqualTo(trainSet.Snapshots));
        Assert.That(json["test_snapshots"]!.GetValue<int>(), Is.EqualTo(testSet.Snapshots));
        Assert.That(json["particles"]!.GetValue<int>(), Is.EqualTo(8));
        Assert.That(r.Stderr, Does.Contain("[generate]"), "progress goes to stderr");
    }

    [Test]
    public void TrainGraph_ReportsFitSecondsRowsCols_AndHonoursTheWidthFlags()
    {
        string model = _data.Dir.File("graph-wide.model");
        var json = Ok(["train", "--data", _data.Train, "--model", "graph", "--sampler", "elm", .. CliData.SmallGraph, "--seed", "2", "--out", model, "--json"]);
        Assert.That(Number(json, "fit_seconds"), Is.GreaterThan(0));
        // method.md §3: 2·d·N rows per snapshot plus one anchor row.
        Assert.That(json["rows"]!.GetValue<long>(), Is.EqualTo(2L * CliData.Dimension * CliData.Particles * TrainSnapshots + 1));
        int cols = json["cols"]!.GetValue<int>();
        Assert.That(json["family"]!.GetValue<string>(), Is.EqualTo("graph"));
        Assert.That(json["sampler"]!.GetValue<string>(), Is.EqualTo("elm"));
        Assert.That(File.Exists(model));

        // 32 more message features must show up as 32 more columns; --width is the message width for graph.
        var wider = Ok("train", "--data", _data.Train, "--model", "graph", "--sampler", "elm", "--width-node", "16", "--width-edge", "16",
            "--width", "96", "--seed", "2", "--out", model, "--json");
        Assert.That(wider["cols"]!.GetValue<int>(), Is.EqualTo(cols + 32));
        var widerNode = Ok("train", "--data", _data.Train, "--model", "graph", "--sampler", "elm", "--width-node", "20", "--width-edge", "24",
            "--width-msg", "64", "--seed", "2", "--out", model, "--json");
        Assert.That(widerNode["cols"]!.GetValue<int>(), Is.EqualTo(cols + 4 + 8));
    }

    [Test]
    public void TrainPair_ReportsFitSecondsRowsCols()
    {
        string model = _data.Dir.File("pair-elm.model");
        var json = Ok("train", "--data", _data.Train, "--model", "pair", "--sampler", "elm", "--width", "16", "--seed", "3", "--out", model, "--json");
        Assert.That(Number(json, "fit_seconds"), Is.GreaterThan(0));
        Assert.That(json["rows"]!.GetValue<long>(), Is.EqualTo(2L * CliData.Dimension * CliData.Particles * TrainSnapshots + 1));
        Assert.That(json["cols"]!.GetValue<int>(), Is.GreaterThan(16), "radial features plus the kinetic block and θ₀");
        Assert.That(json["family"]!.GetValue<string>(), Is.EqualTo("pair"));
        Assert.That(File.Exists(model));
    }

    [Test]
    public void SameSeedTwice_GivesIdenticalModelBytes_AnotherSeedDoesNot()
    {
        string a = _data.Dir.File("det-a.model"), b = _data.Dir.File("det-b.model"), c = _data.Dir.File("det-c.model");
        foreach (var (path, seed) in new[] { (a, "7"), (b, "7"), (c, "8") })
            Ok(["train", "--data", _data.Train, "--model", "graph", "--sampler", "swim", .. CliData.SmallGraph, "--seed", seed, "--out", path, "--json"]);
        Assert.That(File.ReadAllBytes(b), Is.EqualTo(File.ReadAllBytes(a)));
        Assert.That(File.ReadAllBytes(c), Is.Not.EqualTo(File.ReadAllBytes(a)), "the seed must change the sampled layers");

        string p1 = _data.Dir.File("det-p1.model"), p2 = _data.Dir.File("det-p2.model");
        foreach (var path in new[] { p1, p2 })
            Ok("train", "--data", _data.Train, "--model", "pair", "--sampler", "swim", "--width", "16", "--seed", "7", "--out", path, "--json");
        Assert.That(File.ReadAllBytes(p2), Is.EqualTo(File.ReadAllBytes(p1)));
    }

    [Test]
    public void EvaluatePair_ReportsDerivativeAndForceErrors()
    {
        var json = Ok("evaluate", "--model", _pair, "--data", _data.Test, "--json");
        double mse = Number(json, "dydt_mse"), rel = Number(json, "dydt_rel_l2"), force = Number(json, "force_rel_l2");
        Assert.That(mse, Is.GreaterThanOrEqualTo(0));
        // The data come from a harmonic pair potential, which the pair family represents: held-out errors are small.
        Assert.That(rel, Is.LessThan(1e-2));
        Assert.That(force, Is.LessThan(1e-2));
        Assert.That(json["snapshots"]!.GetValue<int>(), Is.EqualTo(CliData.TestTrajectories * CliData.SnapshotsPerTrajectory));
    }

    [Test]
    public void EvaluateGraph_ReportsDerivativeErrors_ButNoForceError()
    {
        var json = Ok("evaluate", "--model", _graph, "--data", _data.Test, "--json");
        Assert.That(Number(json, "dydt_mse"), Is.GreaterThanOrEqualTo(0));
        Assert.That(Number(json, "dydt_rel_l2"), Is.LessThan(1), "a trained model beats predicting zero");
        Assert.That(json.ContainsKey("force_rel_l2"), Is.False, "force_rel_l2 is defined for the separable (pair) model only");
    }

    [TestCase("pair")]
    [TestCase("graph")]
    public void Rollout_PrintsOneObjectWithPerStepCurves(string family)
    {
        var r = Run("rollout", "--model", family == "pair" ? _pair : _graph, "--data", _data.Test, "--json");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stdout + r.Stderr);
        var json = r.Json();
        Assert.That(Number(json, "final_position_mse"), Is.GreaterThanOrEqualTo(0));
        Assert.That(Number(json, "final_rel_err_geomean"), Is.GreaterThanOrEqualTo(0));
        Assert.That(Number(json, "max_energy_drift_learned"), Is.GreaterThanOrEqualTo(0));
        Assert.That(json["trajectories"]!.GetValue<int>(), Is.EqualTo(CliData.TestTrajectories));
        int steps = json["steps"]!.GetValue<int>();
        Assert.That(steps, Is.EqualTo(CliData.SnapshotsPerTrajectory - 1));
        Assert.That(json["position_mse"]!.AsArray(), Has.Count.EqualTo(steps + 1));
        Assert.That(json["rel_err_geomean"]!.AsArray(), Has.Count.EqualTo(steps + 1));
        Assert.That(json["position_mse"]!.AsArray()[0]!.GetValue<double>(), Is.EqualTo(0), "the rollout starts from the stored first state");
        if (family == "pair")
            Assert.That(json["final_position_mse"]!.GetValue<double>(), Is.LessThan(1e-6), "the pair family fits the harmonic lattice");
    }

    [Test]
    public void Rollout_WithTheTruePotential_ReportsTheTrueEnergyError()
    {
        var json = Ok("rollout", "--model", _pair, "--data", _data.Test, "--true-potential", "harmonic", "--json");
        // The pair model fits the harmonic lattice, and velocity Verlet conserves the true H to O(dt²): a small but real drift.
        double drift = Number(json, "max_energy_drift_true");
        Assert.That(drift, Is.GreaterThan(0).And.LessThan(1e-2));
        Assert.That(json["energy_rel_err_geomean"]!.AsArray(), Has.Count.EqualTo(json["steps"]!.GetValue<int>() + 1));

        var wrong = Run("rollout", "--model", _pair, "--data", _data.Test, "--true-potential", "coulomb", "--json");
        Assert.That(wrong.ExitCode, Is.EqualTo(1));
        Assert.That(wrong.Json()["error"]!.GetValue<string>(), Does.Contain("coulomb"));
    }

    [Test]
    public void JsonMode_PutsProgressOnStderrOnly()
    {
        var r = Run(["train", "--data", _data.Train, "--model", "graph", .. CliData.SmallGraph, "--out", _data.Dir.File("progress.model"), "--json"]);
        Assert.That(r.ExitCode, Is.EqualTo(0));
        r.Json();
        Assert.That(r.Stderr, Does.Contain("[train]"));
        Assert.That(r.Stdout, Does.Not.Contain("[train]"));
    }

    [Test]
    public void WithoutJson_PrintsHumanText_NotJson()
    {
        var r = Run("evaluate", "--model", _pair, "--data", _data.Test);
        Assert.That(r.ExitCode, Is.EqualTo(0));
        Assert.That(r.Stdout, Does.Contain("dydt_mse"));
        Assert.That(r.Stdout.TrimStart(), Does.Not.StartWith("{"));
    }

    [Test]
    public void Demo_PrintsExactlyOneJsonObject_WithProgressOnStderr()
    {
        var r = Run("demo", "--json");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var json = r.Json();
        Assert.That(json["ok"]!.GetValue<bool>(), Is.True);
        Assert.That(Number(json, "test_dydt_mse"), Is.GreaterThanOrEqualTo(0).And.LessThan(1e-3), "the default demo learns the lattice");
        Assert.That(Number(json, "fit_seconds"), Is.GreaterThan(0));
        Assert.That(json["models"]!.AsArray(), Has.Count.EqualTo(2));
        Assert.That(r.Stderr, Does.Contain("[demo]"));
    }
}
