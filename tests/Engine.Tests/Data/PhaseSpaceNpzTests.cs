// Tests of the trajectory schema on .npz: round trips, and refusal of every kind of bad file with the key named.
using Engine.Common;
using Engine.Data;
using NUnit.Framework;

namespace Engine.Tests.Data;

[TestFixture]
public class PhaseSpaceNpzTests
{
    private TempDirectory _dir = null!;

    [SetUp] public void SetUp() => _dir = new TempDirectory();
    [TearDown] public void TearDown() => _dir.Dispose();

    private const int M = 4, N = 3, D = 2;

    private static double[] Ramp(int length, double scale, double offset)
    {
        var a = new double[length];
        for (int k = 0; k < length; k++) a[k] = offset + scale * k;
        return a;
    }

    /// <summary>A valid data set; <paramref name="full"/> adds every optional key.</summary>
    private static PhaseSpaceData Sample(bool full) => full
        ? new PhaseSpaceData
        {
            Snapshots = M, Particles = N, Dimension = D,
            Q = Ramp(M * N * D, 0.5, 0), P = Ramp(M * N * D, -0.25, 1), Dq = Ramp(M * N * D, 0.125, 0), Dp = Ramp(M * N * D, -0.75, 0.1),
            Mass = [1.0, 2.0, 3.5], Species = [0, 2, 1], Edges = [0, 1, 1, 2], Cutoff = 2.5, Box = [10.0, 12.0],
            H = Ramp(M, 1.5, -2), Trajectory = [0, 0, 1, 1], Time = [0.0, 0.1, 0.0, 0.1],
            LengthUnit = "Å", EnergyUnit = "kcal/mol",
        }
        : new PhaseSpaceData
        {
            Snapshots = M, Particles = N, Dimension = D,
            Q = Ramp(M * N * D, 0.5, 0), P = Ramp(M * N * D, -0.25, 1),
            Mass = [1.0, 2.0, 3.5], Species = new int[N], Cutoff = 1.5,
        };

    private static void AssertSame(PhaseSpaceData a, PhaseSpaceData b)
    {
        Assert.That((b.Snapshots, b.Particles, b.Dimension), Is.EqualTo((a.Snapshots, a.Particles, a.Dimension)));
        Assert.That(b.Q, Is.EqualTo(a.Q));
        Assert.That(b.P, Is.EqualTo(a.P));
        Assert.That(b.Dq, Is.EqualTo(a.Dq));
        Assert.That(b.Dp, Is.EqualTo(a.Dp));
        Assert.That(b.Mass, Is.EqualTo(a.Mass));
        Assert.That(b.Species, Is.EqualTo(a.Species));
        Assert.That(b.Edges, Is.EqualTo(a.Edges));
        Assert.That(b.Cutoff, Is.EqualTo(a.Cutoff));
        Assert.That(b.Box, Is.EqualTo(a.Box));
        Assert.That(b.H, Is.EqualTo(a.H));
        Assert.That(b.Trajectory, Is.EqualTo(a.Trajectory));
        Assert.That(b.Time, Is.EqualTo(a.Time));
        Assert.That(b.LengthUnit, Is.EqualTo(a.LengthUnit));
        Assert.That(b.EnergyUnit, Is.EqualTo(a.EnergyUnit));
    }

    [TestCase(true, false)]
    [TestCase(true, true)]
    [TestCase(false, false)]
    [TestCase(false, true)]
    public void RoundTripPreservesEveryKey(bool full, bool compress)
    {
        string path = _dir.File("d.npz");
        var data = Sample(full);
        PhaseSpaceNpz.Write(data, path, compress);
        AssertSame(data, PhaseSpaceNpz.Read(path));
    }

