// Reads files that NumPy itself wrote (Fixtures/make_fixtures.py) and compares them to the script's formulas.
using Engine.Common;
using Engine.Data;
using Engine.Tests.Support;
using NUnit.Framework;

namespace Engine.Tests.Data;

[TestFixture]
public class NpzInteropTests
{
    private static string Fixture(string name) => RepoPaths.InTests("Data", "Fixtures", name);

    /// <summary>k = arange(count) as doubles, the base of every array in make_fixtures.py.</summary>
    private static double[] Arange(int count, double scale = 1, double offset = 0) =>
        Enumerable.Range(0, count).Select(k => offset + scale * k).ToArray();

    [Test]
    public void SavezWithEveryKeyReadsAsWritten()
    {
        const int m = 3, n = 4, d = 2, size = m * n * d;
        var data = PhaseSpaceNpz.Read(Fixture("full_savez.npz"));
        Assert.That((data.Snapshots, data.Particles, data.Dimension), Is.EqualTo((m, n, d)));
        Assert.That(data.Q, Is.EqualTo(Arange(size, 0.5)));
        Assert.That(data.P, Is.EqualTo(Arange(size, -0.25, 1.0)));
        Assert.That(data.Dq, Is.EqualTo(Arange(size, 0.125)));
        Assert.That(data.Dp, Is.EqualTo(Arange(size, -0.75)));
        Assert.That(data.Mass, Is.EqualTo(Arange(n, 1, 1)));
        Assert.That(data.Species, Is.EqualTo(new[] { 0, 1, 0, 1 }));
        Assert.That(data.Edges, Is.EqualTo(new[] { 0, 1, 1, 2, 2, 3 }));
        Assert.That(data.Cutoff, Is.EqualTo(2.5));
        Assert.That(data.Box, Is.EqualTo(new[] { 10.0, 12.0 }));
        Assert.That(data.H, Is.EqualTo(Arange(m, 1.5, -2)));
        Assert.That(data.Trajectory, Is.EqualTo(new[] { 0, 0, 1 }));
        Assert.That(data.Time, Is.EqualTo(new[] { 0.0, 0.1, 0.0 }));
        Assert.That(data.LengthUnit, Is.EqualTo("Å"));
        Assert.That(data.EnergyUnit, Is.EqualTo("kcal/mol"));
    }

    [Test]
    public void SavezMembersKeepNumpyDtypes()
    {
        using var npz = Npz.Open(Fixture("full_savez.npz"));
        Assert.That(npz.Keys, Does.Contain("notes"), "unknown keys are listed even though the schema ignores them");
        Assert.That(npz.Read("edges").Dtype, Is.EqualTo("<i8"));
        Assert.That(npz.Read("edges").Shape, Is.EqualTo(new long[] { 3, 2 }));
        Assert.That(npz.Read("length_unit").Dtype, Is.EqualTo("<U1"));
        Assert.That(npz.Read("energy_unit").Dtype, Is.EqualTo("<U8"));
        Assert.That(npz.Read("cutoff").Shape, Is.Empty);
    }

    [Test]
    public void SavezCompressedWithFloat32FortranOrderAndInt32ReadsAsWritten()
    {
        const int m = 2, n = 3, d = 3, size = m * n * d;
        var data = PhaseSpaceNpz.Read(Fixture("minimal_compressed.npz"));
        Assert.That((data.Snapshots, data.Particles, data.Dimension), Is.EqualTo((m, n, d)));
        // 0.25 k is exact in float32, so widening gives the float64 formula exactly.
        Assert.That(data.Q, Is.EqualTo(Arange(size, 0.25)));
        // p was Fortran-ordered on disk; logically it is still k - 4 in C order.
        Assert.That(data.P, Is.EqualTo(Arange(size, 1, -4)));
        Assert.That(data.Mass, Is.EqualTo(new[] { 1.0, 2.0, 4.0 }));
        Assert.That(data.Species, Is.EqualTo(new[] { 2, 0, 1 }));
        Assert.That(data.Trajectory, Is.EqualTo(new[] { 0, 1 }));
        Assert.That(data.Cutoff, Is.EqualTo(1.5));
        Assert.That(data.Edges, Is.Null);
        Assert.That(data.Dq, Is.Null);
        Assert.That(data.LengthUnit, Is.EqualTo("reduced"));
        Assert.That(data.EnergyUnit, Is.EqualTo("eV"), "a bytes ('|S2') scalar is read as text");

        using var npz = Npz.Open(Fixture("minimal_compressed.npz"));
        Assert.That(npz.Read("q").Dtype, Is.EqualTo("<f4"));
        Assert.That(npz.Read("species").Dtype, Is.EqualTo("<i4"));
        Assert.That(npz.Read("energy_unit").Dtype, Is.EqualTo("|S2"));
    }

    [Test]
    public void ObjectDtypeFromNumpyIsRefused()
    {
        string path = Fixture("object_dtype.npz");
        var ex = Assert.Throws<InvalidInputException>(() => PhaseSpaceNpz.Read(path))!;
        Assert.That(ex.Message, Does.Contain(path).And.Contain("'q'").And.Contain("object"));
    }

    [TestCase("v1.npy")]
    [TestCase("v2.npy")]
    [TestCase("v3.npy")]
    public void EveryNpyFormatVersionReads(string name)
    {
        var a = Npy.Read(Fixture(name));
        Assert.That(a.Shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(a.Doubles, Is.EqualTo(Arange(6, 0.5)));
    }

    [Test]
    public void NpyVersionBytesAreWhatTheFixtureNameSays()
    {
        Assert.That(File.ReadAllBytes(Fixture("v2.npy"))[6], Is.EqualTo(2));
        Assert.That(File.ReadAllBytes(Fixture("v3.npy"))[6], Is.EqualTo(3));
    }

    [Test]
    public void BigEndianFromNumpyIsRefused()
    {
        var ex = Assert.Throws<InvalidInputException>(() => Npy.Read(Fixture("big_endian.npy")))!;
        Assert.That(ex.Message, Does.Contain("big-endian").And.Contain(">f8"));
    }

    [Test]
    public void BoolReadsAsZeroOne()
    {
        var a = Npy.Read(Fixture("bool.npy"));
        Assert.That(a.Dtype, Is.EqualTo("|b1"));
        Assert.That(a.Longs, Is.EqualTo(new long[] { 1, 0, 1 }));
    }

    [Test]
    public void FortranOrderInt64IsTransposedToCOrder()
    {
        var a = Npy.Read(Fixture("fortran_int64.npy"));
        Assert.That(a.Shape, Is.EqualTo(new long[] { 2, 3, 4 }));
        Assert.That(a.Longs, Is.EqualTo(Enumerable.Range(0, 24).Select(k => (long)k)));
    }

    [Test]
    public void RepoRootHoldsTheSolution()
    {
        Assert.That(File.Exists(Path.Combine(RepoPaths.Root, "Engine.sln")));
        Assert.That(File.Exists(Fixture("make_fixtures.py")));
    }
}
