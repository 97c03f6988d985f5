// The contract of a model family: pooled random features Φ(q, p), their Jacobian, and θ-weighted gradients.
namespace Engine.Features;

/// <summary>A named range of feature columns (for reports and for checking that the data determine every block).</summary>
public sealed record FeatureBlock(string Name, int Start, int Count, FeatureDependence DependsOn);

/// <summary>Which half of phase space a feature block depends on.</summary>
[Flags]
public enum FeatureDependence { Positions = 1, Momenta = 2, Both = Positions | Momenta }

/// <summary>Model families. Values are frozen: they are stored in model files.</summary>
public enum ModelFamily
{
    /// <summary>Frame-free graph HGN of method.md §10.1: node, edge and message layers, skip pooling. Non-separable.</summary>
    Graph = 0,
    /// <summary>Separable potential: kinetic term + random features of pair distances per species pair (MD-ready).</summary>
    Pair = 1,
    /// <summary>
    /// The paper's frame-based graph HGN (method.md §2.2–2.4, §3.4): local orthonormal frame per snapshot,
    /// encoders on v_i = Bᵀp_i and u_ij = Bᵀ(q_j − q_i), message layer on [h_i; h_j; g_ij], message-only pooling.
    /// Non-separable; kept for reproduction beside the frame-free <see cref="Graph"/> default.
    /// </summary>
    GraphFrame = 2,
}

/// <summary>
/// Pooled features Φ(y) ∈ R^F of a sampled model and their analytic derivatives; the learned Hamiltonian is
/// Ĥ = θᵀΦ + θ₀. Implementations are immutable and thread-safe; scratch lives in a <see cref="FeatureWorkspace"/>
/// (one per thread).
/// </summary>
public interface IFeatureMap
{
    ModelFamily Family { get; }
    int Dimension { get; }
    /// <summary>F, the number of pooled features (solved columns, without θ₀).</summary>
    int FeatureCount { get; }
    IReadOnlyList<FeatureBlock> Blocks { get; }
    /// <summary>True when every column depends on q only or on p only, so Ĥ = T(p) + V(q).</summary>
    bool IsSeparable { get; }

    FeatureWorkspace CreateWorkspace();

    /// <summary>Writes Φ(y) into <paramref name="phi"/> <c>[F]</c>.</summary>
    void Evaluate(Snapshot s, Span<double> phi, FeatureWorkspace ws);

    /// <summary>
    /// Overwrites the Jacobian rows: <c>jp[(i·d + a)·stride + k] = ∂Φ_k/∂p_{i,a}</c> and likewise <c>jq</c> for q,
    /// for k &lt; F; columns k ≥ F of each row (up to <paramref name="stride"/>) are left untouched. Rows are
    /// written straight into the block the solver consumes, hence the stride.
    /// </summary>
    void EvaluateJacobian(Snapshot s, Span<double> jp, Span<double> jq, int stride, FeatureWorkspace ws);

    /// <summary>
    /// Returns θᵀΦ(y) and overwrites <c>dHdq = Σ_k θ_k ∂Φ_k/∂q</c>, <c>dHdp</c> likewise (each <c>[N·d]</c>; empty = not
    /// needed) without forming the Jacobian: the inference path (forces, rollouts).
    /// </summary>
    double EvaluateGradient(Snapshot s, ReadOnlySpan<double> theta, Span<double> dHdq, Span<double> dHdp, FeatureWorkspace ws);
}

/// <summary>Per-thread scratch of a feature map: a few vectors over the widest layer.</summary>
public sealed class FeatureWorkspace
{
    private readonly double[][] _buffers;
    public int Width { get; }

    public FeatureWorkspace(int buffers, int width)
    {
        Width = width;
        _buffers = new double[buffers][];
        for (int i = 0; i < buffers; i++) _buffers[i] = new double[width];
    }

    /// <summary>Scratch vector <paramref name="index"/>, length <paramref name="length"/> ≤ Width.</summary>
    public Span<double> Buffer(int index, int length) => _buffers[index].AsSpan(0, length);

    private double[][] _sized = [];

    /// <summary>
    /// Scratch vector <paramref name="index"/> of a second, growable set, for buffers whose size depends on the
    /// snapshot (particles, edges). It grows on first need and is reused afterwards, so steady-state calls allocate
    /// nothing. Contents are undefined on return.
    /// </summary>
    public Span<double> Sized(int index, int length)
    {
        if (index >= _sized.Length) Array.Resize(ref _sized, index + 1);
        var b = _sized[index];
        if (b is null || b.Length < length) _sized[index] = b = new double[Math.Max(length, b is null ? 0 : b.Length + b.Length / 2)];
        return b.AsSpan(0, length);
    }
}