    [Test]
    public void OptionalKeysAreWrittenOnlyWhenPresent()
    {
        string path = _dir.File("d.npz");
        PhaseSpaceNpz.Write(Sample(full: false), path);
        using var npz = Npz.Open(path);
        Assert.That(npz.Keys, Is.EquivalentTo(new[] { "q", "p", "mass", "species", "cutoff", "length_unit", "energy_unit" }));
        Assert.That(npz.Read("q").Shape, Is.EqualTo(new long[] { M, N, D }));
        Assert.That(npz.Read("species").Dtype, Is.EqualTo("<i8"));
    }

    [Test]
    public void EdgesAreWrittenAsInt64PairsAndUnitsAsUnicode()
    {
        string path = _dir.File("d.npz");
        PhaseSpaceNpz.Write(Sample(full: true), path);
        using var npz = Npz.Open(path);
        var edges = npz.Read("edges");
        Assert.That((edges.Dtype, edges.Shape), Is.EqualTo(("<i8", new long[] { 2, 2 })));
        Assert.That(npz.Read("length_unit").Dtype, Is.EqualTo("<U1"));
        Assert.That(npz.Read("cutoff").Rank, Is.EqualTo(0));
    }

    // ---- bad files: each refusal names the file and the key or the problem ----

    /// <summary>Writes the arrays of <see cref="Sample"/> with <paramref name="edit"/> applied, bypassing validation.</summary>
    private string WriteRaw(Action<Dictionary<string, NpyArray>> edit, bool full = true)
    {
        string path = _dir.File("bad.npz");
        var d = Sample(full);
        var arrays = new Dictionary<string, NpyArray>
        {
            ["q"] = NpyArray.Of(d.Q, M, N, D), ["p"] = NpyArray.Of(d.P, M, N, D),
            ["mass"] = NpyArray.Of(d.Mass, N), ["cutoff"] = NpyArray.Scalar(2.0),
        };
        if (full)
        {
            arrays["dq"] = NpyArray.Of(d.Dq!, M, N, D);
            arrays["dp"] = NpyArray.Of(d.Dp!, M, N, D);
            arrays["edges"] = NpyArray.Of(new long[] { 0, 1, 1, 2 }, 2, 2);
        }
        edit(arrays);
        Npz.Write(path, arrays);
        return path;
    }

    private static InvalidInputException ReadFails(string path)
    {
        var ex = Assert.Throws<InvalidInputException>(() => PhaseSpaceNpz.Read(path))!;
        Assert.That(ex.Message, Does.Contain(path), "message names the file");
        return ex;
    }

    [Test]
    public void NaNInQIsRefused()
    {
        var path = WriteRaw(a => a["q"].Doubles![7] = double.NaN);
        Assert.That(ReadFails(path).Message, Does.Contain("'q'").And.Contain("non-finite").And.Contain("7"));
    }

    [Test]
    public void InfInDpIsRefused()
    {
        var path = WriteRaw(a => a["dp"].Doubles![3] = double.PositiveInfinity);
        Assert.That(ReadFails(path).Message, Does.Contain("'dp'").And.Contain("non-finite"));
    }

    [Test]
    public void ShapeMismatchBetweenQAndPIsRefused()
    {
        var path = WriteRaw(a => a["p"] = NpyArray.Of(new double[M * N * D], M, N * D));
        Assert.That(ReadFails(path).Message, Does.Contain("'p'").And.Contain($"({M}, {N * D})").And.Contain($"({M}, {N}, {D})"));
    }

    [Test]
    public void EdgeIndexOutOfRangeIsRefused()
    {
        var path = WriteRaw(a => a["edges"] = NpyArray.Of(new long[] { 0, 1, 1, N }, 2, 2));
        Assert.That(ReadFails(path).Message, Does.Contain("'edges'").And.Contain($"[0, {N})"));
    }

    [Test]
    public void EdgeIndexBeyondInt32IsRefusedNotWrapped()
    {
        var path = WriteRaw(a => a["edges"] = NpyArray.Of(new long[] { 0, 1L << 32 }, 1, 2));
        Assert.That(ReadFails(path).Message, Does.Contain("'edges'").And.Contain("4294967296"));
    }

