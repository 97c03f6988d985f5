// Cutoff neighbour search in O(N): bin particles into cells at least one cutoff wide, test only adjacent cells.
using Engine.Common;

namespace Engine.Graph;

/// <summary>
/// A cell-list neighbour search that finds exactly the pair set of <see cref="BruteForcePairs"/>: every unordered
/// pair with minimum-image distance below the cutoff, once, stored with <c>I &lt; J</c>,
/// <c>Dr = q_J − q_I</c> (minimum image in a periodic box) and <c>R = |Dr|</c>, computed with the same arithmetic
/// as <see cref="PeriodicBox.Displacement"/> so both searches agree bit for bit.
/// <para>
/// Periodic orthorhombic boxes bin the wrapped positions (inputs may lie outside <c>[0, L)</c>); open boundaries
/// bin within the bounding box of the points. The output order is deterministic (cell by cell, then by slot).
/// An instance keeps its scratch buffers between calls, so repeated <see cref="Update"/> calls on systems of
/// similar size allocate nothing; use one instance per thread.
/// </para>
/// </summary>
public sealed class CellList
{
    // Cells are made slightly wider than the cutoff so that rounding in the binning (x/w near a cell boundary)
    // can never put two particles closer than the cutoff into cells two apart. 1e-8 covers |x|/w up to ~1e7.
    private const double WidthMargin = 1e-8;

    private int _d;
    private bool _periodic;
    private readonly double[] _lengths = new double[3];
    private readonly double[] _origin = new double[3];
    private readonly double[] _scale = new double[3];     // cells per unit length along each axis
    private readonly int[] _cells = [1, 1, 1];            // cells per axis (1 on the unused axes)
    // Per axis: the distinct neighbouring cell coordinates of each coordinate x, at _axisNbr[a][3x .. 3x + count).
    private readonly int[][] _axisNbr = [[], [], []];
    private readonly int[][] _axisNbrCount = [[], [], []];
    private int[] _cellOf = [];        // [N] cell of each particle
    private int[] _cellStart = [];     // [cells + 1] slot range of each cell in the sorted order
    private int[] _order = [];         // [N] particle index of each slot
    private double[] _qSorted = [];    // [N·d] raw (unwrapped) positions in slot order, for locality
    private int[] _slotOf = [];        // [N] slot of each particle (for the per-particle queries of IncidentPairs)
    private int _particles;
    private double _cutoff;
    private long[] _cellPairs = [];    // [cells] pairs found from each cell (SampleDistances)

    [ThreadStatic] private static CellList? t_shared;

    /// <summary>
    /// Fills <paramref name="edges"/> with every pair closer than <paramref name="cutoff"/>; same contract as
    /// <see cref="Update"/>. Uses one cached instance per thread, so steady-state calls allocate nothing.
    /// </summary>
    public static void Build(ReadOnlySpan<double> q, int particles, double cutoff, PeriodicBox box, EdgeBuffer edges)
        => (t_shared ??= new CellList()).Update(q, particles, cutoff, box, edges);

    /// <summary>
    /// Fills <paramref name="edges"/> (reset first) with every unordered pair (i, j), i &lt; j, whose
    /// minimum-image distance is below <paramref name="cutoff"/>.
    /// <paramref name="q"/>: positions <c>[N·d]</c> row-major (<c>q[i*d + a]</c>), d = <c>box.Dimension</c> ∈ {1, 2, 3}.
    /// Throws <see cref="InvalidInputException"/> for a non-positive cutoff, a short <paramref name="q"/>, a box whose
    /// length count differs from d, or a non-finite coordinate.
    /// </summary>
    public void Update(ReadOnlySpan<double> q, int particles, double cutoff, PeriodicBox box, EdgeBuffer edges)
    {
        Bin(q, particles, cutoff, box);
        edges.Reset(box.Dimension, edges.Count);
        if (particles < 2) return;
        var sink = new EdgeSink(edges);
        FindPairs(ref sink);
    }

    /// <summary>
    /// Bins <paramref name="q"/> <c>[N·d]</c> into cells for the queries <see cref="IncidentPairs"/> and
    /// <see cref="SampleDistances"/> (same contract and exceptions as <see cref="Update"/>). Holds O(N) ints and the
    /// N·d positions in cell order, nothing per pair. The queries read the binned copy: <paramref name="q"/> may change afterwards.
    /// </summary>
    public void Bin(ReadOnlySpan<double> q, int particles, double cutoff, PeriodicBox box)
    {
        Validate(q, particles, cutoff, box);
        _d = box.Dimension;
        _periodic = box.IsPeriodic;
        _particles = particles;
        _cutoff = cutoff;
        if (particles < 2) return;
        SetUpGrid(q, particles, cutoff, box);
        BinParticles(q, particles);
    }

