// The frame-free graph HGN (method.md §10.1): node, edge and message layers on invariant scalars, skip pooling.
using System.Numerics.Tensors;
using Engine.Features.Kernels;

namespace Engine.Features;

/// <summary>
/// Non-separable Hamiltonian graph network with sampled layers and exact invariance, no frame:
/// <code>
///   A_i  = |p_i|²/(2 m_i)                                 node scalar
///   x_e  = [A_i, A_j, r, p_i·p_j, p_i·û, p_j·û]          per directed edge e = i→j, û = (q_j − q_i)/r
///   h_i  = σ(W_V A_i + b_V)   g_e = σ(W_E r_e + b_E)   m_e = σ(W_M x_e + b_M)
///   Φ    = [Σ_i h_i ; Σ_e g_e ; Σ_e m_e]                 skip pooling over nodes and both edge directions
/// </code>
/// Every input is invariant under rotation, translation and permutation, so Φ is too. The message layer sees
/// the raw scalars (not the encoder outputs), which the NumPy reconstruction measured as the most accurate.
/// </summary>
public sealed class GraphHgnFeatures : IFeatureMap
{
    /// <summary>Inputs of the message layer, in order.</summary>
    public const int MessageInputs = 6;

    public ModelFamily Family => ModelFamily.Graph;
    public int Dimension { get; }
    public DenseLayer Node { get; }
    public DenseLayer Edge { get; }
    public DenseLayer Message { get; }
    public int FeatureCount => Node.Width + Edge.Width + Message.Width;
    public bool IsSeparable => false;
    public IReadOnlyList<FeatureBlock> Blocks { get; }
    private int EdgeStart => Node.Width;
    private int MessageStart => Node.Width + Edge.Width;

    public GraphHgnFeatures(int dimension, DenseLayer node, DenseLayer edge, DenseLayer message)
    {
        if (node.Inputs != 1 || edge.Inputs != 1 || message.Inputs != MessageInputs)
            throw new ArgumentException("graph HGN layers take 1 (node), 1 (edge) and 6 (message) inputs");
        Dimension = dimension; Node = node; Edge = edge; Message = message;
        Blocks =
        [
            new FeatureBlock("node", 0, node.Width, FeatureDependence.Momenta),
            new FeatureBlock("edge", node.Width, edge.Width, FeatureDependence.Positions),
            new FeatureBlock("message", node.Width + edge.Width, message.Width, FeatureDependence.Both),
        ];
    }

    public FeatureWorkspace CreateWorkspace() => new(10, Math.Max(Message.Width, Math.Max(Node.Width, Edge.Width)));

    /// <summary>Node scalar A_i = |p_i|²/(2 m_i).</summary>
    public static double NodeScalar(ReadOnlySpan<double> p, ReadOnlySpan<double> mass, int i, int d)
    {
        double p2 = 0;
        for (int a = 0; a < d; a++) p2 += p[i * d + a] * p[i * d + a];
        return p2 / (2 * mass[i]);
    }

    /// <summary>
    /// Message inputs of the directed edge src→dst with unit vector <paramref name="u"/> (from src to dst) and length r.
    /// </summary>
    public static void MessageScalars(ReadOnlySpan<double> p, ReadOnlySpan<double> mass, int src, int dst, ReadOnlySpan<double> u, double r, int d, Span<double> x)
    {
        double pipj = 0, ai = 0, aj = 0;
        for (int a = 0; a < d; a++)
        {
            double pi = p[src * d + a], pj = p[dst * d + a];
            pipj += pi * pj; ai += pi * u[a]; aj += pj * u[a];
        }
        x[0] = NodeScalar(p, mass, src, d);
        x[1] = NodeScalar(p, mass, dst, d);
        x[2] = r; x[3] = pipj; x[4] = ai; x[5] = aj;
    }