    [Test]
    public void EdgesOfWrongShapeAreRefused()
    {
        var path = WriteRaw(a => a["edges"] = NpyArray.Of(new long[] { 0, 1, 2 }, 1, 3));
        Assert.That(ReadFails(path).Message, Does.Contain("'edges'").And.Contain("(E, 2)"));
    }

    [Test]
    public void FloatEdgesAreRefused()
    {
        var path = WriteRaw(a => a["edges"] = NpyArray.Of(new double[] { 0, 1 }, 1, 2));
        Assert.That(ReadFails(path).Message, Does.Contain("'edges'").And.Contain("integer"));
    }

    [Test]
    public void MassOfWrongShapeIsRefused()
    {
        var path = WriteRaw(a => a["mass"] = NpyArray.Of(new double[] { 1, 1, 1, 1 }, 4));
        Assert.That(ReadFails(path).Message, Does.Contain("'mass'").And.Contain("(N,)"));
    }

    [Test]
    public void QOfWrongRankIsRefused()
    {
        var path = WriteRaw(a => a["q"] = NpyArray.Of(new double[N * D], N, D));
        Assert.That(ReadFails(path).Message, Does.Contain("'q'").And.Contain("(M, N, d)"));
    }

    [Test]
    public void NonScalarCutoffAndNumericUnitAreRefused()
    {
        var cutoff = WriteRaw(a => a["cutoff"] = NpyArray.Of(new[] { 1.0 }, 1));
        Assert.That(ReadFails(cutoff).Message, Does.Contain("'cutoff'").And.Contain("scalar"));
        var unit = WriteRaw(a => a["length_unit"] = NpyArray.Scalar(1.0));
        Assert.That(ReadFails(unit).Message, Does.Contain("'length_unit'").And.Contain("string"));
    }

    [TestCase("q")]
    [TestCase("p")]
    [TestCase("mass")]
    public void MissingRequiredKeyIsRefused(string key)
    {
        var path = WriteRaw(a => a.Remove(key));
        Assert.That(ReadFails(path).Message, Does.Contain($"'{key}'").And.Contain("missing"));
    }

    [Test]
    public void UnknownKeysAreIgnored()
    {
        var path = WriteRaw(a => { a["notes"] = NpyArray.OfText("hello"); a["extra"] = NpyArray.Of(new long[] { 1, 2 }, 2); });
        Assert.That(PhaseSpaceNpz.Read(path).Particles, Is.EqualTo(N));
    }

    [Test]
    public void UnknownDamagedKeyIsIgnored()
    {
        string path = _dir.File("d.npz");
        var good = Sample(full: false);
        var members = new (string, byte[], bool)[]
        {
            ("q.npy", NpzTests.NpyBytes(NpyArray.Of(good.Q, M, N, D)), false),
            ("p.npy", NpzTests.NpyBytes(NpyArray.Of(good.P, M, N, D)), false),
            ("mass.npy", NpzTests.NpyBytes(NpyArray.Of(good.Mass, N)), false),
            ("cutoff.npy", NpzTests.NpyBytes(NpyArray.Scalar(1.5)), false),
            ("junk.npy", [1, 2, 3], false),
        };
        NpzTests.WriteRawZip(path, members);
        Assert.That(PhaseSpaceNpz.Read(path).Cutoff, Is.EqualTo(1.5));
    }

    [Test]
    public void EmptyFileIsRefused()
    {
        string path = _dir.File("empty.npz");
        File.WriteAllBytes(path, []);
        Assert.That(ReadFails(path).Message, Does.Contain("empty"));
    }

