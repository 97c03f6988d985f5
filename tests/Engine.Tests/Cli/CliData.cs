// Small data sets for the CLI tests, made with the CLI itself, and a way to craft damaged copies of them.
using Engine.Data;
using Engine.Tests.Data;

namespace Engine.Tests.Cli;

/// <summary>
/// A 2×2×2 harmonic lattice: 4 training trajectories and 2 held-out ones, 5 snapshots each, in a temp folder,
/// plus the small graph widths that keep every training run well under a second.
/// </summary>
internal sealed class CliData : IDisposable
{
    public static readonly string[] SmallGraph = ["--width-node", "16", "--width-edge", "16", "--width-msg", "64"];
    public const int Particles = 8, Dimension = 3, TrainTrajectories = 4, TestTrajectories = 2, SnapshotsPerTrajectory = 5;

    public TempDirectory Dir { get; } = new();
    public string Train => Dir.File("train.npz");
    public string Test => Dir.File("test.npz");

    public CliData()
    {
        CliHarness.Ok("generate", "--system", "lattice3d", "--size", "2,2,2", "--trajectories", (TrainTrajectories + TestTrajectories).ToString(),
            "--snapshots", SnapshotsPerTrajectory.ToString(), "--test-trajectories", TestTrajectories.ToString(),
            "--seed", "5", "--out", Train, "--test-out", Test, "--json");
    }

    /// <summary>Writes a copy of the training set to <paramref name="name"/> with its members edited (raw .npz, no validation).</summary>
    public string Damaged(string name, Action<Dictionary<string, NpyArray>> edit)
    {
        var members = Npz.ReadAll(Train).ToDictionary(kv => kv.Key, kv => kv.Value);
        edit(members);
        string path = Dir.File(name);
        Npz.Write(path, members);
        return path;
    }

    /// <summary>A copy of a float member's values (to edit) with its shape.</summary>
    public static (double[] Values, long[] Shape) Copy(NpyArray a) => ((double[])a.Doubles!.Clone(), a.Shape);

    public void Dispose() => Dir.Dispose();
}
