// Training from MD output through the CLI: Lennard-Jones data written as a LAMMPS dump and as extended XYZ, read back by train/evaluate/rollout.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Engine.Data;
using Engine.Simulation;
using Engine.Tests.Data;
using Engine.Tests.Support;
using NUnit.Framework;
using static Engine.Tests.Cli.CliHarness;

namespace Engine.Tests.Cli;

[TestFixture, NonParallelizable]
public class MdDataCliTests
{
    private const double Dt = 5e-3;
    private const int StepsBetween = 20;
    private TempDirectory _dir = null!;
    private PhaseSpaceData _test = null!;
    private string _trainDump = null!, _testDump = null!, _testNpz = null!, _testXyz = null!, _model = null!;

    [OneTimeSetUp]
    public void WriteDumpsAndTrain()
    {
        _dir = new TempDirectory();
        // method.md §4 fluid (ε = σ = m = 1, rc = 2.5, ρ* = 0.8, T* = 1), 108 atoms; the last trajectory is held out.
        var data = new LennardJonesSystem().Generate(108, trajectories: 4, snapshotsPerTrajectory: 8, stepsBetween: StepsBetween, dt: Dt, equilibrationSteps: 600, seed: 3);
        var (train, test) = data.SplitByTrajectory(1);
        _test = test;
        _trainDump = _dir.File("train.lammpstrj");
        _testDump = _dir.File("test.dump");
        _testNpz = _dir.File("test.npz");
        _testXyz = _dir.File("test.extxyz");
        LammpsDumpText.Write(train, _trainDump, seed: 1);
        LammpsDumpText.Write(test, _testDump, seed: 2);
        PhaseSpaceNpz.Write(test, _testNpz);
        WriteExtendedXyz(test, _testXyz);
        _model = _dir.File("lj.model");
        var json = Ok("train", "--data", _trainDump, "--units", "lj", "--masses", "1:1", "--cutoff", "2.5",
            "--model", "pair", "--width", "128", "--seed", "0", "--out", _model, "--json");
        Assert.That(json["snapshots"]!.GetValue<int>(), Is.EqualTo(train.Snapshots));
        Assert.That(json["length_unit"]!.GetValue<string>(), Is.EqualTo("reduced"));
    }

    [OneTimeTearDown] public void Cleanup() => _dir.Dispose();

    [Test]
    public void PairModelTrainedFromTheDump_PredictsHeldOutForces()
    {
        var fromDump = Ok("evaluate", "--model", _model, "--data", _testDump, "--units", "lj", "--masses", "1:1", "--json");
        double force = Number(fromDump, "force_rel_l2");
        TestContext.Out.WriteLine($"held-out force relative L2 from the dump: {force:E3}");
        Assert.That(force, Is.LessThan(2e-3));
        // The dump holds the same numbers as the .npz (round-trip formatting, rows shuffled then sorted by id back):
        // both files must give the same errors.
        var fromNpz = Ok("evaluate", "--model", _model, "--data", _testNpz, "--json");
        Assert.That(force, Is.EqualTo(Number(fromNpz, "force_rel_l2")).Within(1e-12).Percent);
        Assert.That(Number(fromDump, "dydt_rel_l2"), Is.EqualTo(Number(fromNpz, "dydt_rel_l2")).Within(1e-12).Percent);
    }

    [Test]
    public void ExtendedXyzOfTheSameSnapshots_GivesTheSameErrors()
    {
        var fromXyz = Ok("evaluate", "--model", _model, "--data", _testXyz, "--units", "reduced", "--masses", "Ar:1", "--json");
        var fromNpz = Ok("evaluate", "--model", _model, "--data", _testNpz, "--json");
        Assert.That(Number(fromXyz, "force_rel_l2"), Is.EqualTo(Number(fromNpz, "force_rel_l2")).Within(1e-12).Percent);
    }

    [Test]
    public void FormatFlagOverridesTheExtension()
    {
        string txt = _dir.File("copy.txt");
        File.Copy(_testDump, txt, overwrite: true);
        var refused = Run("evaluate", "--model", _model, "--data", txt, "--units", "lj", "--masses", "1:1", "--json");
        Assert.That(refused.ExitCode, Is.EqualTo(1));
        Assert.That(refused.Json()["error"]!.GetValue<string>(), Does.Contain("extension"));
        var json = Ok("evaluate", "--model", _model, "--data", txt, "--format", "lammps-dump", "--units", "lj", "--masses", "1:1", "--json");
        Assert.That(Number(json, "force_rel_l2"), Is.LessThan(2e-3));
    }

