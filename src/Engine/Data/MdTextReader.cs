// Line-numbered reading of MD text files, with field splitting and number parsing whose errors name the line.
using System.Globalization;
using Engine.Common;

namespace Engine.Data;

/// <summary>
/// Reads a text file line by line and keeps the 1-based number of the last line returned, so that every refusal
/// can say <c>path:line: problem</c>. Fields are separated by spaces or tabs.
/// </summary>
internal sealed class MdTextReader : IDisposable
{
    private readonly StreamReader _reader;
    private readonly bool _endsWithNewline;

    public string Path { get; }
    /// <summary>Size of the file in bytes (bounds the atom counts a header may claim).</summary>
    public long Length { get; }
    /// <summary>1-based number of the line last returned by <see cref="Next"/> (0 before the first).</summary>
    public int Line { get; private set; }
    /// <summary>
    /// True when the line last returned is the file's last and has no end-of-line: MD codes end every line, so such
    /// a line was most likely cut off in the middle (a number in it may be short of digits).
    /// </summary>
    public bool IsCutLine { get; private set; }

    private MdTextReader(string path, StreamReader reader, long length, bool endsWithNewline)
    {
        Path = path; _reader = reader; Length = length; _endsWithNewline = endsWithNewline;
    }

    /// <summary>Opens <paramref name="path"/>; a missing or unreadable file is an <see cref="InvalidInputException"/>.</summary>
    public static MdTextReader Open(string path, string what)
    {
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            bool newline = true;
            if (stream.Length > 0)
            {
                stream.Seek(-1, SeekOrigin.End);
                newline = stream.ReadByte() == '\n';
                stream.Seek(0, SeekOrigin.Begin);
            }
            return new MdTextReader(path, new StreamReader(stream, detectEncodingFromByteOrderMarks: true), stream.Length, newline);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidInputException($"{path}: file not found; give the path of {what}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{path}: cannot be read ({e.Message})", e);
        }
    }

    /// <summary>The next line (without its end-of-line), or null at the end of the file.</summary>
    public string? Next()
    {
        string? line;
        try { line = _reader.ReadLine(); }
        catch (IOException e) { throw new InvalidInputException($"{Path}:{Line + 1}: cannot be read ({e.Message})", e); }
        if (line is not null)
        {
            Line++;
            IsCutLine = !_endsWithNewline && _reader.Peek() < 0;
        }
        return line;
    }

    /// <summary>
    /// Refuses a header that promises <paramref name="rows"/> rows of at least <paramref name="minBytesPerRow"/> bytes
    /// when the whole file is smaller, before anything of that size is allocated.
    /// </summary>
    public void CheckRowsFit(long rows, int minBytesPerRow, string what)
    {
        if (rows * minBytesPerRow > Length)
            throw Error($"{what} is {rows}, but {rows} atom rows cannot fit in this file of {Length} bytes; the count is wrong or the file is truncated");
    }

    /// <summary>A refusal that names the current line.</summary>
    public InvalidInputException Error(string what) => new($"{Path}:{Line}: {what}");

    /// <summary>A refusal that names line <paramref name="line"/>.</summary>
    public InvalidInputException Error(int line, string what) => new($"{Path}:{line}: {what}");

    /// <summary>
    /// Splits <paramref name="line"/> into fields (spaces/tabs) into <paramref name="fields"/>; returns the count, or
    /// <c>fields.Length</c> when there are at least that many (the last range then holds the rest of the line).
    /// </summary>
    public static int Split(ReadOnlySpan<char> line, Span<Range> fields) =>
        line.SplitAny(fields, " \t", StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A finite float64 from <paramref name="field"/>, else a refusal naming the line and <paramref name="name"/>.</summary>
    public double Double(ReadOnlySpan<char> field, string name)
    {
        if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            throw Error($"{name} '{Short(field)}' is not a number");
        if (!double.IsFinite(v)) throw Error($"{name} is {Short(field)}; every value must be finite — remove or repair this frame");
        return v;
    }

    /// <summary>An integer from <paramref name="field"/>, else a refusal naming the line and <paramref name="name"/>.</summary>
    public long Long(ReadOnlySpan<char> field, string name)
    {
        if (!long.TryParse(field, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v))
            throw Error($"{name} '{Short(field)}' is not an integer");
        return v;
    }

    /// <summary>The text, cut to 40 characters for messages.</summary>
    public static string Short(ReadOnlySpan<char> text) => text.Length <= 40 ? text.ToString() : text[..40].ToString() + "…";

    public void Dispose() => _reader.Dispose();
}
