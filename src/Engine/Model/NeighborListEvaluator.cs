// The potential of a separable cutoff model from an MD host's full neighbour list with ghost particles (KIM convention).
using Engine.Common;
using Engine.Features;
using Engine.Graph;

namespace Engine.Model;

/// <summary>
/// Evaluates V̂ for a host that owns the geometry (LAMMPS, KIM, a domain-decomposed code): the host gives every
/// particle it holds, owned and ghost, a <c>contributing</c> flag and a full CSR neighbour list, and the engine
/// returns <c>E = Σ_{contributing i} E_i</c>, <c>E_i = ½ Σ_{j ∈ list(i), r_ij &lt; r_c} φ(r_ij)</c> with forces on every
/// particle (the host folds ghost forces back onto their owners). With ghosts made by periodic images of a cell this
/// equals <see cref="ModelEvaluator.EvaluatePotential"/> with that cell.
/// One per thread: it holds the edge buffers and scratch, grown on demand and reused, so repeated calls with
/// sizes that do not grow allocate nothing.
/// </summary>
public sealed class NeighborListEvaluator
{
    private readonly HamiltonianModel _model;
    private readonly PairPotentialFeatures _pair;
    private readonly FeatureWorkspace _ws;
    private readonly EdgeBuffer _full = new(), _half = new();
    private double[] _ones = [], _halfForces = [], _halfPerAtom = [];
    private int[] _zeros = [];
    private readonly double[] _halfVirial = new double[6];

    public HamiltonianModel Model => _model;
    public int Dimension => _model.Dimension;
    /// <summary>Pairs at r ≥ this radius are skipped: the model's neighbour cutoff (length units).</summary>
    public double Cutoff => _model.Graph.Cutoff;

    internal NeighborListEvaluator(HamiltonianModel model)
    {
        if (model.Features is not PairPotentialFeatures pair || !model.IsSeparable)
            throw new InvalidInputException($"a host neighbour list serves separable pair models (H = T(p) + V(q)); this is a {model.Family} model: use the time derivatives or an integrator step on the whole configuration instead");
        if (model.Graph.UsesFixedEdges)
            throw new InvalidInputException("this model was trained on a fixed topology (its pairs come from 'edges', not a cutoff), so a neighbour list does not apply; evaluate it on the whole configuration with its edges");
        _model = model; _pair = pair;
        _ws = model.Features.CreateWorkspace();
    }

