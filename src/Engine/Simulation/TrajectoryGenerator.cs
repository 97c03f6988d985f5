// Ground-truth phase-space data: random initial states near rest, integrated finely, saved with exact derivatives.
using Engine.Common;
using Engine.Data;
using Engine.Dynamics;

namespace Engine.Simulation;

/// <summary>
/// Generates M = <see cref="Trajectories"/> × <see cref="SnapshotsPerTrajectory"/> snapshots from a true
/// <see cref="IHamiltonian"/>. Each trajectory starts at q = rest + U(−δ, δ) per coordinate and p ~ N(0, σ²) per
/// coordinate minus the mean momentum per axis (so the total momentum is zero); it is saved at t = 0, Δt, …,
/// (S−1)Δt, integrated between saves by <see cref="Substeps"/> steps of Δt/Substeps with velocity Verlet
/// (separable H) or implicit midpoint (otherwise). Every saved state carries the exact dq = ∂H/∂p,
/// dp = −∂H/∂q and H. Snapshots are stored trajectory by trajectory, in time order.
/// One <see cref="System.Random"/>(<see cref="Seed"/>) drives all draws, sequentially, so the same settings and
/// seed give the same bits. Settings are init-only; <see cref="Generate(IHamiltonian, ReadOnlySpan{double}, double[], int[])"/>
/// may be called repeatedly (each call restarts the generator from the seed).
/// </summary>
public sealed class TrajectoryGenerator
{
    /// <summary>Number of independent trajectories (default 25: 20 for training + 5 held out, method.md §4).</summary>
    public int Trajectories { get; init; } = 25;
    /// <summary>Saved states per trajectory, the initial one included (default 20).</summary>
    public int SnapshotsPerTrajectory { get; init; } = 20;
    /// <summary>Time Δt between saved states (default 0.1).</summary>
    public double Interval { get; init; } = 0.1;
    /// <summary>Integrator steps per interval (default 100, so the step is Δt/100).</summary>
    public int Substeps { get; init; } = 100;
    /// <summary>Half-width δ of the uniform initial displacement per coordinate (default 0.1, length units).</summary>
    public double Displacement { get; init; } = 0.1;
    /// <summary>Standard deviation σ of the initial momenta per coordinate before the mean is removed (default 0.1).</summary>
    public double MomentumStd { get; init; } = 0.1;
    /// <summary>Seed of the single System.Random that draws every initial state.</summary>
    public int Seed { get; init; }

    /// <summary>Total snapshots M = trajectories × snapshots per trajectory.</summary>
    public int Snapshots => Trajectories * SnapshotsPerTrajectory;

    /// <summary>Generates data for a <see cref="SpringSystem"/> of the catalogue.</summary>
    public PhaseSpaceData Generate(SpringSystem system) => Generate(system.Hamiltonian, system.RestPositions, system.Mass, system.Edges);

