// The separable, MD-ready family: H = Σ_i T(p_i) + Σ_pairs f_c(r) Σ_k θ_k σ(w_k r + b_k), per species pair.
using System.Numerics.Tensors;
using Engine.Features.Kernels;

namespace Engine.Features;

/// <summary>
/// Features of a separable Hamiltonian H = T(p) + V(q):
/// <list type="bullet">
/// <item>kinetic block: per species s, the column <c>Σ_{i∈s} |p_i|²/(2 m_i)</c> (its coefficient is 1 for Newtonian data);</item>
/// <item>pair block: per unordered species pair t and neuron k, the column <c>Σ_{pairs of type t} f_c(r) σ(w_k r + b_k)</c>.</item>
/// </list>
/// With a cutoff r_c, <c>f_c(r) = (1 − (r/r_c)²)²</c> makes energy and force vanish continuously at r_c; a fixed
/// topology uses f_c = 1. Every column is invariant under translation, rotation and permutation, so Σ forces = 0.
/// </summary>
public sealed class PairPotentialFeatures : IFeatureMap, IParticleRangeJacobian
{
    public ModelFamily Family => ModelFamily.Pair;
    public int Dimension { get; }
    public int SpeciesCount { get; }
    /// <summary>The radial layer, one input (r), shared by all species pairs.</summary>
    public DenseLayer Radial { get; }
    /// <summary>Smooth cutoff radius, or 0 for none (fixed topology).</summary>
    public double Cutoff { get; }
    public int PairTypes => SpeciesCount * (SpeciesCount + 1) / 2;
    public int FeatureCount => SpeciesCount + PairTypes * Radial.Width;
    public bool IsSeparable => true;
    public IReadOnlyList<FeatureBlock> Blocks { get; }

    public PairPotentialFeatures(int dimension, int speciesCount, DenseLayer radial, double cutoff)
    {
        if (radial.Inputs != 1) throw new ArgumentException("the radial layer takes one input (r)");
        Dimension = dimension; SpeciesCount = speciesCount; Radial = radial; Cutoff = cutoff;
        Blocks =
        [
            new FeatureBlock("kinetic", 0, speciesCount, FeatureDependence.Momenta),
            new FeatureBlock("pair", speciesCount, PairTypes * radial.Width, FeatureDependence.Positions),
        ];
    }

    /// <summary>Index of the unordered species pair (a, b) in [0, PairTypes).</summary>
    public int PairType(int a, int b)
    {
        if (a > b) (a, b) = (b, a);
        return a * SpeciesCount - a * (a - 1) / 2 + (b - a);
    }

    /// <summary>The radial inputs of every pair in the snapshot (for sampling): appends r.</summary>
    public static void CollectRadialInputs(Graph.EdgeBuffer edges, List<double> into)
    {
        for (int e = 0; e < edges.Count; e++) into.Add(edges.R[e]);
    }

    /// <summary>
    /// Appends the r of at most <paramref name="count"/> pairs: all of them when there are no more, else the evenly
    /// strided subset e = ⌊k·E/count⌋, k &lt; count (deterministic, and spread over every particle's pairs, which the
    /// buffer holds in (i, j) order).
    /// </summary>
    public static void CollectRadialInputs(Graph.EdgeBuffer edges, List<double> into, int count)
    {
        if (edges.Count <= count) { CollectRadialInputs(edges, into); return; }
        for (long k = 0; k < count; k++) into.Add(edges.R[(int)(k * edges.Count / count)]);
    }

    /// <summary>Buffers 0–3: per-edge vectors over the width; 4 + t: θ∘w of pair type t (gradient path).</summary>
    public FeatureWorkspace CreateWorkspace() => new(4 + PairTypes, Radial.Width);

    /// <summary>f_c(r) and its derivative; (1, 0) without a cutoff.</summary>
    public (double F, double DF) CutoffFunction(double r)
    {
        if (Cutoff <= 0) return (1, 0);
        if (r >= Cutoff) return (0, 0);
        double x = r / Cutoff, u = 1 - x * x;
        return (u * u, -4 * x * u / Cutoff);
    }

    public void Evaluate(Snapshot s, Span<double> phi, FeatureWorkspace ws)
    {
        phi[..FeatureCount].Clear();
        AddKinetic(s, phi);
        int W = Radial.Width;
        Span<double> z = ws.Buffer(0, W), v = ws.Buffer(1, W);
        Span<double> x = stackalloc double[1];
        var edges = s.Edges;
        for (int e = 0; e < edges.Count; e++)
        {
            (double fc, _) = CutoffFunction(edges.R[e]);
            if (fc == 0) continue;
            x[0] = edges.R[e];
            Radial.Forward(x, z, v, default);
            int col = SpeciesCount + PairType(s.Species[edges.I[e]], s.Species[edges.J[e]]) * W;
            TensorPrimitives.MultiplyAdd(v, fc, phi.Slice(col, W), phi.Slice(col, W));
        }
    }