    [Test]
    public void RolloutFromTheDumpNeedsTheTimeStep()
    {
        var refused = Run("rollout", "--model", _model, "--data", _testDump, "--units", "lj", "--masses", "1:1", "--json");
        Assert.That(refused.ExitCode, Is.EqualTo(1));
        Assert.That(refused.Json()["error"]!.GetValue<string>(), Does.Contain("--timestep"));
        var json = Ok("rollout", "--model", _model, "--data", _testDump, "--units", "lj", "--masses", "1:1", "--timestep", Dt.ToString("R", CultureInfo.InvariantCulture), "--json");
        Assert.That(json["steps"]!.GetValue<int>(), Is.EqualTo(_test.Snapshots - 1));
        // 7 intervals of 0.1 τ with accurate learned forces: the learned trajectory stays on the true one.
        Assert.That(Number(json, "final_position_mse"), Is.LessThan(1e-4));
    }

    [TestCase("--units")]
    [TestCase("--cutoff")]
    [TestCase("--masses")]
    public void TrainFromMdFormatsRefusesMissingSettings(string dropped)
    {
        var args = new List<string> { "train", "--data", _trainDump, "--units", "lj", "--masses", "1:1", "--cutoff", "2.5", "--model", "pair", "--width", "8", "--out", _dir.File("x.model"), "--json" };
        int k = args.IndexOf(dropped);
        args.RemoveRange(k, 2);
        var r = Run(args.ToArray());
        Assert.That(r.ExitCode, Is.EqualTo(1), r.Stdout + r.Stderr);
        string error = r.Json()["error"]!.GetValue<string>();
        Assert.That(error, Does.Contain(dropped == "--masses" ? "no mass for LAMMPS type 1" : dropped + " is required"));
        Assert.That(File.Exists(_dir.File("x.model")), Is.False);
    }

    [Test]
    public void NpzRefusesTheMdSettings()
    {
        var r = Run("evaluate", "--model", _model, "--data", _testNpz, "--units", "lj", "--cutoff", "2.5", "--json");
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Json()["error"]!.GetValue<string>(), Does.Contain("--units, --cutoff apply to LAMMPS dumps and extended XYZ only"));
    }

    [Test]
    public void DumpWrittenByLammpsItself_TrainsThePairModel()
    {
        string? lmp = new[] { "lmp", "lmp_serial", "lmp_mpi" }.Select(FindOnPath).FirstOrDefault(p => p is not null);
        if (lmp is null) Assert.Ignore("no LAMMPS binary (lmp, lmp_serial, lmp_mpi) on PATH; this test runs LAMMPS to write a dump and is skipped");
        // The repository's argon deck: 256 atoms of fcc at 5.26 Å in metal units, lj/cut 8.5 Å, NVE at 90 K, 41 frames.
        File.Copy(Path.Combine(RepoPaths.Root, "native", "examples", "lammps", "in.argon_data"), _dir.File("in.lj"));
        var psi = new ProcessStartInfo(lmp!, "-in in.lj -log none -screen none") { WorkingDirectory = _dir.Path, UseShellExecute = false };
        using (var p = Process.Start(psi)!) { p.WaitForExit(120_000); Assert.That(p.ExitCode, Is.EqualTo(0), "LAMMPS failed"); }
        string dump = _dir.File("md.lammpstrj"), model = _dir.File("argon.model");
        var set = LammpsDump.Read(dump, new MdReadOptions { Units = MdUnitStyle.Metal, Cutoff = 8.5, Masses = [new("1", 39.948)], Timestep = 0.002 });
        Assert.That(set.Snapshots, Is.EqualTo(41));
        Ok("train", "--data", dump, "--units", "metal", "--masses", "1:39.948", "--cutoff", "8.5", "--model", "pair", "--width", "128", "--out", model, "--json");
        var json = Ok("evaluate", "--model", model, "--data", dump, "--units", "metal", "--masses", "1:39.948", "--json");
        Assert.That(Number(json, "force_rel_l2"), Is.LessThan(1e-2));
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    /// <summary>Extended XYZ with velocities (p/m) and forces, one species 'Ar', round-trip number formatting.</summary>
    private static void WriteExtendedXyz(PhaseSpaceData d, string path)
    {
        var sb = new StringBuilder();
        string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        for (int m = 0; m < d.Snapshots; m++)
        {
            sb.Append(d.Particles).Append('\n');
            sb.Append($"Lattice=\"{R(d.Box![0])} 0 0 0 {R(d.Box[1])} 0 0 0 {R(d.Box[2])}\" Properties=species:S:1:pos:R:3:velocities:R:3:forces:R:3 pbc=\"T T T\"\n");
            for (int i = 0; i < d.Particles; i++)
            {
                sb.Append("Ar");
                for (int a = 0; a < 3; a++) sb.Append(' ').Append(R(d.Q[(m * d.Particles + i) * 3 + a]));
                for (int a = 0; a < 3; a++) sb.Append(' ').Append(R(d.Dq![(m * d.Particles + i) * 3 + a]));
                for (int a = 0; a < 3; a++) sb.Append(' ').Append(R(d.Dp![(m * d.Particles + i) * 3 + a]));
                sb.Append('\n');
            }
        }
        File.WriteAllText(path, sb.ToString());
    }
}
