// One configuration as the feature kernels see it: positions, momenta, particle data and its edges.
using Engine.Graph;

namespace Engine.Features;

/// <summary>
/// One phase-space state: <c>Q</c>, <c>P</c> are <c>[N·d]</c> row-major; <c>Edges</c> holds the pairs of this
/// configuration (built by <see cref="Topology.Build"/> from <c>Q</c>).
/// </summary>
public readonly ref struct Snapshot
{
    public ReadOnlySpan<double> Q { get; }
    public ReadOnlySpan<double> P { get; }
    public ReadOnlySpan<double> Mass { get; }
    public ReadOnlySpan<int> Species { get; }
    public EdgeBuffer Edges { get; }
    public int Particles => Mass.Length;
    public int Dimension => Edges.Dimension;

    public Snapshot(ReadOnlySpan<double> q, ReadOnlySpan<double> p, ReadOnlySpan<double> mass, ReadOnlySpan<int> species, EdgeBuffer edges)
    {
        Q = q; P = p; Mass = mass; Species = species; Edges = edges;
    }
}
