// Build driver: `dotnet tool restore`, then `dotnet cake --target=Build|Test|Demo|Publish`.
// It installs the Debian packages the engine needs when they are missing and it runs as root (OpenBLAS and LAPACKE
// at run time; cmake, gcc and binutils to build the NativeAOT C library and the C tests); otherwise it stops with the
// exact command to run.

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var testFilter = Argument("filter", "");

// What the engine needs from the system, each with a shell probe that succeeds when it is present and the Debian
// package that provides it. NativeAOT links with clang or, when there is none, gcc (and strips with objcopy);
// its zlib is bundled with the ILCompiler package, so no zlib1g-dev is needed.
var nativeDependencies = new[]
{
    (What: "libopenblas.so.0", Probe: "ldconfig -p | grep -q 'libopenblas.so.0'", Package: "libopenblas0-pthread"),
    (What: "liblapacke.so.3", Probe: "ldconfig -p | grep -q 'liblapacke.so.3'", Package: "liblapacke"),
    (What: "cmake", Probe: "command -v cmake && command -v ctest", Package: "cmake"),
    (What: "gcc", Probe: "command -v gcc", Package: "gcc"),
    (What: "objcopy", Probe: "command -v objcopy", Package: "binutils"),
    (What: "C library headers", Probe: "test -f /usr/include/stdio.h", Package: "libc6-dev"),
    // The engine inside MD codes (the C ABI issue): LAMMPS runs the end-to-end test and the KIM benchmark, the KIM
    // API builds and installs the exported model driver and model, openkim-models gives the SNAP comparison, and
    // Debian's /usr/bin/python3 with ASE and NumPy runs the ctypes calculator example and its test.
    (What: "make (CMake's generator)", Probe: "command -v make", Package: "make"),
    (What: "C++ compiler (KIM's item builds enable CXX)", Probe: "command -v c++", Package: "g++"),
    (What: "LAMMPS (lmp)", Probe: "command -v lmp", Package: "lammps"),
    (What: "LAMMPS library headers", Probe: "test -f /usr/include/lammps/library.h", Package: "liblammps-dev"),
    (What: "KIM API (kim-api-collections-management)", Probe: "command -v kim-api-collections-management && test -f /usr/include/kim-api/KIM_ModelDriverHeaders.h", Package: "libkim-api-dev"),
    (What: "OpenKIM models (SNAP driver)", Probe: "test -d /usr/lib/x86_64-linux-gnu/kim-api/model-drivers/SNAP__MD_536750310735_000", Package: "openkim-models"),
    (What: "ASE for /usr/bin/python3", Probe: "/usr/bin/python3 -c 'import ase'", Package: "python3-ase"),
    (What: "NumPy for /usr/bin/python3", Probe: "/usr/bin/python3 -c 'import numpy'", Package: "python3-numpy"),
};

bool Present(string probe)
{
    var exit = StartProcess("sh", new ProcessSettings { Arguments = $"-c \"{probe} >/dev/null 2>&1\"", Silent = true });
    return exit == 0;
}

bool IsRoot()
{
    IEnumerable<string> output;
    StartProcess("id", new ProcessSettings { Arguments = "-u", RedirectStandardOutput = true }, out output);
    return output.FirstOrDefault()?.Trim() == "0";
}

Task("Dependencies")
    .Description("Checks (and as root installs) the Debian packages the engine needs: OpenBLAS, LAPACKE, cmake, gcc, binutils, LAMMPS, KIM, ASE.")
    .Does(() =>
{
    var missing = nativeDependencies.Where(d => !Present(d.Probe)).Select(d => d.Package).Distinct().ToList();
    if (missing.Count == 0) { Information("native dependencies present: " + string.Join(", ", nativeDependencies.Select(d => d.What))); return; }
    var install = "apt-get update && apt-get install -y " + string.Join(" ", missing);
    if (!IsRoot())
        throw new Exception($"missing system packages: {string.Join(", ", missing)}. Run as root: {install}");
    Information($"installing {string.Join(", ", missing)}");
    if (StartProcess("sh", new ProcessSettings { Arguments = $"-c \"DEBIAN_FRONTEND=noninteractive {install}\"" }) != 0)
        throw new Exception($"package installation failed; run by hand: {install}");
    var still = nativeDependencies.Where(d => !Present(d.Probe)).Select(d => d.What).ToList();
    if (still.Count > 0) throw new Exception($"after installing, still missing: {string.Join(", ", still)}");
});

Task("Build")
    .IsDependentOn("Dependencies")
    .Does(() =>
{
    DotNetBuild("Engine.sln", new DotNetBuildSettings { Configuration = configuration });
});

// The C side: CMake publishes libhgn.so (NativeAOT) and builds the C tests and examples into build/native.
var nativeBuild = MakeAbsolute(Directory("build/native"));

