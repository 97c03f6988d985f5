// Errors of predicted time derivatives (q̇, ṗ) against the true ones: MSE and relative L2 (method.md §7 items 1 and 4).
using Engine.Common;
using Engine.Data;

namespace Engine.Metrics;

/// <summary>
/// Derivative errors over M snapshots of N particles in d dimensions.
/// <see cref="Mse"/> is the mean over all 2·M·N·d entries of the concatenated (q̇, ṗ);
/// <see cref="DqMse"/> and <see cref="DpMse"/> are the means over the M·N·d entries of each half
/// (so <see cref="Mse"/> = (DqMse + DpMse)/2). <see cref="RelativeL2"/> = ‖(q̇̂, ṗ̂) − (q̇, ṗ)‖₂ / ‖(q̇, ṗ)‖₂ and
/// <see cref="ForceRelativeL2"/> = ‖ṗ̂ − ṗ‖₂ / ‖ṗ‖₂, both over all entries flattened. Units: squared (length/time)
/// and (momentum/time) mixed in <see cref="Mse"/>, as in the paper's "test MSE"; the relative errors are unitless.
/// </summary>
public readonly record struct DerivativeErrorSummary(double Mse, double DqMse, double DpMse, double RelativeL2, double ForceRelativeL2);

/// <summary>Derivative-error kernels over flat row-major <c>[M, N, d]</c> spans.</summary>
public static class DerivativeErrors
{
    /// <summary>
    /// Compares predicted (<paramref name="dqPred"/>, <paramref name="dpPred"/>) with true (<paramref name="dqTrue"/>,
    /// <paramref name="dpTrue"/>), all <c>[M, N, d]</c> flattened and of one length. Throws <see cref="ArgumentException"/>
    /// on unequal or zero lengths.
    /// </summary>
    public static DerivativeErrorSummary Compute(ReadOnlySpan<double> dqPred, ReadOnlySpan<double> dpPred,
        ReadOnlySpan<double> dqTrue, ReadOnlySpan<double> dpTrue)
    {
        int n = dqTrue.Length;
        if (n == 0) throw new ArgumentException("derivative arrays are empty; there is nothing to score", nameof(dqTrue));
        if (dqPred.Length != n || dpPred.Length != n || dpTrue.Length != n)
            throw new ArgumentException($"derivative arrays differ in length (dq̂ {dqPred.Length}, ṗ̂ {dpPred.Length}, dq {n}, dp {dpTrue.Length}); all four must be [M, N, d]");
        double dqErr = SquaredDistance(dqPred, dqTrue), dpErr = SquaredDistance(dpPred, dpTrue);
        double dqNorm = SquaredNorm(dqTrue), dpNorm = SquaredNorm(dpTrue);
        return new DerivativeErrorSummary(
            Mse: (dqErr + dpErr) / (2.0 * n),
            DqMse: dqErr / n,
            DpMse: dpErr / n,
            RelativeL2: Ratio(Math.Sqrt(dqErr + dpErr), Math.Sqrt(dqNorm + dpNorm)),
            ForceRelativeL2: Ratio(Math.Sqrt(dpErr), Math.Sqrt(dpNorm)));
    }

    /// <summary>
    /// Scores a Hamiltonian's derivatives (q̇̂ = ∂Ĥ/∂p, ṗ̂ = −∂Ĥ/∂q) on every snapshot of <paramref name="data"/> against its
    /// stored dq and dp. Throws <see cref="InvalidInputException"/> when the data has no derivatives or a different N or d.
    /// </summary>
    public static DerivativeErrorSummary Evaluate(IHamiltonian model, PhaseSpaceData data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (!data.HasDerivatives)
            throw new InvalidInputException("derivative errors: the data has no 'dq'/'dp'; give a data set with time derivatives");
        if (data.Particles != model.Particles || data.Dimension != model.Dimension)
            throw new InvalidInputException($"derivative errors: the data has N = {data.Particles}, d = {data.Dimension} but the model has N = {model.Particles}, d = {model.Dimension}; score it on data of the same system size");
        int s = data.StateSize;
        var dqPred = new double[data.Q.Length];
        var dpPred = new double[data.Q.Length];
        for (int m = 0; m < data.Snapshots; m++)
        {
            var dHdq = dpPred.AsSpan(m * s, s);
            model.Evaluate(data.QOf(m), data.POf(m), dHdq, dqPred.AsSpan(m * s, s));
            for (int k = 0; k < s; k++) dHdq[k] = -dHdq[k];
        }
        return Compute(dqPred, dpPred, data.Dq, data.Dp);
    }

    /// <summary>Scores a trained model on a data set of any size (its own masses, species, edges or box).</summary>
    public static DerivativeErrorSummary Evaluate(Engine.Model.HamiltonianModel model, PhaseSpaceData data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Dimension != model.Dimension)
            throw new InvalidInputException($"derivative errors: the data are {data.Dimension}-dimensional, the model {model.Dimension}-dimensional");
        return Evaluate(model.CreateEvaluator(data.Mass, data.Species, data.Edges, data.Box), data);
    }

    /// <summary>
    /// ‖a − b‖₂ / ‖b‖₂ over the flat spans (b is the reference). When ‖b‖ = 0 the result is 0 if a equals b and
    /// +∞ otherwise. Throws <see cref="ArgumentException"/> on unequal lengths.
    /// </summary>
    public static double RelativeL2(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"lengths differ ({a.Length} vs {b.Length})", nameof(a));
        return Ratio(Math.Sqrt(SquaredDistance(a, b)), Math.Sqrt(SquaredNorm(b)));
    }

    /// <summary>Mean over all entries of (a − b)²; throws <see cref="ArgumentException"/> on unequal or zero lengths.</summary>
    public static double MeanSquaredError(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"lengths differ ({a.Length} vs {b.Length})", nameof(a));
        if (a.Length == 0) throw new ArgumentException("arrays are empty; the mean is undefined", nameof(a));
        return SquaredDistance(a, b) / a.Length;
    }

    internal static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int k = 0; k < a.Length; k++) { double e = a[k] - b[k]; s += e * e; }
        return s;
    }

    internal static double SquaredNorm(ReadOnlySpan<double> a)
    {
        double s = 0;
        for (int k = 0; k < a.Length; k++) s += a[k] * a[k];
        return s;
    }

    // A zero reference makes the relative error 0 only for an exact match; anything else is infinitely wrong.
    // NaN inputs stay NaN (num / den) so a diverged prediction is never reported as a finite error.
    private static double Ratio(double num, double den) => den > 0 || num != 0 ? num / den : 0;
}
