// Ground truth: point masses joined by springs of one pair potential, H = Σ|p_i|²/(2m_i) + Σ_edges V(r_ij).
using Engine.Common;

namespace Engine.Simulation;

/// <summary>
/// N particles in d dimensions with masses m_i, joined along undirected edges by springs of one
/// <see cref="SpringPotential"/>: H = Σ_i |p_i|²/(2m_i) + Σ_(i,j) V(|q_j − q_i|), with the exact gradient.
/// Open boundaries. Holds no scratch, so Evaluate allocates nothing and the instance is thread-safe.
/// </summary>
public sealed class SpringNetwork : IHamiltonian
{
    private readonly double[] _mass;
    private readonly int[] _edges;

    public int Particles { get; }
    public int Dimension { get; }
    /// <summary>Always true: H = T(p) + V(q).</summary>
    public bool IsSeparable => true;
    /// <summary>Masses <c>[N]</c> (a copy is held; do not mutate the returned array).</summary>
    public double[] Mass => _mass;
    /// <summary>Undirected springs <c>[E, 2]</c> flattened (a copy is held; do not mutate the returned array).</summary>
    public int[] Edges => _edges;
    public SpringPotential Potential { get; }

    /// <param name="mass">Masses <c>[N]</c>, positive.</param>
    /// <param name="dimension">d ∈ {1, 2, 3}.</param>
    /// <param name="edges">Undirected pairs <c>[E, 2]</c> flattened, i ≠ j (i &lt; j by convention), as in PhaseSpaceData.Edges.</param>
    /// <param name="potential">The energy of every spring.</param>
    public SpringNetwork(double[] mass, int dimension, int[] edges, SpringPotential potential)
    {
        SystemChecks.Particles(nameof(SpringNetwork), mass, dimension);
        SystemChecks.Edges(nameof(SpringNetwork), edges, mass.Length);
        ArgumentNullException.ThrowIfNull(potential);
        _mass = (double[])mass.Clone();
        _edges = (int[])edges.Clone();
        Particles = mass.Length;
        Dimension = dimension;
        Potential = potential;
    }

    /// <summary>Equal masses <paramref name="mass"/> for <paramref name="particles"/> particles.</summary>
    public SpringNetwork(int particles, int dimension, int[] edges, SpringPotential potential, double mass = 1)
        : this(Filled(particles, mass), dimension, edges, potential) { }

    /// <inheritdoc/>
    public double Evaluate(ReadOnlySpan<double> q, ReadOnlySpan<double> p, Span<double> dHdq, Span<double> dHdp)
    {
        int d = Dimension;
        SystemChecks.State(Particles * d, q, p, dHdq, dHdp);
        bool wantQ = dHdq.Length != 0, wantP = dHdp.Length != 0;

        double kinetic = KineticEnergy.Evaluate(p, _mass, d, dHdp);

        if (wantQ) dHdq.Clear();
        double potential = 0;
        for (int e = 0; e < _edges.Length; e += 2)
        {
            int i = _edges[e], j = _edges[e + 1];
            double r2 = 0;
            for (int a = 0; a < d; a++) { double x = q[j * d + a] - q[i * d + a]; r2 += x * x; }
            double r = Math.Sqrt(r2);
            potential += Potential.Evaluate(r, out double dVdr);
            if (!wantQ) continue;
            if (r == 0) throw SystemChecks.Coincident(i, j);
            // ∂V/∂q_j = V'(r) (q_j − q_i)/r and ∂V/∂q_i is its negative.
            double s = dVdr / r;
            for (int a = 0; a < d; a++)
            {
                double g = s * (q[j * d + a] - q[i * d + a]);
                dHdq[j * d + a] += g;
                dHdq[i * d + a] -= g;
            }
        }
        return kinetic + potential;
    }

    internal static double[] Filled(int n, double value)
    {
        if (n <= 0) throw new InvalidInputException($"particle count {n} must be positive");
        var a = new double[n];
        Array.Fill(a, value);
        return a;
    }
}
