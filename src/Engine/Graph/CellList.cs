// Cutoff neighbour search in O(N) with a cell list (placeholder: delegates to brute force until the cell list lands).
namespace Engine.Graph;

public static class CellList
{
    public static void Build(ReadOnlySpan<double> q, int particles, double cutoff, PeriodicBox box, EdgeBuffer edges)
        => BruteForcePairs.Build(q, particles, cutoff, box, edges);
}