    /// <summary>
    /// After <see cref="Bin"/>: fills <paramref name="edges"/> (reset first) with every pair of the binned snapshot within
    /// the cutoff that has at least one end among <paramref name="members"/>, once each, with the pair contract of
    /// <see cref="Update"/> (I &lt; J, the same Dr and R bits). <paramref name="memberIndex"/> <c>[N]</c> is ≥ 0 exactly for the
    /// members. Pairs come member by member in the order of <paramref name="members"/>; a pair of two members comes
    /// with its lower index. Costs O(members · neighbours) and allocates only when <paramref name="edges"/> grows.
    /// </summary>
    public void IncidentPairs(ReadOnlySpan<int> members, ReadOnlySpan<int> memberIndex, EdgeBuffer edges)
    {
        if (memberIndex.Length < _particles) throw new ArgumentException($"memberIndex holds {memberIndex.Length} entries, fewer than the {_particles} binned particles", nameof(memberIndex));
        edges.Reset(_d, edges.Count);
        if (_particles < 2) return;
        double rc2 = _cutoff * _cutoff, rc2Loose = rc2 * (1 + 1e-9);
        int n1 = _cells[1], n2 = _cells[2];
        foreach (int p in members)
        {
            if ((uint)p >= (uint)_particles) throw new ArgumentOutOfRangeException(nameof(members), $"particle {p} outside [0, {_particles})");
            var sink = new IncidentSink(edges, memberIndex, p);
            int c = _cellOf[p], sa = _slotOf[p];
            int x2 = c % n2, x1 = c / n2 % n1, x0 = c / (n1 * n2);
            for (int k0 = 0; k0 < _axisNbrCount[0][x0]; k0++)
                for (int k1 = 0; k1 < _axisNbrCount[1][x1]; k1++)
                    for (int k2 = 0; k2 < _axisNbrCount[2][x2]; k2++)
                    {
                        int c2 = (_axisNbr[0][3 * x0 + k0] * n1 + _axisNbr[1][3 * x1 + k1]) * n2 + _axisNbr[2][3 * x2 + k2];
                        PairsWith(sa, _cellStart[c2], _cellStart[c2 + 1], rc2, rc2Loose, ref sink);
                    }
        }
    }

    /// <summary>
    /// Appends to <paramref name="into"/> the R of at most <paramref name="count"/> of the pairs that <see cref="Update"/>
    /// would find for the binned snapshot: all of them, in its order, when there are no more; else the pairs at
    /// positions ⌊k·E/count⌋, k &lt; count, of its order (E pairs): exactly what a full search followed by that stride
    /// gives, but holding one long per cell instead of E pairs. Costs one pass over every pair and, when E exceeds
    /// <paramref name="count"/>, a second over the cells that hold a pick.
    /// </summary>
    public void SampleDistances(int count, List<double> into)
    {
        if (count <= 0 || _particles < 2) return;
        int cells = _cells[0] * _cells[1] * _cells[2];
        if (_cellPairs.Length < cells) _cellPairs = new long[cells];
        // One pass takes every pair while they fit the count; only a snapshot with more pairs needs the second.
        int before = into.Count;
        var all = new CollectSink(into, count);
        FindPairs(ref all, _cellPairs);
        long total = all.Count;
        if (total <= count) return;
        into.RemoveRange(before, into.Count - before);
        long picks = Math.Min(count, total);
        var sink = new PickSink(into, total, picks);
        long cellBase = 0;
        for (int c = 0; c < cells && sink.Next < picks; c++)
        {
            long inCell = _cellPairs[c];
            if (inCell > 0 && sink.Target < cellBase + inCell)
            {
                sink.Position = cellBase;
                PairsOfCell(c, ref sink);
            }
            cellBase += inCell;
        }
    }

    private static void Validate(ReadOnlySpan<double> q, int particles, double cutoff, PeriodicBox box)
    {
        int d = box.Dimension;
        if (d is < 1 or > 3) throw new InvalidInputException($"neighbour search dimension d = {d} is not supported; use d = 1, 2 or 3");
        if (!(cutoff > 0 && double.IsFinite(cutoff))) throw new InvalidInputException($"cutoff {cutoff} must be a positive finite radius");
        if (particles < 0) throw new InvalidInputException($"particle count {particles} must be ≥ 0");
        if (q.Length < (long)particles * d) throw new InvalidInputException($"positions hold {q.Length} values, fewer than N·d = {(long)particles * d}");
        if (box.Lengths is { } L)
        {
            if (L.Length != d) throw new InvalidInputException($"box has {L.Length} lengths for d = {d}; give one length per axis");
            for (int a = 0; a < d; a++)
                if (!(L[a] > 0 && double.IsFinite(L[a]))) throw new InvalidInputException($"box length {L[a]} along axis {a} must be positive and finite");
        }
    }

