// The O(N²) all-pairs neighbour search: the specification the cell list is tested against.
namespace Engine.Graph;

/// <summary>All pairs i &lt; j with minimum-image distance below the cutoff, found by checking every pair.</summary>
public static class BruteForcePairs
{
    public static void Build(ReadOnlySpan<double> q, int particles, double cutoff, PeriodicBox box, EdgeBuffer edges)
    {
        int d = box.Dimension;
        edges.Reset(d);
        Span<double> dr = stackalloc double[3];
        double rc2 = cutoff * cutoff;
        for (int i = 0; i < particles; i++)
            for (int j = i + 1; j < particles; j++)
            {
                double r = box.Displacement(q, i, j, dr);
                if (r * r < rc2) edges.Add(i, j, dr[..d], r);
            }
    }
}
