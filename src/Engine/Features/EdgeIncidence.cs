// The locality of one snapshot: edges grouped by particle, and the particles in a space-filling-curve order.
using Engine.Graph;

namespace Engine.Features;

/// <summary>
/// Per-snapshot structure for forming Jacobian rows of a block of particles on its own:
/// <list type="bullet">
/// <item><see cref="EdgesOf"/>(i): the indices e of every edge with <c>I[e] = i</c> or <c>J[e] = i</c>, ascending (a stable
/// counting sort, so the same edges give the same lists);</item>
/// <item><see cref="Order"/>: the particles sorted along a Morton (Z-order) curve over their bounding box, ties by index,
/// so a run of consecutive entries is a spatially compact group and few of its edges leave it (index ranges of a
/// lattice are thin slabs, whose edges nearly all cross to the next range and would be evaluated twice).</item>
/// </list>
/// Two ways to fill it:
/// <list type="bullet">
/// <item><see cref="Build"/>: lists over all E edges of the snapshot, for any block (2·E + 4·N ints and N longs);</item>
/// <item><see cref="BuildOrder"/> once per snapshot, then <see cref="BuildBlock"/> per block with only the edges that
/// touch that block (<see cref="Graph.Topology.BuildIncident"/>): 3·N ints and N longs, plus 2·E_block + count ints, so a huge
/// snapshot never needs its whole edge list. <see cref="EdgesOf"/> then answers for the block's particles only.</item>
/// </list>
/// Buffers grow and are reused across snapshots. Not thread-safe (the member map is scratch of the caller): one
/// instance per worker.
/// </summary>
public sealed class EdgeIncidence
{
    private int[] _start = [];
    private int[] _edges = [];
    private int[] _order = [];
    private int[] _member = [];
    private long[] _keys = [];

    /// <summary>Particles of the last <see cref="Build"/>.</summary>
    public int Particles { get; private set; }

    /// <summary>The particles in Morton order, <c>[N]</c>.</summary>
    public ReadOnlySpan<int> Order => _order.AsSpan(0, Particles);

    /// <summary>
    /// Groups the <paramref name="edges"/> of a snapshot with positions <paramref name="q"/> <c>[N·d]</c>
    /// (finite; d = <paramref name="dimension"/>) and orders its particles along the Morton curve.
    /// </summary>
    public void Build(EdgeBuffer edges, ReadOnlySpan<double> q, int particles, int dimension)
    {
        int e2 = 2 * edges.Count;
        if (_start.Length < particles + 1) _start = new int[particles + 1];
        if (_edges.Length < e2) _edges = new int[e2];
        if (_order.Length < particles) { _order = new int[particles]; _keys = new long[particles]; _member = new int[particles]; }
        Particles = particles;
        var start = _start.AsSpan(0, particles + 1);
        start.Clear();
        for (int e = 0; e < edges.Count; e++) { start[edges.I[e] + 1]++; start[edges.J[e] + 1]++; }
        for (int i = 0; i < particles; i++) start[i + 1] += start[i];
        // Fill with a moving cursor per particle (start[i] advanced), then shift back: no second count array.
        for (int e = 0; e < edges.Count; e++) { _edges[start[edges.I[e]]++] = e; _edges[start[edges.J[e]]++] = e; }
        for (int i = particles; i > 0; i--) start[i] = start[i - 1];
        start[0] = 0;

        MortonOrder(q, particles, dimension);
        _member.AsSpan(0, particles).Fill(-1);
        _blockLists = false;
    }

    /// <summary>
    /// Indices of the edges incident to particle <paramref name="i"/>, ascending: into the snapshot's edges after
    /// <see cref="Build"/>; into the block's edges after <see cref="BuildBlock"/>, and then empty for a particle outside the block.
    /// </summary>
    public ReadOnlySpan<int> EdgesOf(int i)
    {
        if (_blockLists)
        {
            if (_blockCount < 0) throw new InvalidOperationException("no block lists: call BuildBlock for the selected block first");
            int m = _member[i];
            return m < 0 ? default : _edges.AsSpan(_start[m], _start[m + 1] - _start[m]);
        }
        return _edges.AsSpan(_start[i], _start[i + 1] - _start[i]);
    }

    /// <summary>
    /// Marks <see cref="Order"/>[first, first + count) as the current block: afterwards <see cref="MemberIndex"/>(i) is
    /// i's position in the block, or −1. Clears the previous block's marks.
    /// </summary>
    public void SelectBlock(int first, int count)
    {
        if (first < 0 || count < 0 || first + count > Particles)
            throw new ArgumentOutOfRangeException(nameof(count), $"block [{first}, {first + count}) outside [0, {Particles})");
        // Block lists belong to one block: selecting another drops them (EdgesOf then refuses until BuildBlock).
        if (_blockLists && (first, count) != (_blockFirst, _blockCount)) _blockFirst = _blockCount = -1;
        if (_selectedCount > 0)
            foreach (int i in _order.AsSpan(_selectedFirst, _selectedCount)) _member[i] = -1;
        for (int k = 0; k < count; k++) _member[_order[first + k]] = k;
        (_selectedFirst, _selectedCount) = (first, count);
    }

