// End to end: LAMMPS writes Lennard-Jones argon, the engine learns the pair potential, export-kim + KIM install, LAMMPS runs it through pair_style kim.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Engine.Tests.Data;
using Engine.Tests.Support;
using NUnit.Framework;
using static Engine.Tests.Cli.CliHarness;

namespace Engine.Tests.Interop;

/// <summary>
/// The whole path an MD user takes: LAMMPS's own lj/cut argon (metal units, 256 atoms of fcc at 5.26 Å, 8.5 Å cutoff,
/// NVE after velocities at 90 K) is dumped; <c>hgn train --model pair</c> learns φ(r) from positions, velocities and
/// forces; <c>hgn export-kim</c> writes the KIM items and its <c>install_commands</c> install them into a temporary
/// collection; LAMMPS then runs 1,000 NVE steps with <c>kim init … metal</c> / <c>pair_style kim</c>. Checked: the
/// energy is conserved (relative total-energy drift ≤ 1e-4), the starting potential energy is within 1 % of lj/cut's,
/// and the pressure (kinetic + virial) agrees with lj/cut's, which fixes the sign convention of KIM's virial.
/// Needs lmp, kim-api-collections-management and the engine's C library (HGN_LIBRARY, set by
/// <c>dotnet cake --target=Test</c>, or build/native/lib/libhgn.so.1); skipped with the reason when one is absent.
/// </summary>
[TestFixture, NonParallelizable]
public class KimLammpsTests
{
    private const string ModelName = "RFHGN_LJArgon__MO_000000000001_000";

    // lj/cut with pair_modify shift yes: the learned φ has no additive constant and vanishes at the cutoff (the engine
    // fixes the energy zero at separated particles), so the potential energy to compare with is that of the shifted LJ.
    private const string LjPair = """
        pair_style lj/cut 8.5
        pair_coeff 1 1 0.0104 3.40
        pair_modify shift yes
        """;

    private const string Thermo = """
        thermo_style custom step pe ke etotal press
        thermo_modify norm no format float %.15g
        """;

    [Test]
    public void LearnedArgonRunsInLammpsThroughKim_ConservingEnergyAndMatchingLjCut()
    {
        string? lmp = FindOnPath("lmp") ?? FindOnPath("lmp_serial");
        if (lmp is null) Assert.Ignore("no LAMMPS binary (lmp) on PATH; this end-to-end test runs LAMMPS (Debian package lammps)");
        if (FindOnPath("kim-api-collections-management") is null)
            Assert.Ignore("no kim-api-collections-management on PATH; this test installs KIM items (Debian package libkim-api-dev)");
        string library = Environment.GetEnvironmentVariable("HGN_LIBRARY") is { Length: > 0 } p ? p : Path.Combine(RepoPaths.Root, "build", "native", "lib", "libhgn.so.1");
        if (!File.Exists(library))
            Assert.Ignore($"{library} not built; run `cmake -S . -B build/native && cmake --build build/native` (dotnet cake --target=Test does)");

        using var dir = new TempDirectory();
        var clock = Stopwatch.StartNew();
        // 1. LAMMPS writes the training data (and the thermalised configuration the KIM run starts from).
        File.Copy(Path.Combine(RepoPaths.Root, "native", "examples", "lammps", "in.argon_data"), dir.File("in.lj"));
        RunLammps(lmp!, dir, "in.lj", "log.lj", env: null);

        // 2. The engine learns φ, named Ar so KIM (and `kim interactions Ar`) can match it.
        string model = dir.File("argon.model");
        Ok("train", "--data", dir.File("md.lammpstrj"), "--units", "metal", "--masses", "1:39.948", "--cutoff", "8.5",
            "--species-names", "1:Ar", "--model", "pair", "--width", "128", "--seed", "0", "--out", model, "--json");

        // 3. export-kim, then its install commands into a private collection.
        var export = Ok("export-kim", "--model", model, "--name", ModelName, "--out", dir.File("kim-items"), "--library", library, "--json");
        var env = new Dictionary<string, string>
        {
            ["KIM_API_MODEL_DRIVERS_DIR"] = dir.File("collection/model-drivers"),
            ["KIM_API_PORTABLE_MODELS_DIR"] = dir.File("collection/portable-models"),
            ["KIM_API_SIMULATOR_MODELS_DIR"] = dir.File("collection/simulator-models"),
        };
        foreach (string d in env.Values) Directory.CreateDirectory(d);
        foreach (var command in export["install_commands"]!.AsArray())
        {
            var (code, output) = RunProcess("/bin/sh", ["-c", command!.GetValue<string>()], dir.Path, env, 300_000);
            Assert.That(code, Is.EqualTo(0), $"install command failed: {command}\n{output}");
        }
        Assert.That(File.Exists(Path.Combine(env["KIM_API_MODEL_DRIVERS_DIR"], export["driver_name"]!.GetValue<string>(), "libhgn.so.1")),
            "libhgn.so.1 is not installed beside the driver");

        // 4. Reference: lj/cut at the starting configuration.
        File.WriteAllText(dir.File("in.ref"), $"""
            units metal
            atom_style atomic
            boundary p p p
            read_data start.data
            {LjPair}
            {Thermo}
            run 0
            """);
        var reference = RunLammps(lmp!, dir, "in.ref", "log.ref", env: null);
        Assert.That(reference, Is.Not.Empty, "no thermo output in log.ref");

        // 5. The learned model inside LAMMPS through KIM: 1,000 NVE steps from the same configuration and velocities.
        File.WriteAllText(dir.File("in.kim"), $"""
            kim init {ModelName} metal
            boundary p p p
            read_data start.data
            kim interactions Ar
            timestep 0.002
            {Thermo}
            thermo 50
            fix 1 all nve
            run 1000
            """);
        var kim = RunLammps(lmp!, dir, "in.kim", "log.kim", env);
        Assert.That(kim, Is.Not.Empty, "no thermo output in log.kim");

        double pe0 = reference[0].Pe, peKim = kim[0].Pe;
        double e0 = kim[0].Etotal, drift = kim.Max(row => Math.Abs(row.Etotal - e0)) / Math.Abs(e0);
        double peError = Math.Abs(peKim - pe0) / Math.Abs(pe0);
        TestContext.Out.WriteLine($"PE lj/cut(shift) {pe0:R} eV, KIM {peKim:R} eV, relative error {peError:E3}; " +
                                  $"press lj/cut {reference[0].Press:F3} bar, KIM {kim[0].Press:F3} bar; " +
                                  $"relative energy drift over {kim[^1].Step} steps {drift:E3}; total {clock.Elapsed.TotalSeconds:F1} s");
        Assert.That(kim[^1].Step, Is.EqualTo(1000));
        Assert.That(drift, Is.LessThanOrEqualTo(1e-4), "relative total-energy drift of the NVE run");
        Assert.That(peError, Is.LessThanOrEqualTo(0.01), "potential energy of the starting configuration vs lj/cut + shift");
        // Pressure = kinetic + virial part. A flipped virial sign would move it by twice the virial part, i.e. by
        // 2|P_ref − P_kinetic|; 5 % of that is far inside the learning error's reach and far from a sign error.
        double kinetic = reference[0].Ke * 2.0 / 3.0 / Volume(dir.File("start.data")) * 1.602176634e6; // eV/Å³ → bar
        double virialPart = reference[0].Press - kinetic;
        Assert.That(kim[0].Press, Is.EqualTo(reference[0].Press).Within(0.05 * Math.Abs(virialPart) + 1.0),
            $"pressure through KIM (virial part of lj/cut: {virialPart:F2} bar)");

        // 6. The README's example deck runs on the same installed model (a short run: it is checked, not timed).
        File.Copy(Path.Combine(RepoPaths.Root, "native", "examples", "lammps", "in.kim_argon"), dir.File("in.example"));
        var example = RunLammps(lmp!, dir, "in.example", "log.example", env, "-var", "model", ModelName, "-var", "steps", "200");
        Assert.That(example.Select(row => row.Step), Is.EqualTo(new long[] { 0, 100, 200 }), "thermo rows of native/examples/lammps/in.kim_argon");
        double exampleDrift = example.Max(row => Math.Abs(row.Etotal - example[0].Etotal)) / Math.Abs(example[0].Etotal);
        Assert.That(exampleDrift, Is.LessThanOrEqualTo(1e-4), "total-energy drift of the example deck's 200 NVE steps");
    }

