// The paper's frame-based graph HGN (method.md §2.2–2.4, §3.4): local frame, encoders, message layer, message pooling.
using System.Numerics.Tensors;
using Engine.Graph;
using Engine.Interop;
using static Engine.Interop.Interop;

namespace Engine.Features;

/// <summary>
/// Non-separable Hamiltonian graph network as reconstructed from the paper, kept for reproduction beside the
/// frame-free <see cref="GraphHgnFeatures"/> default:
/// <code>
///   B     = local orthonormal frame of the centred positions (see <see cref="ComputeFrame"/>), d×d, det +1
///   v_i   = Bᵀ p_i                      node input (d); momenta only — masses are not appended (see below)
///   u_ij  = Bᵀ (q_j − q_i)               edge input (d) per directed edge, minimum image
///   h_i   = σ(W_V v_i + b_V)   g_ij = σ(W_E u_ij + b_E)   m_ij = σ(W_M [h_i; h_j; g_ij] + b_M)
///   Φ     = Σ_{directed edges i→j} m_ij  message-only pooling, both directions of every pair
/// </code>
/// Derivatives hold B fixed per snapshot (stop-gradient, method.md §2.2 item 4): <see cref="EvaluateJacobian"/>
/// and <see cref="EvaluateGradient"/> are the exact derivatives of Φ with the frame frozen, not of Φ itself.
/// The node input is v_i = Bᵀp_i alone: the §2.3 option of appending m_i when masses differ is not taken, so the
/// learned H sees masses only through the data (the model still fits equal-mass systems, the paper's setting).
/// Invariance: Φ is invariant under translations and proper rotations whenever the frame is well defined (a
/// unique closest node, and in 3D a unique non-collinear second node), and under permutations up to ties.
/// The matrix products run as dgemm over all nodes and chunks of edges (OpenBLAS, like the solver).
/// </summary>
public sealed class FrameGraphHgnFeatures : IFeatureMap
{
    /// <summary>Directed edges per chunk of the edge-wise products: bounds scratch memory on large graphs.</summary>
    private const int ChunkPairs = 128, ChunkEdges = 2 * ChunkPairs;
    /// <summary>ε of the frame = this × the mean edge length (method.md §2.2, "1e-6 × typical spacing").</summary>
    public const double FrameEpsilonFactor = 1e-6;
    /// <summary>A candidate second frame node must make |sin angle| above this with e₁ (3D).</summary>
    public const double CollinearSine = 1e-3;

    public ModelFamily Family => ModelFamily.GraphFrame;
    public int Dimension { get; }
    /// <summary>Node encoder φ_V: d inputs (v_i), width n_V.</summary>
    public DenseLayer Node { get; }
    /// <summary>Edge encoder φ_E: d inputs (u_ij), width n_E.</summary>
    public DenseLayer Edge { get; }
    /// <summary>Message layer φ_M: 2·n_V + n_E inputs ([h_i; h_j; g_ij]), width d_L = F.</summary>
    public DenseLayer Message { get; }
    public int FeatureCount => Message.Width;
    public bool IsSeparable => false;
    public IReadOnlyList<FeatureBlock> Blocks { get; }

    private int NV => Node.Width;
    private int NE => Edge.Width;
    private int NM => Message.Width;

    public FrameGraphHgnFeatures(int dimension, DenseLayer node, DenseLayer edge, DenseLayer message)
    {
        if (dimension is < 1 or > 3) throw new ArgumentException($"dimension {dimension} must be 1, 2 or 3");
        if (node.Inputs != dimension || edge.Inputs != dimension)
            throw new ArgumentException($"frame graph HGN encoders take d = {dimension} inputs (got node {node.Inputs}, edge {edge.Inputs})");
        if (message.Inputs != 2 * node.Width + edge.Width)
            throw new ArgumentException($"the message layer takes 2·n_V + n_E = {2 * node.Width + edge.Width} inputs (got {message.Inputs})");
        Dimension = dimension; Node = node; Edge = edge; Message = message;
        Blocks = [new FeatureBlock("message", 0, message.Width, FeatureDependence.Both)];
    }

    public FeatureWorkspace CreateWorkspace() => new(2, Math.Max(NM, Math.Max(NV, NE)));

    // ---------------------------------------------------------------- the frame

