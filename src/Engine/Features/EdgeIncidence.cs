// The edges of one snapshot grouped by particle, so the Jacobian rows of a particle range need only that range's edges.
using Engine.Graph;

namespace Engine.Features;

/// <summary>
/// Compressed incidence lists of an <see cref="EdgeBuffer"/>: for particle i, <see cref="EdgesOf"/> gives the indices
/// e of every edge with <c>I[e] = i</c> or <c>J[e] = i</c>, in increasing e (a stable counting sort, so the same edges
/// give the same lists). Costs 2·E + N + 1 ints; buffers grow and are reused across snapshots.
/// </summary>
public sealed class EdgeIncidence
{
    private int[] _start = [];
    private int[] _edges = [];

    /// <summary>Particles of the last <see cref="Build"/>.</summary>
    public int Particles { get; private set; }

    /// <summary>Groups the <paramref name="edges"/> of a snapshot with <paramref name="particles"/> particles.</summary>
    public void Build(EdgeBuffer edges, int particles)
    {
        int e2 = 2 * edges.Count;
        if (_start.Length < particles + 1) _start = new int[particles + 1];
        if (_edges.Length < e2) _edges = new int[e2];
        Particles = particles;
        var start = _start.AsSpan(0, particles + 1);
        start.Clear();
        for (int e = 0; e < edges.Count; e++) { start[edges.I[e] + 1]++; start[edges.J[e] + 1]++; }
        for (int i = 0; i < particles; i++) start[i + 1] += start[i];
        // Fill with a moving cursor per particle (start[i] advanced), then shift back: no second count array.
        for (int e = 0; e < edges.Count; e++) { _edges[start[edges.I[e]]++] = e; _edges[start[edges.J[e]]++] = e; }
        for (int i = particles; i > 0; i--) start[i] = start[i - 1];
        start[0] = 0;
    }

    /// <summary>Indices of the edges incident to particle <paramref name="i"/>, ascending.</summary>
    public ReadOnlySpan<int> EdgesOf(int i) => _edges.AsSpan(_start[i], _start[i + 1] - _start[i]);
}
