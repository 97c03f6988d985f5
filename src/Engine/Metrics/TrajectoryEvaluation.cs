// Rolls a learned Hamiltonian out from every test trajectory's first snapshot and scores it against the stored truth.
using Engine.Common;
using Engine.Data;
using Engine.Dynamics;

namespace Engine.Metrics;

/// <summary>
/// Rollout scores of a model on a test set of K trajectories. Curves are indexed by output step t (row t of a
/// trajectory, time t·dt after its first snapshot) and have the length of the longest trajectory; entry t aggregates
/// the <see cref="TrajectoriesPerStep"/>[t] trajectories that reach step t.
/// </summary>
public sealed record TrajectoryEvaluationResult
{
    /// <summary>Number of trajectories K.</summary>
    public required int Trajectories { get; init; }
    /// <summary>How many trajectories reach each step, <c>[T+1]</c> (all K when every trajectory has T + 1 snapshots).</summary>
    public required int[] TrajectoriesPerStep { get; init; }
    /// <summary>Geometric mean over trajectories of the NeurIPS position RelErr(t), <c>[T+1]</c> (entry 0 = entry 1).</summary>
    public required double[] RelativeError { get; init; }
    /// <summary>
    /// Geometric mean over trajectories of the NeurIPS energy RelErr(t) with the true H on both trajectories,
    /// <c>[T+1]</c>; null when no true Hamiltonian was given.
    /// </summary>
    public double[]? EnergyRelativeError { get; init; }
    /// <summary>Arithmetic mean over trajectories of the position MSE per step, <c>[T+1]</c>, length² units.</summary>
    public required double[] PositionMse { get; init; }
    /// <summary>Position MSE at each trajectory's final step, averaged over trajectories (method.md §7 item 2).</summary>
    public required double FinalPositionMse { get; init; }
    /// <summary>max over trajectories and steps of |Ĥ(ŷ_t) − Ĥ(y_0)| / |Ĥ(y_0)| (the learned H on its own rollout).</summary>
    public required double MaxEnergyDriftLearned { get; init; }
    /// <summary>max over trajectories and steps of |H(ŷ_t) − H(y_0)| / |H(y_0)| (true H on the rollout); null without a true H.</summary>
    public double? MaxEnergyDriftTrue { get; init; }
}

/// <summary>Rollout evaluation of a learned Hamiltonian on held-out trajectories (method.md §7, related-systems.md §4.4).</summary>
public static class TrajectoryEvaluation
{
    /// <summary>
    /// For every trajectory of <paramref name="test"/> (by its 'traj' key; the whole set when absent) rolls
    /// <paramref name="learned"/> out from the first snapshot with dt = t[1] − t[0] for (snapshots − 1) steps, each split
    /// into <paramref name="substeps"/> integrator steps, and compares it with the stored states.
    /// Requires the 't' key, at least two snapshots per trajectory, stored in increasing and equally spaced time
    /// (relative tolerance 1e-6 of dt); throws <see cref="InvalidInputException"/> naming the trajectory otherwise, or
    /// when a Hamiltonian's N or d differ from the data's. Positions are compared with the minimum image when the data
    /// has a periodic box. A diverging explicit rollout shows up as NaN/∞ in the curves and maxima (never hidden); an
    /// implicit-midpoint step that fails to converge throws the integrator's <see cref="EngineException"/>.
    /// </summary>
    public static TrajectoryEvaluationResult Evaluate(PhaseSpaceData test, IHamiltonian learned, IHamiltonian? trueH,
        IntegratorKind kind, int substeps = 1)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(learned);
        CheckSize(test, learned, "learned model");
        if (trueH is not null) CheckSize(test, trueH, "true Hamiltonian");
        if (test.Time is null)
            throw new InvalidInputException("rollout evaluation: the test data has no 't' (snapshot times); give times so the rollout step dt is known");
        if (substeps < 1) throw new InvalidInputException($"rollout evaluation: substeps = {substeps} must be ≥ 1");

        var trajectories = test.TrajectorySnapshots();
        var dts = new double[trajectories.Count];
        for (int k = 0; k < trajectories.Count; k++) dts[k] = CheckTimes(test, trajectories[k]);

