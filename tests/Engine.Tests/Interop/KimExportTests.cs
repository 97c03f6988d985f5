// export-kim: the KIM items it writes, its JSON contract, its refusals, and the embedded driver sources staying in sync.
using Engine.Cli.Commands;
using Engine.Features;
using Engine.Model;
using Engine.Tests.Data;
using Engine.Tests.Support;
using NUnit.Framework;
using static Engine.Tests.Cli.CliHarness;

namespace Engine.Tests.Interop;

[TestFixture, NonParallelizable]
public class KimExportTests
{
    private const string Name = "RFHGN_Test__MO_123456789012_000";
    private TempDirectory _dir = null!;

    [SetUp] public void Create() => _dir = new TempDirectory();
    [TearDown] public void Remove() => _dir.Dispose();

    /// <summary>A small separable pair model in metal units (Å, eV) with the given species names, saved to a file.</summary>
    private string PairModel(string[] names, string lengthUnit = "A", string energyUnit = "eV")
    {
        var s = TestSystems.PeriodicGas(20, 8.0, 3.0, seed: 4, species: names.Length);
        var f = TestSystems.Pair(s, SamplerKind.Swim, ActivationKind.Tanh, 5, width: 8);
        var theta = Enumerable.Range(0, f.FeatureCount).Select(k => 0.01 * Math.Cos(k)).ToArray();
        var model = new HamiltonianModel(f, theta, 0, new GraphRule(false, 3.0),
            new ModelInfo { Sampler = SamplerKind.Swim, Activation = ActivationKind.Tanh, Seed = 5, LengthUnit = lengthUnit, EnergyUnit = energyUnit }, names);
        string path = _dir.File("pair.model");
        ModelFile.Save(model, path);
        return path;
    }

    private static string? Library()
    {
        string path = Environment.GetEnvironmentVariable("HGN_LIBRARY") is { Length: > 0 } p ? p : Path.Combine(RepoPaths.Root, "build", "native", "lib", "libhgn.so.1");
        return File.Exists(path) ? path : null;
    }

    private string Error(params string[] args)
    {
        var r = Run(args);
        Assert.That(r.ExitCode, Is.EqualTo(1), r.Stdout + r.Stderr);
        var json = r.Json();
        Assert.That(json["ok"]!.GetValue<bool>(), Is.False);
        Assert.That(Directory.Exists(_dir.File("out")) && Directory.EnumerateFileSystemEntries(_dir.File("out")).Any(), Is.False, "a refused export wrote files");
        return json["error"]!.GetValue<string>();
    }

    [Test]
    public void EmbeddedDriverSourcesAreTheRepositoryFiles()
    {
        // export-kim carries native/kim and hgn.h as resources embedded at build time (Engine.Cli.csproj).
        Assert.That(KimDriverSources.Text("hgn_kim_driver.c"), Is.EqualTo(File.ReadAllText(Path.Combine(RepoPaths.Root, "native", "kim", "hgn_kim_driver.c"))));
        Assert.That(KimDriverSources.Text("CMakeLists.txt"), Is.EqualTo(File.ReadAllText(Path.Combine(RepoPaths.Root, "native", "kim", "CMakeLists.txt"))));
        Assert.That(KimDriverSources.Text("hgn.h"), Is.EqualTo(File.ReadAllText(Path.Combine(RepoPaths.Root, "native", "include", "hgn.h"))));
        Assert.That(KimDriverSources.Text("CMakeLists.txt"), Does.Contain($"project({ExportKimCommand.DriverName} "), "driver name in native/kim/CMakeLists.txt");
    }

    [TestCase("Argon")]
    [TestCase("Argon__MO_12345678901_000")]
    [TestCase("Argon__MD_123456789012_000")]
    [TestCase("1Argon__MO_123456789012_000")]
    [TestCase("Ar-gon__MO_123456789012_000")]
    public void BadKimNameIsRefused(string name)
    {
        string error = Error("export-kim", "--model", PairModel(["Ar"]), "--name", name, "--out", _dir.File("out"), "--json");
        Assert.That(error, Does.Contain($"--name '{name}' is not a KIM portable-model name").And.Contain("__MO_<12 digits>_<3 digits>"));
    }

    [Test]
    public void GraphModelIsRefused()
    {
        var s = TestSystems.Springs(3, 3, seed: 1);
        var f = TestSystems.Graph(s, SamplerKind.Swim, ActivationKind.Tanh, 2, widths: 8);
        var model = new HamiltonianModel(f, new double[f.FeatureCount], 0, new GraphRule(true, 0),
            new ModelInfo { Sampler = SamplerKind.Swim, Activation = ActivationKind.Tanh, Seed = 2, LengthUnit = "A", EnergyUnit = "eV" });
        ModelFile.Save(model, _dir.File("graph.model"));
        string error = Error("export-kim", "--model", _dir.File("graph.model"), "--name", Name, "--out", _dir.File("out"), "--json");
        Assert.That(error, Does.Contain("graph model").And.Contain("--model pair"));
    }

