// Seeded inputs shared by the roofline report and the BenchmarkDotNet suite: lattice snapshots, LJ boxes, models, matrices.
using Engine.Data;
using Engine.Features;
using Engine.Graph;
using Engine.Model;
using Engine.Simulation;
using Engine.Solve;
using Engine.Training;

namespace Engine.Benchmarks;

/// <summary>A data set with its topology and a feature map sampled from it (fixed edges, so edges are built per snapshot).</summary>
/// <param name="Data">Snapshots with derivatives, row-major <c>[M, N, d]</c>.</param>
/// <param name="Topology">The data's own topology.</param>
/// <param name="Features">The sampled feature map.</param>
/// <param name="Edges">Edges of snapshot 0, built.</param>
public sealed record FeatureFixture(PhaseSpaceData Data, Topology Topology, IFeatureMap Features, EdgeBuffer Edges)
{
    /// <summary>Snapshot 0 with its edges (built at construction).</summary>
    public Snapshot Snapshot0 => new(Data.QOf(0), Data.POf(0), Data.Mass, Data.Species, Edges);

    /// <summary>Columns of a Jacobian block with the θ₀ column: <c>F + 1</c>.</summary>
    public int Stride => Features.FeatureCount + 1;

    /// <summary>Rows of ∂Φ/∂p (and of ∂Φ/∂q) per snapshot: <c>N·d</c>.</summary>
    public int RowsPerHalf => Data.StateSize;
}

/// <summary>A Lennard-Jones configuration (reduced units, ρ* 0.8, rc 2.5σ) with its edges and a sampled pair model.</summary>
/// <param name="Q">Positions <c>[N·3]</c>, FCC lattice with jitter.</param>
/// <param name="P">Momenta <c>[N·3]</c> at T* = 1.</param>
/// <param name="Mass">Masses <c>[N]</c>, all 1.</param>
/// <param name="Species">Species <c>[N]</c>, all 0.</param>
/// <param name="Box">Periodic cube lengths <c>[3]</c>.</param>
/// <param name="Cutoff">rc = 2.5σ.</param>
/// <param name="Edges">Pairs within rc, built by the cell list.</param>
/// <param name="Pair">Pair features sampled (SWIM, tanh) from this configuration's pair distances.</param>
/// <param name="Theta">Seeded coefficients <c>[F]</c> (evaluation cost does not depend on their values).</param>
public sealed record LennardJonesFixture(double[] Q, double[] P, double[] Mass, int[] Species, double[] Box, double Cutoff,
    EdgeBuffer Edges, PairPotentialFeatures Pair, double[] Theta)
{
    public int Particles => Mass.Length;
    public Snapshot Snapshot => new(Q, P, Mass, Species, Edges);
}

/// <summary>Builders of the seeded benchmark inputs. Same arguments, same bits.</summary>
public static class BenchFixtures
{
    /// <summary>
    /// The default 3×3×3 harmonic lattice (method.md §4) with <paramref name="trajectories"/> × <paramref name="snapshots"/>
    /// snapshots and a graph HGN sampled at the given widths (defaults: the training defaults 128/128/1024, SWIM, tanh).
    /// </summary>
    public static FeatureFixture DefaultLatticeGraph(int trajectories = 2, int snapshots = 20, int node = 128, int edge = 128, int message = 1024, int seed = 0)
    {
        var data = LatticeData(trajectories, snapshots, seed);
        var o = new TrainingOptions { Family = ModelFamily.Graph, WidthNode = node, WidthEdge = edge, WidthMessage = message, Seed = seed };
        return Fixture(data, o);
    }

    /// <summary>The same lattice data with the separable pair model of width <paramref name="width"/> (fixed edges, no cutoff).</summary>
    public static FeatureFixture DefaultLatticePair(int trajectories = 2, int snapshots = 20, int width = 256, int seed = 0)
    {
        var data = LatticeData(trajectories, snapshots, seed);
        return Fixture(data, new TrainingOptions { Family = ModelFamily.Pair, WidthPair = width, Seed = seed });
    }

    private static PhaseSpaceData LatticeData(int trajectories, int snapshots, int seed) => new TrajectoryGenerator
    {
        Trajectories = trajectories, SnapshotsPerTrajectory = snapshots, Interval = 0.1, Substeps = 100,
        Displacement = 0.1, MomentumStd = 0.1, Seed = seed,
    }.Generate(SpringSystems.DefaultLattice());

    private static FeatureFixture Fixture(PhaseSpaceData data, TrainingOptions o)
    {
        var graph = GraphRule.Of(data);
        var topology = graph.TopologyFor(data);
        var features = FeatureSampling.Sample(data, topology, graph, o);
        var edges = new EdgeBuffer();
        topology.Build(data.QOf(0), data.Particles, edges);
        return new FeatureFixture(data, topology, features, edges);
    }

