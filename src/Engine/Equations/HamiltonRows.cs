// Rows of Hamilton's equations for the head: ∂Ĥ/∂p = q̇ and ∂Ĥ/∂q = −ṗ, plus the anchor row Ĥ(y₀) = H₀.
using Engine.Features;

namespace Engine.Equations;

/// <summary>How rows are weighted before the solve. Values are frozen (stored in reports).</summary>
public enum RowWeighting
{
    /// <summary>Every row weight 1: the solve minimises the same squared error as the derivative MSE.</summary>
    None = 0,
    /// <summary>q̇ rows scaled by 1/rms(q̇) and ṗ rows by 1/rms(ṗ) over the training data, so both halves count equally.</summary>
    Balanced = 1,
}

/// <summary>
/// Writes the 2·N·d rows of one snapshot into a block with <c>F + 1</c> columns (the last is θ₀):
/// <code>
///   rows [0, N·d):      w_q̇ · ∂Φ/∂p_{i,a} · θ = w_q̇ · q̇_{i,a}
///   rows [N·d, 2·N·d):  w_ṗ · ∂Φ/∂q_{i,a} · θ = −w_ṗ · ṗ_{i,a}
/// </code>
/// θ₀ does not appear in derivative rows (its column is 0 there); only the anchor row <c>[Φ(y₀), 1]·[θ; θ₀] = H₀</c> fixes it.
/// </summary>
public static class HamiltonRows
{
    /// <param name="features">The sampled feature map whose Jacobian forms the rows.</param>
    /// <param name="s">The snapshot, with its edges built.</param>
    /// <param name="dq">True q̇ of the snapshot, <c>[N·d]</c>.</param>
    /// <param name="dp">True ṗ of the snapshot, <c>[N·d]</c>.</param>
    /// <param name="weightDq">Weight of the q̇ rows (see <see cref="Weights"/>).</param>
    /// <param name="weightDp">Weight of the ṗ rows.</param>
    /// <param name="block"><c>[2·N·d, F + 1]</c> row-major, overwritten.</param>
    /// <param name="rhs"><c>[2·N·d]</c>, overwritten.</param>
    /// <param name="ws">Scratch of <paramref name="features"/> for this thread.</param>
    public static void FillSnapshot(IFeatureMap features, Snapshot s, ReadOnlySpan<double> dq, ReadOnlySpan<double> dp,
        double weightDq, double weightDp, Span<double> block, Span<double> rhs, FeatureWorkspace ws)
    {
        int nd = s.Particles * s.Dimension, stride = features.FeatureCount + 1;
        var jp = block[..(nd * stride)];
        var jq = block.Slice(nd * stride, nd * stride);
        features.EvaluateJacobian(s, jp, jq, stride, ws);
        WeightRows(features.FeatureCount, nd, dq, dp, weightDq, weightDp, jp, jq, rhs);
    }

    /// <summary>
    /// The rows of the particles <c>incidence.Order[first, first + count)</c> of one snapshot, for a block bounded by rows
    /// rather than by snapshots: <paramref name="block"/> <c>[2·count·d, F + 1]</c> holds the q̇ rows of those particles
    /// (in that order), then their ṗ rows, each weighted as in <see cref="FillSnapshot"/>; <paramref name="rhs"/>
    /// <c>[2·count·d]</c> likewise. <paramref name="rhsScratch"/> is <c>[2·count·d]</c> scratch.
    /// <paramref name="dq"/> and <paramref name="dp"/> are the whole snapshot's <c>[N·d]</c>.
    /// </summary>
    public static void FillParticleRange(IFeatureMap features, IParticleRangeJacobian rows, Snapshot s, EdgeIncidence incidence,
        int first, int count, ReadOnlySpan<double> dq, ReadOnlySpan<double> dp, double weightDq, double weightDp,
        Span<double> block, Span<double> rhs, Span<double> rhsScratch, FeatureWorkspace ws)
    {
        int d = s.Dimension, nd = count * d, stride = features.FeatureCount + 1;
        var jp = block[..(nd * stride)];
        var jq = block.Slice(nd * stride, nd * stride);
        rows.EvaluateJacobianRows(s, incidence, first, count, jp, jq, stride, ws);
        Span<double> dqBlock = rhsScratch[..nd], dpBlock = rhsScratch.Slice(nd, nd);
        var members = incidence.Order.Slice(first, count);
        for (int m = 0; m < count; m++)
            for (int a = 0; a < d; a++)
            {
                dqBlock[m * d + a] = dq[members[m] * d + a];
                dpBlock[m * d + a] = dp[members[m] * d + a];
            }
        WeightRows(features.FeatureCount, nd, dqBlock, dpBlock, weightDq, weightDp, jp, jq, rhs);
    }

    private static void WeightRows(int F, int nd, ReadOnlySpan<double> dq, ReadOnlySpan<double> dp, double weightDq, double weightDp,
        Span<double> jp, Span<double> jq, Span<double> rhs)
    {
        int stride = F + 1;
        for (int row = 0; row < nd; row++)
        {
            ScaleRow(jp.Slice(row * stride, stride), weightDq);
            ScaleRow(jq.Slice(row * stride, stride), weightDp);
            jp[row * stride + F] = 0;
            jq[row * stride + F] = 0;
            rhs[row] = weightDq * dq[row];
            rhs[nd + row] = -weightDp * dp[row];
        }
    }

    private static void ScaleRow(Span<double> row, double w)
    {
        if (w != 1.0) System.Numerics.Tensors.TensorPrimitives.Multiply(row, w, row);
    }

    /// <summary>The anchor row <c>[Φ(y₀), 1]</c> with target H₀, both times <paramref name="weight"/>.</summary>
    public static double FillAnchor(IFeatureMap features, Snapshot s, double h0, double weight, Span<double> row, FeatureWorkspace ws)
    {
        int F = features.FeatureCount;
        features.Evaluate(s, row[..F], ws);
        if (weight != 1.0) System.Numerics.Tensors.TensorPrimitives.Multiply(row[..F], weight, row[..F]);
        row[F] = weight;
        return weight * h0;
    }

    /// <summary>Row weights (w_q̇, w_ṗ) for the chosen scheme from the training targets.</summary>
    public static (double Dq, double Dp) Weights(RowWeighting weighting, ReadOnlySpan<double> dq, ReadOnlySpan<double> dp)
    {
        if (weighting == RowWeighting.None) return (1, 1);
        static double InverseRms(ReadOnlySpan<double> v)
        {
            double s = System.Numerics.Tensors.TensorPrimitives.SumOfSquares(v);
            double rms = Math.Sqrt(s / Math.Max(1, v.Length));
            return rms > 0 ? 1 / rms : 1;
        }
        return (InverseRms(dq), InverseRms(dp));
    }
}
