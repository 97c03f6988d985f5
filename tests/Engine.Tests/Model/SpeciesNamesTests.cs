// Species names: model file v2 keeps them, v1 files still load (names = codes), names are checked, LABEL:NAME mappings.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Engine.Common;
using Engine.Features;
using Engine.Model;
using NUnit.Framework;

namespace Engine.Tests.Model;

public class SpeciesNamesTests
{
    private static HamiltonianModel Named(IReadOnlyList<string>? names)
    {
        var (m, _) = NeighborListEvaluatorTests.PairModel(species: 2);
        return new HamiltonianModel(m.Features, m.Theta, m.Theta0, m.Graph, m.Info with { LengthUnit = "angstrom", EnergyUnit = "eV" }, names);
    }

    [Test]
    public void VersionTwoFilesKeepSpeciesNames()
    {
        var model = Named(["Ar", "Kr"]);
        var bytes = ModelFile.ToBytes(model);
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)), Is.EqualTo(2u), "written as format version 2");
        var loaded = ModelFile.FromBytes(bytes);
        Assert.That(loaded.SpeciesNames, Is.EqualTo(new[] { "Ar", "Kr" }));
        Assert.That(loaded.Theta, Is.EqualTo(model.Theta));
        Assert.That(ModelFile.ToBytes(loaded), Is.EqualTo(bytes), "re-serialising gives the same file");
        Assert.That(Named(null).SpeciesNames, Is.EqualTo(new[] { "0", "1" }), "no names = the codes in decimal");
    }

    /// <summary>The version 1 layout of <paramref name="model"/>: the v2 file without the names, version 1, new checksum.</summary>
    private static byte[] VersionOneBytes(HamiltonianModel model)
    {
        var v2 = ModelFile.ToBytes(model);
        // Payload: 5 u32 words, u8 flag, f64 cutoff, two unit strings, then the species count and the names.
        int at = 20 + 5 * 4 + 1 + 8;
        foreach (string unit in new[] { model.Info.LengthUnit, model.Info.EnergyUnit }) at += 4 + Encoding.UTF8.GetByteCount(unit);
        at += 4;
        int namesBytes = model.SpeciesNames.Sum(n => 4 + Encoding.UTF8.GetByteCount(n));
        var v1 = new byte[v2.Length - namesBytes];
        v2.AsSpan(0, at).CopyTo(v1);
        v2.AsSpan(at + namesBytes).CopyTo(v1.AsSpan(at));
        BinaryPrimitives.WriteUInt32LittleEndian(v1.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(v1.AsSpan(12), (ulong)(v1.Length - 20 - 32));
        SHA256.HashData(v1.AsSpan(0, v1.Length - 32), v1.AsSpan(v1.Length - 32));
        return v1;
    }

    [Test]
    public void VersionOneFilesStillLoadWithCodesAsNames()
    {
        var model = Named(["Ar", "Kr"]);
        var v1 = VersionOneBytes(model);
        var loaded = ModelFile.FromBytes(v1);
        Assert.That(loaded.SpeciesNames, Is.EqualTo(new[] { "0", "1" }));
        Assert.That(loaded.Theta, Is.EqualTo(model.Theta));
        Assert.That(((PairPotentialFeatures)loaded.Features).Radial.WT, Is.EqualTo(((PairPotentialFeatures)model.Features).Radial.WT));
        Assert.That(loaded.Info.EnergyUnit, Is.EqualTo("eV"));
        var future = (byte[])v1.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(future.AsSpan(8), 3);
        SHA256.HashData(future.AsSpan(0, future.Length - 32), future.AsSpan(future.Length - 32));
        Assert.That(() => ModelFile.FromBytes(future), Throws.TypeOf<ModelFormatException>().With.Message.Contains("version 3"));
    }

    [Test]
    public void DuplicateOrEmptyNamesInAFileAreRefused()
    {
        var bytes = ModelFile.ToBytes(Named(["Ar", "Kr"]));
        int at = Encoding.ASCII.GetString(bytes).IndexOf("Kr", StringComparison.Ordinal);
        bytes[at] = (byte)'A'; bytes[at + 1] = (byte)'r';
        SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32), bytes.AsSpan(bytes.Length - 32));
        Assert.That(() => ModelFile.FromBytes(bytes), Throws.TypeOf<ModelFormatException>().With.Message.Contains("'Ar' names two species"));
    }

    [Test]
    public void NamesAreChecked()
    {
        Assert.That(() => Named(["Ar"]), Throws.TypeOf<InvalidInputException>().With.Message.Contains("1 given for a model with 2"));
        Assert.That(() => Named(["Ar", "Ar"]), Throws.TypeOf<InvalidInputException>().With.Message.Contains("names two species"));
        Assert.That(() => Named(["Ar", ""]), Throws.TypeOf<InvalidInputException>().With.Message.Contains("code 1 is empty"));
        Assert.That(() => Named(["Ar", "K r"]), Throws.TypeOf<InvalidInputException>().With.Message.Contains("whitespace"));
    }

    [Test]
    public void LabelMappingsRenameTheDataLabels()
    {
        Assert.That(SpeciesNaming.FromLabels(["1", "2"], 2, null), Is.EqualTo(new[] { "1", "2" }), "LAMMPS types by default");
        Assert.That(SpeciesNaming.FromLabels(["1", "2"], 2, "1:Ar, 2:Kr"), Is.EqualTo(new[] { "Ar", "Kr" }));
        Assert.That(SpeciesNaming.FromLabels(["1", "2"], 2, "2:Kr"), Is.EqualTo(new[] { "1", "Kr" }), "unlisted labels keep their name");
        Assert.That(SpeciesNaming.FromLabels(null, 2, "1:Kr"), Is.EqualTo(new[] { "0", "Kr" }), "no labels: the codes are the labels");
        Assert.That(SpeciesNaming.FromLabels(["Ar"], 1, "Ar:argon"), Is.EqualTo(new[] { "argon" }));
        Assert.That(() => SpeciesNaming.FromLabels(["1", "2"], 2, "3:Xe"), Throws.TypeOf<InvalidInputException>().With.Message.Contains("no species labelled '3'").And.Message.Contains("'1', '2'"));
        Assert.That(() => SpeciesNaming.FromLabels(["1", "2"], 2, "Ar,Kr"), Throws.TypeOf<InvalidInputException>().With.Message.Contains("not LABEL:NAME"));
        Assert.That(() => SpeciesNaming.FromLabels(["1", "2"], 2, "1:Ar,1:Kr"), Throws.TypeOf<InvalidInputException>().With.Message.Contains("given twice"));
        Assert.That(() => SpeciesNaming.FromLabels(["1", "2"], 2, "1:Ar,2:Ar"), Throws.TypeOf<InvalidInputException>().With.Message.Contains("names two species"));
        Assert.That(() => SpeciesNaming.FromLabels(["1", "2"], 2, "1:"), Throws.TypeOf<InvalidInputException>().With.Message.Contains("not LABEL:NAME"));
    }
}
