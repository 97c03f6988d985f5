// Finds the repository root from the test assembly, so tests can read committed fixtures without csproj copy rules.
namespace Engine.Tests.Support;

/// <summary>Paths inside the repository, located by walking up from the test assembly to the folder holding Engine.sln.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootDirectory = new(FindRoot);

    /// <summary>The repository root (the directory containing <c>Engine.sln</c>).</summary>
    public static string Root => RootDirectory.Value;

    /// <summary>A path under <c>tests/Engine.Tests/</c>, e.g. <c>InTests("Data", "Fixtures", "v1.npy")</c>.</summary>
    public static string InTests(params string[] parts) => Path.Combine([Root, "tests", "Engine.Tests", .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Engine.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no directory above {AppContext.BaseDirectory} contains Engine.sln; run the tests from inside the repository");
    }
}
