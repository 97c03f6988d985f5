// A host's full neighbour list with ghosts (KIM/LAMMPS style, CSR) turned into the engine's weighted half lists.
using Engine.Common;

namespace Engine.Graph;

/// <summary>
/// Converts a FULL neighbour list held by an MD host into half-list edges, following KIM's convention
/// <c>E = Σ_{contributing i} ½ Σ_{j ∈ list(i), r_ij &lt; cutoff} φ(r_ij)</c>:
/// a pair of two contributing particles is kept once (from the lower index: j &lt; i is skipped when j contributes)
/// in the full-weight buffer; a pair of a contributing i with a non-contributing (ghost) j goes to the half-weight
/// buffer with I = i. Lists of non-contributing particles are not read. Displacements are <c>x_j − x_i</c> as given
/// (no box: periodic images are the host's ghosts).
/// </summary>
public static class HostNeighborList
{
    /// <summary>
    /// Checks the list and fills the two buffers. <paramref name="positions"/> <c>[N·d]</c>; <paramref name="contributing"/>
    /// <c>[N]</c> of 0/1, or empty (all contribute); <paramref name="offsets"/> <c>[N+1]</c> CSR offsets into
    /// <paramref name="neighbors"/>, which must hold exactly <c>offsets[N]</c> zero-based indices. Pairs at
    /// <c>r ≥ cutoff</c> are dropped. Throws <see cref="InvalidInputException"/> naming the argument for offsets that
    /// are not CSR, an index out of range or equal to its particle, non-finite positions, bad flags, or two particles
    /// of a kept pair closer than <see cref="Topology.CoincidenceTolerance"/>.
    /// </summary>
    public static void Build(ReadOnlySpan<double> positions, int dimension, ReadOnlySpan<int> contributing,
                             ReadOnlySpan<long> offsets, ReadOnlySpan<int> neighbors, double cutoff,
                             EdgeBuffer full, EdgeBuffer half)
    {
        int d = dimension;
        int n = offsets.Length - 1;
        Validate(positions, d, contributing, offsets, neighbors, n);
        full.Reset(d);
        half.Reset(d);
        double rc2 = cutoff * cutoff;
        Span<double> dr = stackalloc double[3];
        for (int i = 0; i < n; i++)
        {
            if (!contributing.IsEmpty && contributing[i] == 0) continue;
            for (long k = offsets[i]; k < offsets[i + 1]; k++)
            {
                int j = neighbors[(int)k];
                if (j < 0 || j >= n) throw new InvalidInputException($"'neighbors' entry {k} (in the list of particle {i}) is {j}, outside [0, {n}); indices are zero-based particle numbers < natoms");
                if (j == i) throw new InvalidInputException($"'neighbors' entry {k} lists particle {i} as its own neighbour; a neighbour list never holds i itself");
                bool jContributes = contributing.IsEmpty || contributing[j] != 0;
                if (jContributes && j < i) continue;   // the pair is counted from j's list
                double r2 = 0;
                for (int a = 0; a < d; a++)
                {
                    double x = positions[j * d + a] - positions[i * d + a];
                    dr[a] = x;
                    r2 += x * x;
                }
                if (!(r2 < rc2)) continue;
                double r = Math.Sqrt(r2);
                if (!(r > Topology.CoincidenceTolerance))
                    throw new InvalidInputException(
                        $"particles {i} and {j} are at the same position (distance {r:G3}); overlapping particles make pair directions undefined — remove the duplicate or fix the coordinates");
                (jContributes ? full : half).Add(i, j, dr[..d], r);
            }
        }
    }

    private static void Validate(ReadOnlySpan<double> positions, int d, ReadOnlySpan<int> contributing,
                                 ReadOnlySpan<long> offsets, ReadOnlySpan<int> neighbors, int n)
    {
        if (n <= 0) throw new InvalidInputException($"'neighbor_offsets' has {offsets.Length} entries; it needs natoms + 1 ≥ 2");
        if (positions.Length != n * d) throw new InvalidInputException($"'positions' has {positions.Length} values, expected natoms·d = {n}·{d}");
        for (int k = 0; k < positions.Length; k++)
            if (!double.IsFinite(positions[k])) throw new InvalidInputException($"'positions' holds a non-finite value ({positions[k]}) at index {k} (particle {k / d})");
        if (!contributing.IsEmpty)
        {
            if (contributing.Length != n) throw new InvalidInputException($"'contributing' has {contributing.Length} entries, expected natoms = {n}");
            for (int i = 0; i < n; i++)
                if (contributing[i] is not (0 or 1)) throw new InvalidInputException($"'contributing' entry {i} is {contributing[i]}; use 1 for a contributing (owned) particle, 0 for a ghost");
        }
        if (offsets[0] != 0) throw new InvalidInputException($"'neighbor_offsets'[0] is {offsets[0]}; CSR offsets start at 0");
        for (int i = 0; i < n; i++)
            if (offsets[i + 1] < offsets[i])
                throw new InvalidInputException($"'neighbor_offsets' decreases at particle {i} ({offsets[i]} then {offsets[i + 1]}); CSR offsets must be non-decreasing");
        if (offsets[n] != neighbors.Length)
            throw new InvalidInputException($"'neighbor_offsets'[natoms] is {offsets[n]} but 'neighbors' holds {neighbors.Length} indices; the last offset is the total number of neighbours");
    }
}