    // Chooses the cells per axis (each at least one cutoff wide) and the neighbouring cells of every coordinate.
    private void SetUpGrid(ReadOnlySpan<double> q, int particles, double cutoff, PeriodicBox box)
    {
        int d = _d;
        Span<double> extent = stackalloc double[3];
        for (int a = 0; a < 3; a++) { _cells[a] = 1; _origin[a] = 0; _scale[a] = 0; extent[a] = 0; }
        for (int a = 0; a < d; a++)
        {
            if (box.Lengths is { } L)
            {
                _lengths[a] = L[a];
                extent[a] = L[a];
            }
            else
            {
                double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
                for (int i = 0; i < particles; i++)
                {
                    double x = q[i * d + a];
                    if (!double.IsFinite(x)) ThrowNonFinite(i, a, x);
                    lo = Math.Min(lo, x); hi = Math.Max(hi, x);
                }
                _origin[a] = lo;
                extent[a] = hi - lo;
            }
            double n = Math.Floor(extent[a] / (cutoff * (1 + WidthMargin)));
            _cells[a] = (int)Math.Clamp(n, 1, 1 << 20);
        }

        // Sparse open systems (or huge boxes) would want far more cells than particles: coarsen, since wider
        // cells stay correct and the cell array must stay O(N).
        long maxCells = Math.Max(27, 2L * particles);
        while ((long)_cells[0] * _cells[1] * _cells[2] > maxCells)
        {
            int widest = _cells[0] >= _cells[1] ? (_cells[0] >= _cells[2] ? 0 : 2) : (_cells[1] >= _cells[2] ? 1 : 2);
            _cells[widest] = Math.Max(1, _cells[widest] / 2);
        }

        for (int a = 0; a < 3; a++)
        {
            int n = _cells[a];
            _scale[a] = extent[a] > 0 ? n / extent[a] : 0;
            if (_axisNbr[a].Length < 3 * n) { _axisNbr[a] = new int[3 * n]; _axisNbrCount[a] = new int[n]; }
            bool wrap = _periodic && a < d;
            for (int x = 0; x < n; x++)
            {
                // Distinct coordinates among x−1, x, x+1 (wrapped or clipped): with fewer than 3 periodic cells
                // the images coincide and must not be visited twice.
                int count = 0;
                for (int off = -1; off <= 1; off++)
                {
                    int y = x + off;
                    if (wrap) y = (y + n) % n;
                    else if (y < 0 || y >= n) continue;
                    bool seen = false;
                    for (int k = 0; k < count; k++) seen |= _axisNbr[a][3 * x + k] == y;
                    if (!seen) _axisNbr[a][3 * x + count++] = y;
                }
                _axisNbrCount[a][x] = count;
            }
        }
    }

    // Counting sort of particles by cell, stable in particle index so the output order is deterministic.
    private void BinParticles(ReadOnlySpan<double> q, int particles)
    {
        int d = _d;
        int cells = _cells[0] * _cells[1] * _cells[2];
        if (_cellOf.Length < particles)
        {
            int cap = Math.Max(particles, 2 * _cellOf.Length);
            _cellOf = new int[cap]; _order = new int[cap]; _qSorted = new double[3 * cap]; _slotOf = new int[cap];
        }
        if (_cellStart.Length < cells + 1) _cellStart = new int[Math.Max(cells + 1, 2 * _cellStart.Length)];
        Array.Clear(_cellStart, 0, cells + 1);

        for (int i = 0; i < particles; i++)
        {
            int c = 0;
            for (int a = 0; a < 3; a++)
            {
                int ca = 0;
                if (a < d)
                {
                    double x = q[i * d + a];
                    if (!double.IsFinite(x)) ThrowNonFinite(i, a, x);
                    double s;
                    if (_periodic)
                    {
                        double f = x / _lengths[a];
                        s = (f - Math.Floor(f)) * _cells[a];
                    }
                    else s = (x - _origin[a]) * _scale[a];
                    ca = Math.Clamp((int)s, 0, _cells[a] - 1);
                }
                c = c * _cells[a] + ca;
            }
            _cellOf[i] = c;
            _cellStart[c + 1]++;
        }
        for (int c = 0; c < cells; c++) _cellStart[c + 1] += _cellStart[c];
        // Fill slots using _cellStart[c] as a running cursor, then shift back.
        for (int i = 0; i < particles; i++)
        {
            int slot = _cellStart[_cellOf[i]]++;
            _order[slot] = i;
            _slotOf[i] = slot;
            for (int a = 0; a < d; a++) _qSorted[slot * d + a] = q[i * d + a];
        }
        for (int c = cells; c > 0; c--) _cellStart[c] = _cellStart[c - 1];
        _cellStart[0] = 0;
    }

