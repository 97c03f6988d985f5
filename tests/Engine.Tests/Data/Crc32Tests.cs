// Tests of the zip CRC-32 used to verify .npz members.
using System.IO.Compression;
using Engine.Data;
using NUnit.Framework;

namespace Engine.Tests.Data;

[TestFixture]
public class Crc32Tests
{
    [Test]
    public void MatchesTheStandardCheckValue() =>
        Assert.That(Crc32.Append(0, "123456789"u8), Is.EqualTo(0xCBF43926u));

    [Test]
    public void EmptyInputIsZero() => Assert.That(Crc32.Append(0, []), Is.EqualTo(0u));

    [Test]
    public void PiecewiseEqualsWholeAndMatchesZipArchive()
    {
        var data = new byte[1000];
        new Random(11).NextBytes(data);
        uint whole = Crc32.Append(0, data);
        uint pieces = Crc32.Append(Crc32.Append(Crc32.Append(0, data.AsSpan(0, 3)), data.AsSpan(3, 514)), data.AsSpan(517));
        Assert.That(pieces, Is.EqualTo(whole));

        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        using (var s = zip.CreateEntry("d").Open()) s.Write(data);
        ms.Position = 0;
        using var read = new ZipArchive(ms, ZipArchiveMode.Read);
        Assert.That(whole, Is.EqualTo(read.GetEntry("d")!.Crc32));
    }
}
