// Lennard-Jones ground-truth data: FCC start, Maxwell-Boltzmann momenta, thermostatted equilibration, NVE trajectories.
using Engine.Common;
using Engine.Data;
using Engine.Dynamics;

namespace Engine.Simulation;

/// <summary>
/// A Lennard-Jones fluid in a periodic cube at reduced density ρ* = Nσ³/V and reduced temperature T* = k_BT/ε
/// (k_B = 1 in the energy unit), and the generator of its phase-space data (method.md §4: ε = σ = m = 1,
/// rc = 2.5σ, ρ* = 0.8, T* = 1, dt = 5·10⁻³, velocity Verlet). Immutable settings; every method is thread-safe.
/// </summary>
public sealed class LennardJonesSystem
{
    /// <summary>Well depth ε (energy unit).</summary>
    public double Epsilon { get; init; } = 1;
    /// <summary>Length scale σ (length unit).</summary>
    public double Sigma { get; init; } = 1;
    /// <summary>Mass of every particle.</summary>
    public double Mass { get; init; } = 1;
    /// <summary>Cutoff radius; null means 2.5σ.</summary>
    public double? Cutoff { get; init; }
    /// <summary>Reduced number density ρ* = Nσ³/V; the cube side is (N/ρ*)^(1/3)·σ.</summary>
    public double Density { get; init; } = 0.8;
    /// <summary>Reduced temperature T* = k_BT/ε of the initial momenta and of the equilibration thermostat.</summary>
    public double Temperature { get; init; } = 1.0;
    /// <summary>Amplitude of the uniform random displacement of each lattice coordinate, in units of σ.</summary>
    public double Jitter { get; init; } = 0.05;
    /// <summary>During equilibration the momenta are rescaled to <see cref="Temperature"/> every this many steps.</summary>
    public int ThermostatInterval { get; init; } = 10;

    /// <summary>
    /// Neighbour-list skin of the MD (length unit); null means <see cref="LennardJones.DefaultSkinOverSigma"/>·σ and 0
    /// searches afresh every step (the pair order, and so the last bits of every trajectory, of the engine before
    /// Verlet lists). Any skin &gt; 0 gives the same bits as any other.
    /// </summary>
    public double? Skin { get; init; }

    /// <summary>The cutoff actually used: <see cref="Cutoff"/> or 2.5σ.</summary>
    public double CutoffRadius => Cutoff ?? 2.5 * Sigma;

    /// <summary>Side of the periodic cube holding <paramref name="particles"/> at <see cref="Density"/>: (N/ρ*)^(1/3)·σ.</summary>
    public double BoxLength(int particles) => Math.Cbrt(particles / Density) * Sigma;

    /// <summary>The Hamiltonian of <paramref name="particles"/> particles in this system's box.</summary>
    public LennardJones Hamiltonian(int particles)
    {
        if (!(Density > 0 && double.IsFinite(Density))) throw new InvalidInputException($"Lennard-Jones density {Density} must be positive and finite");
        double L = BoxLength(particles);
        return new LennardJones(particles, [L, L, L], Epsilon, Sigma, Mass, CutoffRadius, Skin);
    }

    /// <summary>Smallest k with 4k³ ≥ <paramref name="particles"/>: the FCC lattice has k unit cells per side.</summary>
    public static int FccCellsPerSide(int particles)
    {
        int k = Math.Max(1, (int)Math.Ceiling(Math.Cbrt(particles / 4.0)));
        while (4L * k * k * k < particles) k++;
        while (k > 1 && 4L * (k - 1) * (k - 1) * (k - 1) >= particles) k--;
        return k;
    }

