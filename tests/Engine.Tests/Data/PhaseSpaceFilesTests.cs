// Format choice for phase-space files: by extension or by name, and the rule that .npz takes no MD settings.
using Engine.Common;
using Engine.Data;
using NUnit.Framework;

namespace Engine.Tests.Data;

[TestFixture]
public class PhaseSpaceFilesTests
{
    [TestCase("a/b/train.npz", PhaseSpaceFormat.Npz)]
    [TestCase("run.lammpstrj", PhaseSpaceFormat.LammpsDump)]
    [TestCase("RUN.DUMP", PhaseSpaceFormat.LammpsDump)]
    [TestCase("dump.argon", PhaseSpaceFormat.LammpsDump)]
    [TestCase("md.xyz", PhaseSpaceFormat.ExtendedXyz)]
    [TestCase("md.extxyz", PhaseSpaceFormat.ExtendedXyz)]
    public void FormatFollowsTheExtension(string path, PhaseSpaceFormat expected) =>
        Assert.That(PhaseSpaceFiles.FormatOf(path), Is.EqualTo(expected));

    [Test]
    public void UnknownExtensionsAndNamesAreRefused_NamesRoundTrip()
    {
        Assert.That(Assert.Throws<InvalidInputException>(() => PhaseSpaceFiles.FormatOf("data.txt"))!.Message, Does.Contain("'.txt'"));
        Assert.Throws<InvalidInputException>(() => PhaseSpaceFiles.ParseFormat("hdf5"));
        foreach (var f in Enum.GetValues<PhaseSpaceFormat>())
            Assert.That(PhaseSpaceFiles.ParseFormat(PhaseSpaceFiles.Name(f)), Is.EqualTo(f));
    }

    [Test]
    public void NpzTakesNoMdSettings_AndMdFormatsNeedThem()
    {
        var md = new MdReadOptions { Units = MdUnitStyle.Metal, Cutoff = 3 };
        Assert.That(Assert.Throws<InvalidInputException>(() => PhaseSpaceFiles.Read("x.npz", PhaseSpaceFormat.Npz, md))!.Message, Does.Contain("own masses"));
        Assert.That(Assert.Throws<InvalidInputException>(() => PhaseSpaceFiles.Read("x.dump", PhaseSpaceFormat.LammpsDump, null))!.Message, Does.Contain("units"));
        Assert.That(Assert.Throws<InvalidInputException>(() => PhaseSpaceFiles.Read("x.xyz", PhaseSpaceFormat.ExtendedXyz, null))!.Message, Does.Contain("units"));
    }

    [Test]
    public void UnitStylesParseAndCarryTheirLabels()
    {
        Assert.That(MdUnits.Parse("LJ"), Is.EqualTo(MdUnitStyle.Reduced));
        Assert.That(MdUnits.Parse("reduced"), Is.EqualTo(MdUnitStyle.Reduced));
        Assert.That(MdUnits.EnergyUnit(MdUnits.Parse("real")), Is.EqualTo("kcal/mol"));
        Assert.That(MdUnits.MassFactor(MdUnitStyle.Ase), Is.EqualTo(1.0));
        Assert.Throws<InvalidInputException>(() => MdUnits.Parse("si"));
    }
}