    /// <summary>
    /// The local orthonormal frame of one configuration, <c>basis[a·d + c] = (e_c)_a</c> (columns e_c), det +1:
    /// <list type="number">
    /// <item>centre on the unweighted mean of <paramref name="q"/> (raw coordinates, also in a periodic box);</item>
    /// <item>e₁ = x_{i*}/|x_{i*}| with i* the node closest to the centre among those with |x_i| &gt; ε,
    /// ε = 1e-6 × the mean edge length (1e-6 × the largest |x_i| when there are no edges); ties take the lower index;</item>
    /// <item>2D: e₂ = e₁ rotated by +90°. 3D: e₂ from the next-closest node (|x_j| &gt; ε) whose direction makes
    /// |sin angle| &gt; 1e-3 with e₁, by Gram–Schmidt; e₃ = e₁ × e₂. 1D: B = [1].</item>
    /// </list>
    /// Degenerate configurations fall back deterministically, never to NaN: every node within ε of the centre →
    /// B = I; in 3D every node collinear with e₁ → e₂ from the coordinate axis least aligned with e₁ (Gram–Schmidt).
    /// In those cases the frame is not rotation-covariant, so Φ is not exactly invariant there.
    /// </summary>
    /// <param name="q">Positions <c>[N·d]</c>.</param>
    /// <param name="n">N, the number of particles.</param>
    /// <param name="d">Dimension.</param>
    /// <param name="edges">The snapshot's pairs; only their mean length is used (for ε).</param>
    /// <param name="basis"><c>[d·d]</c>, overwritten.</param>
    public static void ComputeFrame(ReadOnlySpan<double> q, int n, int d, EdgeBuffer edges, Span<double> basis)
    {
        basis[..(d * d)].Clear();
        for (int a = 0; a < d; a++) basis[a * d + a] = 1;
        if (d == 1 || n == 0) return;
        Span<double> c = stackalloc double[3];
        c.Clear();
        for (int i = 0; i < n; i++)
            for (int a = 0; a < d; a++) c[a] += q[i * d + a];
        for (int a = 0; a < d; a++) c[a] /= n;

        double scale = 0;
        if (edges.Count > 0)
        {
            for (int e = 0; e < edges.Count; e++) scale += edges.R[e];
            scale /= edges.Count;
        }
        else
            for (int i = 0; i < n; i++) scale = Math.Max(scale, Math.Sqrt(CentredNorm2(q, c, i, d)));
        double eps2 = FrameEpsilonFactor * scale * (FrameEpsilonFactor * scale);

        int first = -1;
        double best = double.PositiveInfinity;
        for (int i = 0; i < n; i++)
        {
            double r2 = CentredNorm2(q, c, i, d);
            if (r2 > eps2 && r2 < best) { best = r2; first = i; }
        }
        if (first < 0) return;   // every node at the centre: B = I
        Span<double> e1 = stackalloc double[3], e2 = stackalloc double[3];
        double r1 = Math.Sqrt(best);
        for (int a = 0; a < d; a++) e1[a] = (q[first * d + a] - c[a]) / r1;

        if (d == 2)
        {
            e2[0] = -e1[1]; e2[1] = e1[0];
        }
        else
        {
            // The next-closest node whose direction is not collinear with e₁: scan in order of distance.
            int second = -1;
            double bestSecond = double.PositiveInfinity;
            Span<double> x = stackalloc double[3];
            for (int j = 0; j < n; j++)
            {
                if (j == first) continue;
                double r2 = CentredNorm2(q, c, j, d);
                if (!(r2 > eps2) || !(r2 < bestSecond)) continue;
                for (int a = 0; a < 3; a++) x[a] = q[j * 3 + a] - c[a];
                double along = x[0] * e1[0] + x[1] * e1[1] + x[2] * e1[2];
                double perp2 = r2 - along * along;
                if (perp2 > CollinearSine * CollinearSine * r2) { bestSecond = r2; second = j; }
            }
            if (second >= 0)
                for (int a = 0; a < 3; a++) e2[a] = q[second * 3 + a] - c[a];
            else
            {
                int axis = 0;
                for (int a = 1; a < 3; a++) if (Math.Abs(e1[a]) < Math.Abs(e1[axis])) axis = a;
                e2.Clear(); e2[axis] = 1;
            }
            double dot = e2[0] * e1[0] + e2[1] * e1[1] + e2[2] * e1[2];
            for (int a = 0; a < 3; a++) e2[a] -= dot * e1[a];
            double norm = Math.Sqrt(e2[0] * e2[0] + e2[1] * e2[1] + e2[2] * e2[2]);
            for (int a = 0; a < 3; a++) e2[a] /= norm;
            basis[0 * 3 + 2] = e1[1] * e2[2] - e1[2] * e2[1];
            basis[1 * 3 + 2] = e1[2] * e2[0] - e1[0] * e2[2];
            basis[2 * 3 + 2] = e1[0] * e2[1] - e1[1] * e2[0];
        }
        for (int a = 0; a < d; a++) { basis[a * d + 0] = e1[a]; basis[a * d + 1] = e2[a]; }
    }