    /// <summary>
    /// Writes an initial state for <paramref name="particles"/> particles: positions <c>[N·3]</c> on an FCC lattice of
    /// k = <see cref="FccCellsPerSide"/> cells filling the box, each coordinate displaced uniformly by ±<see cref="Jitter"/>·σ;
    /// momenta <c>[N·3]</c> Maxwell-Boltzmann at <see cref="Temperature"/> with zero total momentum, rescaled so the
    /// kinetic temperature is exactly T*. When N &lt; 4k³ the N occupied sites are a seeded random subset (vacancies
    /// spread evenly, density still exactly ρ*); N = 4k³ (32, 108, 256, 500, 864, …) gives a perfect crystal.
    /// </summary>
    public void InitialState(int particles, int seed, Span<double> q, Span<double> p)
    {
        if (particles < 1) throw new InvalidInputException($"Lennard-Jones particle count {particles} must be ≥ 1");
        if (q.Length != 3 * particles || p.Length != 3 * particles)
            throw new InvalidInputException($"initial-state buffers hold q: {q.Length}, p: {p.Length} values; expected N·3 = {3 * particles} each");
        var rng = new Random(seed);
        int k = FccCellsPerSide(particles);
        int sites = 4 * k * k * k;
        double a = BoxLength(particles) / k;

        // Choose which sites are occupied: a partial Fisher-Yates shuffle, then ascending order so that
        // particle indices follow the lattice (neighbouring indices are spatial neighbours).
        var chosen = new int[sites];
        for (int s = 0; s < sites; s++) chosen[s] = s;
        if (particles < sites)
        {
            for (int s = 0; s < particles; s++)
            {
                int r = s + rng.Next(sites - s);
                (chosen[s], chosen[r]) = (chosen[r], chosen[s]);
            }
            Array.Sort(chosen, 0, particles);
        }

        ReadOnlySpan<double> basis = [0.25, 0.25, 0.25, 0.75, 0.75, 0.25, 0.75, 0.25, 0.75, 0.25, 0.75, 0.75];
        for (int i = 0; i < particles; i++)
        {
            int s = chosen[i];
            int b = s % 4, cell = s / 4;
            int cx = cell / (k * k), cy = cell / k % k, cz = cell % k;
            q[3 * i + 0] = a * (cx + basis[3 * b + 0]) + Jitter * Sigma * (2 * rng.NextDouble() - 1);
            q[3 * i + 1] = a * (cy + basis[3 * b + 1]) + Jitter * Sigma * (2 * rng.NextDouble() - 1);
            q[3 * i + 2] = a * (cz + basis[3 * b + 2]) + Jitter * Sigma * (2 * rng.NextDouble() - 1);
        }

        for (int c = 0; c < p.Length; c++) p[c] = Gaussian(rng);
        RemoveNetMomentum(p);
        RescaleToTemperature(p, Temperature);
    }

    /// <summary>Kinetic temperature k_BT/ε = Σ|p|²/(m·ε·(3N − 3)) of momenta <c>[N·3]</c> (3 degrees of freedom fixed by zero net momentum).</summary>
    public double KineticTemperature(ReadOnlySpan<double> p)
    {
        double sum = 0;
        for (int c = 0; c < p.Length; c++) sum += p[c] * p[c];
        int dof = Math.Max(p.Length - 3, 1);
        return sum / (Mass * Epsilon * dof);
    }

