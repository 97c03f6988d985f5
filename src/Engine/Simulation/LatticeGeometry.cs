// Rest positions and nearest-neighbour springs of chains, square lattices and cubic lattices.
using Engine.Common;

namespace Engine.Simulation;

/// <summary>
/// A regular arrangement of particles at rest: <see cref="Positions"/> <c>[N·d]</c> row-major on a grid of
/// spacing <see cref="Spacing"/> (1 by default, the springs' rest length) and nearest-neighbour springs
/// <see cref="Edges"/> <c>[E, 2]</c> flattened with i &lt; j, open (free) boundaries. Particle index runs with x
/// fastest: i = ix + nx·(iy + ny·iz). Edges are ordered by i, then by axis.
/// </summary>
public sealed class LatticeGeometry
{
    public int Particles { get; }
    public int Dimension { get; }
    public double Spacing { get; }
    /// <summary>Rest positions <c>[N, d]</c> flattened; particle 0 at the origin.</summary>
    public double[] Positions { get; }
    /// <summary>Nearest-neighbour pairs <c>[E, 2]</c> flattened, i &lt; j.</summary>
    public int[] Edges { get; }
    public int EdgeCount => Edges.Length / 2;

    private LatticeGeometry(int dimension, double spacing, double[] positions, int[] edges)
    {
        Dimension = dimension;
        Spacing = spacing;
        Positions = positions;
        Edges = edges;
        Particles = positions.Length / dimension;
    }

    /// <summary>
    /// <paramref name="n"/> particles along x at x = 0, L, …, (n−1)L (other coordinates 0), springs (i, i+1), open ends.
    /// </summary>
    /// <param name="n">Number of particles, ≥ 2.</param>
    /// <param name="dimension">The embedding dimension d ∈ {1, 2, 3} (the chain can move in all d directions).</param>
    /// <param name="spacing">Lattice spacing L (the springs' rest length).</param>
    public static LatticeGeometry Chain(int n, int dimension, double spacing = 1)
    {
        if (dimension is < 1 or > 3) throw new InvalidInputException($"chain dimension {dimension} is not supported; use d = 1, 2 or 3");
        return Grid("chain", dimension, [n, 1, 1], spacing);
    }

    /// <summary>An <paramref name="nx"/> × <paramref name="ny"/> square lattice in 2D with 4-neighbour springs: nx(ny−1) + ny(nx−1) edges.</summary>
    public static LatticeGeometry Square(int nx, int ny, double spacing = 1) => Grid("square lattice", 2, [nx, ny, 1], spacing);

    /// <summary>An nx × ny × nz cubic lattice in 3D with 6-neighbour springs (54 edges for 3×3×3).</summary>
    public static LatticeGeometry Cubic(int nx, int ny, int nz, double spacing = 1) => Grid("cubic lattice", 3, [nx, ny, nz], spacing);

    private static LatticeGeometry Grid(string what, int d, int[] n, double spacing)
    {
        for (int a = 0; a < 3; a++)
            if (n[a] < 1) throw new InvalidInputException($"{what}: size {n[a]} along axis {a} must be at least 1");
        long total = (long)n[0] * n[1] * n[2];
        if (total < 2) throw new InvalidInputException($"{what}: {total} particle(s) have no springs; use at least 2 particles");
        if (total * d > Array.MaxLength / 2) throw new InvalidInputException($"{what}: {total} particles is too many to hold; use a smaller size");
        if (!(spacing > 0 && double.IsFinite(spacing))) throw new InvalidInputException($"{what}: spacing {spacing} must be a positive finite length");

        int count = (int)total;
        var pos = new double[count * d];
        var edges = new List<int>(2 * d * count);
        int[] stride = [1, n[0], n[0] * n[1]];
        for (int iz = 0; iz < n[2]; iz++)
        for (int iy = 0; iy < n[1]; iy++)
        for (int ix = 0; ix < n[0]; ix++)
        {
            int i = ix + n[0] * (iy + n[1] * iz);
            int[] idx = [ix, iy, iz];
            for (int a = 0; a < d; a++) pos[i * d + a] = spacing * idx[a];
            // Link to the +1 neighbour along each axis: each edge once, and j > i by construction.
            for (int a = 0; a < 3; a++)
                if (idx[a] + 1 < n[a]) { edges.Add(i); edges.Add(i + stride[a]); }
        }
        return new LatticeGeometry(d, spacing, pos, edges.ToArray());
    }
}