    private static double CentredNorm2(ReadOnlySpan<double> q, ReadOnlySpan<double> c, int i, int d)
    {
        double s = 0;
        for (int a = 0; a < d; a++) { double t = q[i * d + a] - c[a]; s += t * t; }
        return s;
    }

    /// <summary>out_c = Σ_a B[a,c] x_a (= Bᵀx), times <paramref name="sign"/>.</summary>
    private static void ToFrame(ReadOnlySpan<double> basis, ReadOnlySpan<double> x, double sign, Span<double> o, int d)
    {
        for (int c = 0; c < d; c++)
        {
            double s = 0;
            for (int a = 0; a < d; a++) s += basis[a * d + c] * x[a];
            o[c] = sign * s;
        }
    }

    /// <summary>Source and target of directed edge t = 2e + dir (dir 0: I→J, 1: J→I) and the sign of its displacement.</summary>
    private static (int Src, int Dst, double Sign) Direction(EdgeBuffer edges, int t)
    {
        int e = t >> 1;
        return (t & 1) == 0 ? (edges.I[e], edges.J[e], 1.0) : (edges.J[e], edges.I[e], -1.0);
    }

    // ---------------------------------------------------------------- sampling inputs

    /// <summary>
    /// Appends the encoder inputs of one snapshot (frame computed from its positions): rows v_i <c>[d]</c> for every
    /// node to <paramref name="node"/>, rows u <c>[d]</c> for both directions of every pair to <paramref name="edge"/>.
    /// </summary>
    public static void CollectEncoderInputs(Snapshot s, List<double> node, List<double> edge)
    {
        int d = s.Dimension;
        Span<double> basis = stackalloc double[9];
        Span<double> v = stackalloc double[3];
        ComputeFrame(s.Q, s.Particles, d, s.Edges, basis);
        for (int i = 0; i < s.Particles; i++)
        {
            ToFrame(basis, s.P.Slice(i * d, d), 1.0, v, d);
            for (int c = 0; c < d; c++) node.Add(v[c]);
        }
        var edges = s.Edges;
        for (int t = 0; t < 2 * edges.Count; t++)
        {
            ToFrame(basis, edges.Dr.AsSpan((t >> 1) * d, d), Direction(edges, t).Sign, v, d);
            for (int c = 0; c < d; c++) edge.Add(v[c]);
        }
    }

    /// <summary>
    /// Writes the message-layer inputs [h_i; h_j; g_ij] of every directed edge t = 2e + dir of one snapshot, computed
    /// with the already sampled encoders: <paramref name="into"/> is <c>[2·pairs, 2·n_V + n_E]</c> row-major.
    /// </summary>
    public static void CollectMessageInputs(Snapshot s, DenseLayer node, DenseLayer edge, Span<double> into)
    {
        int d = s.Dimension, n = s.Particles, nv = node.Width, ne = edge.Width, inputs = 2 * nv + ne;
        var edges = s.Edges;
        if (into.Length < 2L * edges.Count * inputs) throw new ArgumentException("message input buffer too short");
        Span<double> basis = stackalloc double[9];
        Span<double> v = stackalloc double[3];
        ComputeFrame(s.Q, n, d, edges, basis);
        var h = new double[n * nv];
        var z = new double[Math.Max(nv, ne)];
        for (int i = 0; i < n; i++)
        {
            ToFrame(basis, s.P.Slice(i * d, d), 1.0, v, d);
            node.Forward(v[..d], z.AsSpan(0, nv), h.AsSpan(i * nv, nv), default);
        }
        for (int t = 0; t < 2 * edges.Count; t++)
        {
            var (src, dst, sign) = Direction(edges, t);
            var row = into.Slice(t * inputs, inputs);
            h.AsSpan(src * nv, nv).CopyTo(row);
            h.AsSpan(dst * nv, nv).CopyTo(row[nv..]);
            ToFrame(basis, edges.Dr.AsSpan((t >> 1) * d, d), sign, v, d);
            edge.Forward(v[..d], z.AsSpan(0, ne), row.Slice(2 * nv, ne), default);
        }
    }