    private void AddKinetic(Snapshot s, Span<double> phi)
    {
        int d = Dimension;
        for (int i = 0; i < s.Particles; i++)
        {
            double p2 = 0;
            for (int a = 0; a < d; a++) p2 += s.P[i * d + a] * s.P[i * d + a];
            phi[s.Species[i]] += p2 / (2 * s.Mass[i]);
        }
    }

    public void EvaluateJacobian(Snapshot s, Span<double> jp, Span<double> jq, int stride, FeatureWorkspace ws)
    {
        int d = Dimension, n = s.Particles, F = FeatureCount, W = Radial.Width;
        for (int row = 0; row < n * d; row++)
        {
            jp.Slice(row * stride, F).Clear();
            jq.Slice(row * stride, F).Clear();
        }
        for (int i = 0; i < n; i++)
            for (int a = 0; a < d; a++)
                jp[(i * d + a) * stride + s.Species[i]] = s.P[i * d + a] / s.Mass[i];

        Span<double> g = ws.Buffer(3, W);
        var edges = s.Edges;
        for (int e = 0; e < edges.Count; e++)
        {
            if (!EdgeDerivative(edges.R[e], g, ws)) continue;
            double r = edges.R[e];
            int col = SpeciesCount + PairType(s.Species[edges.I[e]], s.Species[edges.J[e]]) * W;
            int i = edges.I[e], j = edges.J[e];
            for (int a = 0; a < d; a++)
            {
                double u = edges.Dr[e * d + a] / r;   // ∂r/∂q_j = û, ∂r/∂q_i = −û
                var rowJ = jq.Slice((j * d + a) * stride + col, W);
                var rowI = jq.Slice((i * d + a) * stride + col, W);
                TensorPrimitives.MultiplyAdd(g, u, rowJ, rowJ);
                TensorPrimitives.MultiplyAdd(g, -u, rowI, rowI);
            }
        }
    }

