// Reads and writes one NumPy .npy array: format 1.0, 2.0 and 3.0 on read; 1.0 (2.0 for huge headers) on write.
using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Engine.Common;

namespace Engine.Data;

/// <summary>
/// The <c>.npy</c> format (numpy.lib.format): magic <c>\x93NUMPY</c>, version, header length, a Python-literal
/// header <c>{'descr': …, 'fortran_order': …, 'shape': (…)}</c>, then the raw elements.
/// Read accepts little-endian <c>f2/f4/f8</c> (as double), <c>i1…i8</c>, <c>u1…u8</c> and <c>b1</c> (as long), and
/// scalar strings <c>U</c> (UTF-32LE) and <c>S</c> (bytes, decoded as UTF-8). Fortran-order arrays are transposed
/// into C order on read. Refused with <see cref="InvalidInputException"/>: bad magic, unknown version, malformed
/// header, big-endian, object (pickled), complex, structured and datetime dtypes, string arrays of more than one
/// element, and a data section shorter than the header declares. Pickles are never loaded.
/// </summary>
public static class Npy
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    // numpy itself refuses headers above 10 000 bytes unless told otherwise; 1 MiB is generous and bounds memory.
    private const int MaxHeaderBytes = 1 << 20;
    private const int MaxRank = 64;
    // Elements per read: large enough to amortise stream calls, small enough that spans never overflow int.
    private const int ChunkElements = 1 << 16;
    private const int MaxStringBytes = 1 << 24;
    private static readonly UTF32Encoding Utf32Strict = new(bigEndian: false, byteOrderMark: false, throwOnInvalidCharacters: true);
    private static readonly UTF8Encoding Utf8Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads one array from <paramref name="stream"/>, which must start at the magic. <paramref name="source"/>
    /// begins every error message (e.g. <c>"run.npz: 'q'"</c>). <paramref name="byteCount"/>, when known, is the
    /// number of bytes the stream holds from here: a header that declares more data is refused before anything
    /// large is allocated. Bytes after the data section are left unread.
    /// </summary>
    public static NpyArray Read(Stream stream, string source = ".npy data", long? byteCount = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> preamble = stackalloc byte[8];
        int got = ReadFully(stream, preamble);
        if (got == 0) throw Bad(source, "is empty (0 bytes); expected a NumPy .npy array");
        if (got < 6 || !preamble[..6].SequenceEqual(Magic))
            throw Bad(source, "does not start with the NumPy magic \\x93NUMPY; it is not a .npy array (save it with np.save)");
        if (got < 8) throw Bad(source, "is truncated inside the .npy preamble");
        int major = preamble[6], minor = preamble[7];
        int lengthBytes = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw Bad(source, $"has .npy format version {major}.{minor}; only versions 1.0, 2.0 and 3.0 are supported"),
        };
        Span<byte> lengthField = stackalloc byte[4];
        if (ReadFully(stream, lengthField[..lengthBytes]) < lengthBytes) throw Bad(source, "is truncated inside the .npy preamble");
        long headerLength = lengthBytes == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthField) : BinaryPrimitives.ReadUInt32LittleEndian(lengthField);
        if (headerLength > MaxHeaderBytes) throw Bad(source, $"declares a {headerLength}-byte .npy header; at most {MaxHeaderBytes} bytes are accepted");
        long consumed = 8 + lengthBytes + headerLength;
        if (byteCount is long total && consumed > total)
            throw Bad(source, $"is truncated: the .npy header needs {consumed} bytes but only {total} are present");

        var headerBytes = new byte[headerLength];
        if (ReadFully(stream, headerBytes) < headerLength) throw Bad(source, "is truncated inside the .npy header");
        // Version 3.0 differs from 2.0 only in allowing UTF-8 in the header (structured field names).
        string header = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        var (descr, fortran, shape) = ParseHeader(source, header);
        var type = ParseDtype(source, descr);

        long count = 1;
        foreach (long n in shape)
        {
            if (n < 0) throw Bad(source, $"has a negative axis in shape {NpyArray.FormatShape(shape)}");
            count = n == 0 ? 0 : (count > Array.MaxLength / n ? long.MaxValue : count * n);
        }
        if (count > Array.MaxLength) throw Bad(source, $"has shape {NpyArray.FormatShape(shape)}, more than the {Array.MaxLength} elements one array can hold");
        long dataBytes = count * type.ItemBytes; // fits: count ≤ 2^31 and ItemBytes ≤ 2^24
        if (byteCount is long available && available - consumed < dataBytes)
            throw Bad(source, $"is truncated: dtype '{descr}' with shape {NpyArray.FormatShape(shape)} needs {dataBytes} data bytes but only {Math.Max(0, available - consumed)} are present");

        int n32 = (int)count;
        double[]? doubles = null; long[]? longs = null; string? text = null;
        switch (type.Kind)
        {
            case 'f' when type.ItemBytes == 8:
                doubles = new double[n32];
                ReadRaw(stream, source, MemoryMarshal.Cast<double, long>(doubles.AsSpan()), dataBytes);
                break;
            case 'i' when type.ItemBytes == 8:
                longs = new long[n32];
                ReadRaw(stream, source, longs, dataBytes);
                break;
            case 'f':
                doubles = new double[n32];
                ReadConverted(stream, source, type, doubles, null, dataBytes);
                break;
            case 'i' or 'u' or 'b':
                longs = new long[n32];
                ReadConverted(stream, source, type, null, longs, dataBytes);
                break;
            default: // 'U' or 'S'
                if (count != 1)
                    throw Bad(source, $"is a string array of shape {NpyArray.FormatShape(shape)}; only scalar strings (np.array('eV')) are supported");
                text = ReadText(stream, source, type);
                break;
        }
        if (fortran && shape.Length > 1)
        {
            if (doubles is not null) doubles = FortranToC(doubles, shape);
            if (longs is not null) longs = FortranToC(longs, shape);
        }
        return NpyArray.FromFile(descr, shape, count, doubles, longs, text);
    }

    /// <summary>Reads a <c>.npy</c> file; any I/O or format problem is an <see cref="InvalidInputException"/> naming the path.</summary>
    public static NpyArray Read(string path)
    {
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return Read(fs, path + ":", fs.Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{path}: cannot read the .npy file: {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes <paramref name="array"/> in C order: doubles as <c>&lt;f8</c>, longs as <c>&lt;i8</c>, text as a 0-d
    /// <c>&lt;U{n}</c>. Format 1.0, or 2.0 when the header exceeds 65 535 bytes; the header is padded so the data
    /// starts on a 64-byte boundary, as numpy does.
    /// </summary>
    public static void Write(Stream stream, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        byte[]? textBytes = array.Text is null ? null : EncodeText(array.Text);
        string descr = array.Doubles is not null ? "<f8" : array.Longs is not null ? "<i8" : $"<U{textBytes!.Length / 4}";
        WriteHeader(stream, descr, array.Shape);
        if (array.Doubles is not null) WriteRaw(stream, MemoryMarshal.Cast<double, long>(array.Doubles.AsSpan()));
        else if (array.Longs is not null) WriteRaw(stream, array.Longs);
        else stream.Write(textBytes);
    }

    /// <summary>Writes a <c>.npy</c> file atomically (temporary file in the same directory, then rename).</summary>
    public static void Write(string path, NpyArray array) => AtomicFile.Write(path, s => Write(s, array));

    // ---- header ----

    private static void WriteHeader(Stream stream, string descr, long[] shape)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {NpyArray.FormatShape(shape)}, }}";
        int length = dict.Length + 1; // + '\n'
        int lengthBytes = 2;
        int padded = PaddedHeaderLength(8 + lengthBytes, length);
        if (padded > ushort.MaxValue) { lengthBytes = 4; padded = PaddedHeaderLength(8 + lengthBytes, length); }
        int preamble = 8 + lengthBytes;
        var bytes = new byte[preamble + padded];
        Magic.CopyTo(bytes);
        bytes[6] = (byte)(lengthBytes == 2 ? 1 : 2);
        bytes[7] = 0;
        if (lengthBytes == 2) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)padded);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)padded);
        Encoding.ASCII.GetBytes(dict, bytes.AsSpan(preamble));
        bytes.AsSpan(preamble + dict.Length, padded - dict.Length - 1).Fill((byte)' ');
        bytes[^1] = (byte)'\n';
        stream.Write(bytes);
    }

    /// <summary>Header length (spaces and '\n' included) that makes the data start on a 64-byte boundary.</summary>
    private static int PaddedHeaderLength(int preamble, int length) => (preamble + length + 63) / 64 * 64 - preamble;

    private static (string Descr, bool Fortran, long[] Shape) ParseHeader(string source, string header)
    {
        object? value;
        try { value = new LiteralParser(header).ParseTop(); }
        catch (FormatException e) { throw Bad(source, $"has a malformed .npy header ({e.Message}): {Clip(header)}"); }
        if (value is not Dictionary<string, object?> dict) throw Bad(source, $"has a .npy header that is not a dictionary: {Clip(header)}");
        if (!dict.TryGetValue("descr", out var d)) throw Bad(source, "has a .npy header without 'descr'");
        if (d is not string descr) throw Bad(source, $"has a structured dtype ({Clip(header)}); only plain numeric arrays and scalar strings are supported");
        if (!dict.TryGetValue("fortran_order", out var f) || f is not bool fortran) throw Bad(source, "has a .npy header without a boolean 'fortran_order'");
        if (!dict.TryGetValue("shape", out var s) || s is not List<object?> axes) throw Bad(source, "has a .npy header without a 'shape' tuple");
        if (axes.Count > MaxRank) throw Bad(source, $"has {axes.Count} axes; at most {MaxRank} are supported");
        var shape = new long[axes.Count];
        for (int k = 0; k < axes.Count; k++)
            shape[k] = axes[k] is long n && n >= 0 ? n : throw Bad(source, $"has a .npy header whose shape is not a tuple of non-negative integers: {Clip(header)}");
        return (descr, fortran, shape);
    }

    private static string Clip(string s) => s.Length <= 200 ? s.Trim() : s[..200] + "…";

    private readonly record struct DtypeInfo(char Kind, int ItemBytes, int Width);

    /// <summary>Kind, bytes per element, and width of the unit whose byte order matters.</summary>
    private static DtypeInfo ParseDtype(string source, string descr)
    {
        char order = descr.Length > 0 && descr[0] is '<' or '>' or '|' or '=' ? descr[0] : '=';
        string rest = descr.Length > 0 && descr[0] is '<' or '>' or '|' or '=' ? descr[1..] : descr;
        if (rest.Length == 0) throw Bad(source, $"has an empty dtype '{descr}'");
        char kind = rest[0];
        if (kind == 'O')
            throw Bad(source, $"has object dtype '{descr}': its values are Python pickles, which are never loaded; save a numeric array (np.asarray(x, dtype=np.float64))");
        if (!int.TryParse(rest.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int size))
            throw Bad(source, $"has dtype '{descr}', which is not supported; use float64 ('<f8'), int64 ('<i8') or a scalar string");
        var info = (kind, size) switch
        {
            ('f', 2 or 4 or 8) => new DtypeInfo('f', size, size),
            ('i' or 'u', 1 or 2 or 4 or 8) => new DtypeInfo(kind, size, size),
            ('b', 1) => new DtypeInfo('b', 1, 1),
            ('U', >= 0 and <= MaxStringBytes / 4) => new DtypeInfo('U', 4 * size, 4),
            ('S' or 'a', >= 0 and <= MaxStringBytes) => new DtypeInfo('S', size, 1),
            ('c', _) => throw Bad(source, $"has complex dtype '{descr}'; store real and imaginary parts as separate float64 arrays"),
            ('M' or 'm', _) => throw Bad(source, $"has datetime dtype '{descr}'; store times as float64"),
            _ => throw Bad(source, $"has dtype '{descr}', which is not supported; use float64 ('<f8'), int64 ('<i8') or a scalar string"),
        };
        bool bigEndian = order == '>' || (order == '=' && !BitConverter.IsLittleEndian);
        if (bigEndian && info.Width > 1)
            throw Bad(source, $"has big-endian dtype '{descr}'; re-save it little-endian, e.g. arr.astype('<{kind}{size}')");
        return info;
    }

    // ---- data ----

    /// <summary>Reads 8-byte little-endian elements straight into their destination array.</summary>
    private static void ReadRaw(Stream stream, string source, Span<long> dst, long dataBytes)
    {
        for (int off = 0; off < dst.Length; off += ChunkElements)
        {
            var chunk = dst.Slice(off, Math.Min(ChunkElements, dst.Length - off));
            var bytes = MemoryMarshal.AsBytes(chunk);
            int got = ReadFully(stream, bytes);
            if (got < bytes.Length) throw Truncated(source, (long)off * 8 + got, dataBytes);
            if (!BitConverter.IsLittleEndian) BinaryPrimitives.ReverseEndianness(chunk, chunk);
        }
    }

    private static void ReadConverted(Stream stream, string source, DtypeInfo type, double[]? doubles, long[]? longs, long dataBytes)
    {
        int count = doubles?.Length ?? longs!.Length;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkElements * type.ItemBytes);
        try
        {
            for (int off = 0; off < count; off += ChunkElements)
            {
                int n = Math.Min(ChunkElements, count - off);
                var src = buffer.AsSpan(0, n * type.ItemBytes);
                int got = ReadFully(stream, src);
                if (got < src.Length) throw Truncated(source, (long)off * type.ItemBytes + got, dataBytes);
                if (doubles is not null) ToDoubles(src, doubles.AsSpan(off, n), type.ItemBytes);
                else ToLongs(source, src, longs.AsSpan(off, n), type.Kind, type.ItemBytes);
            }
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    private static void ToDoubles(ReadOnlySpan<byte> src, Span<double> dst, int size)
    {
        switch (size)
        {
            case 2: for (int k = 0; k < dst.Length; k++) dst[k] = (double)BinaryPrimitives.ReadHalfLittleEndian(src[(2 * k)..]); break;
            case 4: for (int k = 0; k < dst.Length; k++) dst[k] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * k)..]); break;
            default: for (int k = 0; k < dst.Length; k++) dst[k] = BinaryPrimitives.ReadDoubleLittleEndian(src[(8 * k)..]); break;
        }
    }

    private static void ToLongs(string source, ReadOnlySpan<byte> src, Span<long> dst, char kind, int size)
    {
        switch (kind, size)
        {
            case ('b', _): for (int k = 0; k < dst.Length; k++) dst[k] = src[k] != 0 ? 1 : 0; break;
            case ('i', 1): for (int k = 0; k < dst.Length; k++) dst[k] = (sbyte)src[k]; break;
            case ('u', 1): for (int k = 0; k < dst.Length; k++) dst[k] = src[k]; break;
            case ('i', 2): for (int k = 0; k < dst.Length; k++) dst[k] = BinaryPrimitives.ReadInt16LittleEndian(src[(2 * k)..]); break;
            case ('u', 2): for (int k = 0; k < dst.Length; k++) dst[k] = BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * k)..]); break;
            case ('i', 4): for (int k = 0; k < dst.Length; k++) dst[k] = BinaryPrimitives.ReadInt32LittleEndian(src[(4 * k)..]); break;
            case ('u', 4): for (int k = 0; k < dst.Length; k++) dst[k] = BinaryPrimitives.ReadUInt32LittleEndian(src[(4 * k)..]); break;
            case ('i', _): for (int k = 0; k < dst.Length; k++) dst[k] = BinaryPrimitives.ReadInt64LittleEndian(src[(8 * k)..]); break;
            default:
                for (int k = 0; k < dst.Length; k++)
                {
                    ulong v = BinaryPrimitives.ReadUInt64LittleEndian(src[(8 * k)..]);
                    dst[k] = v <= long.MaxValue ? (long)v : throw Bad(source, $"holds the uint64 value {v}, which does not fit in int64");
                }
                break;
        }
    }

    private static string ReadText(Stream stream, string source, DtypeInfo type)
    {
        var bytes = new byte[type.ItemBytes];
        int got = ReadFully(stream, bytes);
        if (got < bytes.Length) throw Truncated(source, got, bytes.Length);
        try
        {
            // numpy pads short strings with NUL code units; they are not part of the value.
            return (type.Kind == 'U' ? Utf32Strict.GetString(bytes) : Utf8Strict.GetString(bytes)).TrimEnd('\0');
        }
        catch (DecoderFallbackException)
        {
            throw Bad(source, $"holds a string that is not valid {(type.Kind == 'U' ? "UTF-32" : "UTF-8")}");
        }
    }

    private static byte[] EncodeText(string text)
    {
        var bytes = Utf32Strict.GetBytes(text);
        // numpy stores the empty string as '<U1' holding one NUL.
        return bytes.Length == 0 ? new byte[4] : bytes;
    }

    private static void WriteRaw(Stream stream, ReadOnlySpan<long> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            for (int off = 0; off < values.Length; off += ChunkElements)
                stream.Write(MemoryMarshal.AsBytes(values.Slice(off, Math.Min(ChunkElements, values.Length - off))));
            return;
        }
        var buffer = new long[Math.Min(ChunkElements, values.Length)];
        for (int off = 0; off < values.Length; off += ChunkElements)
        {
            int n = Math.Min(ChunkElements, values.Length - off);
            BinaryPrimitives.ReverseEndianness(values.Slice(off, n), buffer);
            stream.Write(MemoryMarshal.AsBytes(buffer.AsSpan(0, n)));
        }
    }

    /// <summary>Reorders column-major (first index fastest) data into row-major (last index fastest).</summary>
    private static T[] FortranToC<T>(T[] src, long[] shape)
    {
        var dst = new T[src.Length];
        if (src.Length == 0) return dst;
        int rank = shape.Length;
        var stride = new long[rank]; // row-major stride of each axis
        stride[rank - 1] = 1;
        for (int a = rank - 2; a >= 0; a--) stride[a] = stride[a + 1] * shape[a + 1];
        var index = new long[rank];
        long target = 0;
        for (int k = 0; k < src.Length; k++)
        {
            dst[target] = src[k];
            // Advance the multi-index with axis 0 fastest, keeping the row-major offset in step.
            for (int a = 0; a < rank; a++)
            {
                if (++index[a] < shape[a]) { target += stride[a]; break; }
                target -= (index[a] - 1) * stride[a];
                index[a] = 0;
            }
        }
        return dst;
    }

    private static int ReadFully(Stream stream, Span<byte> buffer) => stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);

    private static InvalidInputException Truncated(string source, long got, long needed) =>
        Bad(source, $"is truncated: its data section ends after {got} of {needed} bytes");

    private static InvalidInputException Bad(string source, string what) => new($"{source} {what}.");

    /// <summary>
    /// Parses the subset of Python literals a .npy header uses: dicts, tuples/lists, quoted strings, integers,
    /// True/False/None. Nesting is bounded so a hostile header cannot overflow the stack.
    /// </summary>
    private sealed class LiteralParser(string text)
    {
        private const int MaxDepth = 16;
        private int _pos;

        public object? ParseTop()
        {
            var v = Value(0);
            SkipSpace();
            if (_pos != text.Length) throw new FormatException($"unexpected '{text[_pos]}' at offset {_pos}");
            return v;
        }

        private object? Value(int depth)
        {
            if (depth > MaxDepth) throw new FormatException("nested too deeply");
            SkipSpace();
            if (_pos >= text.Length) throw new FormatException("unexpected end");
            char c = text[_pos];
            switch (c)
            {
                case '{':
                {
                    _pos++;
                    var dict = new Dictionary<string, object?>();
                    while (true)
                    {
                        SkipSpace();
                        if (Peek() == '}') { _pos++; return dict; }
                        if (Value(depth + 1) is not string key) throw new FormatException("dictionary key is not a string");
                        SkipSpace();
                        if (Peek() != ':') throw new FormatException($"expected ':' at offset {_pos}");
                        _pos++;
                        dict[key] = Value(depth + 1);
                        SkipSpace();
                        if (Peek() == ',') _pos++;
                        else if (Peek() != '}') throw new FormatException($"expected ',' or '}}' at offset {_pos}");
                    }
                }
                case '(' or '[':
                {
                    char close = c == '(' ? ')' : ']';
                    _pos++;
                    var list = new List<object?>();
                    while (true)
                    {
                        SkipSpace();
                        if (Peek() == close) { _pos++; return list; }
                        list.Add(Value(depth + 1));
                        SkipSpace();
                        if (Peek() == ',') _pos++;
                        else if (Peek() != close) throw new FormatException($"expected ',' or '{close}' at offset {_pos}");
                    }
                }
                case '\'' or '"':
                {
                    var sb = new StringBuilder();
                    _pos++;
                    while (true)
                    {
                        if (_pos >= text.Length) throw new FormatException("unterminated string");
                        char s = text[_pos++];
                        if (s == c) return sb.ToString();
                        if (s == '\\' && _pos < text.Length) s = text[_pos++];
                        sb.Append(s);
                    }
                }
                default:
                    if (char.IsAsciiDigit(c) || c == '-')
                    {
                        int start = _pos++;
                        while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
                        if (!long.TryParse(text.AsSpan(start, _pos - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n))
                            throw new FormatException($"bad integer at offset {start}");
                        if (_pos < text.Length && text[_pos] is 'L' or 'l') _pos++; // Python 2 long literal
                        return n;
                    }
                    if (char.IsAsciiLetter(c))
                    {
                        int start = _pos;
                        while (_pos < text.Length && char.IsAsciiLetterOrDigit(text[_pos])) _pos++;
                        return text[start.._pos] switch
                        {
                            "True" => true,
                            "False" => false,
                            "None" => null,
                            var word => throw new FormatException($"unexpected word '{word}'"),
                        };
                    }
                    throw new FormatException($"unexpected '{c}' at offset {_pos}");
            }
        }

        private char Peek() => _pos < text.Length ? text[_pos] : throw new FormatException("unexpected end");

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }
    }
}
