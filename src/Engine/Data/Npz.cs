// Reads and writes NumPy .npz archives: a zip of 'key.npy' members, stored (np.savez) or deflated (np.savez_compressed).
using System.IO.Compression;
using Engine.Common;

namespace Engine.Data;

/// <summary>Entry points for <c>.npz</c> archives. Every problem with a file is an <see cref="InvalidInputException"/> naming the path (and the key, when one is involved).</summary>
public static class Npz
{
    /// <summary>Opens an archive for reading members one at a time; dispose it to close the file.</summary>
    public static NpzArchive Open(string path) => NpzArchive.Open(path);

    /// <summary>Reads every member of the archive at <paramref name="path"/>, keyed by member name without <c>.npy</c>.</summary>
    public static IReadOnlyDictionary<string, NpyArray> ReadAll(string path)
    {
        using var archive = Open(path);
        return archive.Keys.ToDictionary(k => k, archive.Read);
    }

    /// <summary>
    /// Writes the arrays to <paramref name="stream"/> as an <c>.npz</c> archive, one member <c>key.npy</c> per array,
    /// in the given order: deflated when <paramref name="compress"/> (like np.savez_compressed), else stored (like
    /// np.savez). Member timestamps are fixed so equal arrays give equal bytes.
    /// </summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compress = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(arrays);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (key, array) in arrays)
        {
            if (string.IsNullOrEmpty(key)) throw new ArgumentException("an .npz key must be a non-empty string", nameof(arrays));
            if (!seen.Add(key)) throw new ArgumentException($"the .npz key '{key}' is given twice", nameof(arrays));
            var entry = zip.CreateEntry(key + ".npy", compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            entry.LastWriteTime = FixedTimestamp;
            using var member = entry.Open();
            Npy.Write(member, array);
        }
    }

    /// <summary>Writes an <c>.npz</c> file atomically (temporary file in the same directory, then rename); see <see cref="Write(Stream, IEnumerable{KeyValuePair{string, NpyArray}}, bool)"/>.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compress = false) =>
        AtomicFile.Write(path, s => Write(s, arrays, compress));

    private static readonly DateTimeOffset FixedTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
}

/// <summary>
/// An open <c>.npz</c> archive. Members are decoded only when <see cref="Read"/> asks for them, so a damaged
/// member that nobody reads does not stop the others from loading.
/// </summary>
public sealed class NpzArchive : IDisposable
{
    // Deflate cannot expand data by more than about 1032:1; a member claiming more is damaged or hostile,
    // and trusting its size would allocate memory the file cannot fill.
    private const long MaxDeflateRatio = 1100;

    private readonly ZipArchive _zip;
    private readonly Dictionary<string, ZipArchiveEntry> _members;

    /// <summary>The file this archive was opened from (used in every error message).</summary>
    public string Path { get; }
    /// <summary>Member names without the <c>.npy</c> suffix, in archive order.</summary>
    public IReadOnlyList<string> Keys { get; }

    private NpzArchive(string path, ZipArchive zip, Dictionary<string, ZipArchiveEntry> members, List<string> keys)
    {
        Path = path; _zip = zip; _members = members; Keys = keys;
    }

    internal static NpzArchive Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileStream file;
        try { file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidInputException($"{path}: file not found; give the path of an .npz archive (np.savez)", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{path}: cannot open: {e.Message}", e);
        }
        try
        {
            if (file.Length == 0) throw new InvalidInputException($"{path}: is empty (0 bytes); expected an .npz archive written by np.savez");
            var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: false);
            var members = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
            var keys = new List<string>();
            foreach (var entry in zip.Entries)
            {
                string name = entry.FullName;
                if (name.EndsWith('/')) continue; // directory record
                string key = name.EndsWith(".npy", StringComparison.Ordinal) ? name[..^4] : name;
                if (!members.TryAdd(key, entry)) throw new InvalidInputException($"{path}: '{key}' appears twice in the archive; re-save the file");
                keys.Add(key);
            }
            return new NpzArchive(path, zip, members, keys);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            string what = StartsWithNpyMagic(file)
                ? "is a single .npy array, not an .npz archive; save with np.savez"
                : $"is not a readable .npz (zip) archive ({e.Message}); it may be truncated, corrupt, or another kind of file";
            file.Dispose();
            throw new InvalidInputException($"{path}: {what}", e);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>True when the archive has a member <c>key.npy</c>.</summary>
    public bool Contains(string key) => _members.ContainsKey(key);

    /// <summary>Reads member <paramref name="key"/>; a missing, truncated or corrupt member is an <see cref="InvalidInputException"/> naming the path and key.</summary>
    public NpyArray Read(string key)
    {
        if (!_members.TryGetValue(key, out var entry))
            throw new InvalidInputException($"{Path}: '{key}' is missing; the archive holds {(Keys.Count == 0 ? "no arrays" : string.Join(", ", Keys.Select(k => $"'{k}'")))}");
        string source = $"{Path}: '{key}'";
        long available = Math.Min(entry.Length, entry.CompressedLength * MaxDeflateRatio + 4096);
        try
        {
            using var member = new ChecksumStream(entry.Open());
            var array = Npy.Read(member, source, available);
            // The checksum covers the whole member, so read past the array to its end (normally nothing is left).
            member.CopyTo(Stream.Null);
            if (member.Crc != entry.Crc32)
                throw new InvalidInputException($"{source} (member '{entry.FullName}') is corrupt: its CRC-32 is {member.Crc:x8} but the archive records {entry.Crc32:x8}; re-save the file");
            return array;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
        {
            throw new InvalidInputException($"{source} (member '{entry.FullName}') is corrupt or truncated: {e.Message}; re-save the file", e);
        }
    }

    /// <summary>Reads member <paramref name="key"/>, or returns null when the archive has no such member.</summary>
    public NpyArray? TryRead(string key) => Contains(key) ? Read(key) : null;

    /// <summary>Closes the archive and its file.</summary>
    public void Dispose() => _zip.Dispose();

    /// <summary>Passes reads through and keeps the CRC-32 of every byte read, since ZipArchive does not verify stored members.</summary>
    private sealed class ChecksumStream(Stream inner) : Stream
    {
        public uint Crc { get; private set; }

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            Crc = Crc32.Append(Crc, buffer[..n]);
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    private static bool StartsWithNpyMagic(FileStream file)
    {
        try
        {
            Span<byte> head = stackalloc byte[6];
            file.Position = 0;
            return file.ReadAtLeast(head, 6, throwOnEndOfStream: false) == 6 && head[0] == 0x93 && head[1..].SequenceEqual("NUMPY"u8);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException) { return false; }
    }
}
