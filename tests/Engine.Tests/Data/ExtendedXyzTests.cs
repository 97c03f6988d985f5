// Extended XYZ reader: velocities or ASE momenta, masses from the file or the caller, Lattice/pbc, energy, refusals by line.
using System.Globalization;
using Engine.Common;
using Engine.Data;
using NUnit.Framework;

namespace Engine.Tests.Data;

[TestFixture]
public class ExtendedXyzTests
{
    private TempDirectory _dir = null!;
    [SetUp] public void MakeDir() => _dir = new TempDirectory();
    [TearDown] public void RemoveDir() => _dir.Dispose();

    private static readonly string[] Symbols = ["Kr", "Ar", "Ar"];
    private static readonly double[] FileMass = [83.798, 39.948, 39.948];
    private static double X(int i, int frame, int a) => 0.5 + 2.0 * i + 0.3 * a + 0.01 * frame;
    private static double W(int i, int frame, int a) => 0.1 * (i + 1) - 0.05 * a + 0.02 * frame;   // velocity or momentum
    private static double F(int i, int frame, int a) => -0.2 * i + 0.1 * a - 0.03 * frame;
    private static string N(double v) => v.ToString("F8", CultureInfo.InvariantCulture);   // ASE writes %16.8f

    /// <summary>Two frames; <paramref name="motion"/> names the velocity/momentum column; optional masses column and energy.</summary>
    private static string Xyz(string motion = "velocities", bool massColumn = false, string? lattice = "10 0 0 0 11 0 0 0 12", string? pbc = "T T T", bool energy = false)
    {
        var sb = new System.Text.StringBuilder();
        for (int frame = 0; frame < 2; frame++)
        {
            sb.Append("3\n");
            if (lattice is not null) sb.Append($"Lattice=\"{lattice}\" ");
            sb.Append($"Properties=species:S:1:pos:R:3:{(massColumn ? "masses:R:1:" : "")}{motion}:R:3:forces:R:3");
            if (energy) sb.Append($" energy={N(-3.5 + frame)}");
            if (pbc is not null) sb.Append($" pbc=\"{pbc}\"");
            sb.Append('\n');
            for (int i = 0; i < 3; i++)
            {
                sb.Append(Symbols[i]);
                for (int a = 0; a < 3; a++) sb.Append(' ').Append(N(X(i, frame, a)));
                if (massColumn) sb.Append(' ').Append(N(FileMass[i]));
                for (int a = 0; a < 3; a++) sb.Append(' ').Append(N(W(i, frame, a)));
                for (int a = 0; a < 3; a++) sb.Append(' ').Append(N(F(i, frame, a)));
                sb.Append('\n');
            }
        }
        return sb.ToString();
    }

