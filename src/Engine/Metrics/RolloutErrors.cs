// Per-step errors of one predicted trajectory against the true one: position MSE, NeurIPS 2022 RelErr, energy errors.
using Engine.Common;

namespace Engine.Metrics;

/// <summary>
/// Error curves of one trajectory. Trajectories are row-major <c>[T+1, N·d]</c> spans (row t = state at step t,
/// row 0 = the shared initial state); every curve has T + 1 entries, one per row.
/// Positions may be compared in an orthorhombic periodic box: pass its lengths <c>[d]</c> and differences
/// q̂ − q are wrapped to the nearest image (norms of q and q̂ themselves are taken as stored).
/// </summary>
public static class RolloutErrors
{
    /// <summary>
    /// Position MSE per step: <c>mse[t] = mean over the N·d coordinates of (q̂_t − q_t)²</c>, <c>[T+1]</c>.
    /// </summary>
    public static double[] PositionMse(ReadOnlySpan<double> qTrue, ReadOnlySpan<double> qPred, int stateSize, double[]? box = null)
    {
        int rows = Rows(qTrue, qPred, stateSize, box);
        var mse = new double[rows];
        for (int t = 0; t < rows; t++)
            mse[t] = SquaredDifference(qTrue.Slice(t * stateSize, stateSize), qPred.Slice(t * stateSize, stateSize), box) / stateSize;
        return mse;
    }

    /// <summary>
    /// The NeurIPS 2022 benchmark rollout error (related-systems.md §4.4):
    /// <c>err[t] = ‖q_t − q̂_t‖ / (‖q_t‖ + ‖q̂_t‖)</c>, norms over all positions of the step flattened, <c>[T+1]</c>.
    /// Entry 0 (trivially 0, both rollouts start from one state) is overwritten by entry 1 when T ≥ 1, as the benchmark
    /// does, so a geometric mean over trajectories is not forced to 0 at t = 0. Both norms 0 gives 0.
    /// </summary>
    public static double[] RelativeError(ReadOnlySpan<double> qTrue, ReadOnlySpan<double> qPred, int stateSize, double[]? box = null)
    {
        int rows = Rows(qTrue, qPred, stateSize, box);
        var err = new double[rows];
        for (int t = 0; t < rows; t++)
        {
            var a = qTrue.Slice(t * stateSize, stateSize);
            var b = qPred.Slice(t * stateSize, stateSize);
            err[t] = SymmetricRatio(Math.Sqrt(SquaredDifference(a, b, box)),
                Math.Sqrt(DerivativeErrors.SquaredNorm(a)) + Math.Sqrt(DerivativeErrors.SquaredNorm(b)));
        }
        OverwriteFirst(err);
        return err;
    }

    /// <summary>
    /// The NeurIPS 2022 energy error: <c>err[t] = |E_t − Ê_t| / (|E_t| + |Ê_t|)</c>, <c>[T+1]</c>, where
    /// <paramref name="energyTrue"/> and <paramref name="energyPred"/> are the <em>true</em> Hamiltonian evaluated on the
    /// true and on the predicted trajectory (<see cref="Energies"/>). Entry 0 is overwritten by entry 1 as in
    /// <see cref="RelativeError"/> (the benchmark applies the same RelErr to the energy). Both energies 0 gives 0.
    /// </summary>
    public static double[] EnergyRelativeError(ReadOnlySpan<double> energyTrue, ReadOnlySpan<double> energyPred)
    {
        if (energyTrue.Length != energyPred.Length)
            throw new ArgumentException($"energy curves differ in length ({energyTrue.Length} vs {energyPred.Length})", nameof(energyPred));
        if (energyTrue.Length == 0) throw new ArgumentException("energy curves are empty", nameof(energyTrue));
        var err = new double[energyTrue.Length];
        for (int t = 0; t < err.Length; t++)
            err[t] = SymmetricRatio(Math.Abs(energyTrue[t] - energyPred[t]), Math.Abs(energyTrue[t]) + Math.Abs(energyPred[t]));
        OverwriteFirst(err);
        return err;
    }

    /// <summary>
    /// Relative energy drift along one trajectory: <c>drift[t] = |E_t − E_0| / |E_0|</c>, <c>[T+1]</c>, for energies
    /// <c>[T+1]</c> of any Hamiltonian (true or learned) on the predicted states; E_0 is the energy of the initial state
    /// y_0, which the rollout shares with the truth. When E_0 = 0 the ratio is undefined and the absolute drift
    /// |E_t − E_0| is returned instead (a learned Ĥ fixed only up to a constant can sit at 0).
    /// </summary>
    public static double[] EnergyDrift(ReadOnlySpan<double> energies)
    {
        if (energies.Length == 0) throw new ArgumentException("energy curve is empty", nameof(energies));
        double e0 = energies[0];
        double scale = e0 != 0 ? Math.Abs(e0) : 1.0;
        var drift = new double[energies.Length];
        for (int t = 0; t < drift.Length; t++) drift[t] = Math.Abs(energies[t] - e0) / scale;
        return drift;
    }

    /// <summary>H(q_t, p_t) for every row of a trajectory <c>[T+1, N·d]</c>; returns <c>[T+1]</c>.</summary>
    public static double[] Energies(IHamiltonian h, ReadOnlySpan<double> q, ReadOnlySpan<double> p)
    {
        ArgumentNullException.ThrowIfNull(h);
        int n = h.Particles * h.Dimension;
        int rows = Rows(q, p, n, null);
        var e = new double[rows];
        for (int t = 0; t < rows; t++) e[t] = h.Evaluate(q.Slice(t * n, n), p.Slice(t * n, n), default, default);
        return e;
    }

    /// <summary>Number of rows T + 1 after checking that both spans are whole, equal <c>[T+1, stateSize]</c> arrays.</summary>
    private static int Rows(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int stateSize, double[]? box)
    {
        if (stateSize <= 0) throw new ArgumentOutOfRangeException(nameof(stateSize), stateSize, "state size N·d must be positive");
        if (a.Length != b.Length) throw new ArgumentException($"trajectories differ in length ({a.Length} vs {b.Length})", nameof(b));
        if (a.Length == 0 || a.Length % stateSize != 0)
            throw new ArgumentException($"trajectory length {a.Length} is not a positive multiple of the state size {stateSize}", nameof(a));
        if (box is not null && (box.Length == 0 || stateSize % box.Length != 0))
            throw new ArgumentException($"box has {box.Length} lengths, which does not divide the state size {stateSize}; give one length per dimension", nameof(box));
        return a.Length / stateSize;
    }

    // Σ (b − a)², wrapped to the nearest image per coordinate when a box is given (coordinate k has axis k mod d).
    private static double SquaredDifference(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double[]? box)
    {
        if (box is null) return DerivativeErrors.SquaredDistance(b, a);
        int d = box.Length;
        double s = 0;
        for (int k = 0; k < a.Length; k++)
        {
            double L = box[k % d];
            double x = b[k] - a[k];
            x -= L * Math.Round(x / L, MidpointRounding.ToEven);
            s += x * x;
        }
        return s;
    }

    // Both sides exactly 0 means both vectors are 0, i.e. identical: error 0 rather than 0/0.
    private static double SymmetricRatio(double num, double den) => den == 0 && num == 0 ? 0 : num / den;

    private static void OverwriteFirst(double[] err)
    {
        if (err.Length > 1) err[0] = err[1];
    }
}
