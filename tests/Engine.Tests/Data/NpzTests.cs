// Tests of the .npz archive layer: stored and deflated round trips, member names, and damaged archives.
using System.IO.Compression;
using Engine.Common;
using Engine.Data;
using NUnit.Framework;

namespace Engine.Tests.Data;

[TestFixture]
public class NpzTests
{
    private TempDirectory _dir = null!;

    [SetUp] public void SetUp() => _dir = new TempDirectory();
    [TearDown] public void TearDown() => _dir.Dispose();

    private static KeyValuePair<string, NpyArray> Item(string key, NpyArray a) => new(key, a);

    private static List<KeyValuePair<string, NpyArray>> Sample()
    {
        var x = new double[4 * 3];
        for (int k = 0; k < x.Length; k++) x[k] = 0.1 * k - 0.5;
        return
        [
            Item("x", NpyArray.Of(x, 4, 3)),
            Item("ids", NpyArray.Of(new long[] { 5, -6, 7 }, 3)),
            Item("unit", NpyArray.OfText("nm")),
            Item("r", NpyArray.Scalar(1.25)),
        ];
    }

    /// <summary>Writes a zip with raw member bytes, so damaged members can be built.</summary>
    internal static void WriteRawZip(string path, params (string Name, byte[] Bytes, bool Deflate)[] members)
    {
        using var fs = File.Create(path);
        using var zip = new ZipArchive(fs, ZipArchiveMode.Create);
        foreach (var (name, bytes, deflate) in members)
        {
            var e = zip.CreateEntry(name, deflate ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            using var s = e.Open();
            s.Write(bytes);
        }
    }

    internal static byte[] NpyBytes(NpyArray a)
    {
        using var ms = new MemoryStream();
        Npy.Write(ms, a);
        return ms.ToArray();
    }

    [TestCase(false, 0)]
    [TestCase(true, 8)]
    public void RoundTripKeepsKeysOrderValuesAndCompressionMethod(bool compress, int zipMethod)
    {
        string path = _dir.File("a.npz");
        var sample = Sample();
        Npz.Write(path, sample, compress);

        var bytes = File.ReadAllBytes(path);
        Assert.That(bytes[8] | bytes[9] << 8, Is.EqualTo(zipMethod), "zip method of the first member: 0 = stored (np.savez), 8 = deflate (np.savez_compressed)");

        using var npz = Npz.Open(path);
        Assert.That(npz.Keys, Is.EqualTo(new[] { "x", "ids", "unit", "r" }));
        var x = npz.Read("x");
        Assert.That(x.Shape, Is.EqualTo(new long[] { 4, 3 }));
        Assert.That(x.Doubles, Is.EqualTo(sample[0].Value.Doubles));
        Assert.That(npz.Read("ids").Longs, Is.EqualTo(new long[] { 5, -6, 7 }));
        Assert.That(npz.Read("unit").Text, Is.EqualTo("nm"));
        Assert.That(npz.Read("r").Doubles, Is.EqualTo(new[] { 1.25 }));
        Assert.That(npz.TryRead("nothing"), Is.Null);
    }

    [Test]
    public void CompressionShrinksRepetitiveData()
    {
        var zeros = new[] { Item("z", NpyArray.Of(new double[20000], 20000)) };
        Npz.Write(_dir.File("s.npz"), zeros, compress: false);
        Npz.Write(_dir.File("c.npz"), zeros, compress: true);
        Assert.That(new FileInfo(_dir.File("c.npz")).Length, Is.LessThan(new FileInfo(_dir.File("s.npz")).Length / 20));
        var z = Npz.ReadAll(_dir.File("c.npz"))["z"].Doubles;
        Assert.That(z, Has.Length.EqualTo(20000).And.All.EqualTo(0.0));
    }

    [Test]
    public void SameArraysGiveSameBytes()
    {
        Npz.Write(_dir.File("1.npz"), Sample(), compress: true);
        Npz.Write(_dir.File("2.npz"), Sample(), compress: true);
        Assert.That(File.ReadAllBytes(_dir.File("2.npz")), Is.EqualTo(File.ReadAllBytes(_dir.File("1.npz"))));
    }

    [Test]
    public void WriteOverwritesAtomicallyAndLeavesNoTemporaryFiles()
    {
        string path = _dir.File("a.npz");
        Npz.Write(path, Sample());
        Npz.Write(path, [Item("only", NpyArray.Scalar(3.0))]);
        Assert.That(Npz.ReadAll(path).Keys, Is.EqualTo(new[] { "only" }));
        Assert.That(Directory.GetFiles(_dir.Path), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void DuplicateKeyIsRefusedAndNothingIsWritten()
    {
        string path = _dir.File("dup.npz");
        Assert.Throws<ArgumentException>(() => Npz.Write(path, [Item("a", NpyArray.Scalar(1)), Item("a", NpyArray.Scalar(2))]));
        Assert.That(Directory.GetFiles(_dir.Path), Is.Empty);
    }

    private static IEnumerable<KeyValuePair<string, NpyArray>> FailsAfterOne()
    {
        yield return Item("a", NpyArray.Of(new double[1000], 1000));
        throw new InvalidOperationException("producer failed");
    }

    [Test]
    public void WriteThatFailsMidwayLeavesNoTemporaryAndKeepsTheOldFile()
    {
        string path = _dir.File("a.npz");
        Npz.Write(path, Sample());
        var before = File.ReadAllBytes(path);
        Assert.Throws<InvalidOperationException>(() => Npz.Write(path, FailsAfterOne()));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
        Assert.That(Directory.GetFiles(_dir.Path), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void MissingMemberListsWhatTheArchiveHolds()
    {
        string path = _dir.File("a.npz");
        Npz.Write(path, Sample());
        using var npz = Npz.Open(path);
        var ex = Assert.Throws<InvalidInputException>(() => npz.Read("q"))!;
        Assert.That(ex.Message, Does.Contain(path).And.Contain("'q'").And.Contain("'ids'"));
    }

    [Test]
    public void DamagedMemberDoesNotStopOthersFromLoading()
    {
        string path = _dir.File("a.npz");
        var good = NpyBytes(NpyArray.Of(new[] { 1.0, 2.0 }, 2));
        WriteRawZip(path, ("bad.npy", good[..^4], false), ("good.npy", good, true));
        using var npz = Npz.Open(path);
        Assert.That(npz.Read("good").Doubles, Is.EqualTo(new[] { 1.0, 2.0 }));
        var ex = Assert.Throws<InvalidInputException>(() => npz.Read("bad"))!;
        Assert.That(ex.Message, Does.Contain("'bad'").And.Contain("truncated"));
    }

    [Test]
    public void CorruptDeflateStreamIsInvalidInput()
    {
        string path = _dir.File("a.npz");
        var payload = NpyBytes(NpyArray.Of(Enumerable.Range(0, 500).Select(k => Math.Sin(k)).ToArray(), 500));
        WriteRawZip(path, ("x.npy", payload, true));
        var bytes = File.ReadAllBytes(path);
        // Scribble over the middle of the compressed data (after the 30-byte local header and name).
        for (int k = 60; k < 400; k++) bytes[k] = (byte)(k * 37);
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<InvalidInputException>(() => { using var npz = Npz.Open(path); npz.Read("x"); })!;
        Assert.That(ex.Message, Does.Contain(path));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void FlippedDataByteIsCaughtByTheCrc(bool deflate)
    {
        string path = _dir.File("a.npz");
        var payload = NpyBytes(NpyArray.Of(new[] { 1.0, 2.0, 3.0 }, 3));
        WriteRawZip(path, ("x.npy", payload, deflate));
        var bytes = File.ReadAllBytes(path);
        // The last data byte of the member sits just before the central directory; find it by the value 3.0.
        int at = bytes.AsSpan().IndexOf(BitConverter.GetBytes(3.0));
        if (!deflate) Assert.That(at, Is.GreaterThan(0));
        if (at < 0) at = 50; // deflated: corrupt some compressed byte instead
        bytes[at + 7] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<InvalidInputException>(() => { using var npz = Npz.Open(path); npz.Read("x"); })!;
        Assert.That(ex.Message, Does.Contain("'x'"));
    }

    [Test]
    public void SingleNpyFileIsRecognisedAndExplained()
    {
        string path = _dir.File("single.npz");
        File.WriteAllBytes(path, NpyBytes(NpyArray.Scalar(1)));
        var ex = Assert.Throws<InvalidInputException>(() => Npz.Open(path))!;
        Assert.That(ex.Message, Does.Contain("single .npy"));
    }

    [Test]
    public void MissingFileNamesThePath()
    {
        var ex = Assert.Throws<InvalidInputException>(() => Npz.Open(_dir.File("nope.npz")))!;
        Assert.That(ex.Message, Does.Contain("nope.npz").And.Contain("not found"));
    }
}