    private string Write(string text, string name = "a.xyz")
    {
        string path = _dir.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    private static readonly IReadOnlyList<KeyValuePair<string, double>> ArKr = [new("Ar", 39.948), new("Kr", 83.798)];
    private static MdReadOptions Options(MdUnitStyle units, IReadOnlyList<KeyValuePair<string, double>>? masses, double? dt = null) =>
        new() { Units = units, Cutoff = 4.0, Masses = masses, Timestep = dt };

    [Test]
    public void Velocities_MetalUnits_CallerMassesFixSpeciesOrder()
    {
        var data = ExtendedXyz.Read(Write(Xyz()), Options(MdUnitStyle.Metal, ArKr, dt: 0.01), out var labels);
        Assert.That(labels, Is.EqualTo(new[] { "Ar", "Kr" }), "the caller's order");
        Assert.That(data.SpeciesNames, Is.EqualTo(new[] { "Ar", "Kr" }), "the labels travel with the data (trained pair models take them as species names)");
        Assert.That(data.Species, Is.EqualTo(new[] { 1, 0, 0 }));
        double gramPerMol = 1e-3 / 6.02214076e23 / (1.602176634e-19 * 1e-24 / 1e-20);
        Assert.That(data.Mass[0], Is.EqualTo(83.798 * gramPerMol).Within(1e-5).Percent);
        for (int m = 0; m < 2; m++)
            for (int i = 0; i < 3; i++)
                for (int a = 0; a < 3; a++)
                {
                    int k = (m * 3 + i) * 3 + a;
                    Assert.That(data.Q[k], Is.EqualTo(X(i, m, a)).Within(1e-12));
                    Assert.That(data.Dq![k], Is.EqualTo(W(i, m, a)).Within(1e-12), "q̇ = v");
                    Assert.That(data.P[k], Is.EqualTo(data.Mass[i] * W(i, m, a)).Within(1e-12), "p = m v");
                    Assert.That(data.Dp![k], Is.EqualTo(F(i, m, a)).Within(1e-12), "ṗ = F");
                }
        Assert.That(data.Box, Is.EqualTo(new[] { 10.0, 11.0, 12.0 }));
        Assert.That(data.Time, Is.EqualTo(new[] { 0.0, 0.01 }));
        Assert.That((data.LengthUnit, data.EnergyUnit), Is.EqualTo(("A", "eV")));
        Assert.That(data.H, Is.Null);
    }

    [Test]
    public void AseMomenta_WithMassColumnAndEnergy_GiveVelocityAndTotalEnergy()
    {
        var data = ExtendedXyz.Read(Write(Xyz("momenta", massColumn: true, energy: true)), Options(MdUnitStyle.Ase, null), out var labels);
        Assert.That(labels, Is.EqualTo(new[] { "Ar", "Kr" }), "ordinal order without a caller's list");
        Assert.That(data.Mass, Is.EqualTo(FileMass).Within(1e-12), "ASE units: amu, no conversion");
        double kinetic = 0;
        for (int i = 0; i < 3; i++)
            for (int a = 0; a < 3; a++)
            {
                Assert.That(data.P[3 * i + a], Is.EqualTo(W(i, 0, a)).Within(1e-12), "momenta as written");
                Assert.That(data.Dq![3 * i + a], Is.EqualTo(W(i, 0, a) / FileMass[i]).Within(1e-12), "q̇ = p/m");
                kinetic += W(i, 0, a) * W(i, 0, a) / (2 * FileMass[i]);
            }
        Assert.That(data.H![0], Is.EqualTo(-3.5 + kinetic).Within(1e-12), "H = potential energy + kinetic energy");
    }

    [Test]
    public void MetalMomenta_AreFileMassTimesVelocity_ConvertedLikeMasses()
    {
        var data = ExtendedXyz.Read(Write(Xyz("momenta")), Options(MdUnitStyle.Metal, ArKr));
        Assert.That(data.Dq![0], Is.EqualTo(W(0, 0, 0) / 83.798).Within(1e-14));
        Assert.That(data.P[0], Is.EqualTo(W(0, 0, 0) * MdUnits.MetalMassFactor).Within(1e-14));
    }

    [Test]
    public void PbcFalseOrNoLatticeGivesOpenBoundaries()
    {
        Assert.That(ExtendedXyz.Read(Write(Xyz(pbc: "F F F")), Options(MdUnitStyle.Reduced, ArKr)).Box, Is.Null);
        Assert.That(ExtendedXyz.Read(Write(Xyz(lattice: null, pbc: null)), Options(MdUnitStyle.Reduced, ArKr)).Box, Is.Null);
        Assert.That(ExtendedXyz.Read(Write(Xyz(pbc: null)), Options(MdUnitStyle.Reduced, ArKr)).Box, Is.EqualTo(new[] { 10.0, 11.0, 12.0 }), "Lattice alone means periodic");
    }

    private static IEnumerable<TestCaseData> BadFiles()
    {
        string good = Xyz();
        string[] lines = good.Split('\n');
        string Edit(int line, string replacement) { var l = (string[])lines.Clone(); l[line - 1] = replacement; return string.Join('\n', l); }
        // Frame 1: count line 1, comment 2, rows 3-5; frame 2: count 6, comment 7, rows 8-10.
        yield return new TestCaseData(Edit(4, "Ar 1.0 2.0 x3 0 0 0 0 0 0"), 4, "'x3' is not a number").SetName("NonNumeric");
        yield return new TestCaseData(Edit(9, "Ar 1.0 2.0 NaN 0 0 0 0 0 0"), 9, "finite").SetName("NaN");
        yield return new TestCaseData(Edit(5, "Ar 1.0 2.0"), 5, "has 3 values").SetName("ShortRow");
        yield return new TestCaseData(string.Join('\n', lines.Take(9)), 9, "cut off").SetName("TruncatedFinalFrame");
        yield return new TestCaseData(Edit(6, "4"), 6, "the first frame (line 1) 3").SetName("InconsistentAtomCount");
        yield return new TestCaseData(Edit(1, "three"), 1, "atom count").SetName("BadCount");
        yield return new TestCaseData(Edit(2, lines[1].Replace(":forces:R:3", "")), 2, "forces:R:3").SetName("MissingForces");
        yield return new TestCaseData(Edit(2, lines[1].Replace("10 0 0 0 11", "10 1 0 0 11")), 2, "not orthorhombic").SetName("Triclinic");
        yield return new TestCaseData(Edit(7, lines[6].Replace("10 0 0", "10.5 0 0")), 6, "box").SetName("BoxChanges");
        yield return new TestCaseData(Edit(2, lines[1].Replace("pbc=\"T T T\"", "pbc=\"T F T\"")), 2, "some dimensions only").SetName("MixedPbc");
        yield return new TestCaseData(Edit(8, lines[7].Replace("Kr", "Xe")), 8, "'Xe' here but 'Kr'").SetName("DifferentSpecies");
        yield return new TestCaseData(Edit(2, "Lattice=\"10 0 0 0 11 0 0 0 12 Properties=species:S:1"), 2, "unclosed").SetName("UnclosedQuote");
    }

    [TestCaseSource(nameof(BadFiles))]
    public void BadFilesAreRefusedWithTheLineNumber(string text, int line, string fragment)
    {
        string path = Write(text);
        var e = Assert.Throws<InvalidInputException>(() => ExtendedXyz.Read(path, Options(MdUnitStyle.Metal, ArKr)));
        Assert.That(e!.Message, Does.StartWith($"{path}:{line}:"), e.Message);
        Assert.That(e.Message, Does.Contain(fragment), e.Message);
    }

    [Test]
    public void EveryPrefixOfAGoodFile_IsReadAsWholeFramesOrRefusedAsInput()
    {
        string text = Xyz(energy: true);
        int firstFrameEnd = text.IndexOf("\n3\n", StringComparison.Ordinal) + 1;
        string path = _dir.File("prefix.xyz");
        for (int len = 0; len <= text.Length; len++)
        {
            File.WriteAllText(path, text[..len]);
            try
            {
                var data = ExtendedXyz.Read(path, Options(MdUnitStyle.Metal, ArKr));
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
        byte[] good = System.Text.Encoding.ASCII.GetBytes(Xyz(massColumn: true, energy: true));
        var rng = new Random(23);
        string path = _dir.File("corrupt.xyz");
        int refused = 0;
        for (int trial = 0; trial < 150; trial++)
        {
            var bytes = (byte[])good.Clone();
            for (int k = 0; k < 1 + trial % 3; k++) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            File.WriteAllBytes(path, bytes);
            try { ExtendedXyz.Read(path, Options(MdUnitStyle.Metal, null)).Validate(); }
            catch (InvalidInputException) { refused++; }
        }
        Assert.That(refused, Is.GreaterThan(50), "most corruptions must be caught");
    }

    [Test]
    public void MissingOrConflictingMassesAndUnlistedSpeciesAreRefused()
    {
        string path = Write(Xyz());
        var none = Assert.Throws<InvalidInputException>(() => ExtendedXyz.Read(path, Options(MdUnitStyle.Metal, null)));
        Assert.That(none!.Message, Does.Contain("no mass for species 'Kr'"));
        var unlisted = Assert.Throws<InvalidInputException>(() => ExtendedXyz.Read(path, Options(MdUnitStyle.Metal, [new("Ar", 39.948)])));
        Assert.That(unlisted!.Message, Does.Contain("'Kr'").And.Contain("not in the caller's mass list"));
        string withMass = Write(Xyz(massColumn: true), "m.xyz");
        var conflict = Assert.Throws<InvalidInputException>(() => ExtendedXyz.Read(withMass, Options(MdUnitStyle.Metal, [new("Ar", 40.0), new("Kr", 83.798)])));
        Assert.That(conflict!.Message, Does.Contain("masses column gives"));
        string energyOnce = Write(Xyz(energy: true).Replace(" energy=-2.50000000", ""), "e.xyz");
        var energy = Assert.Throws<InvalidInputException>(() => ExtendedXyz.Read(energyOnce, Options(MdUnitStyle.Metal, ArKr)));
        Assert.That(energy!.Message, Does.Contain(":7:").And.Contain("energy="));
    }
}
