// Cutoff neighbour search in O(N): bin particles into cells at least one cutoff wide, test only adjacent cells.
using System.Runtime.CompilerServices;
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
        Validate(q, particles, cutoff, box);
        int d = box.Dimension;
        edges.Reset(d, edges.Count);
        if (particles < 2) return;
        _d = d;
        _periodic = box.IsPeriodic;
        SetUpGrid(q, particles, cutoff, box);
        BinParticles(q, particles);
        FindPairs(cutoff, edges);
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
            _cellOf = new int[cap]; _order = new int[cap]; _qSorted = new double[3 * cap];
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
            for (int a = 0; a < d; a++) _qSorted[slot * d + a] = q[i * d + a];
        }
        for (int c = cells; c > 0; c--) _cellStart[c] = _cellStart[c - 1];
        _cellStart[0] = 0;
    }

    // Visits every unordered pair of neighbouring cells once (c ≤ c'), and every slot pair within them once.
    private void FindPairs(double cutoff, EdgeBuffer edges)
    {
        Span<double> dr = stackalloc double[3];
        double rc2 = cutoff * cutoff;
        double rc2Loose = rc2 * (1 + 1e-12);   // cheap reject before the exact test r*r < rc²
        int n0 = _cells[0], n1 = _cells[1], n2 = _cells[2];
        for (int x0 = 0; x0 < n0; x0++)
            for (int x1 = 0; x1 < n1; x1++)
                for (int x2 = 0; x2 < n2; x2++)
                {
                    int c = (x0 * n1 + x1) * n2 + x2;
                    int aStart = _cellStart[c], aEnd = _cellStart[c + 1];
                    if (aStart == aEnd) continue;
                    for (int k0 = 0; k0 < _axisNbrCount[0][x0]; k0++)
                        for (int k1 = 0; k1 < _axisNbrCount[1][x1]; k1++)
                            for (int k2 = 0; k2 < _axisNbrCount[2][x2]; k2++)
                            {
                                int c2 = (_axisNbr[0][3 * x0 + k0] * n1 + _axisNbr[1][3 * x1 + k1]) * n2 + _axisNbr[2][3 * x2 + k2];
                                if (c2 < c) continue;
                                int bEnd = _cellStart[c2 + 1];
                                for (int sa = aStart; sa < aEnd; sa++)
                                    for (int sb = c2 == c ? sa + 1 : _cellStart[c2]; sb < bEnd; sb++)
                                        AddIfClose(sa, sb, rc2, rc2Loose, dr, edges);
                            }
                }
    }

    // Same operations, in the same order, as PeriodicBox.Displacement and BruteForcePairs, on the raw positions.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddIfClose(int sa, int sb, double rc2, double rc2Loose, Span<double> dr, EdgeBuffer edges)
    {
        int i = _order[sa], j = _order[sb];
        int lo = sa, hi = sb;
        if (i > j) { (i, j) = (j, i); (lo, hi) = (sb, sa); }
        int d = _d;
        double r2 = 0;
        for (int a = 0; a < d; a++)
        {
            double x = _qSorted[hi * d + a] - _qSorted[lo * d + a];
            if (_periodic)
            {
                double L = _lengths[a];
                x -= L * Math.Round(x / L, MidpointRounding.ToEven);
            }
            dr[a] = x;
            r2 += x * x;
            if (r2 > rc2Loose) return;
        }
        double r = Math.Sqrt(r2);
        if (r * r < rc2) edges.Add(i, j, dr[..d], r);
    }

    private static void ThrowNonFinite(int i, int a, double x) =>
        throw new InvalidInputException($"position of particle {i} along axis {a} is {x}; every coordinate must be finite — remove or repair that snapshot");
}