    private int _selectedFirst, _selectedCount;
    private bool _blockLists;   // lists of the selected block only, indexed by member position (BuildBlock)

    /// <summary>
    /// Orders the particles of a snapshot with positions <paramref name="q"/> <c>[N·d]</c> along the Morton curve (as
    /// <see cref="Build"/> does) without any edge lists: <see cref="BuildBlock"/> adds them block by block.
    /// </summary>
    public void BuildOrder(ReadOnlySpan<double> q, int particles, int dimension)
    {
        if (_order.Length < particles) { _order = new int[particles]; _keys = new long[particles]; _member = new int[particles]; }
        Particles = particles;
        MortonOrder(q, particles, dimension);
        _member.AsSpan(0, particles).Fill(-1);
        _blockLists = true;
        _blockFirst = _blockCount = -1;
    }

    private int _blockFirst = -1, _blockCount = -1;

    /// <summary>
    /// After <see cref="BuildOrder"/>: selects <see cref="Order"/>[first, first + count) (as <see cref="SelectBlock"/>) and lists,
    /// for each of its particles, the indices of the <paramref name="blockEdges"/> incident to it, ascending.
    /// <paramref name="blockEdges"/> must hold every edge of the snapshot with an end in the block (and may hold others,
    /// which are ignored at their non-member ends); rows formed with it use it as the snapshot's edges. Selecting another
    /// block drops the lists.
    /// </summary>
    public void BuildBlock(EdgeBuffer blockEdges, int first, int count)
    {
        if (!_blockLists) throw new InvalidOperationException("BuildBlock follows BuildOrder; Build lists the whole snapshot instead");
        SelectBlock(first, count);
        if (_start.Length < count + 1) _start = new int[Math.Max(count + 1, 2 * _start.Length)];
        if (_edges.Length < 2 * blockEdges.Count) _edges = new int[Math.Max(2 * blockEdges.Count, 2 * _edges.Length)];
        var start = _start.AsSpan(0, count + 1);
        start.Clear();
        for (int e = 0; e < blockEdges.Count; e++)
        {
            int mi = _member[blockEdges.I[e]], mj = _member[blockEdges.J[e]];
            if (mi >= 0) start[mi + 1]++;
            if (mj >= 0) start[mj + 1]++;
        }
        for (int m = 0; m < count; m++) start[m + 1] += start[m];
        for (int e = 0; e < blockEdges.Count; e++)
        {
            int mi = _member[blockEdges.I[e]], mj = _member[blockEdges.J[e]];
            if (mi >= 0) _edges[start[mi]++] = e;
            if (mj >= 0) _edges[start[mj]++] = e;
        }
        for (int m = count; m > 0; m--) start[m] = start[m - 1];
        start[0] = 0;
        (_blockFirst, _blockCount) = (first, count);
    }

    /// <summary>Position of particle i in the block of the last <see cref="SelectBlock"/> or −1, for every particle: <c>[N]</c>.</summary>
    public ReadOnlySpan<int> MemberIndices => _member.AsSpan(0, Particles);

    /// <summary>Position of particle <paramref name="i"/> in the block of the last <see cref="SelectBlock"/>, or −1.</summary>
    public int MemberIndex(int i) => _member[i];

    private void MortonOrder(ReadOnlySpan<double> q, int particles, int d)
    {
        _selectedCount = 0;
        int bits = Math.Max(1, 30 / Math.Max(1, d));   // the code fits 30 bits; the particle index fills the low 32
        Span<double> lo = stackalloc double[d], scale = stackalloc double[d];
        for (int a = 0; a < d; a++)
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            for (int i = 0; i < particles; i++) { min = Math.Min(min, q[i * d + a]); max = Math.Max(max, q[i * d + a]); }
            lo[a] = particles > 0 ? min : 0;
            double span = particles > 0 ? max - min : 0;
            scale[a] = span > 0 ? ((1 << bits) - 1) / span : 0;
        }
        var keys = _keys.AsSpan(0, particles);
        for (int i = 0; i < particles; i++)
        {
            long code = 0;
            for (int a = 0; a < d; a++)
            {
                long c = (long)((q[i * d + a] - lo[a]) * scale[a]);
                for (int b = 0; b < bits; b++) code |= ((c >> b) & 1L) << (b * d + a);
            }
            keys[i] = (code << 32) | (uint)i;   // unique keys: the order does not depend on the sort's tie handling
        }
        keys.Sort();
        for (int k = 0; k < particles; k++) _order[k] = (int)(keys[k] & 0xffffffffL);
    }
}