    // Visits every unordered pair of neighbouring cells once (c ≤ c'), and every slot pair within them once.
    // With perCell, also records how many pairs the sink saw from each cell c (its Count must count every pair).
    private void FindPairs<TSink>(ref TSink sink, long[]? perCell = null) where TSink : struct, IPairSink, allows ref struct
    {
        int cells = _cells[0] * _cells[1] * _cells[2];
        for (int c = 0; c < cells; c++)
        {
            long before = sink.Count;
            PairsOfCell(c, ref sink);
            if (perCell is not null) perCell[c] = sink.Count - before;
        }
    }

    // The pairs of FindPairs whose first cell is c, in FindPairs' order.
    private void PairsOfCell<TSink>(int c, ref TSink sink) where TSink : struct, IPairSink, allows ref struct
    {
        double rc2 = _cutoff * _cutoff;
        double rc2Loose = rc2 * (1 + 1e-9);   // screening margin, far above the rounding of the screen
        int n1 = _cells[1], n2 = _cells[2];
        int aStart = _cellStart[c], aEnd = _cellStart[c + 1];
        if (aStart == aEnd) return;
        int x2 = c % n2, x1 = c / n2 % n1, x0 = c / (n1 * n2);
        for (int k0 = 0; k0 < _axisNbrCount[0][x0]; k0++)
            for (int k1 = 0; k1 < _axisNbrCount[1][x1]; k1++)
                for (int k2 = 0; k2 < _axisNbrCount[2][x2]; k2++)
                {
                    int c2 = (_axisNbr[0][3 * x0 + k0] * n1 + _axisNbr[1][3 * x1 + k1]) * n2 + _axisNbr[2][3 * x2 + k2];
                    if (c2 < c) continue;
                    int bEnd = _cellStart[c2 + 1];
                    for (int sa = aStart; sa < aEnd; sa++)
                        PairsWith(sa, c2 == c ? sa + 1 : _cellStart[c2], bEnd, rc2, rc2Loose, ref sink);
                }
    }

    // Slot sa against slots [bStart, bEnd). Candidates are first screened with multiplications by 1/L, which
    // can differ from x/L only in the last bit and so only pick the other of two equidistant images; the
    // survivors are then recomputed with the same operations, in the same order, as PeriodicBox.Displacement, so
    // r and the accept test r*r < rc² match BruteForcePairs bit for bit. The displacement is taken from sa to sb
    // whatever the particle order and negated when needed: a − b, x/L, round-half-even and L·k are all odd-
    // symmetric in IEEE arithmetic, so −dr equals q_J − q_I (up to the sign of a zero component). Deciding the
    // order only for accepted pairs keeps an unpredictable branch out of the candidate loop.
    private void PairsWith<TSink>(int sa, int bStart, int bEnd, double rc2, double rc2Loose, ref TSink sink) where TSink : struct, IPairSink, allows ref struct
    {
        double[] qs = _qSorted;
        int d = _d;
        double a0 = qs[sa * d], a1 = d > 1 ? qs[sa * d + 1] : 0, a2 = d > 2 ? qs[sa * d + 2] : 0;
        if (_periodic)
        {
            double L0 = _lengths[0], L1 = _lengths[1], L2 = _lengths[2];
            double i0 = 1 / L0, i1 = 1 / L1, i2 = 1 / L2;
            for (int sb = bStart; sb < bEnd; sb++)
            {
                int o = sb * d;
                double x0 = qs[o] - a0;
                x0 -= L0 * Math.Round(x0 * i0);
                double r2 = x0 * x0;
                if (d > 1)
                {
                    double x1 = qs[o + 1] - a1;
                    x1 -= L1 * Math.Round(x1 * i1);
                    r2 += x1 * x1;
                    if (d > 2)
                    {
                        double x2 = qs[o + 2] - a2;
                        x2 -= L2 * Math.Round(x2 * i2);
                        r2 += x2 * x2;
                    }
                }
                if (r2 <= rc2Loose) AcceptExact(sa, sb, rc2, ref sink);
            }
        }
        else
        {
            for (int sb = bStart; sb < bEnd; sb++)
            {
                int o = sb * d;
                double x0 = qs[o] - a0;
                double r2 = x0 * x0;
                if (d > 1)
                {
                    double x1 = qs[o + 1] - a1;
                    r2 += x1 * x1;
                    if (d > 2)
                    {
                        double x2 = qs[o + 2] - a2;
                        r2 += x2 * x2;
                    }
                }
                if (r2 <= rc2Loose) AcceptExact(sa, sb, rc2, ref sink);
            }
        }
    }

