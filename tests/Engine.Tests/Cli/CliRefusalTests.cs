// Bad input through the CLI: exit code 1, {"ok": false, "error": ...} naming the problem, and no file left behind.
using Engine.Data;
using NUnit.Framework;
using static Engine.Tests.Cli.CliHarness;

namespace Engine.Tests.Cli;

[TestFixture, NonParallelizable]
public class CliRefusalTests
{
    private CliData _data = null!;
    private string _model = null!;

    [OneTimeSetUp]
    public void MakeDataAndModel()
    {
        _data = new CliData();
        _model = _data.Dir.File("pair.model");
        Ok("train", "--data", _data.Train, "--model", "pair", "--width", "16", "--out", _model, "--json");
    }

    [OneTimeTearDown] public void Cleanup() => _data.Dispose();

    /// <summary>
    /// Runs a command that must be refused: exit code 1, one JSON object {"ok": false, "error": ...} whose error
    /// contains every one of <paramref name="words"/>, and the folder of <paramref name="outPath"/> (when given)
    /// holding exactly the files it held before — no output, no temporary file.
    /// </summary>
    private static void AssertRefused(string[] args, string? outPath, params string[] words)
    {
        string? folder = outPath is null ? null : Path.GetDirectoryName(Path.GetFullPath(outPath));
        var before = folder is not null && Directory.Exists(folder) ? Directory.GetFiles(folder).Order().ToArray() : [];
        var r = Run([.. args, "--json"]);
        Assert.That(r.ExitCode, Is.EqualTo(1), $"stdout: {r.Stdout}\nstderr: {r.Stderr}");
        var json = r.Json();
        Assert.That(json["ok"]!.GetValue<bool>(), Is.False);
        string error = json["error"]!.GetValue<string>();
        foreach (string word in words) Assert.That(error, Does.Contain(word).IgnoreCase, "the error must name the problem");
        Assert.That(error, Does.Not.Contain("internal error"));
        if (outPath is not null)
        {
            Assert.That(File.Exists(outPath), Is.False, $"{outPath} was left behind");
            var after = folder is not null && Directory.Exists(folder) ? Directory.GetFiles(folder).Order().ToArray() : [];
            Assert.That(after, Is.EqualTo(before), "a failed command must leave no file (temporary or partial) behind");
        }
    }

    private string Out(string name = "out.model") => _data.Dir.File(name);

    private void AssertTrainRefused(string data, params string[] words)
    {
        string output = Out();
        AssertRefused(["train", "--data", data, "--model", "pair", "--width", "8", "--out", output], output, words);
    }

    private string WithValue(string name, string key, int index, double value) => _data.Damaged(name, m =>
    {
        var (v, shape) = CliData.Copy(m[key]);
        v[index] = value;
        m[key] = NpyArray.Of(v, shape);
    });

    // ---- bad data files ----

    [Test]
    public void NaNInQ_IsRefusedNamingQ()
    {
        string bad = WithValue("nan-q.npz", "q", 17, double.NaN);
        AssertTrainRefused(bad, "'q'", "non-finite");
        AssertRefused(["evaluate", "--model", _model, "--data", bad], null, "'q'", "non-finite");
        AssertRefused(["rollout", "--model", _model, "--data", bad], null, "'q'", "non-finite");
    }

    [Test]
    public void InfInDp_IsRefusedNamingDp() => AssertTrainRefused(WithValue("inf-dp.npz", "dp", 5, double.PositiveInfinity), "'dp'", "non-finite");

    [Test]
    public void QAndPOfDifferentShapes_AreRefusedNamingP()
    {
        string bad = _data.Damaged("short-p.npz", m =>
        {
            var p = m["p"];
            long[] shape = [p.Shape[0] - 1, p.Shape[1], p.Shape[2]];
            m["p"] = NpyArray.Of(p.Doubles![..(int)(shape[0] * shape[1] * shape[2])], shape);
        });
        AssertTrainRefused(bad, "'p'", "shape");
    }

    [Test]
    public void EdgeOutOfRange_IsRefusedNamingEdges()
    {
        string bad = _data.Damaged("edges.npz", m =>
        {
            var e = (long[])m["edges"].Longs!.Clone();
            e[1] = CliData.Particles; // one past the last particle
            m["edges"] = NpyArray.Of(e, m["edges"].Shape);
        });
        AssertTrainRefused(bad, "edges");
        AssertRefused(["evaluate", "--model", _model, "--data", bad], null, "edges");
    }

    [Test]
    public void EmptyDataFile_IsRefused()
    {
        string empty = _data.Dir.File("empty.npz");
        File.WriteAllBytes(empty, []);
        AssertTrainRefused(empty, "empty");
        AssertRefused(["evaluate", "--model", _model, "--data", empty], null, "empty");
    }

    [Test]
    public void RandomBytesDataFile_IsRefused()
    {
        string junk = _data.Dir.File("junk.npz");
        var bytes = new byte[4096];
        new Random(11).NextBytes(bytes);
        File.WriteAllBytes(junk, bytes);
        AssertTrainRefused(junk, "junk.npz", "npz");
        AssertRefused(["rollout", "--model", _model, "--data", junk], null, "npz");
    }

