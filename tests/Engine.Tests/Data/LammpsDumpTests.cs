// LAMMPS dump reader: units conversion, sorting by id, column order, box handling and refusals that name the line.
using System.Globalization;
using Engine.Common;
using Engine.Data;
using NUnit.Framework;

namespace Engine.Tests.Data;

[TestFixture]
public class LammpsDumpTests
{
    private TempDirectory _dir = null!;
    [SetUp] public void MakeDir() => _dir = new TempDirectory();
    [TearDown] public void RemoveDir() => _dir.Dispose();

    // Three atoms (ids 1..3, types 1 2 1); values are f(id, frame) so a mix-up of rows shows.
    private static double X(long id, int frame, int a) => 1.0 + id + 0.1 * a + 0.01 * frame;
    private static double V(long id, int frame, int a) => -0.5 + 0.3 * id - 0.07 * a + 0.02 * frame;
    private static double F(long id, int frame, int a) => 0.25 * id * (a - 1) + 0.05 * frame;
    private static int Type(long id) => id == 2 ? 2 : 1;

    /// <summary>A dump of two frames (steps 100, 200) with rows in the given id order and the given column order.</summary>
    private static string Dump(string[] columns, long[][] rowOrder, string bounds = "pp pp pp", string boxLines = "0 10\n-1 9\n2 14\n")
    {
        var sb = new System.Text.StringBuilder();
        for (int frame = 0; frame < 2; frame++)
        {
            sb.Append($"ITEM: TIMESTEP\n{100 * (frame + 1)}\nITEM: NUMBER OF ATOMS\n3\nITEM: BOX BOUNDS {bounds}\n{boxLines}ITEM: ATOMS {string.Join(' ', columns)}\n");
            foreach (long id in rowOrder[frame])
            {
                var values = columns.Select(c => (c is "xu" or "yu" or "zu" ? c[..1] : c) switch
                {
                    "id" => id.ToString(CultureInfo.InvariantCulture),
                    "type" => Type(id).ToString(CultureInfo.InvariantCulture),
                    "x" or "y" or "z" => X(id, frame, c[0] - 'x').ToString("R", CultureInfo.InvariantCulture),
                    "vx" or "vy" or "vz" => V(id, frame, c[1] - 'x').ToString("R", CultureInfo.InvariantCulture),
                    "fx" or "fy" or "fz" => F(id, frame, c[1] - 'x').ToString("R", CultureInfo.InvariantCulture),
                    "element" => Type(id) == 1 ? "Ar" : "Kr",
                    _ => "7.5",
                });
                sb.Append(string.Join(' ', values)).Append('\n');
            }
        }
        return sb.ToString();
    }

    private static readonly string[] Standard = ["id", "type", "x", "y", "z", "vx", "vy", "vz", "fx", "fy", "fz"];
    private static readonly long[][] Sorted = [[1, 2, 3], [1, 2, 3]];
    private static readonly IReadOnlyList<KeyValuePair<string, double>> ArKr = [new("1", 39.948), new("2", 83.798)];