    private readonly record struct ThermoRow(long Step, double Pe, double Ke, double Etotal, double Press);

    /// <summary>Runs LAMMPS on <paramref name="input"/> in the test directory and returns the thermo rows of its log.</summary>
    private static List<ThermoRow> RunLammps(string lmp, TempDirectory dir, string input, string log, Dictionary<string, string>? env,
                                             params string[] variables)
    {
        var (code, output) = RunProcess(lmp, ["-in", input, "-log", log, "-screen", "none", .. variables], dir.Path, env, 120_000);
        string logText = File.Exists(dir.File(log)) ? File.ReadAllText(dir.File(log)) : "(no log)";
        if (code != 0)
        {
            // KIM models report their errors only in kim.log; LAMMPS itself prints a generic message.
            string kimLog = File.Exists(dir.File("kim.log")) ? File.ReadAllText(dir.File("kim.log")) : "(no kim.log)";
            Assert.Fail($"LAMMPS failed on {input} (exit {code}).\n--- output ---\n{output}\n--- log tail ---\n{Tail(logText)}\n--- kim.log tail ---\n{Tail(kimLog)}");
        }
        var rows = new List<ThermoRow>();
        bool inThermo = false;
        foreach (string line in logText.Split('\n'))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length > 0 && f[0] == "Step") { inThermo = true; continue; }
            if (line.StartsWith("Loop time", StringComparison.Ordinal)) { inThermo = false; continue; }
            if (inThermo && f.Length == 5 && long.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long step))
                rows.Add(new ThermoRow(step, D(f[1]), D(f[2]), D(f[3]), D(f[4])));
        }
        return rows;
    }

    /// <summary>Volume in Å³ of an orthorhombic LAMMPS data file (its xlo xhi, ylo yhi, zlo zhi lines).</summary>
    private static double Volume(string dataFile)
    {
        double v = 1;
        foreach (string line in File.ReadLines(dataFile))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 4 && f[2] is "xlo" or "ylo" or "zlo") v *= D(f[1]) - D(f[0]);
        }
        return v;
    }

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private static string Tail(string s) => s.Length <= 4000 ? s : s[^4000..];

    private static (int Code, string Output) RunProcess(string exe, string[] args, string workDir, Dictionary<string, string>? env, int timeoutMs)
    {
        var psi = new ProcessStartInfo(exe) { WorkingDirectory = workDir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var output = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{exe} {string.Join(' ', args)} did not finish within {timeoutMs / 1000} s\n{output}");
        }
        p.WaitForExit();
        return (p.ExitCode, output.ToString());
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
