// Writes a file all-or-nothing: into a temporary file beside it, then one rename over the target.
namespace Engine.Common;

/// <summary>
/// Atomic file replacement. Readers see either the old file or the complete new one, never a half-written
/// file; when writing fails, the temporary file is deleted and the target is left as it was.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically (see <see cref="Write"/>).</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>
    /// Runs <paramref name="write"/> on a stream to a temporary file in the directory of <paramref name="path"/>,
    /// flushes it to disk, then moves it over <paramref name="path"/>. I/O failures become
    /// <see cref="InvalidInputException"/> naming the path; other exceptions from <paramref name="write"/> propagate.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? throw new InvalidInputException($"{path}: cannot write: it names no file");
        if (!Directory.Exists(directory))
            throw new InvalidInputException($"{path}: cannot write: directory '{directory}' does not exist; create it first");
        if (Directory.Exists(full)) throw new InvalidInputException($"{path}: cannot write: it is a directory");
        // Same directory, so the final move is a rename on one file system, never a copy.
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Path.GetRandomFileName()}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            TryDelete(temp);
            if (e is IOException or UnauthorizedAccessException)
                throw new InvalidInputException($"{path}: cannot write: {e.Message}", e);
            throw;
        }
    }

    private static void TryDelete(string file)
    {
        try { File.Delete(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* nothing more can be done; the original error matters more */ }
    }
}