    private string Write(string text, string name = "d.lammpstrj")
    {
        string path = _dir.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    private static MdReadOptions Options(MdUnitStyle units, double? dt = null, IReadOnlyList<KeyValuePair<string, double>>? masses = null) =>
        new() { Units = units, Cutoff = 3.0, Masses = masses ?? ArKr, Timestep = dt };

    [Test]
    public void Metal_ConvertsMassesToEvPs2PerA2_AndKeepsVelocitiesAndForces()
    {
        var data = LammpsDump.Read(Write(Dump(Standard, Sorted)), Options(MdUnitStyle.Metal, dt: 0.001));
        // 1 g/mol = 1e-3 kg / N_A, 1 eV·ps²/Å² = e·1e-24/1e-20 kg: the CODATA ratio, independent of the reader's constant.
        double gramPerMol = 1e-3 / 6.02214076e23 / (1.602176634e-19 * 1e-24 / 1e-20);
        Assert.That(data.Mass[0], Is.EqualTo(39.948 * gramPerMol).Within(1e-5).Percent);
        Assert.That(data.Mass[1], Is.EqualTo(83.798 * gramPerMol).Within(1e-5).Percent);
        Assert.That(data.Species, Is.EqualTo(new[] { 0, 1, 0 }));
        Assert.That(data.SpeciesNames, Is.EqualTo(new[] { "1", "2" }), "the LAMMPS types label the species codes");
        Assert.That((data.Snapshots, data.Particles, data.Dimension), Is.EqualTo((2, 3, 3)));
        for (int m = 0; m < 2; m++)
            for (int i = 0; i < 3; i++)
                for (int a = 0; a < 3; a++)
                {
                    int k = (m * 3 + i) * 3 + a;
                    Assert.That(data.Q[k], Is.EqualTo(X(i + 1, m, a)));
                    Assert.That(data.Dq![k], Is.EqualTo(V(i + 1, m, a)), "q̇ = v");
                    Assert.That(data.Dp![k], Is.EqualTo(F(i + 1, m, a)), "ṗ = F");
                    Assert.That(data.P[k], Is.EqualTo(data.Mass[i] * V(i + 1, m, a)).Within(1e-15), "p = m v");
                }
        Assert.That(data.Box, Is.EqualTo(new[] { 10.0, 10.0, 12.0 }));
        Assert.That(data.Cutoff, Is.EqualTo(3.0));
        Assert.That(data.Time, Is.EqualTo(new[] { 0.1, 0.2 }).Within(1e-15), "t = TIMESTEP × dt");
        Assert.That(data.Trajectory, Is.EqualTo(new[] { 0, 0 }));
        Assert.That((data.LengthUnit, data.EnergyUnit), Is.EqualTo(("A", "eV")));
        Assert.DoesNotThrow(() => data.Validate());
    }

    [Test]
    public void Real_MassFactorIsGramPerMolInKcalPerMolFs2PerA2()
    {
        var data = LammpsDump.Read(Write(Dump(Standard, Sorted)), Options(MdUnitStyle.Real));
        // ½ m v² with m = 1 g/mol, v = 1 Å/fs is ½ · 1e-3 kg/mol · 1e10 m²/s² = 5e6 J/mol = 5e6/4184 kcal/mol.
        double kinetic = 0.5 * (data.Mass[0] / 39.948) * 1.0 * 1.0;
        Assert.That(kinetic, Is.EqualTo(5e6 / 4184).Within(1e-10).Percent);
        Assert.That((data.LengthUnit, data.EnergyUnit), Is.EqualTo(("A", "kcal/mol")));
        Assert.That(data.Time, Is.EqualTo(new[] { 0.0, 1.0 }), "no time step: t is the frame index");
    }

    [Test]
    public void Lj_ConvertsNothing()
    {
        var data = LammpsDump.Read(Write(Dump(Standard, Sorted)), Options(MdUnitStyle.Reduced, masses: [new("1", 1.0), new("2", 2.0)]));
        Assert.That(data.Mass, Is.EqualTo(new[] { 1.0, 2.0, 1.0 }));
        Assert.That(data.P[3 + 1], Is.EqualTo(2.0 * V(2, 0, 1)));
        Assert.That((data.LengthUnit, data.EnergyUnit), Is.EqualTo(("reduced", "reduced")));
    }

    [Test]
    public void RowsAreSortedById_AndColumnsMayComeInAnyOrderWithExtras()
    {
        var reference = LammpsDump.Read(Write(Dump(Standard, Sorted), "a.lammpstrj"), Options(MdUnitStyle.Metal));
        string[] permuted = ["fz", "element", "vy", "x", "type", "c_pe", "z", "fx", "id", "vz", "y", "vx", "fy"];
        var shuffled = LammpsDump.Read(Write(Dump(permuted, [[3, 1, 2], [2, 3, 1]]), "b.dump"), Options(MdUnitStyle.Metal));
        Assert.That(shuffled.Q, Is.EqualTo(reference.Q));
        Assert.That(shuffled.P, Is.EqualTo(reference.P));
        Assert.That(shuffled.Dq, Is.EqualTo(reference.Dq));
        Assert.That(shuffled.Dp, Is.EqualTo(reference.Dp));
        Assert.That(shuffled.Species, Is.EqualTo(reference.Species));
        Assert.That(shuffled.Mass, Is.EqualTo(reference.Mass));
    }

    [Test]
    public void UnwrappedCoordinatesAndAMassColumnAreRead()
    {
        string text = Dump(["id", "type", "mass", "xu", "yu", "zu", "vx", "vy", "vz", "fx", "fy", "fz"], Sorted);
        var data = LammpsDump.Read(Write(text), Options(MdUnitStyle.Reduced, masses: null) with { Masses = null });
        Assert.That(data.Mass, Is.EqualTo(new[] { 7.5, 7.5, 7.5 }), "the mass column");
        Assert.That(data.Q[0], Is.EqualTo(X(1, 0, 0)));
    }

    [Test]
    public void NonPeriodicBoundariesGiveOpenBoundaries()
    {
        var data = LammpsDump.Read(Write(Dump(Standard, Sorted, bounds: "ff ss fm")), Options(MdUnitStyle.Metal));
        Assert.That(data.Box, Is.Null);
    }

    [Test]
    public void TriclinicBoxIsRefused()
    {
        string text = Dump(Standard, Sorted, bounds: "xy xz yz pp pp pp", boxLines: "0 10 0.5\n0 10 0\n0 10 0\n");
        var e = Assert.Throws<InvalidInputException>(() => LammpsDump.Read(Write(text), Options(MdUnitStyle.Metal)));
        Assert.That(e!.Message, Does.Contain("triclinic").And.Contain(":5:"), "names the BOX BOUNDS line");
    }

    private static IEnumerable<TestCaseData> BadFiles()
    {
        string good = Dump(Standard, Sorted);
        string[] lines = good.Split('\n');
        string Edit(int line, string replacement) { var l = (string[])lines.Clone(); l[line - 1] = replacement; return string.Join('\n', l); }
        // Frame 1: lines 1-9 header (ATOMS header on line 9), rows on 10-12; frame 2 starts at line 13, rows 22-24.
        yield return new TestCaseData(Edit(11, "2 2 3.0 abc 3.2 0 0 0 0 0 0"), 11, "'abc' is not a number").SetName("NonNumericValue");
        yield return new TestCaseData(Edit(23, "2 2 3.0 nan 3.2 0 0 0 0 0 0"), 23, "finite").SetName("NaN");
        yield return new TestCaseData(Edit(9, "ITEM: ATOMS id type x y z fx fy fz"), 9, "vx, vy, vz").SetName("MissingColumns");
        yield return new TestCaseData(Edit(12, "3 1 1 2 3"), 12, "has 5 values").SetName("ShortRow");
        yield return new TestCaseData(string.Join('\n', lines.Take(23)), 23, "cut off").SetName("TruncatedFinalFrame");
        yield return new TestCaseData(string.Join('\n', lines.Take(17)), 17, "cut off").SetName("TruncatedInsideBox");
        yield return new TestCaseData(Edit(4, "4"), 13, "ITEM: line after 3 of the 4 atom rows").SetName("CountLargerThanRows");
        yield return new TestCaseData(Edit(16, "2"), 13, "has 2 atoms, the first frame 3").SetName("InconsistentAtomCount");
        yield return new TestCaseData(Edit(24, "4 1 1 2 3 0 0 0 0 0 0"), 13, "different from the first frame").SetName("DifferentIds");
        yield return new TestCaseData(Edit(24, "1 1 1 2 3 0 0 0 0 0 0"), 13, "appears twice").SetName("DuplicateId");
        yield return new TestCaseData(Edit(18, "0 11"), 13, "box length").SetName("BoxChanges");
        yield return new TestCaseData(Edit(5, "ITEM: BOX BOUNDS pp ff pp"), 5, "periodic in some dimensions only").SetName("MixedBoundaries");
        yield return new TestCaseData(Edit(14, "50"), 14, "does not increase").SetName("TimestepGoesBack");
        yield return new TestCaseData(Edit(1, "ITEM: TIMESTEPS"), 1, "unknown item").SetName("UnknownItem");
        yield return new TestCaseData(Edit(3, "hello"), 3, "expected an 'ITEM:' line").SetName("NotAnItem");
    }

    [TestCaseSource(nameof(BadFiles))]
    public void BadFilesAreRefusedWithTheLineNumber(string text, int line, string fragment)
    {
        string path = Write(text);
        var e = Assert.Throws<InvalidInputException>(() => LammpsDump.Read(path, Options(MdUnitStyle.Metal)));
        Assert.That(e!.Message, Does.StartWith($"{path}:{line}:"), e.Message);
        Assert.That(e.Message, Does.Contain(fragment), e.Message);
    }

    [Test]
    public void MissingMassNamesTheType_AndEmptyOrMissingFilesAreRefused()
    {
        var e = Assert.Throws<InvalidInputException>(() => LammpsDump.Read(Write(Dump(Standard, Sorted)), Options(MdUnitStyle.Metal, masses: [new("1", 39.948)])));
        Assert.That(e!.Message, Does.Contain("no mass for LAMMPS type 2").And.Contain(":9:"));
        Assert.Throws<InvalidInputException>(() => LammpsDump.Read(Write("", "empty.dump"), Options(MdUnitStyle.Metal)));
        Assert.Throws<InvalidInputException>(() => LammpsDump.Read(_dir.File("absent.dump"), Options(MdUnitStyle.Metal)));
        Assert.Throws<InvalidInputException>(() => LammpsDump.Read(Write(Dump(Standard, Sorted)), Options(MdUnitStyle.Ase)), "LAMMPS has no ase style");
        Assert.Throws<InvalidInputException>(() => LammpsDump.Read(Write(Dump(Standard, Sorted)), Options(MdUnitStyle.Metal) with { Cutoff = 0 }));
    }

    [Test]
    public void UnitsItemMustMatchTheCallersStyle()
    {
        string text = "ITEM: UNITS\nreal\n" + Dump(Standard, Sorted);
        var e = Assert.Throws<InvalidInputException>(() => LammpsDump.Read(Write(text), Options(MdUnitStyle.Metal)));
        Assert.That(e!.Message, Does.Contain(":2:").And.Contain("'real'"));
        Assert.DoesNotThrow(() => LammpsDump.Read(Write(text), Options(MdUnitStyle.Real)));
    }

    [Test]
    public void EveryPrefixOfAGoodDump_IsReadAsWholeFramesOrRefusedAsInput()
    {
        string text = Dump(Standard, Sorted);
        int firstFrameEnd = text.IndexOf("ITEM: TIMESTEP\n200", StringComparison.Ordinal);
        string path = _dir.File("prefix.dump");
        for (int len = 0; len <= text.Length; len++)
        {
            File.WriteAllText(path, text[..len]);
            try
            {
                var data = LammpsDump.Read(path, Options(MdUnitStyle.Metal));
                Assert.That(len, Is.EqualTo(firstFrameEnd).Or.EqualTo(text.Length), $"a prefix of {len} bytes that cuts a frame was accepted");
                Assert.That(data.Snapshots, Is.EqualTo(len == text.Length ? 2 : 1));
            }
            catch (InvalidInputException e)
            {
                Assert.That(e.Message, Does.StartWith(path), "the refusal names the file");
            }
        }
    }

    [Test]
    public void CorruptedBytesAreReadOrRefusedAsInput_NeverAnInternalError()
    {
        byte[] good = System.Text.Encoding.ASCII.GetBytes(Dump(Standard, Sorted));
        var rng = new Random(17);
        string path = _dir.File("corrupt.dump");
        int refused = 0;
        for (int trial = 0; trial < 150; trial++)
        {
            var bytes = (byte[])good.Clone();
            for (int k = 0; k < 1 + trial % 3; k++) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            File.WriteAllBytes(path, bytes);
            try { LammpsDump.Read(path, Options(MdUnitStyle.Metal)).Validate(); }
            catch (InvalidInputException) { refused++; }
        }
        Assert.That(refused, Is.GreaterThan(50), "most corruptions must be caught");
    }

    [Test]
    public void AHeaderClaimingMoreAtomsThanTheFileCanHoldIsRefusedBeforeAllocating()
    {
        string text = Dump(Standard, Sorted).Replace("NUMBER OF ATOMS\n3", "NUMBER OF ATOMS\n500000000");
        var e = Assert.Throws<InvalidInputException>(() => LammpsDump.Read(Write(text), Options(MdUnitStyle.Metal)));
        Assert.That(e!.Message, Does.Contain(":4:").And.Contain("cannot fit"));
    }

    [Test]
    public void MassListParsingKeepsOrderAndRefusesNonsense()
    {
        var list = MdReadOptions.ParseMasses(" Kr:83.798, Ar=39.948 ");
        Assert.That(list.Select(kv => kv.Key), Is.EqualTo(new[] { "Kr", "Ar" }));
        Assert.That(list[1].Value, Is.EqualTo(39.948));
        foreach (var bad in new[] { "1:abc", "1:-2", "1:1,1:2", "nothing", "" })
            Assert.Throws<InvalidInputException>(() => MdReadOptions.ParseMasses(bad), bad);
    }
}