    /// <summary>Appends the sampling inputs of one snapshot: node scalars, pair lengths, and message inputs (both directions).</summary>
    public static void CollectInputs(Snapshot s, List<double> node, List<double> edge, List<double> message)
    {
        int d = s.Dimension;
        for (int i = 0; i < s.Particles; i++) node.Add(NodeScalar(s.P, s.Mass, i, d));
        Span<double> u = stackalloc double[3];
        Span<double> x = stackalloc double[MessageInputs];
        var edges = s.Edges;
        for (int e = 0; e < edges.Count; e++)
        {
            double r = edges.R[e];
            edge.Add(r);
            for (int dir = 0; dir < 2; dir++)
            {
                (int src, int dst) = Direction(edges, e, dir, u);
                MessageScalars(s.P, s.Mass, src, dst, u[..d], r, d, x);
                foreach (double v in x) message.Add(v);
            }
        }
    }

    /// <summary>Source, target and unit vector of direction <paramref name="dir"/> (0: I→J, 1: J→I) of pair e.</summary>
    private static (int Src, int Dst) Direction(Graph.EdgeBuffer edges, int e, int dir, Span<double> u)
    {
        int d = edges.Dimension;
        double sign = dir == 0 ? 1.0 : -1.0, r = edges.R[e];
        for (int a = 0; a < d; a++) u[a] = sign * edges.Dr[e * d + a] / r;
        return dir == 0 ? (edges.I[e], edges.J[e]) : (edges.J[e], edges.I[e]);
    }

    public void Evaluate(Snapshot s, Span<double> phi, FeatureWorkspace ws)
    {
        int d = Dimension;
        phi[..FeatureCount].Clear();
        Span<double> z = ws.Buffer(0, ws.Width), v = ws.Buffer(1, ws.Width);
        Span<double> x = stackalloc double[MessageInputs];
        Span<double> u = stackalloc double[3];
        var hSum = phi.Slice(0, Node.Width);
        for (int i = 0; i < s.Particles; i++)
        {
            x[0] = NodeScalar(s.P, s.Mass, i, d);
            Node.Forward(x[..1], z[..Node.Width], v[..Node.Width], default);
            TensorPrimitives.Add(hSum, v[..Node.Width], hSum);
        }
        var gSum = phi.Slice(EdgeStart, Edge.Width);
        var mSum = phi.Slice(MessageStart, Message.Width);
        var edges = s.Edges;
        for (int e = 0; e < edges.Count; e++)
        {
            x[0] = edges.R[e];
            Edge.Forward(x[..1], z[..Edge.Width], v[..Edge.Width], default);
            TensorPrimitives.MultiplyAdd(v[..Edge.Width], 2.0, gSum, gSum);   // both directions share r
            for (int dir = 0; dir < 2; dir++)
            {
                (int src, int dst) = Direction(edges, e, dir, u);
                MessageScalars(s.P, s.Mass, src, dst, u[..d], edges.R[e], d, x);
                Message.Forward(x, z[..Message.Width], v[..Message.Width], default);
                TensorPrimitives.Add(mSum, v[..Message.Width], mSum);
            }
        }
    }