    // ---------------------------------------------------------------- shared forward pieces

    /// <summary>h_i (and σ' when <paramref name="sv"/> is not empty) of every node, rows <c>[N, n_V]</c>.</summary>
    private void NodeForward(Snapshot s, ReadOnlySpan<double> basis, Span<double> h, Span<double> sv, FeatureWorkspace ws)
    {
        int d = Dimension, nv = NV;
        Span<double> v = stackalloc double[3];
        var z = ws.Buffer(0, nv);
        for (int i = 0; i < s.Particles; i++)
        {
            ToFrame(basis, s.P.Slice(i * d, d), 1.0, v, d);
            Node.Forward(v[..d], z, h.Slice(i * nv, nv), sv.IsEmpty ? default : sv.Slice(i * nv, nv));
        }
    }

    /// <summary>H1 = h·W_M¹ᵀ and H2 = h·W_M²ᵀ, rows <c>[N, d_L]</c>: the node parts of every message pre-activation.</summary>
    private void NodeProjections(int n, ReadOnlySpan<double> h, Span<double> h1, Span<double> h2)
    {
        Gemm(h, NV, n, NV, MessageRows(0, NV), NM, transB: false, h1, NM, accumulate: false);
        Gemm(h, NV, n, NV, MessageRows(NV, NV), NM, transB: false, h2, NM, accumulate: false);
    }

    /// <summary>Rows [r0, r0 + count) of the transposed message weights: W_M's column block as a <c>[count, d_L]</c> matrix.</summary>
    private ReadOnlySpan<double> MessageRows(int r0, int count) => Message.WT.AsSpan(r0 * NM, count * NM);

    /// <summary>
    /// For directed edges [t0, t0 + count): g and σ'(g) (rows <c>[count, n_E]</c>; σ' skipped when <paramref name="se"/>
    /// is empty) and the message pre-activations z (rows <c>[count, d_L]</c>).
    /// </summary>
    private void EdgeChunkForward(Snapshot s, ReadOnlySpan<double> basis, int t0, int count, ReadOnlySpan<double> h1, ReadOnlySpan<double> h2,
        Span<double> g, Span<double> se, Span<double> z, FeatureWorkspace ws)
    {
        int d = Dimension, ne = NE, nm = NM;
        var edges = s.Edges;
        Span<double> u = stackalloc double[3];
        var ze = ws.Buffer(0, ne);
        for (int k = 0; k < count; k++)
        {
            int t = t0 + k;
            ToFrame(basis, edges.Dr.AsSpan((t >> 1) * d, d), Direction(edges, t).Sign, u, d);
            Edge.Forward(u[..d], ze, g.Slice(k * ne, ne), se.IsEmpty ? default : se.Slice(k * ne, ne));
        }
        Gemm(g, ne, count, ne, MessageRows(2 * NV, ne), nm, transB: false, z, nm, accumulate: false);
        for (int k = 0; k < count; k++)
        {
            var (src, dst, _) = Direction(edges, t0 + k);
            var row = z.Slice(k * nm, nm);
            TensorPrimitives.Add(row, h1.Slice(src * nm, nm), row);
            TensorPrimitives.Add(row, h2.Slice(dst * nm, nm), row);
            TensorPrimitives.Add(row, Message.B, row);
        }
    }

    // ---------------------------------------------------------------- IFeatureMap

    public void Evaluate(Snapshot s, Span<double> phi, FeatureWorkspace ws)
    {
        Span<double> basis = stackalloc double[9];
        ComputeFrame(s.Q, s.Particles, Dimension, s.Edges, basis);
        Evaluate(s, phi, ws, basis);
    }

