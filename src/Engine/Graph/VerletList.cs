// A Verlet neighbour list: pairs within cutoff + skin from the cell list, reused until particles have moved too far.
using Engine.Common;

namespace Engine.Graph;

/// <summary>
/// A neighbour list for MD: the candidate pairs within <c>rc + skin</c> are found by a <see cref="CellList"/> and
/// kept, and every <see cref="Update"/> emits, from the candidates alone, exactly the pairs with minimum-image
/// distance below the cutoff rc. The candidates are rebuilt only when the two largest particle displacements
/// since the last build (minimum image) sum to more than the skin: by the triangle inequality on the torus no
/// pair can then have come from beyond <c>rc + skin</c> to within rc. In a liquid at the usual skin of 0.3σ
/// that is once every 10–30 steps instead of every step.
/// <para>
/// Output contract: <see cref="Update"/> fills the edge buffer with the same pairs, the same <c>Dr</c> and the same
/// <c>R</c> bits as <see cref="BruteForcePairs.Build"/>, in the same order (I ascending, then J ascending), because
/// candidates are stored sorted by (I, J) and each is recomputed with <see cref="PeriodicBox.Displacement"/>'s
/// arithmetic. The output therefore does not depend on when the list was last rebuilt: a trajectory is bit for bit
/// the same for every skin &gt; 0 (its order differs from <see cref="CellList"/>'s, so sums over pairs differ from a
/// cell-list evaluation in the last bits).
/// </para>
/// Holds its candidates, reference positions and scratch: one instance per thread and system. A skin of 0 is
/// allowed and rebuilds on every move.
/// </summary>
public sealed class VerletList
{
    private readonly CellList _cells = new();
    private readonly EdgeBuffer _found = new();
    private int[] _start = [];     // [N + 1] candidate range of particle i in _nbr (CSR, only j > i)
    private int[] _nbr = [];       // [candidates] J of each candidate, ascending within each particle's range
    private double[] _qRef = [];   // [N·d] positions at the last build
    private int _builtParticles = -1;
    private readonly double _rebuildAt;   // rebuild when the two largest displacements sum to at least this

    /// <summary>Interaction cutoff rc: <see cref="Update"/> emits pairs with r &lt; rc only.</summary>
    public double Cutoff { get; }
    /// <summary>Extra radius of the candidate list; ≥ 0.</summary>
    public double Skin { get; }
    /// <summary>The box of every configuration this list is given (open boundaries when not periodic).</summary>
    public PeriodicBox Box { get; }
    /// <summary>How many times the candidate list has been built (the first call included).</summary>
    public int Builds { get; private set; }
    /// <summary>How many times <see cref="Update"/> has been called.</summary>
    public long Updates { get; private set; }
    /// <summary>Candidate pairs (within rc + skin at the last build).</summary>
    public int CandidateCount => _builtParticles < 0 ? 0 : _start[_builtParticles];

    /// <param name="cutoff">rc &gt; 0, finite.</param>
    /// <param name="skin">≥ 0, finite; 0 rebuilds whenever any particle moved.</param>
    /// <param name="box">Periodic orthorhombic box or open boundaries; d ∈ {1, 2, 3}.</param>
    public VerletList(double cutoff, double skin, PeriodicBox box)
    {
        if (!(cutoff > 0 && double.IsFinite(cutoff))) throw new InvalidInputException($"cutoff {cutoff} must be a positive finite radius");
        if (!(skin >= 0 && double.IsFinite(skin))) throw new InvalidInputException($"neighbour-list skin {skin} must be finite and ≥ 0 (0 rebuilds the list every step)");
        ArgumentNullException.ThrowIfNull(box);
        Cutoff = cutoff; Skin = skin; Box = box;
        // The margin covers the rounding of the distances and displacements (relative 1e-15 of the box at most),
        // so a pair exactly at the edge of the list is never missed.
        _rebuildAt = skin - 1e-9 * (cutoff + skin);
    }

    /// <summary>Forgets the candidates, so the next <see cref="Update"/> rebuilds (e.g. after particles were reordered).</summary>
    public void Invalidate() => _builtParticles = -1;

    /// <summary>
    /// Fills <paramref name="edges"/> (reset first) with every pair i &lt; j at minimum-image distance below
    /// <see cref="Cutoff"/> of <paramref name="q"/> <c>[N·d]</c> row-major, rebuilding the candidates first when
    /// needed (first call, a different N, or particles moved more than the skin allows). Throws
    /// <see cref="InvalidInputException"/> as <see cref="CellList.Update"/> does for bad input.
    /// </summary>
    public void Update(ReadOnlySpan<double> q, int particles, EdgeBuffer edges)
    {
        int d = Box.Dimension;
        if (particles < 0) throw new InvalidInputException($"particle count {particles} must be ≥ 0");
        if (q.Length < (long)particles * d) throw new InvalidInputException($"positions hold {q.Length} values, fewer than N·d = {(long)particles * d}");
        Updates++;
        if (particles != _builtParticles || MustRebuild(q, particles)) Rebuild(q, particles);
        Emit(q, particles, edges);
    }