    public void EvaluateJacobian(Snapshot s, Span<double> jp, Span<double> jq, int stride, FeatureWorkspace ws)
    {
        int d = Dimension, n = s.Particles, F = FeatureCount;
        for (int row = 0; row < n * d; row++)
        {
            jp.Slice(row * stride, F).Clear();
            jq.Slice(row * stride, F).Clear();
        }
        int W = ws.Width;
        Span<double> z = ws.Buffer(0, W), v = ws.Buffer(1, W), dv = ws.Buffer(2, W);
        Span<double> x = stackalloc double[MessageInputs];
        Span<double> u = stackalloc double[3];

        // Node block: ∂h_i/∂p_i = σ'(z) W_V · p_i/m_i.
        int nv = Node.Width;
        for (int i = 0; i < n; i++)
        {
            x[0] = NodeScalar(s.P, s.Mass, i, d);
            Node.Forward(x[..1], z[..nv], v[..nv], dv[..nv]);
            TensorPrimitives.Multiply(dv[..nv], Node.Column(0), dv[..nv]);
            for (int a = 0; a < d; a++)
            {
                var row = jp.Slice((i * d + a) * stride, nv);
                TensorPrimitives.MultiplyAdd(dv[..nv], s.P[i * d + a] / s.Mass[i], row, row);
            }
        }

        int ne = Edge.Width, nm = Message.Width;
        var t = new TScratch(ws, nm);
        var edges = s.Edges;
        for (int e = 0; e < edges.Count; e++)
        {
            double r = edges.R[e];
            int I = edges.I[e], J = edges.J[e];
            // Edge block: Σ over both directions of σ(W_E r + b_E) = 2σ(...); ∂r/∂q_J = û, ∂r/∂q_I = −û.
            x[0] = r;
            Edge.Forward(x[..1], z[..ne], v[..ne], dv[..ne]);
            TensorPrimitives.Multiply(dv[..ne], Edge.Column(0), dv[..ne]);
            for (int a = 0; a < d; a++)
            {
                double c = 2 * edges.Dr[e * d + a] / r;
                var rowJ = jq.Slice((J * d + a) * stride + EdgeStart, ne);
                var rowI = jq.Slice((I * d + a) * stride + EdgeStart, ne);
                TensorPrimitives.MultiplyAdd(dv[..ne], c, rowJ, rowJ);
                TensorPrimitives.MultiplyAdd(dv[..ne], -c, rowI, rowI);
            }
            for (int dir = 0; dir < 2; dir++)
            {
                (int i, int j) = Direction(edges, e, dir, u);
                MessageScalars(s.P, s.Mass, i, j, u[..d], r, d, x);
                Message.Forward(x, z[..nm], v[..nm], dv[..nm]);
                // t_l = σ'(z) ⊙ W_M[:, l]: the sensitivity of the messages to input l.
                for (int l = 0; l < MessageInputs; l++) TensorPrimitives.Multiply(dv[..nm], Message.Column(l), t[l]);
                double ai = x[4], aj = x[5], mi = s.Mass[i], mj = s.Mass[j];
                for (int a = 0; a < d; a++)
                {
                    double pia = s.P[i * d + a], pja = s.P[j * d + a], ua = u[a];
                    // ∂A_i/∂p_i = p_i/m_i, ∂(p_i·p_j)/∂p_i = p_j, ∂(p_i·û)/∂p_i = û; symmetric for p_j.
                    LinearCombination.Apply(jp.Slice((i * d + a) * stride + MessageStart, nm), pia / mi, t[0], pja, t[3], ua, t[4]);
                    LinearCombination.Apply(jp.Slice((j * d + a) * stride + MessageStart, nm), pja / mj, t[1], pia, t[3], ua, t[5]);
                    // ∂r/∂q_j = û, ∂(p·û)/∂q_j = (p − (p·û)û)/r; the q_i derivatives are their negatives.
                    double cr = ua, ci = (pia - ai * ua) / r, cj = (pja - aj * ua) / r;
                    LinearCombination.Apply(jq.Slice((j * d + a) * stride + MessageStart, nm), cr, t[2], ci, t[4], cj, t[5]);
                    LinearCombination.Apply(jq.Slice((i * d + a) * stride + MessageStart, nm), -cr, t[2], -ci, t[4], -cj, t[5]);
                }
            }
        }
    }

    /// <summary>The six sensitivity vectors t_l, views into workspace buffers 3..8.</summary>
    private readonly ref struct TScratch
    {
        private readonly FeatureWorkspace _ws;
        private readonly int _n;
        public TScratch(FeatureWorkspace ws, int n) { _ws = ws; _n = n; }
        public Span<double> this[int l] => _ws.Buffer(3 + l, _n);
    }

