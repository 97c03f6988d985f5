// Which graph HGN construction a graph model uses: the frame-free default or the paper's local frame.
namespace Engine.Training;

/// <summary>How a graph model (<see cref="Features.ModelFamily.Graph"/>) makes its inputs invariant.</summary>
public enum GraphConstruction
{
    /// <summary>Frame-free invariant scalars and skip pooling (method.md §10.1): <see cref="Features.GraphHgnFeatures"/>. The default.</summary>
    Invariant = 0,
    /// <summary>
    /// The paper's local orthonormal frame with encoders on Bᵀp and Bᵀ(q_j − q_i) and message-only pooling
    /// (method.md §2.2–2.4): <see cref="Features.FrameGraphHgnFeatures"/>, stored as <see cref="Features.ModelFamily.GraphFrame"/>.
    /// </summary>
    Frame = 1,
}