    /// <summary>
    /// The potential energy E (without θ₀, so E → 0 as particles separate beyond the cutoff), overwriting each requested
    /// output (empty span = not requested). Inputs, N = <paramref name="neighborOffsets"/>.Length − 1 particles:
    /// <paramref name="positions"/> <c>[N·d]</c> as given (no wrapping); <paramref name="species"/> <c>[N]</c> codes
    /// &lt; <see cref="HamiltonianModel.SpeciesCount"/> (empty = all 0); <paramref name="contributing"/> <c>[N]</c>
    /// 1 = owned, 0 = ghost (empty = all contribute); <paramref name="neighborOffsets"/> <c>[N+1]</c> CSR offsets with
    /// <c>offsets[0] = 0</c>, non-decreasing, <c>offsets[N] = neighbors.Length</c>; <paramref name="neighbors"/> the full
    /// lists (lists of ghosts are ignored; pairs beyond the cutoff are skipped, so a skin is fine).
    /// Outputs: <paramref name="forces"/> <c>[N·d]</c> = −∂E/∂x for every particle, ghosts included;
    /// <paramref name="virial"/> <c>[6]</c> (d = 3; xx, yy, zz, xy, xz, yz, LAMMPS sign) over the counted pairs with their
    /// weights; <paramref name="perAtomEnergy"/> <c>[N]</c> = E_i for contributing particles, 0 for ghosts.
    /// Throws <see cref="InvalidInputException"/> naming the bad argument.
    /// </summary>
    public double EvaluatePotential(ReadOnlySpan<double> positions, ReadOnlySpan<int> species, ReadOnlySpan<int> contributing,
                                    ReadOnlySpan<long> neighborOffsets, ReadOnlySpan<int> neighbors,
                                    Span<double> forces, Span<double> virial, Span<double> perAtomEnergy)
    {
        int d = Dimension, n = neighborOffsets.Length - 1;
        if (n <= 0) throw new InvalidInputException($"'neighbor_offsets' has {neighborOffsets.Length} entries; it needs natoms + 1 ≥ 2");
        if (!virial.IsEmpty && d != 3) throw new InvalidInputException($"'virial' is defined for 3-dimensional models; this model has d = {d}");
        if (!virial.IsEmpty && virial.Length < 6) throw new InvalidInputException($"'virial' has {virial.Length} entries, expected 6");
        if (!forces.IsEmpty && forces.Length < n * d) throw new InvalidInputException($"'forces' has {forces.Length} values, expected natoms·d = {n * d}");
        if (!perAtomEnergy.IsEmpty && perAtomEnergy.Length < n) throw new InvalidInputException($"'per_atom_energy' has {perAtomEnergy.Length} values, expected natoms = {n}");
        if (species.IsEmpty) species = Zeros(n);
        else CheckSpecies(species, n);
        HostNeighborList.Build(positions, d, contributing, neighborOffsets, neighbors, Cutoff, _full, _half);

        ReadOnlySpan<double> mass = Ones(n);   // the potential ignores masses; Snapshot takes N from them
        EnsureScratch(n, d);
        bool wantForces = !forces.IsEmpty, wantVirial = !virial.IsEmpty, wantPerAtom = !perAtomEnergy.IsEmpty;
        double eFull = _pair.EvaluatePotentialTerms(new Snapshot(positions, default, mass, species, _full), _model.Theta,
            forces, virial, perAtomEnergy, _ws);
        if (_half.Count == 0)
            return eFull;   // no ghost pairs: the full-weight pass is the whole answer

        Span<double> hf = wantForces ? _halfForces.AsSpan(0, n * d) : default;
        Span<double> hv = wantVirial ? _halfVirial : default;
        Span<double> hp = wantPerAtom ? _halfPerAtom.AsSpan(0, n) : default;
        double eHalf = _pair.EvaluatePotentialTerms(new Snapshot(positions, default, mass, species, _half), _model.Theta, hf, hv, hp, _ws);
        // A ghost pair carries weight ½ in E, forces and virial (scaling by ½ is exact). Per atom, the half pass already
        // gave its contributing end I = i exactly ½φ — that is E_i's share — and its ghost end the other ½φ, dropped.
        if (wantForces)
            for (int k = 0; k < n * d; k++) forces[k] += 0.5 * hf[k];
        if (wantVirial)
            for (int k = 0; k < 6; k++) virial[k] += 0.5 * hv[k];
        if (wantPerAtom)
            for (int i = 0; i < n; i++)
                if (contributing.IsEmpty || contributing[i] != 0) perAtomEnergy[i] += hp[i];
        return eFull + 0.5 * eHalf;
    }

    private void CheckSpecies(ReadOnlySpan<int> species, int n)
    {
        if (species.Length != n) throw new InvalidInputException($"'species' has {species.Length} entries, expected natoms = {n}");
        int count = _model.SpeciesCount;
        for (int i = 0; i < n; i++)
            if ((uint)species[i] >= (uint)count)
                throw new InvalidInputException($"'species' entry {i} is {species[i]}, outside the model's {count} trained species codes [0, {count})");
    }

    private ReadOnlySpan<double> Ones(int n)
    {
        if (_ones.Length < n) { _ones = new double[n]; Array.Fill(_ones, 1.0); }
        return _ones.AsSpan(0, n);
    }

    private ReadOnlySpan<int> Zeros(int n)
    {
        if (_zeros.Length < n) _zeros = new int[n];
        return _zeros.AsSpan(0, n);
    }

    private void EnsureScratch(int n, int d)
    {
        if (_halfForces.Length < n * d) _halfForces = new double[n * d];
        if (_halfPerAtom.Length < n) _halfPerAtom = new double[n];
    }
}