    /// <summary>
    /// Generates <paramref name="trajectories"/> NVE trajectories of <paramref name="particles"/> particles and stores
    /// <paramref name="snapshotsPerTrajectory"/> snapshots of each, <paramref name="stepsBetween"/> velocity-Verlet steps of
    /// length <paramref name="dt"/> apart (save interval = stepsBetween·dt). Each trajectory starts from its own seeded
    /// <see cref="InitialState"/> and first runs <paramref name="equilibrationSteps"/> steps with momentum rescaling to
    /// T* every <see cref="ThermostatInterval"/> steps, so the stored states are an equilibrated liquid, not a lattice.
    /// <para>
    /// Result: Q, P <c>[M, N, 3]</c> with M = trajectories·snapshotsPerTrajectory (trajectory-major, time order within);
    /// Dq = p/m; Dp = force = −∂V/∂q; H = total energy; Trajectory; Time (from 0 at the first stored snapshot);
    /// Mass all m; Species all 0; Cutoff = rc; Box = [L, L, L]; Edges null; units "reduced". Positions are not
    /// wrapped into the box (continuous along a trajectory); neighbour search uses the minimum image.
    /// Trajectories run in parallel; the result depends only on the arguments and <paramref name="seed"/>.
    /// </para>
    /// </summary>
    public PhaseSpaceData Generate(int particles, int trajectories, int snapshotsPerTrajectory, int stepsBetween,
        double dt = 5e-3, int equilibrationSteps = 1000, int seed = 0)
    {
        if (trajectories < 1) throw new InvalidInputException($"trajectory count {trajectories} must be ≥ 1");
        if (snapshotsPerTrajectory < 1) throw new InvalidInputException($"snapshots per trajectory {snapshotsPerTrajectory} must be ≥ 1");
        if (stepsBetween < 1) throw new InvalidInputException($"steps between snapshots {stepsBetween} must be ≥ 1");
        if (!(dt > 0 && double.IsFinite(dt))) throw new InvalidInputException($"time step {dt} must be positive and finite");
        if (equilibrationSteps < 0) throw new InvalidInputException($"equilibration steps {equilibrationSteps} must be ≥ 0");
        if (ThermostatInterval < 1) throw new InvalidInputException($"thermostat interval {ThermostatInterval} must be ≥ 1");
        _ = Hamiltonian(particles);   // validates N, density and box ≥ 2·rc before any work

        int n3 = 3 * particles;
        long m = (long)trajectories * snapshotsPerTrajectory;
        if (m * n3 > Array.MaxLength) throw new InvalidInputException($"{m} snapshots of {particles} particles exceed the largest array; generate fewer snapshots");
        var Q = new double[m * n3]; var P = new double[m * n3]; var Dq = new double[m * n3]; var Dp = new double[m * n3];
        var H = new double[m]; var T = new double[m]; var traj = new int[m];

        var master = new Random(seed);
        var seeds = new int[trajectories];
        for (int t = 0; t < trajectories; t++) seeds[t] = master.Next();

        Parallel.For(0, trajectories, t =>
        {
            var lj = Hamiltonian(particles);
            var step = new Integrator(lj, IntegratorKind.VelocityVerlet);
            var q = new double[n3]; var p = new double[n3];
            InitialState(particles, seeds[t], q, p);
            for (int s = 1; s <= equilibrationSteps; s++)
            {
                step.Step(q, p, dt);
                if (s % ThermostatInterval == 0) RescaleToTemperature(p, Temperature);
            }
            var grad = new double[n3];
            for (int k = 0; k < snapshotsPerTrajectory; k++)
            {
                if (k > 0)
                    for (int s = 0; s < stepsBetween; s++) step.Step(q, p, dt);
                long row = (long)t * snapshotsPerTrajectory + k;
                H[row] = lj.Evaluate(q, p, grad, Dq.AsSpan((int)(row * n3), n3));
                for (int c = 0; c < n3; c++) Dp[row * n3 + c] = -grad[c];
                q.CopyTo(Q.AsSpan((int)(row * n3), n3));
                p.CopyTo(P.AsSpan((int)(row * n3), n3));
                T[row] = k * stepsBetween * dt;
                traj[row] = t;
            }
        });

        double L = BoxLength(particles);
        return new PhaseSpaceData
        {
            Snapshots = (int)m, Particles = particles, Dimension = 3,
            Q = Q, P = P, Dq = Dq, Dp = Dp,
            Mass = Enumerable.Repeat(Mass, particles).ToArray(), Species = new int[particles],
            Edges = null, Cutoff = CutoffRadius, Box = [L, L, L],
            H = H, Trajectory = traj, Time = T,
            LengthUnit = "reduced", EnergyUnit = "reduced",
        };
    }

    private static void RemoveNetMomentum(Span<double> p)
    {
        int n = p.Length / 3;
        for (int a = 0; a < 3; a++)
        {
            double mean = 0;
            for (int i = 0; i < n; i++) mean += p[3 * i + a];
            mean /= n;
            for (int i = 0; i < n; i++) p[3 * i + a] -= mean;
        }
    }

    private void RescaleToTemperature(Span<double> p, double temperature)
    {
        double current = KineticTemperature(p);
        if (!(current > 0)) return;
        double f = Math.Sqrt(temperature / current);
        for (int c = 0; c < p.Length; c++) p[c] *= f;
    }

    // Standard normal by Box-Muller, scaled in RescaleToTemperature; one draw per call keeps the stream simple.
    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble();   // (0, 1], so the log is finite
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