    /// <summary>
    /// Rows of a block of particles only (see <see cref="IParticleRangeJacobian"/>), from their incident edges. An edge with
    /// both ends in the block is evaluated once (from its lower index); one that leaves the block is evaluated by every
    /// block it touches.
    /// </summary>
    public void EvaluateJacobianRows(Snapshot s, EdgeIncidence incidence, int first, int count, Span<double> jp, Span<double> jq, int stride, FeatureWorkspace ws)
    {
        int d = Dimension, F = FeatureCount, W = Radial.Width;
        if (incidence.Particles != s.Particles) throw new ArgumentException("the incidence lists were built for another snapshot", nameof(incidence));
        incidence.SelectBlock(first, count);
        var members = incidence.Order.Slice(first, count);
        for (int row = 0; row < count * d; row++)
        {
            jp.Slice(row * stride, F).Clear();
            jq.Slice(row * stride, F).Clear();
        }
        for (int m = 0; m < count; m++)
        {
            int i = members[m];
            for (int a = 0; a < d; a++)
                jp[(m * d + a) * stride + s.Species[i]] = s.P[i * d + a] / s.Mass[i];
        }

        Span<double> g = ws.Buffer(3, W);
        var edges = s.Edges;
        foreach (int p in members)
        {
            foreach (int e in incidence.EdgesOf(p))
            {
                int i = edges.I[e], j = edges.J[e];
                int mi = incidence.MemberIndex(i), mj = incidence.MemberIndex(j);
                if (mi >= 0 && mj >= 0 && Math.Min(i, j) != p) continue;   // already done from its lower end
                if (!EdgeDerivative(edges.R[e], g, ws)) continue;
                double r = edges.R[e];
                int col = SpeciesCount + PairType(s.Species[i], s.Species[j]) * W;
                for (int a = 0; a < d; a++)
                {
                    double u = edges.Dr[e * d + a] / r;
                    if (mj >= 0)
                    {
                        var rowJ = jq.Slice((mj * d + a) * stride + col, W);
                        TensorPrimitives.MultiplyAdd(g, u, rowJ, rowJ);
                    }
                    if (mi >= 0)
                    {
                        var rowI = jq.Slice((mi * d + a) * stride + col, W);
                        TensorPrimitives.MultiplyAdd(g, -u, rowI, rowI);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Adds to <paramref name="phi"/> <c>[F]</c> the part of <see cref="Evaluate"/> owned by the block of particles
    /// <c>incidence.Order[first .. first + count)</c>: the kinetic terms of its particles and the pair terms of its edges
    /// whose lower index is in the block. Over the blocks of a partition of the particles each term is added once, so the
    /// sum is Φ of the whole snapshot (up to the order of floating-point sums), with only each block's edges at hand.
    /// <paramref name="incidence"/> must list <c>s.Edges</c> for this block (<see cref="EdgeIncidence.Build"/> or
    /// <see cref="EdgeIncidence.BuildBlock"/>); its block selection is changed.
    /// </summary>
    public void AddBlockFeatures(Snapshot s, EdgeIncidence incidence, int first, int count, Span<double> phi, FeatureWorkspace ws)
    {
        int d = Dimension, W = Radial.Width;
        if (incidence.Particles != s.Particles) throw new ArgumentException("the incidence lists were built for another snapshot", nameof(incidence));
        incidence.SelectBlock(first, count);
        var members = incidence.Order.Slice(first, count);
        foreach (int i in members)
        {
            double p2 = 0;
            for (int a = 0; a < d; a++) p2 += s.P[i * d + a] * s.P[i * d + a];
            phi[s.Species[i]] += p2 / (2 * s.Mass[i]);
        }
        Span<double> z = ws.Buffer(0, W), v = ws.Buffer(1, W);
        Span<double> x = stackalloc double[1];
        var edges = s.Edges;
        foreach (int p in members)
            foreach (int e in incidence.EdgesOf(p))
            {
                int i = edges.I[e], j = edges.J[e];
                if (Math.Min(i, j) != p) continue;
                (double fc, _) = CutoffFunction(edges.R[e]);
                if (fc == 0) continue;
                x[0] = edges.R[e];
                Radial.Forward(x, z, v, default);
                int col = SpeciesCount + PairType(s.Species[i], s.Species[j]) * W;
                TensorPrimitives.MultiplyAdd(v, fc, phi.Slice(col, W), phi.Slice(col, W));
            }
    }

    /// <summary>
    /// g_k = d/dr [f_c(r) σ(w_k r + b_k)] = f_c' σ_k + f_c σ'_k w_k into <paramref name="g"/> <c>[W]</c> (workspace buffers
    /// 0–2 are scratch); false, with g undefined, when the pair is beyond the cutoff and contributes nothing.
    /// </summary>
    private bool EdgeDerivative(double r, Span<double> g, FeatureWorkspace ws)
    {
        int W = Radial.Width;
        (double fc, double dfc) = CutoffFunction(r);
        if (fc == 0 && dfc == 0) return false;
        Span<double> z = ws.Buffer(0, W), v = ws.Buffer(1, W), dv = ws.Buffer(2, W);
        Span<double> x = stackalloc double[1];
        x[0] = r;
        Radial.Forward(x, z, v, dv);
        TensorPrimitives.Multiply(dv, Radial.Column(0), g);
        TensorPrimitives.Multiply(g, fc, g);
        TensorPrimitives.MultiplyAdd(v, dfc, g, g);
        return true;
    }

    public double EvaluateGradient(Snapshot s, ReadOnlySpan<double> theta, Span<double> dHdq, Span<double> dHdp, FeatureWorkspace ws)
        => EvaluateKinetic(s, theta, dHdp) + EvaluatePotential(s, theta, dHdq, ws);

    /// <summary>
    /// The kinetic part <c>T̂(p) = Σ_i θ_{s_i} |p_i|²/(2 m_i)</c> (θ <c>[F]</c>, its first <see cref="SpeciesCount"/> entries
    /// used); overwrites <paramref name="dHdp"/> <c>[N·d]</c> with ∂T̂/∂p unless it is empty.
    /// </summary>
    public double EvaluateKinetic(Snapshot s, ReadOnlySpan<double> theta, Span<double> dHdp)
    {
        int d = Dimension, n = s.Particles;
        double h = 0;
        for (int i = 0; i < n; i++)
        {
            double c = theta[s.Species[i]], p2 = 0;
            for (int a = 0; a < d; a++)
            {
                double pa = s.P[i * d + a];
                p2 += pa * pa;
                if (!dHdp.IsEmpty) dHdp[i * d + a] = c * pa / s.Mass[i];
            }
            h += c * p2 / (2 * s.Mass[i]);
        }
        return h;
    }

    /// <summary>
    /// <see cref="EvaluatePotential"/> with the outputs an MD host wants, each optional (empty = not requested) and
    /// overwritten: <paramref name="forces"/> <c>[N·d]</c> = −∂V̂/∂q; <paramref name="virial"/> <c>[6]</c> (d = 3 only)
    /// = Σ_pairs r_ij ⊗ f_ij in the order xx, yy, zz, xy, xz, yz with LAMMPS's sign (positive for repulsion:
    /// <c>W_ab = −Σ_pairs (dV/dr) Δr_a Δr_b / r</c>); <paramref name="perAtom"/> <c>[N]</c> gives each atom half of each
    /// of its pair energies, so it sums to V̂. The energy is summed in the same order as <see cref="EvaluatePotential"/>.
    /// </summary>
    public double EvaluatePotentialTerms(Snapshot s, ReadOnlySpan<double> theta, Span<double> forces, Span<double> virial,
                                         Span<double> perAtom, FeatureWorkspace ws)
    {
        int d = Dimension, n = s.Particles, W = Radial.Width;
        bool wantVirial = !virial.IsEmpty, wantPerAtom = !perAtom.IsEmpty;
        bool gradient = !forces.IsEmpty || wantVirial;
        if (wantVirial && d != 3) throw new Common.InvalidInputException($"the virial is defined here for d = 3 only; this model has d = {d}");
        if (!forces.IsEmpty) forces[..(n * d)].Clear();
        if (wantVirial) virial[..6].Clear();
        if (wantPerAtom) perAtom[..n].Clear();
        Span<double> z = ws.Buffer(0, W), v = ws.Buffer(1, W), dv = gradient ? ws.Buffer(2, W) : default;
        Span<double> x = stackalloc double[1];
        ReadOnlySpan<double> w = Radial.Column(0);
        // θ∘w of every pair type, once per call rather than once per edge: dV/dr = f_c' θ·σ + f_c (θ∘w)·σ'.
        if (gradient)
            for (int t = 0; t < PairTypes; t++)
                TensorPrimitives.Multiply(theta.Slice(SpeciesCount + t * W, W), w, ws.Buffer(4 + t, W));
        double h = 0;
        var edges = s.Edges;
        for (int e = 0; e < edges.Count; e++)
        {
            double r = edges.R[e];
            (double fc, double dfc) = CutoffFunction(r);
            if (fc == 0 && dfc == 0) continue;
            x[0] = r;
            Radial.Forward(x, z, v, dv);
            int i = edges.I[e], j = edges.J[e];
            int type = PairType(s.Species[i], s.Species[j]);
            double phiE = DotProduct.Apply(theta.Slice(SpeciesCount + type * W, W), v);
            double pairEnergy = fc * phiE;
            h += pairEnergy;
            if (wantPerAtom) { perAtom[i] += 0.5 * pairEnergy; perAtom[j] += 0.5 * pairEnergy; }
            if (!gradient) continue;
            double dVdr = dfc * phiE + fc * DotProduct.Apply(ws.Buffer(4 + type, W), dv);
            if (!forces.IsEmpty)
                for (int a = 0; a < d; a++)
                {
                    double f = dVdr * edges.Dr[e * d + a] / r;
                    forces[j * d + a] -= f;
                    forces[i * d + a] += f;
                }
            if (wantVirial)
            {
                double fpair = -dVdr / r;
                double dx = edges.Dr[e * 3], dy = edges.Dr[e * 3 + 1], dz = edges.Dr[e * 3 + 2];
                virial[0] += dx * dx * fpair; virial[1] += dy * dy * fpair; virial[2] += dz * dz * fpair;
                virial[3] += dx * dy * fpair; virial[4] += dx * dz * fpair; virial[5] += dy * dz * fpair;
            }
        }
        return h;
    }

    /// <summary>
    /// The potential part <c>V̂(q) = Σ_pairs f_c(r) Σ_k θ_k σ(w_k r + b_k)</c> over the snapshot's edges (momenta unused);
    /// overwrites <paramref name="dHdq"/> <c>[N·d]</c> with ∂V̂/∂q unless it is empty (then σ' is not evaluated at all).
    /// </summary>
    public double EvaluatePotential(Snapshot s, ReadOnlySpan<double> theta, Span<double> dHdq, FeatureWorkspace ws)
    {
        // ∂V̂/∂q is minus the force, and negation is exact: the same bits as summing +f into dHdq directly.
        double h = EvaluatePotentialTerms(s, theta, dHdq, default, default, ws);
        if (!dHdq.IsEmpty) TensorPrimitives.Negate(dHdq[..(s.Particles * Dimension)], dHdq[..(s.Particles * Dimension)]);
        return h;
    }
}