    private void AcceptExact<TSink>(int sa, int sb, double rc2, ref TSink sink) where TSink : struct, IPairSink, allows ref struct
    {
        int ia = _order[sa], ib = _order[sb];
        if (!sink.Wants(ia, ib)) return;
        double[] qs = _qSorted;
        int d = _d;
        Span<double> dr = stackalloc double[3];
        double r2 = 0;
        for (int a = 0; a < d; a++)
        {
            double x = qs[sb * d + a] - qs[sa * d + a];
            if (_periodic)
            {
                double L = _lengths[a];
                x -= L * Math.Round(x / L, MidpointRounding.ToEven);
            }
            dr[a] = x;
            r2 += x * x;
        }
        double r = Math.Sqrt(r2);
        if (!(r * r < rc2)) return;
        if (ia < ib) sink.Add(ia, ib, dr[..d], r);
        else
        {
            for (int a = 0; a < d; a++) dr[a] = -dr[a];
            sink.Add(ib, ia, dr[..d], r);
        }
    }

    // Where accepted pairs go. Structs, so that each use gets its own specialised, inlined search loop.
    private interface IPairSink
    {
        /// <summary>Pairs taken so far.</summary>
        long Count { get; }
        /// <summary>Whether the candidate (a, b), in search order, is wanted at all (tested before its distance).</summary>
        bool Wants(int a, int b);
        /// <summary>Takes the accepted pair i &lt; j with Dr = q_j − q_i and R.</summary>
        void Add(int i, int j, scoped ReadOnlySpan<double> dr, double r);
    }

    private struct EdgeSink(EdgeBuffer edges) : IPairSink
    {
        public readonly long Count => edges.Count;
        public readonly bool Wants(int a, int b) => true;
        public readonly void Add(int i, int j, scoped ReadOnlySpan<double> dr, double r) => edges.Add(i, j, dr, r);
    }

    // Counts every pair and appends the R of the first `limit` of them.
    private struct CollectSink(List<double> into, int limit) : IPairSink
    {
        public long Count { get; private set; }
        public readonly bool Wants(int a, int b) => true;
        public void Add(int i, int j, scoped ReadOnlySpan<double> dr, double r)
        {
            if (Count < limit) into.Add(r);
            Count++;
        }
    }

    // Pairs of particle p with any particle, each pair once: a pair of two members is taken from its lower index.
    private readonly ref struct IncidentSink(EdgeBuffer edges, ReadOnlySpan<int> memberIndex, int p) : IPairSink
    {
        private readonly ReadOnlySpan<int> _memberIndex = memberIndex;
        public long Count => edges.Count;
        public bool Wants(int a, int b)
        {
            int other = a == p ? b : a;
            return other != p && (other > p || _memberIndex[other] < 0);
        }
        public void Add(int i, int j, scoped ReadOnlySpan<double> dr, double r) => edges.Add(i, j, dr, r);
    }

    // The R of the pairs at positions ⌊k·total/picks⌋ (k = Next, Next + 1, ...) of the search order; Position is the
    // search-order index of the next pair the sink sees.
    private struct PickSink(List<double> into, long total, long picks) : IPairSink
    {
        public long Position;
        public long Next;
        public readonly long Count => Position;
        public readonly long Target => Next < picks ? Next * total / picks : long.MaxValue;
        public readonly bool Wants(int a, int b) => true;
        public void Add(int i, int j, scoped ReadOnlySpan<double> dr, double r)
        {
            // Picks are distinct positions (picks ≤ total), so at most one per pair.
            if (Position == Target) { into.Add(r); Next++; }
            Position++;
        }
    }

    private static void ThrowNonFinite(int i, int a, double x) =>
        throw new InvalidInputException($"position of particle {i} along axis {a} is {x}; every coordinate must be finite — remove or repair that snapshot");
}
