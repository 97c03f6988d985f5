// A scratch directory for one test, deleted with everything in it when disposed.
namespace Engine.Tests.Data;

/// <summary>Creates a fresh, uniquely named directory under the system temp folder; <see cref="Dispose"/> removes it.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "engine-tests-" + Guid.NewGuid().ToString("N"));

    public TempDirectory() => Directory.CreateDirectory(Path);

    /// <summary>A file name inside the directory (the file is not created).</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* best effort: a leftover temp folder must not fail the test */ }
    }
}