    /// <summary>Φ with the frame given instead of computed from the positions (test hook: derivatives with B frozen).</summary>
    internal void Evaluate(Snapshot s, Span<double> phi, FeatureWorkspace ws, ReadOnlySpan<double> basis)
    {
        int n = s.Particles, nv = NV, ne = NE, nm = NM, directed = 2 * s.Edges.Count;
        phi[..nm].Clear();
        var h = ws.Sized(0, n * nv);
        var h1 = ws.Sized(1, n * nm);
        var h2 = ws.Sized(2, n * nm);
        NodeForward(s, basis, h, default, ws);
        NodeProjections(n, h, h1, h2);
        var g = ws.Sized(3, ChunkEdges * ne);
        var z = ws.Sized(4, ChunkEdges * nm);
        var m = ws.Buffer(1, nm);
        for (int t0 = 0; t0 < directed; t0 += ChunkEdges)
        {
            int count = Math.Min(ChunkEdges, directed - t0);
            EdgeChunkForward(s, basis, t0, count, h1, h2, g, default, z, ws);
            for (int k = 0; k < count; k++)
            {
                Activation.Apply(Message.Activation, z.Slice(k * nm, nm), m, default);
                TensorPrimitives.Add(phi[..nm], m, phi[..nm]);
            }
        }
    }

    public void EvaluateJacobian(Snapshot s, Span<double> jp, Span<double> jq, int stride, FeatureWorkspace ws)
    {
        Span<double> basis = stackalloc double[9];
        ComputeFrame(s.Q, s.Particles, Dimension, s.Edges, basis);
        int d = Dimension, n = s.Particles, nv = NV, ne = NE, nm = NM, directed = 2 * s.Edges.Count;
        for (int row = 0; row < n * d; row++)
        {
            jp.Slice(row * stride, nm).Clear();
            jq.Slice(row * stride, nm).Clear();
        }
        var h = ws.Sized(0, n * nv);
        var h1 = ws.Sized(1, n * nm);
        var h2 = ws.Sized(2, n * nm);
        var sv = ws.Sized(5, n * nv);
        NodeForward(s, basis, h, sv, ws);
        NodeProjections(n, h, h1, h2);

        // A_X[a] = W_X Bᵀ e_a = Σ_c B[a,c] W_X[:, c]: the encoder's pre-activation change per unit of input axis a.
        var av = ws.Sized(6, d * nv);
        var ae = ws.Sized(7, d * ne);
        FrameColumns(Node, basis, av);
        FrameColumns(Edge, basis, ae);

        // ∂h_i/∂p_{i,a} = σ'_V,i ⊙ A_V[a]; its images through W_M¹ and W_M² (rows (i, a) of P1, P2).
        var dh = ws.Sized(8, n * d * nv);
        for (int i = 0; i < n; i++)
            for (int a = 0; a < d; a++)
                TensorPrimitives.Multiply(sv.Slice(i * nv, nv), av.Slice(a * nv, nv), dh.Slice((i * d + a) * nv, nv));
        var p1 = ws.Sized(9, n * d * nm);
        var p2 = ws.Sized(10, n * d * nm);
        Gemm(dh, nv, n * d, nv, MessageRows(0, nv), nm, transB: false, p1, nm, accumulate: false);
        Gemm(dh, nv, n * d, nv, MessageRows(nv, nv), nm, transB: false, p2, nm, accumulate: false);

        var g = ws.Sized(3, ChunkEdges * ne);
        var se = ws.Sized(11, ChunkEdges * ne);
        var z = ws.Sized(4, ChunkEdges * nm);
        var sm = ws.Sized(12, ChunkEdges * nm);
        var dg = ws.Sized(13, ChunkEdges * d * ne);
        var y = ws.Sized(14, ChunkEdges * d * nm);
        var edges = s.Edges;
        for (int t0 = 0; t0 < directed; t0 += ChunkEdges)
        {
            int count = Math.Min(ChunkEdges, directed - t0);
            EdgeChunkForward(s, basis, t0, count, h1, h2, g, se, z, ws);
            Activation.Apply(Message.Activation, z[..(count * nm)], z[..(count * nm)], sm[..(count * nm)]);
            // ∂g_t/∂q_dst,a = σ'_E,t ⊙ A_E[a]; Y rows (t, a) = W_M³ of that.
            for (int k = 0; k < count; k++)
                for (int a = 0; a < d; a++)
                    TensorPrimitives.Multiply(se.Slice(k * ne, ne), ae.Slice(a * ne, ne), dg.Slice((k * d + a) * ne, ne));
            Gemm(dg, ne, count * d, ne, MessageRows(2 * nv, ne), nm, transB: false, y, nm, accumulate: false);
            for (int k = 0; k < count; k++)
            {
                var (src, dst, _) = Direction(edges, t0 + k);
                var sk = sm.Slice(k * nm, nm);
                for (int a = 0; a < d; a++)
                {
                    var rowPs = jp.Slice((src * d + a) * stride, nm);
                    var rowPd = jp.Slice((dst * d + a) * stride, nm);
                    TensorPrimitives.MultiplyAdd(sk, p1.Slice((src * d + a) * nm, nm), rowPs, rowPs);
                    TensorPrimitives.MultiplyAdd(sk, p2.Slice((dst * d + a) * nm, nm), rowPd, rowPd);
                    var yk = y.Slice((k * d + a) * nm, nm);
                    TensorPrimitives.Multiply(sk, yk, yk);
                    var rowQd = jq.Slice((dst * d + a) * stride, nm);
                    var rowQs = jq.Slice((src * d + a) * stride, nm);
                    TensorPrimitives.Add(rowQd, yk, rowQd);
                    TensorPrimitives.Subtract(rowQs, yk, rowQs);
                }
            }
        }
    }