    /// <summary>
    /// Generates the data set. <paramref name="restPositions"/> is <c>[N·d]</c> (the centre of the initial displacements),
    /// <paramref name="mass"/> <c>[N]</c> and <paramref name="edges"/> <c>[E, 2]</c> are copied into the result
    /// (Species all 0, units "reduced"). Throws <see cref="InvalidInputException"/> for inconsistent inputs or settings and
    /// <see cref="EngineException"/> when a trajectory diverges.
    /// </summary>
    public PhaseSpaceData Generate(IHamiltonian hamiltonian, ReadOnlySpan<double> restPositions, double[] mass, int[] edges)
    {
        ArgumentNullException.ThrowIfNull(hamiltonian);
        CheckSettings();
        int n = hamiltonian.Particles, d = hamiltonian.Dimension, size = n * d;
        if (restPositions.Length != size)
            throw new InvalidInputException($"trajectory generator: rest positions hold {restPositions.Length} values, expected N·d = {n}·{d} = {size}");
        SystemChecks.Particles("trajectory generator", mass, d);
        if (mass.Length != n)
            throw new InvalidInputException($"trajectory generator: {mass.Length} masses given for a Hamiltonian of {n} particles");
        SystemChecks.Edges("trajectory generator", edges, n);
        for (int k = 0; k < size; k++)
            if (!double.IsFinite(restPositions[k]))
                throw new InvalidInputException($"trajectory generator: rest position value {k} is {restPositions[k]}; positions must be finite");

        long total = (long)Snapshots * size;
        if (total > Array.MaxLength)
            throw new InvalidInputException($"trajectory generator: {Snapshots} snapshots of {size} values do not fit in one array; generate fewer trajectories or snapshots");

        int m = Snapshots;
        var qAll = new double[total]; var pAll = new double[total];
        var dqAll = new double[total]; var dpAll = new double[total];
        var hAll = new double[m]; var traj = new int[m]; var time = new double[m];

        var random = new Random(Seed);
        var integrator = new Integrator(hamiltonian, hamiltonian.IsSeparable ? IntegratorKind.VelocityVerlet : IntegratorKind.ImplicitMidpoint);
        var q = new double[size]; var p = new double[size];
        double dt = Interval / Substeps;

        int row = 0;
        for (int t = 0; t < Trajectories; t++)
        {
            for (int k = 0; k < size; k++) q[k] = restPositions[k] + Displacement * (2 * random.NextDouble() - 1);
            FillNormal(random, p, MomentumStd);
            RemoveMeanMomentum(p, n, d);

            for (int s = 0; s < SnapshotsPerTrajectory; s++, row++)
            {
                if (s > 0)
                    for (int k = 0; k < Substeps; k++) integrator.Step(q, p, dt);
                var qRow = qAll.AsSpan(row * size, size);
                var pRow = pAll.AsSpan(row * size, size);
                var dqRow = dqAll.AsSpan(row * size, size);
                var dpRow = dpAll.AsSpan(row * size, size);
                q.CopyTo(qRow);
                p.CopyTo(pRow);
                // dHdq lands in the dp slot and is negated there: dp = −∂H/∂q.
                double h = hamiltonian.Evaluate(q, p, dpRow, dqRow);
                for (int k = 0; k < size; k++) dpRow[k] = -dpRow[k];
                if (!double.IsFinite(h))
                    throw new EngineException($"trajectory {t} diverged (H = {h}) by t = {s * Interval}; reduce the interval, increase the substeps or lower the initial amplitudes");
                hAll[row] = h;
                traj[row] = t;
                time[row] = s * Interval;
            }
        }

        return new PhaseSpaceData
        {
            Snapshots = m, Particles = n, Dimension = d,
            Q = qAll, P = pAll, Dq = dqAll, Dp = dpAll,
            Mass = (double[])mass.Clone(), Species = new int[n], Edges = (int[])edges.Clone(),
            H = hAll, Trajectory = traj, Time = time,
            LengthUnit = "reduced", EnergyUnit = "reduced",
        };
    }

    private void CheckSettings()
    {
        if (Trajectories < 1) throw new InvalidInputException($"trajectory generator: trajectories = {Trajectories}; generate at least 1");
        if (SnapshotsPerTrajectory < 1) throw new InvalidInputException($"trajectory generator: snapshots per trajectory = {SnapshotsPerTrajectory}; save at least 1");
        if (!(Interval > 0 && double.IsFinite(Interval))) throw new InvalidInputException($"trajectory generator: interval Δt = {Interval}; it must be positive and finite");
        if (Substeps < 1) throw new InvalidInputException($"trajectory generator: substeps = {Substeps}; use at least 1 integrator step per interval");
        if (!(Displacement >= 0 && double.IsFinite(Displacement))) throw new InvalidInputException($"trajectory generator: displacement δ = {Displacement}; it must be finite and ≥ 0");
        if (!(MomentumStd >= 0 && double.IsFinite(MomentumStd))) throw new InvalidInputException($"trajectory generator: momentum std σ = {MomentumStd}; it must be finite and ≥ 0");
    }

    // Box–Muller, both variates used, so the draw count (and thus every later draw) depends only on the length.
    private static void FillNormal(Random random, Span<double> x, double sigma)
    {
        for (int k = 0; k < x.Length; k += 2)
        {
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            double radius = sigma * Math.Sqrt(-2 * Math.Log(u1)), angle = 2 * Math.PI * u2;
            x[k] = radius * Math.Cos(angle);
            if (k + 1 < x.Length) x[k + 1] = radius * Math.Sin(angle);
        }
    }

    private static void RemoveMeanMomentum(Span<double> p, int n, int d)
    {
        for (int a = 0; a < d; a++)
        {
            double mean = 0;
            for (int i = 0; i < n; i++) mean += p[i * d + a];
            mean /= n;
            for (int i = 0; i < n; i++) p[i * d + a] -= mean;
        }
    }
}