    // The largest and second-largest minimum-image displacement since the build; a pair's distance changes by at
    // most the sum of its two particles' displacements. A non-finite coordinate forces a rebuild, where the cell
    // list reports it.
    private bool MustRebuild(ReadOnlySpan<double> q, int particles)
    {
        if (particles < 2) return false;
        int d = Box.Dimension;
        double[]? L = Box.Lengths;
        double first = 0, second = 0;   // squared
        for (int i = 0; i < particles; i++)
        {
            double s2 = 0;
            for (int a = 0; a < d; a++)
            {
                double x = q[i * d + a] - _qRef[i * d + a];
                if (L is not null) x -= L[a] * Math.Round(x / L[a], MidpointRounding.ToEven);
                s2 += x * x;
            }
            if (!(s2 <= first))
            {
                if (double.IsNaN(s2)) return true;
                second = first; first = s2;
            }
            else if (s2 > second) second = s2;
        }
        return Math.Sqrt(first) + Math.Sqrt(second) >= _rebuildAt;
    }

    // Candidates within rc + skin from the cell list, then a counting sort by I and a sort of each particle's J
    // range, so that emission order is (I, J) whatever the cell layout was.
    private void Rebuild(ReadOnlySpan<double> q, int particles)
    {
        int d = Box.Dimension;
        _cells.Update(q, particles, Cutoff + Skin, Box, _found);
        int count = _found.Count;
        if (_start.Length < particles + 1) _start = new int[Math.Max(particles + 1, 2 * _start.Length)];
        if (_nbr.Length < count) _nbr = new int[Math.Max(count, 2 * _nbr.Length)];
        if (_qRef.Length < particles * d) _qRef = new double[Math.Max(particles * d, 2 * _qRef.Length)];
        Array.Clear(_start, 0, particles + 1);
        int[] fi = _found.I, fj = _found.J;
        for (int e = 0; e < count; e++) _start[fi[e] + 1]++;
        for (int i = 0; i < particles; i++) _start[i + 1] += _start[i];
        // _start[i] serves as the fill cursor of particle i, then is shifted back.
        for (int e = 0; e < count; e++) _nbr[_start[fi[e]]++] = fj[e];
        for (int i = particles; i > 0; i--) _start[i] = _start[i - 1];
        _start[0] = 0;
        for (int i = 0; i < particles; i++)
        {
            int s = _start[i], len = _start[i + 1] - s;
            if (len > 1) Array.Sort(_nbr, s, len);
        }
        q[..(particles * d)].CopyTo(_qRef);
        _builtParticles = particles;
        Builds++;
    }

    // Recomputes every candidate with PeriodicBox.Displacement's operations (so R and Dr match brute force bit for
    // bit) and keeps those with r·r < rc², brute force's accept test.
    private void Emit(ReadOnlySpan<double> q, int particles, EdgeBuffer edges)
    {
        int d = Box.Dimension;
        edges.Reset(d, CandidateCount);
        if (particles < 2) return;
        double rc2 = Cutoff * Cutoff;
        double rc2Loose = rc2 * (1 + 1e-9);   // r·r < rc² implies r2 below this whatever the rounding of the root
        double[]? L = Box.Lengths;
        Span<double> dr = stackalloc double[3];
        int[] start = _start, nbr = _nbr;
        if (d == 3 && L is not null)
        {
            double L0 = L[0], L1 = L[1], L2 = L[2];
            for (int i = 0; i < particles; i++)
            {
                double a0 = q[3 * i], a1 = q[3 * i + 1], a2 = q[3 * i + 2];
                for (int k = start[i]; k < start[i + 1]; k++)
                {
                    int j = nbr[k];
                    double x0 = q[3 * j] - a0;
                    x0 -= L0 * Math.Round(x0 / L0, MidpointRounding.ToEven);
                    double x1 = q[3 * j + 1] - a1;
                    x1 -= L1 * Math.Round(x1 / L1, MidpointRounding.ToEven);
                    double x2 = q[3 * j + 2] - a2;
                    x2 -= L2 * Math.Round(x2 / L2, MidpointRounding.ToEven);
                    double r2 = 0;
                    r2 += x0 * x0; r2 += x1 * x1; r2 += x2 * x2;
                    if (r2 > rc2Loose) continue;   // far outside: skip the square root
                    double r = Math.Sqrt(r2);
                    if (!(r * r < rc2)) continue;
                    edges.Add3(i, j, x0, x1, x2, r);
                }
            }
            return;
        }
        for (int i = 0; i < particles; i++)
            for (int k = start[i]; k < start[i + 1]; k++)
            {
                int j = nbr[k];
                double r = Box.Displacement(q, i, j, dr);
                if (r * r < rc2) edges.Add(i, j, dr[..d], r);
            }
    }
}
