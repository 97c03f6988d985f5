// The KIM model-driver item's source files, embedded in the hgn assembly from native/kim and native/include (csproj).
using System.Reflection;

namespace Engine.Cli.Commands;

/// <summary>
/// The files of the KIM driver item that <c>export-kim</c> writes, byte for byte as in the repository:
/// native/kim/CMakeLists.txt, native/kim/hgn_kim_driver.c and native/include/hgn.h, embedded as resources at build time.
/// </summary>
internal static class KimDriverSources
{
    /// <summary>The item's file names, each also its resource name under "kim/".</summary>
    public static readonly string[] FileNames = ["CMakeLists.txt", "hgn_kim_driver.c", "hgn.h"];

    /// <summary>Writes every file of the driver item into <paramref name="directory"/>.</summary>
    public static void WriteTo(string directory)
    {
        foreach (string file in FileNames)
        {
            using var target = File.Create(Path.Combine(directory, file));
            Open(file).CopyTo(target);
        }
    }

    /// <summary>The embedded bytes of one item file.</summary>
    public static Stream Open(string file) =>
        typeof(KimDriverSources).Assembly.GetManifestResourceStream("kim/" + file)
        ?? throw new InvalidOperationException($"the hgn program was built without its KIM driver resource kim/{file}; rebuild it from the repository");

    /// <summary>One item file as text.</summary>
    public static string Text(string file)
    {
        using var reader = new StreamReader(Open(file));
        return reader.ReadToEnd();
    }
}