        int s = test.StateSize;
        var relErr = new List<double[]>(trajectories.Count);
        var energyRelErr = new List<double[]>(trajectories.Count);
        var mse = new List<double[]>(trajectories.Count);
        double finalMse = 0, maxDriftLearned = 0, maxDriftTrue = 0;
        for (int k = 0; k < trajectories.Count; k++)
        {
            var snaps = trajectories[k];
            var qTrue = Gather(test.Q, snaps, s);
            var pTrue = Gather(test.P, snaps, s);
            var roll = Rollout.Run(learned, kind, qTrue.AsSpan(0, s), pTrue.AsSpan(0, s), dts[k], snaps.Length - 1, substeps);

            var m = RolloutErrors.PositionMse(qTrue, roll.Q, s, test.Box);
            mse.Add(m);
            finalMse += m[^1];
            relErr.Add(RolloutErrors.RelativeError(qTrue, roll.Q, s, test.Box));
            maxDriftLearned = Max(maxDriftLearned, RolloutErrors.EnergyDrift(roll.Energy));
            if (trueH is not null)
            {
                var ePred = RolloutErrors.Energies(trueH, roll.Q, roll.P);
                var eTrue = RolloutErrors.Energies(trueH, qTrue, pTrue);
                maxDriftTrue = Max(maxDriftTrue, RolloutErrors.EnergyDrift(ePred));
                energyRelErr.Add(RolloutErrors.EnergyRelativeError(eTrue, ePred));
            }
        }

        int steps = mse.Max(c => c.Length);
        var perStep = new int[steps];
        var meanMse = new double[steps];
        foreach (var c in mse)
            for (int t = 0; t < c.Length; t++) { perStep[t]++; meanMse[t] += c[t]; }
        for (int t = 0; t < steps; t++) meanMse[t] /= perStep[t];

        return new TrajectoryEvaluationResult
        {
            Trajectories = trajectories.Count,
            TrajectoriesPerStep = perStep,
            RelativeError = GeometricMean.PerStep(relErr),
            EnergyRelativeError = trueH is null ? null : GeometricMean.PerStep(energyRelErr),
            PositionMse = meanMse,
            FinalPositionMse = finalMse / trajectories.Count,
            MaxEnergyDriftLearned = maxDriftLearned,
            MaxEnergyDriftTrue = trueH is null ? null : maxDriftTrue,
        };
    }

    private static void CheckSize(PhaseSpaceData data, IHamiltonian h, string what)
    {
        if (h.Particles != data.Particles || h.Dimension != data.Dimension)
            throw new InvalidInputException($"rollout evaluation: the {what} has N = {h.Particles}, d = {h.Dimension} but the test data has N = {data.Particles}, d = {data.Dimension}; evaluate on data of the same system size");
    }

    // Returns dt = t[1] − t[0] after checking every interval of the trajectory against it.
    private static double CheckTimes(PhaseSpaceData data, int[] snaps)
    {
        var time = data.Time!;
        int label = data.Trajectory is null ? 0 : data.Trajectory[snaps[0]];
        if (snaps.Length < 2)
            throw new InvalidInputException($"rollout evaluation: trajectory {label} has only {snaps.Length} snapshot; a rollout needs at least two to fix dt — drop it or give more snapshots");
        double dt = time[snaps[1]] - time[snaps[0]];
        if (!(dt > 0))
            throw new InvalidInputException($"rollout evaluation: trajectory {label} is not in increasing time order (t = {time[snaps[0]]} then {time[snaps[1]]}); store each trajectory's snapshots in time order");
        double tMax = 0;
        foreach (int m in snaps) tMax = Math.Max(tMax, Math.Abs(time[m]));
        // Rounding of stored times grows with |t|, so the tolerance has a part relative to dt and one relative to t.
        double tol = 1e-6 * dt + 1e-12 * tMax;
        for (int i = 1; i < snaps.Length; i++)
        {
            double gap = time[snaps[i]] - time[snaps[i - 1]];
            if (Math.Abs(gap - dt) > tol)
                throw new InvalidInputException($"rollout evaluation: trajectory {label} is not equally spaced in time (interval {i} is {gap:G6}, the first is {dt:G6}); rollouts need one fixed dt per trajectory — resample it or give equally spaced snapshots");
        }
        return dt;
    }

    private static double[] Gather(double[] src, int[] snaps, int s)
    {
        var dst = new double[snaps.Length * s];
        for (int i = 0; i < snaps.Length; i++) Array.Copy(src, (long)snaps[i] * s, dst, (long)i * s, s);
        return dst;
    }

    // NaN-propagating maximum: a diverged step must not vanish from the summary.
    private static double Max(double acc, double[] values)
    {
        foreach (double v in values) acc = double.IsNaN(acc) || double.IsNaN(v) ? double.NaN : Math.Max(acc, v);
        return acc;
    }
}
