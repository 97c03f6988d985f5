// `train --species-names LABEL:NAME,…`: names from the data's labels into the model file, and clear refusals of bad values.
using Engine.Data;
using Engine.Model;
using Engine.Simulation;
using Engine.Tests.Data;
using NUnit.Framework;
using static Engine.Tests.Cli.CliHarness;

namespace Engine.Tests.Cli;

[TestFixture, NonParallelizable]
public class SpeciesNamesCliTests
{
    private TempDirectory _dir = null!;
    private string _dump = null!;

    [OneTimeSetUp]
    public void WriteTwoTypeDump()
    {
        _dir = new TempDirectory();
        var lj = new LennardJonesSystem().Generate(108, trajectories: 1, snapshotsPerTrajectory: 3, stepsBetween: 5, dt: 5e-3, equilibrationSteps: 20, seed: 7);
        // Relabel alternate atoms as LAMMPS type 2: the names, not the physics, are under test.
        var twoTypes = new PhaseSpaceData
        {
            Snapshots = lj.Snapshots, Particles = lj.Particles, Dimension = 3, Q = lj.Q, P = lj.P, Dq = lj.Dq, Dp = lj.Dp,
            Mass = lj.Mass, Species = Enumerable.Range(0, lj.Particles).Select(i => i % 2).ToArray(),
            Cutoff = lj.Cutoff, Box = lj.Box,
        };
        _dump = _dir.File("two.lammpstrj");
        LammpsDumpText.Write(twoTypes, _dump, seed: 1);
    }

    [OneTimeTearDown] public void Cleanup() => _dir.Dispose();

    private string[] Train(string output, params string[] extra) =>
        ["train", "--data", _dump, "--units", "lj", "--masses", "1:1,2:1", "--cutoff", "2.5", "--model", "pair", "--width", "8",
         "--out", output, "--json", .. extra];

    [Test]
    public void NamesMapLammpsTypesIntoTheModelFile()
    {
        string path = _dir.File("named.model");
        var json = Ok(Train(path, "--species-names", "1:Ar, 2:Kr"));
        Assert.That(json["species_names"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "Ar", "Kr" }));
        Assert.That(ModelFile.Load(path).SpeciesNames, Is.EqualTo(new[] { "Ar", "Kr" }));

        string plain = _dir.File("plain.model");
        Ok(Train(plain));
        Assert.That(ModelFile.Load(plain).SpeciesNames, Is.EqualTo(new[] { "1", "2" }), "default: the LAMMPS types");
    }

    [TestCase("3:Xe", "no species labelled '3'")]
    [TestCase("Ar,Kr", "not LABEL:NAME")]
    [TestCase("1:Ar,2:Ar", "'Ar' names two species")]
    [TestCase("1:Ar,1:Kr", "given twice")]
    public void BadValuesAreRefused(string value, string words)
    {
        string path = _dir.File("bad.model");
        var r = Run(Train(path, "--species-names", value));
        Assert.That(r.ExitCode, Is.EqualTo(1), r.Stdout);
        string error = r.Json()["error"]!.GetValue<string>();
        Assert.That(error, Does.Contain("--species-names").And.Contain(words));
        Assert.That(File.Exists(path), Is.False, "no model written");
    }

    [Test]
    public void GraphModelsRefuseNames()
    {
        var r = Run(["train", "--data", _dump, "--units", "lj", "--masses", "1:1,2:1", "--cutoff", "2.5", "--model", "graph",
            "--species-names", "1:Ar", "--out", _dir.File("g.model"), "--json"]);
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Json()["error"]!.GetValue<string>(), Does.Contain("--species-names applies to --model pair"));
    }
}
