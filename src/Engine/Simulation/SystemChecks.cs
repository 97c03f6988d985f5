// Argument checks shared by the ground-truth systems: masses, dimension, edge lists, state sizes.
using Engine.Common;

namespace Engine.Simulation;

internal static class SystemChecks
{
    /// <summary>Masses must be positive and finite; dimension 1–3.</summary>
    public static void Particles(string owner, double[] mass, int dimension)
    {
        ArgumentNullException.ThrowIfNull(mass);
        if (mass.Length == 0) throw new InvalidInputException($"{owner}: no particles; give at least one mass");
        for (int i = 0; i < mass.Length; i++)
            if (!(mass[i] > 0 && double.IsFinite(mass[i])))
                throw new InvalidInputException($"{owner}: mass {i} is {mass[i]}; masses must be positive and finite");
        if (dimension is < 1 or > 3)
            throw new InvalidInputException($"{owner}: dimension {dimension} is not supported; use d = 1, 2 or 3");
    }

    /// <summary>Edges are flattened pairs [E, 2] of distinct particles in range (either order; i &lt; j by convention).</summary>
    public static void Edges(string owner, int[] edges, int particles)
    {
        ArgumentNullException.ThrowIfNull(edges);
        if (edges.Length % 2 != 0)
            throw new InvalidInputException($"{owner}: edge list has odd length {edges.Length}; it must be flattened pairs (i, j)");
        for (int e = 0; e < edges.Length / 2; e++)
        {
            int i = edges[2 * e], j = edges[2 * e + 1];
            if (i < 0 || i >= particles || j < 0 || j >= particles)
                throw new InvalidInputException($"{owner}: edge {e} = ({i}, {j}) indexes outside [0, {particles}); every edge must join two existing particles");
            if (i == j)
                throw new InvalidInputException($"{owner}: edge {e} = ({i}, {j}) joins a particle to itself");
        }
    }

    /// <summary>Input state spans must hold N·d values; output spans N·d or be empty.</summary>
    public static void State(int size, ReadOnlySpan<double> q, ReadOnlySpan<double> p, Span<double> dHdq, Span<double> dHdp)
    {
        if (q.Length != size || p.Length != size || (dHdq.Length != 0 && dHdq.Length != size) || (dHdp.Length != 0 && dHdp.Length != size))
            throw new ArgumentException($"state spans must hold N·d = {size} values (gradients: {size} or empty); got q {q.Length}, p {p.Length}, dH/dq {dHdq.Length}, dH/dp {dHdp.Length}");
    }

    public static EngineException Coincident(int i, int j) =>
        new($"particles {i} and {j} of a spring coincide (r = 0), so the spring direction is undefined; the trajectory has collapsed (reduce the time step or the initial amplitudes)");
}
