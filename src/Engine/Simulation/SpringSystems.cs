// Catalogue of the spring systems by name (geometry × potential) and the default data preset of method.md §4.
using Engine.Common;
using Engine.Data;

namespace Engine.Simulation;

/// <summary>
/// A ground-truth spring system: its Hamiltonian, rest positions <c>[N·d]</c>, springs <c>[E, 2]</c> flattened
/// (i &lt; j) and masses <c>[N]</c>. Deconstructs as (Hamiltonian, RestPositions, Edges) or with Mass as well.
/// </summary>
public sealed record SpringSystem(IHamiltonian Hamiltonian, double[] RestPositions, int[] Edges, double[] Mass)
{
    public int Particles => Hamiltonian.Particles;
    public int Dimension => Hamiltonian.Dimension;

    public void Deconstruct(out IHamiltonian hamiltonian, out double[] restPositions, out int[] edges)
    {
        hamiltonian = Hamiltonian; restPositions = RestPositions; edges = Edges;
    }
}

/// <summary>The named spring systems used by the CLI and the experiments (unit masses, rest length 1).</summary>
public static class SpringSystems
{
    /// <summary>Geometry names accepted by <see cref="Create"/>.</summary>
    public static readonly IReadOnlyList<string> Geometries = ["chain", "lattice2d", "lattice3d"];
    /// <summary>Potential names accepted by <see cref="Create"/>.</summary>
    public static readonly IReadOnlyList<string> Potentials = ["harmonic", "anharmonic", "morse", "nonseparable"];

    /// <summary>Default embedding dimension of a chain (S8's spring chain is 2D, method.md §4).</summary>
    public const int DefaultChainDimension = 2;

    /// <summary>Trajectories of the default data set used for training / held out (method.md §4).</summary>
    public const int DefaultTrainTrajectories = 20, DefaultTestTrajectories = 5;

    /// <summary>
    /// Builds a system by name. <paramref name="geometry"/>: "chain" (size [n], along x in
    /// <paramref name="chainDimension"/> dimensions), "lattice2d" (size [nx, ny] or [n] for n×n), "lattice3d"
    /// (size [nx, ny, nz] or [n] for n×n×n). <paramref name="potential"/>: "harmonic", "anharmonic", "morse"
    /// (a <see cref="SpringNetwork"/> with default parameters) or "nonseparable" (<see cref="NonSeparableSprings"/>).
    /// Names are case-insensitive. Masses are 1.
    /// </summary>
    public static SpringSystem Create(string geometry, int[] size, string potential, int chainDimension = DefaultChainDimension)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(size);
        ArgumentNullException.ThrowIfNull(potential);
        var lattice = Geometry(geometry.Trim().ToLowerInvariant(), size, chainDimension);
        var mass = SpringNetwork.Filled(lattice.Particles, 1);
        IHamiltonian h = potential.Trim().ToLowerInvariant() switch
        {
            "nonseparable" => new NonSeparableSprings(mass, lattice.Dimension, lattice.Edges),
            "harmonic" or "anharmonic" or "morse" => new SpringNetwork(mass, lattice.Dimension, lattice.Edges, SpringPotential.FromName(potential)),
            _ => throw new InvalidInputException($"unknown potential '{potential}'; use one of {string.Join(", ", Potentials)}"),
        };
        return new SpringSystem(h, lattice.Positions, lattice.Edges, mass);
    }

    private static LatticeGeometry Geometry(string geometry, int[] size, int chainDimension)
    {
        string sizes = $"[{string.Join(", ", size)}]";
        switch (geometry)
        {
            case "chain":
                if (size.Length != 1) throw new InvalidInputException($"a chain takes one size (its length n); got {sizes}");
                return LatticeGeometry.Chain(size[0], chainDimension);
            case "lattice2d":
                if (size.Length == 1) return LatticeGeometry.Square(size[0], size[0]);
                if (size.Length == 2) return LatticeGeometry.Square(size[0], size[1]);
                throw new InvalidInputException($"a 2D lattice takes sizes [nx, ny] (or [n] for n×n); got {sizes}");
            case "lattice3d":
                if (size.Length == 1) return LatticeGeometry.Cubic(size[0], size[0], size[0]);
                if (size.Length == 3) return LatticeGeometry.Cubic(size[0], size[1], size[2]);
                throw new InvalidInputException($"a 3D lattice takes sizes [nx, ny, nz] (or [n] for n×n×n); got {sizes}");
            default:
                throw new InvalidInputException($"unknown geometry '{geometry}'; use one of {string.Join(", ", Geometries)}");
        }
    }

    /// <summary>The system of the default data (method.md §4): a 3×3×3 harmonic cubic lattice, 27 particles, 54 springs.</summary>
    public static SpringSystem DefaultLattice() => Create("lattice3d", [3, 3, 3], "harmonic");

    /// <summary>
    /// The generator of the default data (method.md §4): 25 trajectories (20 train + 5 test) × 20 snapshots,
    /// Δt 0.1 with 100 substeps, δ 0.1, σ 0.1.
    /// </summary>
    public static TrajectoryGenerator DefaultGenerator(int seed = 0) => new()
    {
        Trajectories = DefaultTrainTrajectories + DefaultTestTrajectories,
        SnapshotsPerTrajectory = 20,
        Interval = 0.1,
        Substeps = 100,
        Displacement = 0.1,
        MomentumStd = 0.1,
        Seed = seed,
    };

    /// <summary>
    /// The default data set (500 snapshots of the 3×3×3 lattice); split it with
    /// <c>SplitByTrajectory(DefaultTestTrajectories)</c>. <paramref name="potential"/> relabels the same geometry
    /// (e.g. "nonseparable" for the §10.1 variant).
    /// </summary>
    public static PhaseSpaceData DefaultData(int seed = 0, string potential = "harmonic") =>
        DefaultGenerator(seed).Generate(Create("lattice3d", [3, 3, 3], potential));
}
