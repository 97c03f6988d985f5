// Optional contract of a feature map whose Jacobian rows for a range of particles can be formed on their own.
namespace Engine.Features;

/// <summary>
/// A feature map whose rows ∂Φ/∂y_{i,a} for a block of particles depend only on the edges incident to those particles (true of pair sums; not of message-passing graphs, whose rows mix two-hop neighbourhoods).
/// The streamed assembly uses it to bound its row block by a fixed number of rows, whatever the particle count.
/// </summary>
public interface IParticleRangeJacobian
{
    /// <summary>
    /// <see cref="IFeatureMap.EvaluateJacobian"/> restricted to the block of particles <c>i = incidence.Order[first + m]</c>,
    /// m in [0, count): overwrites <c>jp[(m·d + a)·stride + k] = ∂Φ_k/∂p_{i,a}</c> and likewise <c>jq</c> (each
    /// <c>[count·d, stride]</c>) for k &lt; F, leaving columns ≥ F untouched. <paramref name="incidence"/> must be
    /// built from <c>s.Edges</c>; its block selection is changed. The values equal the whole-snapshot rows up to the
    /// order of floating-point sums.
    /// </summary>
    void EvaluateJacobianRows(Snapshot s, EdgeIncidence incidence, int first, int count, Span<double> jp, Span<double> jq, int stride, FeatureWorkspace ws);
}