    [Test]
    public void MissingDataFile_IsRefused() => AssertTrainRefused(_data.Dir.File("no-such-file.npz"), "no-such-file.npz", "not found");

    [Test]
    public void DataWithoutDerivatives_CannotTrain_NamingDq()
    {
        string bare = _data.Damaged("no-derivatives.npz", m => { m.Remove("dq"); m.Remove("dp"); });
        AssertTrainRefused(bare, "dq");
        AssertRefused(["evaluate", "--model", _model, "--data", bare], null, "dq");
    }

    [TestCase("pair", "kinetic")]
    [TestCase("graph", "node")]
    public void AllMomentaZero_IsRankDeficient_NamingTheMomentumBlock(string family, string block)
    {
        string still = _data.Damaged("zero-momenta.npz", m =>
        {
            foreach (string key in new[] { "p", "dq" })
                m[key] = NpyArray.Of(new double[m[key].Count], m[key].Shape);
        });
        string output = Out();
        AssertRefused(["train", "--data", still, "--model", family, .. CliData.SmallGraph, "--out", output], output, "rank-deficient", $"'{block}'", "momentum");
    }

    [Test]
    public void TwoParticlesAtTheSamePosition_AreRefused()
    {
        string bad = _data.Damaged("overlap.npz", m =>
        {
            var (q, shape) = CliData.Copy(m["q"]);
            int d = (int)shape[2];
            for (int a = 0; a < d; a++) q[d + a] = q[a]; // snapshot 0: particle 1 on top of particle 0
            m["q"] = NpyArray.Of(q, shape);
            // Make sure 0 and 1 interact whatever the lattice's own edge list is.
            var e = m["edges"].Longs!;
            m["edges"] = NpyArray.Of([0L, 1L, .. e], e.Length / 2 + 1, 2);
        });
        AssertTrainRefused(bad, "same position");
        AssertRefused(["evaluate", "--model", _model, "--data", bad], null, "same position");
    }

    // ---- bad model files ----

    private string ModelCopy(string name, Func<byte[], byte[]> damage)
    {
        string path = _data.Dir.File(name);
        File.WriteAllBytes(path, damage(File.ReadAllBytes(_model)));
        return path;
    }

    [TestCase("evaluate")]
    [TestCase("rollout")]
    public void TruncatedModel_IsRefused(string command)
    {
        string truncated = ModelCopy("truncated.model", b => b[..(b.Length / 2)]);
        AssertRefused([command, "--model", truncated, "--data", _data.Test], null, "truncated");
    }

    [TestCase("evaluate")]
    [TestCase("rollout")]
    public void ModelWithOneFlippedByte_IsRefused(string command)
    {
        string corrupt = ModelCopy("corrupt.model", b => { var c = (byte[])b.Clone(); c[c.Length / 2] ^= 0x10; return c; });
        AssertRefused([command, "--model", corrupt, "--data", _data.Test], null, "corrupt");
    }

    [Test]
    public void MissingModelFile_IsRefused() =>
        AssertRefused(["evaluate", "--model", _data.Dir.File("absent.model"), "--data", _data.Test], null, "absent.model");

    // ---- bad options and output paths ----

    [Test]
    public void UnknownModelFamily_IsRefusedNamingTheOption()
    {
        string output = Out();
        AssertRefused(["train", "--data", _data.Train, "--model", "transformer", "--out", output], output, "--model", "transformer");
    }

    [Test]
    public void UnknownSampler_IsRefusedNamingTheOption()
    {
        string output = Out();
        AssertRefused(["train", "--data", _data.Train, "--sampler", "gibbs", "--out", output], output, "--sampler", "gibbs");
    }

    [Test]
    public void OutputIntoAMissingDirectory_IsRefused_AndCreatesNothing()
    {
        string folder = _data.Dir.File("not-there");
        string output = Path.Combine(folder, "model.bin");
        AssertRefused(["train", "--data", _data.Train, "--model", "pair", "--width", "8", "--out", output], output, "does not exist");
        AssertRefused(["generate", "--size", "2,2,2", "--trajectories", "2", "--snapshots", "2", "--out", Path.Combine(folder, "d.npz")], null, "does not exist");
        Assert.That(Directory.Exists(folder), Is.False);
    }

    [Test]
    public void GenerateWhoseTestOutputFails_LeavesNoTrainingFileEither()
    {
        string train = _data.Dir.File("gen-train.npz");
        string test = Path.Combine(_data.Dir.File("not-there"), "gen-test.npz");
        AssertRefused(["generate", "--size", "2,2,2", "--trajectories", "3", "--snapshots", "2", "--test-trajectories", "1",
            "--out", train, "--test-out", test], train, "does not exist");
    }

    [Test]
    public void OptionErrors_UnderJson_AreOneJsonObjectToo()
    {
        string output = Out();
        AssertRefused(["train", "--data", _data.Train, "--width", "many", "--out", output], output, "--width");
        AssertRefused(["train", "--data", _data.Train], null, "--out");
        AssertRefused(["train", "--data", _data.Train, "--width", "0", "--model", "pair", "--out", output], output, "--width");
    }
}