    [Test]
    public void ReducedUnitsAreRefused()
    {
        string error = Error("export-kim", "--model", PairModel(["Ar"], "reduced", "reduced"), "--name", Name, "--out", _dir.File("out"), "--json");
        Assert.That(error, Does.Contain("'reduced'").And.Contain("--units metal"));
    }

    [Test]
    public void SpeciesKimDoesNotKnowIsRefused_AndRenamingAtExportFixesIt()
    {
        string model = PairModel(["1"]);
        string error = Error("export-kim", "--model", model, "--name", Name, "--out", _dir.File("out"), "--json");
        Assert.That(error, Does.Contain("named '1'").And.Contain("--species-names 1:Ar"));
        error = Error("export-kim", "--model", model, "--name", Name, "--out", _dir.File("out"), "--species-names", "1:Argon", "--json");
        Assert.That(error, Does.Contain("'Argon'").And.Contain("not a KIM species"));
        error = Error("export-kim", "--model", model, "--name", Name, "--out", _dir.File("out"), "--species-names", "2:Ar", "--json");
        Assert.That(error, Does.Contain("no species labelled '2'"));
    }

    [Test]
    public void MissingLibraryNamesTheBuildCommand()
    {
        string error = Error("export-kim", "--model", PairModel(["Ar"]), "--name", Name, "--out", _dir.File("out"),
            "--library", _dir.File("no-such-libhgn.so.1"), "--json");
        Assert.That(error, Does.Contain("no-such-libhgn.so.1").And.Contain("cmake -S . -B build/native && cmake --build build/native"));
    }

    [Test]
    public void WritesBothItemsAndInstallCommands_AndReplacesAnEarlierExport()
    {
        string? library = Library();
        if (library is null) Assert.Ignore("build/native/lib/libhgn.so.1 not built; run `cmake -S . -B build/native && cmake --build build/native` (dotnet cake --target=Test does)");
        string model = PairModel(["1", "Kr"]), outDir = _dir.File("out");
        Directory.CreateDirectory(Path.Combine(outDir, Name));
        File.WriteAllText(Path.Combine(outDir, Name, "stale.txt"), "from an earlier export");
        var json = Ok("export-kim", "--model", model, "--name", Name, "--out", outDir, "--species-names", "1:Ar", "--library", library!, "--json");

        string driver = Path.Combine(outDir, ExportKimCommand.DriverName), item = Path.Combine(outDir, Name);
        Assert.That(json["driver_name"]!.GetValue<string>(), Is.EqualTo(ExportKimCommand.DriverName));
        Assert.That(json["model_dir"]!.GetValue<string>(), Is.EqualTo(item));
        Assert.That(json["species"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "Ar", "Kr" }));
        Assert.That(json["lammps_commands"]!.AsArray().Select(n => n!.GetValue<string>()),
            Is.EqualTo(new[] { $"kim init {Name} metal", "kim interactions Ar Kr" }));
        foreach (string f in new[] { "CMakeLists.txt", "hgn_kim_driver.c", "hgn.h", "libhgn.so.1" })
            Assert.That(File.Exists(Path.Combine(driver, f)), f);
        Assert.That(File.ReadAllBytes(Path.Combine(driver, "libhgn.so.1")), Is.EqualTo(File.ReadAllBytes(library!)));
        Assert.That(File.Exists(Path.Combine(item, "stale.txt")), Is.False, "the earlier item was replaced as a whole");
        Assert.That(File.ReadAllText(Path.Combine(item, "CMakeLists.txt")),
            Does.Contain($"DRIVER_NAME     \"{ExportKimCommand.DriverName}\"").And.Contain($"project({Name})").And.Contain($"PARAMETER_FILES \"{ExportKimCommand.ParameterFileName}\""));
        // The parameter file is the model with the renamed species, same coefficients.
        var original = ModelFile.Load(model);
        var written = ModelFile.Load(Path.Combine(item, ExportKimCommand.ParameterFileName));
        Assert.That(written.SpeciesNames, Is.EqualTo(new[] { "Ar", "Kr" }));
        Assert.That(written.Theta, Is.EqualTo(original.Theta));
        Assert.That(Directory.GetDirectories(outDir).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { ExportKimCommand.DriverName, Name }.Order()), "no staging directory left behind");

        var commands = json["install_commands"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
        Assert.That(commands, Has.Length.EqualTo(2));
        Assert.That(commands[0], Does.EndWith($"'{driver}'"), "the driver is installed first");
        Assert.That(commands[1], Does.EndWith($"'{item}'"));
        foreach (string c in commands)
            Assert.That(c, Does.StartWith("CFLAGS=-O3 CMAKE_BUILD_TYPE=None kim-api-collections-management install --force environment "));
    }
}
