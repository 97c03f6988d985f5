// Which pairs interact: a fixed topology (springs, bonds) or every pair within a cutoff.
using Engine.Common;
using Engine.Data;

namespace Engine.Graph;

/// <summary>
/// The graph rule of a system. A fixed topology lists undirected pairs; a cutoff graph joins every pair
/// closer than <see cref="Cutoff"/> (minimum image in a periodic box). Immutable; <see cref="Build"/> fills
/// a caller-owned <see cref="EdgeBuffer"/> and is safe to call from several threads with separate buffers.
/// </summary>
public sealed class Topology
{
    /// <summary>Undirected pairs <c>[E, 2]</c> flattened, or null for a cutoff graph.</summary>
    public int[]? FixedPairs { get; }
    /// <summary>Cutoff radius of a cutoff graph; for a fixed topology, the radius used only for the overlap check (0 = none).</summary>
    public double Cutoff { get; }
    public PeriodicBox Box { get; }
    public int Dimension => Box.Dimension;
    public bool IsFixed => FixedPairs is not null;

    /// <summary>Two particles closer than this (in the data's length unit, relative to the cutoff or bond scale) are "at the same position".</summary>
    public const double CoincidenceTolerance = 1e-10;

    private Topology(int[]? fixedPairs, double cutoff, PeriodicBox box)
    {
        FixedPairs = fixedPairs;
        Cutoff = cutoff;
        Box = box;
    }

    public static Topology Fixed(int dimension, int[] pairs, double[]? box = null) => new(pairs, 0, new PeriodicBox(dimension, box));

    public static Topology WithCutoff(int dimension, double cutoff, double[]? box = null)
    {
        if (!(cutoff > 0 && double.IsFinite(cutoff))) throw new InvalidInputException($"cutoff {cutoff} must be a positive finite radius");
        if (box is not null)
            for (int a = 0; a < box.Length; a++)
                if (box[a] < 2 * cutoff)
                    throw new InvalidInputException($"box length {box[a]} along axis {a} is shorter than twice the cutoff {cutoff}; the minimum-image convention needs box ≥ 2·cutoff (use a larger box or a smaller cutoff)");
        return new(null, cutoff, new PeriodicBox(dimension, box));
    }

    /// <summary>The topology a data set declares: its <c>edges</c>, else its <c>cutoff</c> (and <c>box</c>).</summary>
    public static Topology Of(PhaseSpaceData data) =>
        data.Edges is not null ? Fixed(data.Dimension, data.Edges, data.Box) : WithCutoff(data.Dimension, data.Cutoff!.Value, data.Box);

    /// <summary>
    /// Fills <paramref name="edges"/> with the interacting pairs of one configuration <paramref name="q"/> <c>[N·d]</c>.
    /// Throws <see cref="InvalidInputException"/> when two interacting particles coincide (r below
    /// <see cref="CoincidenceTolerance"/>), since directions and 1/r features are undefined there.
    /// With <paramref name="list"/> (from <see cref="CreateVerletList"/>) a cutoff graph comes from the list's candidates,
    /// rebuilt only when particles have moved more than its skin allows; null (the default) searches afresh with the
    /// cell list. Both give the same pair set, displacements and distances; only the pair order differs.
    /// </summary>
    public void Build(ReadOnlySpan<double> q, int particles, EdgeBuffer edges, VerletList? list = null)
    {
        if (FixedPairs is not null) BuildFixed(q, edges);
        else if (list is not null) list.Update(q, particles, edges);
        else CellList.Build(q, particles, Cutoff, Box, edges);
        CheckNoCoincidence(edges);
    }

    /// <summary>
    /// The pairs of one configuration that touch a group of particles, for a cutoff graph: fills <paramref name="edges"/>
    /// with every pair of <see cref="Build"/>'s set that has an end among <paramref name="members"/> (same I &lt; J, Dr and
    /// R bits; <see cref="CellList.IncidentPairs"/> gives the order), after <paramref name="cells"/> has binned the
    /// configuration with <see cref="CellList.Bin"/> at this topology's cutoff and box. <paramref name="memberIndex"/>
    /// <c>[N]</c> is ≥ 0 exactly for the members. Memory is O(pairs of the group), not O(pairs of the configuration).
    /// Throws <see cref="InvalidInputException"/> as <see cref="Build"/> does for coinciding particles, and
    /// <see cref="InvalidOperationException"/> for a fixed topology (its pairs are data: use <see cref="Build"/>).
    /// </summary>
    public void BuildIncident(CellList cells, ReadOnlySpan<int> members, ReadOnlySpan<int> memberIndex, EdgeBuffer edges)
    {
        if (FixedPairs is not null) throw new InvalidOperationException("a fixed topology lists its pairs: build them whole with Build");
        cells.IncidentPairs(members, memberIndex, edges);
        CheckNoCoincidence(edges);
    }

    /// <summary>
    /// A Verlet list for this cutoff graph with the given <paramref name="skin"/> (length unit of the data), or null
    /// for a fixed topology or a skin of 0 (0 = search afresh every call, the cell list's own pair order).
    /// Throws <see cref="InvalidInputException"/> for a negative or non-finite skin.
    /// </summary>
    public VerletList? CreateVerletList(double skin)
    {
        if (!(skin >= 0 && double.IsFinite(skin))) throw new InvalidInputException($"neighbour-list skin {skin} must be finite and ≥ 0 (0 rebuilds the list every step)");
        return FixedPairs is not null || skin == 0 ? null : new VerletList(Cutoff, skin, Box);
    }

    private void BuildFixed(ReadOnlySpan<double> q, EdgeBuffer edges)
    {
        int d = Dimension;
        int count = FixedPairs!.Length / 2;
        edges.Reset(d, count);
        Span<double> dr = stackalloc double[3];
        for (int e = 0; e < count; e++)
        {
            int i = FixedPairs[2 * e], j = FixedPairs[2 * e + 1];
            double r = Box.Displacement(q, i, j, dr);
            edges.Add(i, j, dr[..d], r);
        }
    }

    private static void CheckNoCoincidence(EdgeBuffer edges)
    {
        for (int e = 0; e < edges.Count; e++)
            if (!(edges.R[e] > CoincidenceTolerance))
                throw new InvalidInputException(
                    $"particles {edges.I[e]} and {edges.J[e]} are at the same position (distance {edges.R[e]:G3}); " +
                    "overlapping particles make pair directions undefined — remove the duplicate or fix the coordinates");
    }
}