    public double EvaluateGradient(Snapshot s, ReadOnlySpan<double> theta, Span<double> dHdq, Span<double> dHdp, FeatureWorkspace ws)
    {
        int d = Dimension, n = s.Particles;
        bool wantQ = !dHdq.IsEmpty, wantP = !dHdp.IsEmpty;
        if (wantQ) dHdq[..(n * d)].Clear();
        if (wantP) dHdp[..(n * d)].Clear();
        int W = ws.Width;
        Span<double> z = ws.Buffer(0, W), v = ws.Buffer(1, W), dv = ws.Buffer(2, W);
        Span<double> x = stackalloc double[MessageInputs];
        Span<double> g = stackalloc double[MessageInputs];
        Span<double> u = stackalloc double[3];
        double h = 0;

        int nv = Node.Width;
        var thV = theta.Slice(0, nv);
        for (int i = 0; i < n; i++)
        {
            x[0] = NodeScalar(s.P, s.Mass, i, d);
            Node.Forward(x[..1], z[..nv], v[..nv], dv[..nv]);
            h += DotProduct.Apply(thV, v[..nv]);
            if (!wantP) continue;
            TensorPrimitives.Multiply(dv[..nv], thV, dv[..nv]);
            double dA = DotProduct.Apply(dv[..nv], Node.Column(0));
            for (int a = 0; a < d; a++) dHdp[i * d + a] += dA * s.P[i * d + a] / s.Mass[i];
        }

        int ne = Edge.Width, nm = Message.Width;
        var thE = theta.Slice(EdgeStart, ne);
        var thM = theta.Slice(MessageStart, nm);
        var edges = s.Edges;
        for (int e = 0; e < edges.Count; e++)
        {
            double r = edges.R[e];
            int I = edges.I[e], J = edges.J[e];
            x[0] = r;
            Edge.Forward(x[..1], z[..ne], v[..ne], dv[..ne]);
            h += 2 * DotProduct.Apply(thE, v[..ne]);
            if (wantQ)
            {
                TensorPrimitives.Multiply(dv[..ne], thE, dv[..ne]);
                double dR = 2 * DotProduct.Apply(dv[..ne], Edge.Column(0));
                for (int a = 0; a < d; a++)
                {
                    double f = dR * edges.Dr[e * d + a] / r;
                    dHdq[J * d + a] += f;
                    dHdq[I * d + a] -= f;
                }
            }
            for (int dir = 0; dir < 2; dir++)
            {
                (int i, int j) = Direction(edges, e, dir, u);
                MessageScalars(s.P, s.Mass, i, j, u[..d], r, d, x);
                Message.Forward(x, z[..nm], v[..nm], dv[..nm]);
                h += DotProduct.Apply(thM, v[..nm]);
                if (!wantQ && !wantP) continue;
                // g_l = Σ_k θ_k σ'(z_k) W_M[k, l]: ∂Ĥ/∂x_l for this message.
                TensorPrimitives.Multiply(dv[..nm], thM, dv[..nm]);
                for (int l = 0; l < MessageInputs; l++) g[l] = DotProduct.Apply(dv[..nm], Message.Column(l));
                double ai = x[4], aj = x[5], mi = s.Mass[i], mj = s.Mass[j];
                for (int a = 0; a < d; a++)
                {
                    double pia = s.P[i * d + a], pja = s.P[j * d + a], ua = u[a];
                    if (wantP)
                    {
                        dHdp[i * d + a] += g[0] * pia / mi + g[3] * pja + g[4] * ua;
                        dHdp[j * d + a] += g[1] * pja / mj + g[3] * pia + g[5] * ua;
                    }
                    if (wantQ)
                    {
                        double f = g[2] * ua + g[4] * (pia - ai * ua) / r + g[5] * (pja - aj * ua) / r;
                        dHdq[j * d + a] += f;
                        dHdq[i * d + a] -= f;
                    }
                }
            }
        }
        return h;
    }
}
