// Ground truth with momentum–position coupling (method.md §10.1): a non-separable, invariant spring Hamiltonian.
using Engine.Common;

namespace Engine.Simulation;

/// <summary>
/// H = Σ_i ½|p_i|²/m_i + Σ_(i,j) [½(r − L)² + (r − L)(p_i·p_j) + ½(p_i·û)(p_j·û)], with r = |q_j − q_i|,
/// û = (q_j − q_i)/r and L = 1 by default: the "non-separable relabelling" of method.md §10.1, invariant under
/// rotations, translations and permutations, with exact analytic gradients in q and p. Every term is symmetric
/// in i ↔ j, so the orientation of an edge does not matter. Holds no heap scratch; thread-safe.
/// </summary>
public sealed class NonSeparableSprings : IHamiltonian
{
    private readonly double[] _mass;
    private readonly int[] _edges;

    public int Particles { get; }
    public int Dimension { get; }
    /// <summary>Always false: the spring terms couple p to q.</summary>
    public bool IsSeparable => false;
    /// <summary>Masses <c>[N]</c> (a copy is held; do not mutate the returned array).</summary>
    public double[] Mass => _mass;
    /// <summary>Undirected springs <c>[E, 2]</c> flattened (a copy is held; do not mutate the returned array).</summary>
    public int[] Edges => _edges;
    /// <summary>Rest length L of every spring.</summary>
    public double RestLength { get; }

    /// <param name="mass">Masses <c>[N]</c>, positive.</param>
    /// <param name="dimension">d ∈ {1, 2, 3}.</param>
    /// <param name="edges">Undirected pairs <c>[E, 2]</c> flattened, i ≠ j (i &lt; j by convention).</param>
    /// <param name="restLength">L in (r − L); 1 in method.md §10.1.</param>
    public NonSeparableSprings(double[] mass, int dimension, int[] edges, double restLength = 1)
    {
        SystemChecks.Particles(nameof(NonSeparableSprings), mass, dimension);
        SystemChecks.Edges(nameof(NonSeparableSprings), edges, mass.Length);
        if (!(restLength >= 0 && double.IsFinite(restLength)))
            throw new InvalidInputException($"{nameof(NonSeparableSprings)}: rest length is {restLength}; it must be a finite length ≥ 0");
        _mass = (double[])mass.Clone();
        _edges = (int[])edges.Clone();
        Particles = mass.Length;
        Dimension = dimension;
        RestLength = restLength;
    }

    /// <summary>Equal masses <paramref name="mass"/> for <paramref name="particles"/> particles.</summary>
    public NonSeparableSprings(int particles, int dimension, int[] edges, double restLength = 1, double mass = 1)
        : this(SpringNetwork.Filled(particles, mass), dimension, edges, restLength) { }

    /// <inheritdoc/>
    public double Evaluate(ReadOnlySpan<double> q, ReadOnlySpan<double> p, Span<double> dHdq, Span<double> dHdp)
    {
        int d = Dimension;
        SystemChecks.State(Particles * d, q, p, dHdq, dHdp);
        bool wantQ = dHdq.Length != 0, wantP = dHdp.Length != 0;

        double h = KineticEnergy.Evaluate(p, _mass, d, dHdp);

        if (wantQ) dHdq.Clear();
        Span<double> u = stackalloc double[3];
        for (int e = 0; e < _edges.Length; e += 2)
        {
            int i = _edges[e], j = _edges[e + 1];
            int oi = i * d, oj = j * d;
            double r2 = 0;
            for (int a = 0; a < d; a++) { u[a] = q[oj + a] - q[oi + a]; r2 += u[a] * u[a]; }
            double r = Math.Sqrt(r2);
            if (r == 0) throw SystemChecks.Coincident(i, j);
            double c = 0, ai = 0, aj = 0;
            for (int a = 0; a < d; a++)
            {
                u[a] /= r;
                c += p[oi + a] * p[oj + a];
                ai += p[oi + a] * u[a];
                aj += p[oj + a] * u[a];
            }
            double s = r - RestLength;
            h += 0.5 * s * s + s * c + 0.5 * ai * aj;

            if (wantP)
            {
                // ∂/∂p_i = s p_j + ½(p_j·û) û, and symmetrically for p_j.
                for (int a = 0; a < d; a++)
                {
                    dHdp[oi + a] += s * p[oj + a] + 0.5 * aj * u[a];
                    dHdp[oj + a] += s * p[oi + a] + 0.5 * ai * u[a];
                }
            }
            if (wantQ)
            {
                // ∂r/∂q_j = û and ∂(p·û)/∂q_j = (p − (p·û)û)/r, so
                // ∂/∂q_j = (s + p_i·p_j) û + [a_j p_i + a_i p_j − 2 a_i a_j û]/(2r); ∂/∂q_i is its negative.
                double radial = s + c - ai * aj / r, half = 0.5 / r;
                for (int a = 0; a < d; a++)
                {
                    double g = radial * u[a] + half * (aj * p[oi + a] + ai * p[oj + a]);
                    dHdq[oj + a] += g;
                    dHdq[oi + a] -= g;
                }
            }
        }
        return h;
    }
}