    [Test]
    public void RandomBytesAreRefused()
    {
        string path = _dir.File("random.npz");
        var bytes = new byte[3000];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        Assert.That(ReadFails(path).Message, Does.Contain("not a readable .npz"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ArchiveCutInHalfIsRefused(bool compress)
    {
        string path = _dir.File("half.npz");
        PhaseSpaceNpz.Write(Sample(full: true), path, compress);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.That(ReadFails(path).Message, Does.Contain("truncated"));
    }

    [Test]
    public void ArchiveMissingOnlyItsLastBytesIsRefused()
    {
        string path = _dir.File("cut.npz");
        PhaseSpaceNpz.Write(Sample(full: true), path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^3]);
        ReadFails(path);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void MemberWithTruncatedDataSectionIsRefused(bool deflate)
    {
        string path = _dir.File("d.npz");
        var good = Sample(full: false);
        var q = NpzTests.NpyBytes(NpyArray.Of(good.Q, M, N, D));
        NpzTests.WriteRawZip(path,
            ("q.npy", q[..^20], deflate),
            ("p.npy", NpzTests.NpyBytes(NpyArray.Of(good.P, M, N, D)), deflate),
            ("mass.npy", NpzTests.NpyBytes(NpyArray.Of(good.Mass, N)), deflate));
        Assert.That(ReadFails(path).Message, Does.Contain("'q'").And.Contain("truncated"));
    }

    [Test]
    public void ObjectDtypeIsRefusedWithoutUnpickling()
    {
        string path = _dir.File("obj.npz");
        // A pickle payload after an object-dtype header, as np.save writes for dtype=object.
        var header = "{'descr': '|O', 'fortran_order': False, 'shape': (1, 1, 1), }".PadRight(117) + "\n";
        var npy = new byte[10 + header.Length + 8];
        npy[0] = 0x93; "NUMPY"u8.CopyTo(npy.AsSpan(1)); npy[6] = 1;
        npy[8] = (byte)header.Length;
        System.Text.Encoding.ASCII.GetBytes(header).CopyTo(npy, 10);
        NpzTests.WriteRawZip(path, ("q.npy", npy, false));
        Assert.That(ReadFails(path).Message, Does.Contain("'q'").And.Contain("object").And.Contain("pickle"));
    }

    [Test]
    public void BothEdgesAndCutoffAbsentIsRefusedByValidate()
    {
        var path = WriteRaw(a => a.Remove("cutoff"), full: false);
        Assert.That(ReadFails(path).Message, Does.Contain("'edges'").And.Contain("'cutoff'"));
    }

    // ---- failed writes leave nothing behind ----

    [Test]
    public void WriteIntoMissingDirectoryFailsAndCreatesNothing()
    {
        string path = Path.Combine(_dir.Path, "no-such-dir", "d.npz");
        var ex = Assert.Throws<InvalidInputException>(() => PhaseSpaceNpz.Write(Sample(full: true), path))!;
        Assert.That(ex.Message, Does.Contain("does not exist"));
        Assert.That(Directory.EnumerateFileSystemEntries(_dir.Path), Is.Empty);
    }

    [Test]
    public void WriteOfInvalidDataFailsAndLeavesNoFileOrTemporary()
    {
        string path = _dir.File("d.npz");
        var data = Sample(full: true);
        data.Q[0] = double.NaN;
        var ex = Assert.Throws<InvalidInputException>(() => PhaseSpaceNpz.Write(data, path))!;
        Assert.That(ex.Message, Does.Contain("'q'"));
        Assert.That(Directory.EnumerateFileSystemEntries(_dir.Path), Is.Empty);
    }

    [Test]
    public void FailedOverwriteKeepsTheOldFile()
    {
        string path = _dir.File("d.npz");
        var good = Sample(full: false);
        PhaseSpaceNpz.Write(good, path);
        var before = File.ReadAllBytes(path);
        var bad = Sample(full: true);
        bad.Mass[1] = -1;
        Assert.Throws<InvalidInputException>(() => PhaseSpaceNpz.Write(bad, path));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
        Assert.That(Directory.GetFiles(_dir.Path), Is.EqualTo(new[] { path }));
    }
}