    public double EvaluateGradient(Snapshot s, ReadOnlySpan<double> theta, Span<double> dHdq, Span<double> dHdp, FeatureWorkspace ws)
    {
        Span<double> basis = stackalloc double[9];
        ComputeFrame(s.Q, s.Particles, Dimension, s.Edges, basis);
        int d = Dimension, n = s.Particles, nv = NV, ne = NE, nm = NM, directed = 2 * s.Edges.Count;
        bool wantQ = !dHdq.IsEmpty, wantP = !dHdp.IsEmpty;
        if (wantQ) dHdq[..(n * d)].Clear();
        if (wantP) dHdp[..(n * d)].Clear();
        var th = theta[..nm];
        var h = ws.Sized(0, n * nv);
        var h1 = ws.Sized(1, n * nm);
        var h2 = ws.Sized(2, n * nm);
        var sv = ws.Sized(5, n * nv);
        NodeForward(s, basis, h, sv, ws);
        NodeProjections(n, h, h1, h2);
        var dHdh = ws.Sized(6, n * nv);   // ∂Ĥ/∂h_i accumulated over the messages node i sends and receives
        dHdh.Clear();

        var g = ws.Sized(3, ChunkEdges * ne);
        var se = ws.Sized(11, ChunkEdges * ne);
        var z = ws.Sized(4, ChunkEdges * nm);
        var c = ws.Sized(12, ChunkEdges * nm);
        var back = ws.Sized(13, ChunkEdges * Math.Max(nv, ne));
        var edges = s.Edges;
        Span<double> du = stackalloc double[3];
        double energy = 0;
        for (int t0 = 0; t0 < directed; t0 += ChunkEdges)
        {
            int count = Math.Min(ChunkEdges, directed - t0);
            EdgeChunkForward(s, basis, t0, count, h1, h2, g, wantQ ? se : default, z, ws);
            var zc = z[..(count * nm)];
            var cc = c[..(count * nm)];
            Activation.Apply(Message.Activation, zc, zc, cc);
            for (int k = 0; k < count; k++)
            {
                energy += TensorPrimitives.Dot(th, zc.Slice(k * nm, nm));
                // c_t = θ ⊙ σ'_M,t: ∂Ĥ/∂(pre-activation of message t).
                TensorPrimitives.Multiply(cc.Slice(k * nm, nm), th, cc.Slice(k * nm, nm));
            }
            if (wantP)
            {
                // ∂Ĥ/∂h_src = c_t W_M¹, ∂Ĥ/∂h_dst = c_t W_M².
                Gemm(cc, nm, count, nm, MessageRows(0, nv), nv, transB: true, back, nv, accumulate: false);
                for (int k = 0; k < count; k++)
                {
                    var row = dHdh.Slice(Direction(edges, t0 + k).Src * nv, nv);
                    TensorPrimitives.Add(row, back.Slice(k * nv, nv), row);
                }
                Gemm(cc, nm, count, nm, MessageRows(nv, nv), nv, transB: true, back, nv, accumulate: false);
                for (int k = 0; k < count; k++)
                {
                    var row = dHdh.Slice(Direction(edges, t0 + k).Dst * nv, nv);
                    TensorPrimitives.Add(row, back.Slice(k * nv, nv), row);
                }
            }
            if (wantQ)
            {
                // ∂Ĥ/∂g_t = c_t W_M³; ∂Ĥ/∂u_t = W_Eᵀ(σ'_E ⊙ that); ∂Ĥ/∂q_dst = B ∂Ĥ/∂u_t = −∂Ĥ/∂q_src.
                Gemm(cc, nm, count, nm, MessageRows(2 * nv, ne), ne, transB: true, back, ne, accumulate: false);
                for (int k = 0; k < count; k++)
                {
                    var (src, dst, _) = Direction(edges, t0 + k);
                    var bk = back.Slice(k * ne, ne);
                    TensorPrimitives.Multiply(bk, se.Slice(k * ne, ne), bk);
                    for (int cI = 0; cI < d; cI++) du[cI] = TensorPrimitives.Dot(bk, Edge.Column(cI));
                    for (int a = 0; a < d; a++)
                    {
                        double f = 0;
                        for (int cI = 0; cI < d; cI++) f += basis[a * d + cI] * du[cI];
                        dHdq[dst * d + a] += f;
                        dHdq[src * d + a] -= f;
                    }
                }
            }
        }
        if (wantP)
        {
            // ∂Ĥ/∂v_i = W_Vᵀ(σ'_V,i ⊙ ∂Ĥ/∂h_i); ∂Ĥ/∂p_i = B ∂Ĥ/∂v_i.
            for (int i = 0; i < n; i++)
            {
                var row = dHdh.Slice(i * nv, nv);
                TensorPrimitives.Multiply(row, sv.Slice(i * nv, nv), row);
                for (int cI = 0; cI < d; cI++) du[cI] = TensorPrimitives.Dot(row, Node.Column(cI));
                for (int a = 0; a < d; a++)
                {
                    double f = 0;
                    for (int cI = 0; cI < d; cI++) f += basis[a * d + cI] * du[cI];
                    dHdp[i * d + a] = f;
                }
            }
        }
        return energy;
    }

