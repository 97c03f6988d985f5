// Phase-space snapshots of one particle system, in the layout of the .npz schema (shared/docs/data-format.md).
using Engine.Common;

namespace Engine.Data;

/// <summary>
/// M snapshots of N particles in d dimensions. Every per-snapshot array is row-major and contiguous:
/// <c>Q[(m*N + i)*d + a]</c> is coordinate a of particle i in snapshot m. Units are carried, never converted.
/// </summary>
public sealed class PhaseSpaceData
{
    public required int Snapshots { get; init; }
    public required int Particles { get; init; }
    public required int Dimension { get; init; }

    /// <summary>Positions <c>[M, N, d]</c>.</summary>
    public required double[] Q { get; init; }
    /// <summary>Momenta <c>[M, N, d]</c>, p = m v.</summary>
    public required double[] P { get; init; }
    /// <summary>Time derivative of q <c>[M, N, d]</c> (= ∂H/∂p); needed for training.</summary>
    public double[]? Dq { get; init; }
    /// <summary>Time derivative of p <c>[M, N, d]</c> (= −∂H/∂q, the force); needed for training.</summary>
    public double[]? Dp { get; init; }
    /// <summary>Particle masses <c>[N]</c>.</summary>
    public required double[] Mass { get; init; }
    /// <summary>Integer species code per particle <c>[N]</c> (all 0 when absent from the file).</summary>
    public required int[] Species { get; init; }
    /// <summary>
    /// The source's label of each species code <c>[≥ max code + 1]</c> where the file names them (LAMMPS dump: the type,
    /// "1" for code 0; extended XYZ: the species label, "Ar"); null = unnamed. Trained pair models take them as names.
    /// </summary>
    public string[]? SpeciesNames { get; init; }
    /// <summary>Fixed topology: undirected pairs <c>[E, 2]</c> flattened, i &lt; j. Null = cutoff graph.</summary>
    public int[]? Edges { get; init; }
    /// <summary>Neighbour cutoff radius when <see cref="Edges"/> is null.</summary>
    public double? Cutoff { get; init; }
    /// <summary>Orthorhombic periodic box lengths <c>[d]</c>; null = open boundaries.</summary>
    public double[]? Box { get; init; }
    /// <summary>True total energy of each snapshot <c>[M]</c>, if known.</summary>
    public double[]? H { get; init; }
    /// <summary>Trajectory index of each snapshot <c>[M]</c>; snapshots of one trajectory are in time order.</summary>
    public int[]? Trajectory { get; init; }
    /// <summary>Time of each snapshot <c>[M]</c>.</summary>
    public double[]? Time { get; init; }
    public string LengthUnit { get; init; } = "reduced";
    public string EnergyUnit { get; init; } = "reduced";

    public int EdgeCount => Edges is null ? 0 : Edges.Length / 2;
    public bool HasDerivatives => Dq is not null && Dp is not null;
    /// <summary>Values per snapshot of a <c>[M, N, d]</c> array: N·d.</summary>
    public int StateSize => Particles * Dimension;

    public ReadOnlySpan<double> QOf(int m) => Q.AsSpan(m * StateSize, StateSize);
    public ReadOnlySpan<double> POf(int m) => P.AsSpan(m * StateSize, StateSize);
    public ReadOnlySpan<double> DqOf(int m) => Dq.AsSpan(m * StateSize, StateSize);
    public ReadOnlySpan<double> DpOf(int m) => Dp.AsSpan(m * StateSize, StateSize);