    /// <summary>
    /// <paramref name="particles"/> Lennard-Jones particles (ρ* 0.8, T* 1, rc 2.5σ; at least 128 so the box is ≥ 2·rc)
    /// with edges built and a pair model of <paramref name="width"/> neurons sampled from the pair distances.
    /// </summary>
    public static LennardJonesFixture LennardJones(int particles, int width = 256, int seed = 0)
    {
        var system = new LennardJonesSystem();
        double side = system.BoxLength(particles);
        double rc = system.CutoffRadius;
        if (side < 2 * rc)
            throw new Common.InvalidInputException($"{particles} particles at ρ* {system.Density} give a box of {side:F2}σ, below 2·rc = {2 * rc}σ; use at least 128 particles");
        var q = new double[3 * particles];
        var p = new double[3 * particles];
        system.InitialState(particles, seed, q, p);
        var box = new[] { side, side, side };
        var edges = new EdgeBuffer();
        CellList.Build(q, particles, rc, new PeriodicBox(3, box), edges);
        var r = new double[edges.Count];
        Array.Copy(edges.R, r, edges.Count);
        var radial = LayerSampler.Sample(r, r.Length, 1, width, SamplerKind.Swim, ActivationKind.Tanh, new Random(seed + 1));
        var pair = new PairPotentialFeatures(3, 1, radial, rc);
        var rng = new Random(seed + 2);
        var theta = new double[pair.FeatureCount];
        for (int k = 0; k < theta.Length; k++) theta[k] = rng.NextDouble() - 0.5;
        theta[0] = 1; // kinetic coefficient of Newtonian data
        return new LennardJonesFixture(q, p, Enumerable.Repeat(1.0, particles).ToArray(), new int[particles], box, rc, edges, pair, theta);
    }

    /// <summary>
    /// A pair model trained (SWIM, tanh, gelsd) on a short Lennard-Jones run of 128 particles: 2 trajectories × 5
    /// snapshots 20 steps apart after 200 equilibration steps. Transfers to any particle count at the same density.
    /// </summary>
    public static HamiltonianModel LearnedLennardJonesPairModel(int width = 128, int seed = 0)
    {
        var data = new LennardJonesSystem().Generate(128, 2, 5, 20, equilibrationSteps: 200, seed: seed);
        return Trainer.Train(data, new TrainingOptions { Family = ModelFamily.Pair, WidthPair = width, Seed = seed }).Model;
    }

    /// <summary>
    /// A random-feature-like least-squares problem: <c>A[i, j] = tanh(w_j · x_i + b_j)</c> for x_i uniform in [−1, 1]³,
    /// w_j ~ N(0, 1)³ scaled by 2, b_j uniform in [−1, 1]; <c>b = A θ + 1e-6·noise</c>. Row-major <c>[rows, cols]</c>.
    /// Numerically rank deficient like real feature matrices (nearby neurons are nearly collinear).
    /// </summary>
    public static (double[] A, double[] B) RandomFeatureSystem(int rows, int cols, int seed = 0)
    {
        var rng = new Random(seed);
        var w = new double[3 * cols];
        var bias = new double[cols];
        for (int k = 0; k < w.Length; k++) w[k] = 2 * Gaussian(rng);
        for (int j = 0; j < cols; j++) bias[j] = 2 * rng.NextDouble() - 1;
        var a = new double[(long)rows * cols];
        Span<double> x = stackalloc double[3];
        for (int i = 0; i < rows; i++)
        {
            for (int l = 0; l < 3; l++) x[l] = 2 * rng.NextDouble() - 1;
            for (int j = 0; j < cols; j++)
                a[(long)i * cols + j] = Math.Tanh(w[3 * j] * x[0] + w[3 * j + 1] * x[1] + w[3 * j + 2] * x[2] + bias[j]);
        }
        var theta = new double[cols];
        for (int j = 0; j < cols; j++) theta[j] = Gaussian(rng);
        var b = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            double s = 0;
            for (int j = 0; j < cols; j++) s += a[(long)i * cols + j] * theta[j];
            b[i] = s + 1e-6 * Gaussian(rng);
        }
        return (a, b);
    }

    /// <summary>
    /// The normal equations of <see cref="RandomFeatureSystem"/>(<paramref name="cols"/> + 512, <paramref name="cols"/>):
    /// an accumulated <paramref name="cols"/>² Gram matrix like the streamed path's, for timing
    /// <see cref="NormalEquations.Solve"/>. The rows are dropped once accumulated, so only the Gram stays in memory.
    /// </summary>
    public static NormalEquations AccumulatedRandomFeatureGram(int cols, int seed = 0)
    {
        int rows = cols + 512;
        var (a, b) = RandomFeatureSystem(rows, cols, seed);
        var normal = new NormalEquations(cols);
        normal.Accumulate(a, rows, b);
        return normal;
    }

    /// <summary>A seeded vector of <paramref name="n"/> values uniform in [<paramref name="lo"/>, <paramref name="hi"/>).</summary>
    public static double[] Uniform(int n, int seed, double lo = -1, double hi = 1)
    {
        var rng = new Random(seed);
        var v = new double[n];
        for (int k = 0; k < n; k++) v[k] = lo + (hi - lo) * rng.NextDouble();
        return v;
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