void BuildNative()
{
    void Run(string tool, string arguments)
    {
        if (StartProcess(tool, new ProcessSettings { Arguments = arguments }) != 0)
            throw new Exception($"{tool} {arguments} failed");
    }
    Run("cmake", $"-S . -B \"{nativeBuild}\" -DCMAKE_BUILD_TYPE=Release");
    Run("cmake", $"--build \"{nativeBuild}\"");
}

Task("Native")
    .Description("Builds the NativeAOT C library libhgn.so and the C tests and examples (cmake, into build/native).")
    .IsDependentOn("Dependencies")
    .Does(BuildNative);

Task("Test")
    .Description("Runs every test of the default suite (dotnet test, then CTest) and ends with a plain 'N passed, N failed, N skipped' line.")
    .IsDependentOn("Build")
    .Does(() =>
{
    var results = MakeAbsolute(Directory("artifacts/test-results"));
    CleanDirectory(results);
    Exception failure = null;
    // The native build comes first: the managed suite's C ABI parity tests load the library it publishes.
    bool nativeBuilt = false;
    try { BuildNative(); nativeBuilt = true; }
    catch (Exception e) { failure = e; Error($"native build failed: {e.Message}"); }
    var library = nativeBuild.CombineWithFilePath("lib/libhgn.so.1").FullPath;
    var settings = new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        ResultsDirectory = results,
        Loggers = new[] { "trx;LogFileName=engine.trx", "console;verbosity=normal" },
        EnvironmentVariables = new Dictionary<string, string> { ["HGN_LIBRARY"] = library },
    };
    if (!string.IsNullOrEmpty(testFilter)) settings.Filter = testFilter;
    try { DotNetTest("tests/Engine.Tests/Engine.Tests.csproj", settings); }
    catch (Exception e) { failure ??= e; }
    int passed = 0, failed = 0, skipped = 0;
    if (string.IsNullOrEmpty(testFilter))
    {
        // The kernel tests once more with AVX-512 switched off, so the Vector256 and scalar paths run on an
        // AVX-512 machine too (style-guide item 5).
        var narrow = new DotNetTestSettings
        {
            Configuration = configuration,
            NoBuild = true,
            ResultsDirectory = results,
            // The feature kernels and the sketch solver's two kernels (the scatter and the fused pass).
            Filter = "FullyQualifiedName~Engine.Tests.Features|FullyQualifiedName~Engine.Tests.Solve.SparseSignSketch|FullyQualifiedName~Engine.Tests.Solve.FusedNormalPass",
            Loggers = new[] { "trx;LogFileName=engine-no-avx512.trx" },
            // .NET 10 reads DOTNET_EnableAVX512 (measured: EnableAVX512F=0 alone leaves Vector512 accelerated); the older
            // name is kept for earlier runtimes.
            EnvironmentVariables = new Dictionary<string, string> { ["DOTNET_EnableAVX512"] = "0", ["DOTNET_EnableAVX512F"] = "0" },
        };
        try { DotNetTest("tests/Engine.Tests/Engine.Tests.csproj", narrow); }
        catch (Exception e) { failure ??= e; }

        // The C tests and examples (CTest), counted from its JUnit report.
        if (nativeBuilt)
        {
            var junit = results.CombineWithFilePath("ctest.xml").FullPath;
            if (StartProcess("ctest", new ProcessSettings { Arguments = $"--test-dir \"{nativeBuild}\" --output-on-failure --output-junit \"{junit}\"" }) != 0)
                failure ??= new Exception("ctest reported failures");
            if (System.IO.File.Exists(junit))
            {
                foreach (var c in System.Xml.Linq.XDocument.Load(junit).Descendants().Where(e => e.Name.LocalName == "testcase"))
                {
                    string status = c.Attribute("status")?.Value ?? "";
                    bool hasFailure = c.Elements().Any(e => e.Name.LocalName == "failure");
                    if (hasFailure || status == "fail") failed++;
                    else if (status == "run") passed++;
                    else skipped++;
                }
            }
            else failure ??= new Exception("ctest wrote no JUnit report");
        }
        else failed++;   // the native build itself counts as one failure
    }
    foreach (var trx in GetFiles(results.FullPath + "/**/*.trx"))
    {
        var counters = System.Xml.Linq.XDocument.Load(trx.FullPath).Descendants().First(e => e.Name.LocalName == "Counters");
        int Count(string name) => int.Parse(counters.Attribute(name)?.Value ?? "0");
        passed += Count("passed");
        failed += Count("failed") + Count("error") + Count("timeout") + Count("aborted");
        skipped += Count("total") - Count("executed");   // TRX leaves notExecuted at 0 for ignored tests
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