    /// <summary>
    /// Checks shapes, finiteness, masses, edge indices, cutoff and box; throws <see cref="InvalidInputException"/>
    /// naming the first bad key. <paramref name="source"/> names the file or producer in the message.
    /// </summary>
    public void Validate(string source = "data")
    {
        if (Snapshots <= 0) throw Bad(source, "q", $"has no snapshots (M = {Snapshots}); a data set needs at least one snapshot");
        if (Particles <= 0) throw Bad(source, "q", $"has no particles (N = {Particles})");
        if (Dimension is < 1 or > 3) throw Bad(source, "q", $"has dimension d = {Dimension}; only d = 1, 2, 3 are supported");
        long size = (long)Snapshots * Particles * Dimension;
        CheckArray(source, "q", Q, size);
        CheckArray(source, "p", P, size);
        if (Dq is not null) CheckArray(source, "dq", Dq, size);
        if (Dp is not null) CheckArray(source, "dp", Dp, size);
        if ((Dq is null) != (Dp is null)) throw Bad(source, Dq is null ? "dq" : "dp", "is missing while its partner is present; give both dq and dp or neither");
        CheckArray(source, "mass", Mass, Particles);
        for (int i = 0; i < Mass.Length; i++)
            if (!(Mass[i] > 0)) throw Bad(source, "mass", $"entry {i} is {Mass[i]}; masses must be positive and finite");
        if (Species.Length != Particles) throw Bad(source, "species", $"has length {Species.Length}, expected N = {Particles}");
        for (int i = 0; i < Species.Length; i++)
            if (Species[i] < 0) throw Bad(source, "species", $"entry {i} is {Species[i]}; species codes must be ≥ 0");
        if (SpeciesNames is not null)
        {
            int codes = Species.Length == 0 ? 0 : Species.Max() + 1;
            if (SpeciesNames.Length < codes) throw Bad(source, "species names", $"has {SpeciesNames.Length} entries for {codes} species codes; name every code");
            for (int c = 0; c < SpeciesNames.Length; c++)
                if (string.IsNullOrEmpty(SpeciesNames[c])) throw Bad(source, "species names", $"entry {c} is empty");
        }
        if (Edges is not null)
        {
            if (Edges.Length % 2 != 0) throw Bad(source, "edges", "must have shape (E, 2)");
            for (int e = 0; e < Edges.Length / 2; e++)
            {
                int i = Edges[2 * e], j = Edges[2 * e + 1];
                if (i < 0 || i >= Particles || j < 0 || j >= Particles)
                    throw Bad(source, "edges", $"row {e} = ({i}, {j}) indexes outside [0, {Particles}); every edge must join two existing particles");
                if (i == j) throw Bad(source, "edges", $"row {e} = ({i}, {j}) joins a particle to itself");
            }
        }
        if (Cutoff is double rc && !(rc > 0 && double.IsFinite(rc)))
            throw Bad(source, "cutoff", $"is {rc}; the cutoff must be a positive finite radius");
        if (Edges is null && Cutoff is null)
            throw Bad(source, "edges", "and 'cutoff' are both absent; a graph needs a fixed topology ('edges') or a neighbour cutoff ('cutoff')");
        if (Box is not null)
        {
            if (Box.Length != Dimension) throw Bad(source, "box", $"has length {Box.Length}, expected d = {Dimension}");
            for (int a = 0; a < Box.Length; a++)
                if (!(Box[a] > 0 && double.IsFinite(Box[a]))) throw Bad(source, "box", $"entry {a} is {Box[a]}; box lengths must be positive and finite");
        }
        if (H is not null) CheckArray(source, "H", H, Snapshots);
        if (Time is not null) CheckArray(source, "t", Time, Snapshots);
        if (Trajectory is not null && Trajectory.Length != Snapshots)
            throw Bad(source, "traj", $"has length {Trajectory.Length}, expected M = {Snapshots}");
    }

    private static void CheckArray(string source, string key, double[] a, long expected)
    {
        if (a.LongLength != expected) throw Bad(source, key, $"has {a.LongLength} values, expected {expected}");
        for (long k = 0; k < a.LongLength; k++)
            if (!double.IsFinite(a[k]))
                throw Bad(source, key, $"holds a non-finite value ({a[k]}) at flat index {k}; remove or repair that snapshot");
    }

    private static InvalidInputException Bad(string source, string key, string what) => new($"{source}: '{key}' {what}.");

    /// <summary>Snapshot indices of each trajectory, in stored order (one trajectory when <see cref="Trajectory"/> is null).</summary>
    public IReadOnlyList<int[]> TrajectorySnapshots()
    {
        if (Trajectory is null) return [Enumerable.Range(0, Snapshots).ToArray()];
        return Enumerable.Range(0, Snapshots).GroupBy(m => Trajectory[m]).OrderBy(g => g.Key).Select(g => g.ToArray()).ToList();
    }

    /// <summary>A new data set holding the given snapshots (copied), with the same particles and graph.</summary>
    public PhaseSpaceData Select(IReadOnlyList<int> snapshots)
    {
        int s = StateSize;
        double[] Gather(double[] src) { var dst = new double[snapshots.Count * s]; for (int k = 0; k < snapshots.Count; k++) Array.Copy(src, (long)snapshots[k] * s, dst, (long)k * s, s); return dst; }
        T[]? PerSnapshot<T>(T[]? src) => src is null ? null : snapshots.Select(m => src[m]).ToArray();
        return new PhaseSpaceData
        {
            Snapshots = snapshots.Count, Particles = Particles, Dimension = Dimension,
            Q = Gather(Q), P = Gather(P), Dq = Dq is null ? null : Gather(Dq), Dp = Dp is null ? null : Gather(Dp),
            Mass = Mass, Species = Species, SpeciesNames = SpeciesNames, Edges = Edges, Cutoff = Cutoff, Box = Box,
            H = PerSnapshot(H), Trajectory = PerSnapshot(Trajectory), Time = PerSnapshot(Time),
            LengthUnit = LengthUnit, EnergyUnit = EnergyUnit,
        };
    }

    /// <summary>Splits by whole trajectories: the last <paramref name="testTrajectories"/> trajectories form the test set.</summary>
    public (PhaseSpaceData Train, PhaseSpaceData Test) SplitByTrajectory(int testTrajectories)
    {
        var trajs = TrajectorySnapshots();
        if (testTrajectories <= 0 || testTrajectories >= trajs.Count)
            throw new InvalidInputException($"cannot hold out {testTrajectories} of {trajs.Count} trajectories; keep at least one for training and one for testing");
        var train = trajs.Take(trajs.Count - testTrajectories).SelectMany(t => t).ToArray();
        var test = trajs.Skip(trajs.Count - testTrajectories).SelectMany(t => t).ToArray();
        return (Select(train), Select(test));
    }
}
