// Plain force-shifted Lennard-Jones over an edge list, written like the pair model's kernel, as its cost baseline.
using Engine.Graph;

namespace Engine.Benchmarks;

/// <summary>
/// V = Σ_pairs V_fs(r) and ∂V/∂q for the force-shifted LJ potential (same formula as
/// <see cref="Simulation.LennardJones.Pair"/>), looping over a prebuilt <see cref="EdgeBuffer"/> exactly as
/// <see cref="Features.PairPotentialFeatures.EvaluatePotential"/> does, so the two time the same loop structure
/// with a different per-pair formula. Reduced units.
/// </summary>
public static class LennardJonesEdgeKernel
{
    /// <summary>Floating-point operations per pair (see the loop: 3 for x², 2 for x⁶ and x¹², 5 for V, 6 for V′/r, 9 for the scatter, 3 for the cutoff shift).</summary>
    public const int FlopsPerPair = 28;

    /// <param name="edges">Pairs with I, J, Dr = q_J − q_I (minimum image) <c>[E·3]</c> and R <c>[E]</c>; all r &lt; <paramref name="cutoff"/>.</param>
    /// <param name="particles">N; <paramref name="dVdq"/> is <c>[N·3]</c>, overwritten.</param>
    /// <param name="epsilon">Well depth ε.</param>
    /// <param name="sigma">Length scale σ.</param>
    /// <param name="cutoff">Cutoff radius; V is shifted to 0 there.</param>
    /// <param name="dVdq">∂V/∂q, <c>[N·3]</c>, overwritten.</param>
    /// <returns>V(q).</returns>
    public static double Evaluate(EdgeBuffer edges, int particles, double epsilon, double sigma, double cutoff, Span<double> dVdq)
    {
        dVdq[..(3 * particles)].Clear();
        double s2 = sigma * sigma, e4 = 4 * epsilon, e24 = 24 * epsilon;
        double xc2 = s2 / (cutoff * cutoff), xc6 = xc2 * xc2 * xc2;
        double vc = e4 * (xc6 * xc6 - xc6), dvc = -e24 * (2 * xc6 * xc6 - xc6) / cutoff;
        var I = edges.I; var J = edges.J; var dr = edges.Dr; var R = edges.R;
        double v = 0;
        for (int e = 0; e < edges.Count; e++)
        {
            double r = R[e];
            double x2 = s2 / (r * r);
            double x6 = x2 * x2 * x2;
            double x12 = x6 * x6;
            v += e4 * (x12 - x6) - vc - (r - cutoff) * dvc;
            double f = (-e24 * (2 * x12 - x6) / r - dvc) / r;
            int i3 = 3 * I[e], j3 = 3 * J[e], e3 = 3 * e;
            for (int a = 0; a < 3; a++)
            {
                double ga = f * dr[e3 + a];
                dVdq[j3 + a] += ga;
                dVdq[i3 + a] -= ga;
            }
        }
        return v;
    }
}
