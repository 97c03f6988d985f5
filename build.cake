// Build driver: `dotnet tool restore`, then `dotnet cake --target=Build|Test|Demo|Publish`.
// It installs the Debian packages the engine loads at run time (OpenBLAS, LAPACKE) when they are missing
// and it runs as root; otherwise it stops with the exact command to run.

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var testFilter = Argument("filter", "");

// Native libraries the engine P/Invokes, and the Debian packages that ship them.
var nativeDependencies = new[]
{
    (Library: "libopenblas.so.0", Package: "libopenblas0-pthread"),
    (Library: "liblapacke.so.3", Package: "liblapacke"),
};

bool LibraryPresent(string name)
{
    var exit = StartProcess("sh", new ProcessSettings { Arguments = $"-c \"ldconfig -p | grep -q '{name}'\"", Silent = true });
    return exit == 0;
}

bool IsRoot()
{
    IEnumerable<string> output;
    StartProcess("id", new ProcessSettings { Arguments = "-u", RedirectStandardOutput = true }, out output);
    return output.FirstOrDefault()?.Trim() == "0";
}

Task("Dependencies")
    .Description("Checks (and as root installs) the Debian packages the engine loads: OpenBLAS and LAPACKE.")
    .Does(() =>
{
    var missing = nativeDependencies.Where(d => !LibraryPresent(d.Library)).Select(d => d.Package).Distinct().ToList();
    if (missing.Count == 0) { Information("native dependencies present: " + string.Join(", ", nativeDependencies.Select(d => d.Library))); return; }
    var install = "apt-get update && apt-get install -y " + string.Join(" ", missing);
    if (!IsRoot())
        throw new Exception($"missing system packages: {string.Join(", ", missing)}. Run as root: {install}");
    Information($"installing {string.Join(", ", missing)}");
    if (StartProcess("sh", new ProcessSettings { Arguments = $"-c \"DEBIAN_FRONTEND=noninteractive {install}\"" }) != 0)
        throw new Exception($"package installation failed; run by hand: {install}");
    var still = nativeDependencies.Where(d => !LibraryPresent(d.Library)).Select(d => d.Library).ToList();
    if (still.Count > 0) throw new Exception($"after installing, still missing: {string.Join(", ", still)}");
});

Task("Build")
    .IsDependentOn("Dependencies")
    .Does(() =>
{
    DotNetBuild("Engine.sln", new DotNetBuildSettings { Configuration = configuration });
});

Task("Test")
    .Description("Runs every test of the default suite and ends with a plain 'N passed, N failed, N skipped' line.")
    .IsDependentOn("Build")
    .Does(() =>
{
    var results = MakeAbsolute(Directory("artifacts/test-results"));
    CleanDirectory(results);
    var settings = new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        ResultsDirectory = results,
        Loggers = new[] { "trx;LogFileName=engine.trx", "console;verbosity=normal" },
    };
    if (!string.IsNullOrEmpty(testFilter)) settings.Filter = testFilter;
    Exception failure = null;
    try { DotNetTest("tests/Engine.Tests/Engine.Tests.csproj", settings); }
    catch (Exception e) { failure = e; }
    if (string.IsNullOrEmpty(testFilter))
    {
        // The kernel tests once more with AVX-512 switched off, so the Vector256 and scalar paths run on an
        // AVX-512 machine too (style-guide item 5).
        var narrow = new DotNetTestSettings
        {
            Configuration = configuration,
            NoBuild = true,
            ResultsDirectory = results,
            Filter = "FullyQualifiedName~Engine.Tests.Features",
            Loggers = new[] { "trx;LogFileName=engine-no-avx512.trx" },
            EnvironmentVariables = new Dictionary<string, string> { ["DOTNET_EnableAVX512F"] = "0" },
        };
        try { DotNetTest("tests/Engine.Tests/Engine.Tests.csproj", narrow); }
        catch (Exception e) { failure ??= e; }
    }
    int passed = 0, failed = 0, skipped = 0;
    foreach (var trx in GetFiles(results.FullPath + "/**/*.trx"))
    {
        var counters = System.Xml.Linq.XDocument.Load(trx.FullPath).Descendants().First(e => e.Name.LocalName == "Counters");
        int Count(string name) => int.Parse(counters.Attribute(name)?.Value ?? "0");
        passed += Count("passed");
        failed += Count("failed") + Count("error") + Count("timeout") + Count("aborted");
        skipped += Count("notExecuted");
    }
    // Plain stdout (no colour codes): CI reads this closing line.
    System.Console.WriteLine($"{passed} passed, {failed} failed, {skipped} skipped");
    if (failure != null) throw failure;
    if (passed == 0) throw new Exception("no test ran");
});

Task("Demo")
    .Description("Generates the default 3D lattice, trains, evaluates on held-out trajectories (the README's first command).")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetRun("src/Engine.Cli/Engine.Cli.csproj", new ProcessArgumentBuilder().Append("demo"),
        new DotNetRunSettings { Configuration = configuration, NoBuild = true });
});

RunTarget(target);
