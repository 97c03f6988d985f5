// Tests of the single-array .npy reader and writer: round trips, layout, and refusal of bad input.
using System.Buffers.Binary;
using System.Text;
using Engine.Common;
using Engine.Data;
using NUnit.Framework;

namespace Engine.Tests.Data;

[TestFixture]
public class NpyTests
{
    private static NpyArray RoundTrip(NpyArray a)
    {
        using var ms = new MemoryStream();
        Npy.Write(ms, a);
        long written = ms.Length;
        ms.Position = 0;
        var back = Npy.Read(ms, "test", written);
        Assert.That(ms.Position, Is.EqualTo(written), "reader consumes exactly the array");
        return back;
    }

    /// <summary>A .npy file built by hand, so malformed headers can be tested.</summary>
    private static byte[] HandMade(string header, ReadOnlySpan<byte> data, byte major = 1)
    {
        var h = Encoding.ASCII.GetBytes(header + "\n");
        int lengthBytes = major == 1 ? 2 : 4;
        var bytes = new byte[8 + lengthBytes + h.Length + data.Length];
        bytes[0] = 0x93; Encoding.ASCII.GetBytes("NUMPY").CopyTo(bytes, 1);
        bytes[6] = major; bytes[7] = 0;
        if (lengthBytes == 2) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)h.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)h.Length);
        h.CopyTo(bytes, 8 + lengthBytes);
        data.CopyTo(bytes.AsSpan(8 + lengthBytes + h.Length));
        return bytes;
    }

    private static InvalidInputException ReadFails(byte[] bytes, bool hint = true) =>
        Assert.Throws<InvalidInputException>(() => Npy.Read(new MemoryStream(bytes), "src", hint ? bytes.Length : null))!;

    [Test]
    public void DoublesRoundTripWithShapeAndBits()
    {
        var rng = new Random(20240601);
        var values = new double[2 * 3 * 5];
        for (int k = 0; k < values.Length; k++) values[k] = (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-300, 300));
        values[0] = -0.0; values[1] = double.Epsilon; values[2] = double.MaxValue;
        var back = RoundTrip(NpyArray.Of(values, 2, 3, 5));
        Assert.That(back.Dtype, Is.EqualTo("<f8"));
        Assert.That(back.Shape, Is.EqualTo(new long[] { 2, 3, 5 }));
        Assert.That(back.Doubles!.Select(BitConverter.DoubleToInt64Bits), Is.EqualTo(values.Select(BitConverter.DoubleToInt64Bits)));
        Assert.That(back.Longs, Is.Null);
    }

    [Test]
    public void LongsRoundTripIncludingExtremes()
    {
        long[] values = [long.MinValue, -1, 0, 1, long.MaxValue, 42];
        var back = RoundTrip(NpyArray.Of(values, 3, 2));
        Assert.That(back.Dtype, Is.EqualTo("<i8"));
        Assert.That(back.Longs, Is.EqualTo(values));
        Assert.That(back.Shape, Is.EqualTo(new long[] { 3, 2 }));
    }

    [TestCase("eV")]
    [TestCase("kcal/mol")]
    [TestCase("Å")]
    [TestCase("𝜇m")] // outside the BMP: one UTF-32 code point, two UTF-16 chars
    [TestCase("")]
    public void TextRoundTripsAsUtf32Scalar(string text)
    {
        var back = RoundTrip(NpyArray.OfText(text));
        Assert.That(back.Text, Is.EqualTo(text));
        Assert.That(back.Rank, Is.EqualTo(0));
        int codePoints = text.EnumerateRunes().Count();
        Assert.That(back.Dtype, Is.EqualTo($"<U{Math.Max(1, codePoints)}"));
    }

    [Test]
    public void ScalarAndEmptyArraysRoundTrip()
    {
        var s = RoundTrip(NpyArray.Scalar(2.5));
        Assert.That(s.Shape, Is.Empty);
        Assert.That(s.Doubles, Is.EqualTo(new[] { 2.5 }));
        var e = RoundTrip(NpyArray.Of(Array.Empty<long>(), 0, 2));
        Assert.That(e.Shape, Is.EqualTo(new long[] { 0, 2 }));
        Assert.That(e.Count, Is.EqualTo(0));
    }

    [Test]
    public void WrittenHeaderIsVersion1AlignedTo64AndNumpyShaped()
    {
        using var ms = new MemoryStream();
        Npy.Write(ms, NpyArray.Of(new double[3], 3));
        var bytes = ms.ToArray();
        Assert.That(bytes[6], Is.EqualTo(1));
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        Assert.That((10 + headerLength) % 64, Is.EqualTo(0));
        Assert.That(bytes.Length, Is.EqualTo(10 + headerLength + 3 * 8));
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.That(header, Does.StartWith("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"));
        Assert.That(header, Does.EndWith("\n"));
    }

    [Test]
    public void HeaderLongerThan64KiBIsWrittenAsVersion2()
    {
        // Only a shape with thousands of axes makes the header that long; the writer must still follow the format.
        var shape = Enumerable.Repeat(1L, 25000).ToArray();
        using var ms = new MemoryStream();
        Npy.Write(ms, NpyArray.Of(new[] { 4.5 }, shape));
        var bytes = ms.ToArray();
        Assert.That((bytes[6], bytes[7]), Is.EqualTo(((byte)2, (byte)0)));
        long headerLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        Assert.That(headerLength, Is.GreaterThan(ushort.MaxValue));
        Assert.That((12 + headerLength) % 64, Is.EqualTo(0));
        Assert.That(BitConverter.ToDouble(bytes, (int)(12 + headerLength)), Is.EqualTo(4.5));
        // The reader bounds the rank, as numpy does, so it refuses this file by name rather than misreading it.
        Assert.That(ReadFails(bytes).Message, Does.Contain("25000 axes"));
    }

    [Test]
    public void LargeArrayCrossesChunkBoundaries()
    {
        var values = new double[(1 << 16) * 2 + 7];
        for (int k = 0; k < values.Length; k++) values[k] = k * 0.5;
        var back = RoundTrip(NpyArray.Of(values, values.Length));
        Assert.That(back.Doubles, Is.EqualTo(values));
    }

    [Test]
    public void ConvertsNarrowDtypes()
    {
        var f4 = new byte[3 * 4];
        float[] floats = [1.5f, -2.25f, 1e-3f];
        for (int k = 0; k < 3; k++) BinaryPrimitives.WriteSingleLittleEndian(f4.AsSpan(4 * k), floats[k]);
        var a = Npy.Read(new MemoryStream(HandMade("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", f4)));
        Assert.That(a.Doubles, Is.EqualTo(floats.Select(f => (double)f)));

        var i4 = new byte[2 * 4];
        BinaryPrimitives.WriteInt32LittleEndian(i4, -7); BinaryPrimitives.WriteInt32LittleEndian(i4.AsSpan(4), int.MaxValue);
        var b = Npy.Read(new MemoryStream(HandMade("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", i4)));
        Assert.That(b.Longs, Is.EqualTo(new long[] { -7, int.MaxValue }));
        Assert.That(b.Dtype, Is.EqualTo("<i4"));

        var u1 = new byte[] { 0, 200, 255 };
        var c = Npy.Read(new MemoryStream(HandMade("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", u1)));
        Assert.That(c.Longs, Is.EqualTo(new long[] { 0, 200, 255 }));
    }

    [Test]
    public void BytesStringIsDecodedAndNulPaddingDropped()
    {
        var a = Npy.Read(new MemoryStream(HandMade("{'descr': '|S5', 'fortran_order': False, 'shape': (), }", "eV\0\0\0"u8)));
        Assert.That(a.Text, Is.EqualTo("eV"));
    }

    [Test]
    public void FortranOrderIsTransposedToCOrder()
    {
        // Logical a[i, j] = 10 i + j for shape (2, 3); Fortran order stores column by column.
        long[] columnMajor = [0, 10, 1, 11, 2, 12];
        var data = new byte[6 * 8];
        for (int k = 0; k < 6; k++) BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8 * k), columnMajor[k]);
        var a = Npy.Read(new MemoryStream(HandMade("{'descr': '<i8', 'fortran_order': True, 'shape': (2, 3), }", data)));
        Assert.That(a.Longs, Is.EqualTo(new long[] { 0, 1, 2, 10, 11, 12 }));
    }

    [Test]
    public void PythonTwoLongLiteralsAndDoubleQuotesAreAccepted()
    {
        var a = Npy.Read(new MemoryStream(HandMade("{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (1L,)}", new byte[8])));
        Assert.That(a.Shape, Is.EqualTo(new long[] { 1 }));
    }

    [Test]
    public void BadMagicIsRefused()
    {
        var ex = ReadFails("\x89PNG\r\n\x1a\n0000"u8.ToArray());
        Assert.That(ex.Message, Does.Contain("src").And.Contain("magic"));
        var empty = ReadFails([]);
        Assert.That(empty.Message, Does.Contain("empty"));
    }

    [Test]
    public void UnknownVersionIsRefused()
    {
        var bytes = HandMade("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", new byte[8]);
        bytes[6] = 9;
        Assert.That(ReadFails(bytes).Message, Does.Contain("version 9.0"));
    }

    [Test]
    public void TruncatedDataIsRefusedWithAndWithoutLengthHint()
    {
        var full = HandMade("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", new byte[32]);
        var cut = full[..^5];
        var withHint = ReadFails(cut, hint: true);
        Assert.That(withHint.Message, Does.Contain("truncated").And.Contain("32"));
        var noHint = ReadFails(cut, hint: false);
        Assert.That(noHint.Message, Does.Contain("truncated").And.Contain("27 of 32"));
        var headerCut = ReadFails(full[..20], hint: false);
        Assert.That(headerCut.Message, Does.Contain("truncated"));
    }

    [Test]
    public void TruncatedConvertedDataIsRefused()
    {
        var bytes = HandMade("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", new byte[10]);
        Assert.That(ReadFails(bytes, hint: false).Message, Does.Contain("truncated"));
    }

    [TestCase("|O", "object")]
    [TestCase(">f8", "big-endian")]
    [TestCase(">i4", "big-endian")]
    [TestCase("<c16", "complex")]
    [TestCase("<M8[ns]", "not supported")]
    [TestCase("<f16", "not supported")]
    public void UnsupportedDtypesAreRefusedByName(string descr, string problem)
    {
        var bytes = HandMade($"{{'descr': '{descr}', 'fortran_order': False, 'shape': (1,), }}", new byte[16]);
        var ex = ReadFails(bytes);
        Assert.That(ex.Message, Does.Contain(problem).And.Contain(descr));
    }

    [Test]
    public void StructuredDtypeIsRefused()
    {
        var bytes = HandMade("{'descr': [('a', '<f8'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }", new byte[12]);
        Assert.That(ReadFails(bytes).Message, Does.Contain("structured"));
    }

    [TestCase("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), ")]
    [TestCase("['descr', '<f8']")]
    [TestCase("{'descr': '<f8', 'shape': (1,), }")]
    [TestCase("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }")]
    [TestCase("{'descr': '<f8', 'fortran_order': False, 'shape': (1.5,), }")]
    [TestCase("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (1,), }")]
    public void MalformedHeadersAreRefused(string header)
    {
        var ex = ReadFails(HandMade(header, new byte[8]));
        Assert.That(ex.Message, Does.Contain("header"));
    }

    [Test]
    public void DeeplyNestedHeaderIsRefusedWithoutStackOverflow()
    {
        string header = new string('(', 30000) + new string(')', 30000);
        Assert.That(ReadFails(HandMade(header, [])).Message, Does.Contain("nested"));
    }

    [Test]
    public void HugeDeclaredShapeIsRefusedBeforeAllocating()
    {
        var bytes = HandMade("{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000, 100000), }", new byte[8]);
        Assert.That(ReadFails(bytes).Message, Does.Contain("elements"));
        var lying = HandMade("{'descr': '<f8', 'fortran_order': False, 'shape': (200000000,), }", new byte[8]);
        Assert.That(ReadFails(lying).Message, Does.Contain("truncated"));
    }

    [Test]
    public void StringArraysOfManyElementsAreRefused()
    {
        var bytes = HandMade("{'descr': '<U2', 'fortran_order': False, 'shape': (2,), }", new byte[16]);
        Assert.That(ReadFails(bytes).Message, Does.Contain("scalar strings"));
    }

    [Test]
    public void FileWriteIsReadableAndMissingFileNamesThePath()
    {
        using var dir = new TempDirectory();
        string path = dir.File("a.npy");
        Npy.Write(path, NpyArray.Of(new[] { 1.0, 2.0 }, 2));
        Assert.That(Npy.Read(path).Doubles, Is.EqualTo(new[] { 1.0, 2.0 }));
        var ex = Assert.Throws<InvalidInputException>(() => Npy.Read(dir.File("missing.npy")))!;
        Assert.That(ex.Message, Does.Contain("missing.npy"));
    }
}