    /// <summary>rows a of <paramref name="into"/> <c>[d, width]</c> = Σ_c B[a,c] · (input c's weights over the neurons).</summary>
    private void FrameColumns(DenseLayer layer, ReadOnlySpan<double> basis, Span<double> into)
    {
        int d = Dimension, w = layer.Width;
        for (int a = 0; a < d; a++)
        {
            var row = into.Slice(a * w, w);
            row.Clear();
            for (int c = 0; c < d; c++) TensorPrimitives.MultiplyAdd(layer.Column(c), basis[a * d + c], row, row);
        }
    }

    /// <summary>
    /// C <c>[m, n]</c> (row stride ldc) = (accumulate ? C : 0) + A <c>[m, k]</c> (row stride lda) · op(B), with B row-major
    /// of row stride ldb: <c>[k, n]</c> when not transposed, <c>[n, k]</c> when <paramref name="transB"/>.
    /// </summary>
    private static unsafe void Gemm(ReadOnlySpan<double> a, int lda, int m, int k, ReadOnlySpan<double> b, int n, bool transB,
        Span<double> c, int ldc, bool accumulate)
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) for (int r = 0; r < m; r++) c.Slice(r * ldc, n).Clear();
            return;
        }
        NativeLibraries.EnsureLoaded();
        int ldb = transB ? k : n;
        fixed (double* pa = a, pb = b, pc = c)
            OpenBlas.Dgemm(OpenBlas.RowMajor, OpenBlas.NoTrans, transB ? OpenBlas.Trans : OpenBlas.NoTrans,
                m, n, k, 1.0, pa, lda, pb, ldb, accumulate ? 1.0 : 0.0, pc, ldc);
    }
}
