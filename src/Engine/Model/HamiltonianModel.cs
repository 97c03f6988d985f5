// A trained model: sampled feature map + solved linear head Ĥ = θᵀΦ + θ₀, with its provenance and units.
using System.Runtime.InteropServices;
using Engine.Common;
using Engine.Features;
using Engine.Graph;

namespace Engine.Model;

/// <summary>What a model was trained from and how; carried in the model file and reported.</summary>
public sealed record ModelInfo
{
    public required SamplerKind Sampler { get; init; }
    public required ActivationKind Activation { get; init; }
    public required int Seed { get; init; }
    public string LengthUnit { get; init; } = "reduced";
    public string EnergyUnit { get; init; } = "reduced";
}

/// <summary>
/// The learned Hamiltonian. Immutable and shareable across threads; <see cref="CreateEvaluator"/> gives a
/// per-thread <see cref="IHamiltonian"/> for one system (its particles, masses, species, edges or box).
/// </summary>
public sealed class HamiltonianModel
{
    public IFeatureMap Features { get; }
    /// <summary>Head coefficients θ <c>[F]</c>.</summary>
    public double[] Theta { get; }
    /// <summary>The additive constant θ₀ fixed by the anchor row.</summary>
    public double Theta0 { get; }
    public GraphRule Graph { get; }
    public ModelInfo Info { get; }
    public ModelFamily Family => Features.Family;
    public int Dimension => Features.Dimension;
    public bool IsSeparable => Features.IsSeparable;
    /// <summary>Number of species codes the model resolves: the pair model's species count, 0 for graph models.</summary>
    public int SpeciesCount => Features is PairPotentialFeatures pf ? pf.SpeciesCount : 0;
    /// <summary>
    /// Name of each species code <c>[SpeciesCount]</c> (e.g. "Ar"), as hosts such as KIM match species by name.
    /// Models trained without names carry the label the training data gave each code (a LAMMPS type "1"), else the
    /// code in decimal ("0", "1", …). Empty for graph models.
    /// </summary>
    public IReadOnlyList<string> SpeciesNames { get; }

    /// <summary>
    /// A model from its parts. <paramref name="speciesNames"/> names species codes 0 … <see cref="SpeciesCount"/>−1
    /// (null = the codes in decimal); names must be non-empty, distinct, at most 256 UTF-8 bytes, without
    /// whitespace or control characters.
    /// </summary>
    public HamiltonianModel(IFeatureMap features, double[] theta, double theta0, GraphRule graph, ModelInfo info,
                            IReadOnlyList<string>? speciesNames = null)
    {
        if (theta.Length != features.FeatureCount) throw new ArgumentException($"θ has {theta.Length} entries, the features {features.FeatureCount}");
        Features = features; Theta = theta; Theta0 = theta0; Graph = graph; Info = info;
        SpeciesNames = SpeciesNaming.Check(speciesNames, SpeciesCount);
    }

    /// <summary>A per-thread evaluator of the potential from a host's full neighbour list with ghosts (separable cutoff models).</summary>
    public NeighborListEvaluator CreateNeighborListEvaluator() => new(this);

    /// <summary>
    /// A per-thread evaluator of Ĥ for a system of <paramref name="mass"/>.Length particles. A cutoff model keeps a
    /// Verlet list with <paramref name="skin"/> (length unit; null = <see cref="DefaultSkinFraction"/> of the cutoff,
    /// 0 = a fresh cell-list search every call) so MD steps reuse its pairs; fixed topologies ignore the skin.
    /// </summary>
    public ModelEvaluator CreateEvaluator(double[] mass, int[] species, int[]? edges, double[]? box, double? skin = null)
    {
        var topology = Graph.TopologyFor(Dimension, edges, box);
        return new(this, topology, topology.CreateVerletList(skin ?? DefaultSkinFraction * topology.Cutoff), mass, species);
    }

    /// <summary>Default neighbour-list skin of a cutoff model's evaluator, as a fraction of its cutoff.</summary>
    public const double DefaultSkinFraction = 0.1;
}

/// <summary>
/// Ĥ and its gradient for one system; holds the edge buffer and feature scratch (one per thread).
/// For the separable pair family it caches V̂(q) and ∂V̂/∂q of the last configuration (bitwise compare of q):
/// velocity Verlet asks for Ĥ at the same q up to three times per step, and the neighbour search plus the
/// pair sum is nearly all of the cost, so the cache makes an MD step cost one potential evaluation.
/// </summary>
public sealed class ModelEvaluator : IHamiltonian
{
    private readonly HamiltonianModel _model;
    private readonly Topology _topology;
    private readonly VerletList? _verlet;
    private readonly double[] _mass;
    private readonly int[] _species;
    private readonly EdgeBuffer _edges = new();
    private readonly FeatureWorkspace _ws;
    private readonly PairPotentialFeatures? _pair;
    private readonly double[] _cachedQ = [], _cachedGrad = [];
    private double _cachedV;
    private bool _cacheValid;

    public int Particles => _mass.Length;
    public int Dimension => _model.Dimension;
    public bool IsSeparable => _model.IsSeparable;
    /// <summary>The Verlet list of a cutoff model (null for a fixed topology or a skin of 0): its build count shows how often pairs were searched.</summary>
    public VerletList? NeighbourList => _verlet;

    internal ModelEvaluator(HamiltonianModel model, Topology topology, VerletList? verlet, double[] mass, int[] species)
    {
        if (species.Length != mass.Length) throw new InvalidInputException($"species has {species.Length} entries, mass {mass.Length}");
        int speciesCount = model.Features is PairPotentialFeatures pf ? pf.SpeciesCount : int.MaxValue;
        foreach (int sp in species)
            if (sp < 0 || sp >= speciesCount)
                throw new InvalidInputException($"species code {sp} is outside the model's {speciesCount} trained species");
        _model = model; _topology = topology; _verlet = verlet; _mass = mass; _species = species;
        _ws = model.Features.CreateWorkspace();
        _pair = model.Features as PairPotentialFeatures;
        if (_pair is not null)
        {
            _cachedQ = new double[mass.Length * model.Dimension];
            _cachedGrad = new double[mass.Length * model.Dimension];
        }
    }

    public double Evaluate(ReadOnlySpan<double> q, ReadOnlySpan<double> p, Span<double> dHdq, Span<double> dHdp)
    {
        if (_pair is null || q.Length != _cachedQ.Length)
        {
            _topology.Build(q, Particles, _edges, _verlet);
            var s = new Snapshot(q, p, _mass, _species, _edges);
            return _model.Features.EvaluateGradient(s, _model.Theta, dHdq, dHdp, _ws) + _model.Theta0;
        }
        if (!_cacheValid || !SameBits(q, _cachedQ))
        {
            _cacheValid = false;
            _topology.Build(q, Particles, _edges, _verlet);
            _cachedV = _pair.EvaluatePotential(new Snapshot(q, p, _mass, _species, _edges), _model.Theta, _cachedGrad, _ws);
            q.CopyTo(_cachedQ);
            _cacheValid = true;
        }
        if (!dHdq.IsEmpty) _cachedGrad.CopyTo(dHdq);
        return _pair.EvaluateKinetic(new Snapshot(q, p, _mass, _species, _edges), _model.Theta, dHdp) + _cachedV + _model.Theta0;
    }

    /// <summary>
    /// The potential part of a separable pair model, for MD hosts: returns V̂(q) (without the constant θ₀, so V̂ → 0 as
    /// the particles separate beyond the cutoff) and overwrites each requested output (empty span = not requested):
    /// <paramref name="forces"/> <c>[N·d]</c> = −∂V̂/∂q, <paramref name="virial"/> <c>[6]</c> (d = 3; xx, yy, zz, xy, xz, yz,
    /// LAMMPS sign), <paramref name="perAtomEnergy"/> <c>[N]</c> (half of each pair energy per atom; sums to V̂).
    /// Throws <see cref="InvalidInputException"/> for a non-separable model.
    /// </summary>
    public double EvaluatePotential(ReadOnlySpan<double> q, Span<double> forces, Span<double> virial, Span<double> perAtomEnergy)
    {
        if (_pair is null)
            throw new InvalidInputException($"the potential energy and forces are defined for separable pair models only; this is a {_model.Family} model (use the time derivatives or an integrator step instead)");
        if (q.Length != Particles * Dimension) throw new InvalidInputException($"positions have {q.Length} values, expected N·d = {Particles * Dimension}");
        _topology.Build(q, Particles, _edges, _verlet);
        return _pair.EvaluatePotentialTerms(new Snapshot(q, default, _mass, _species, _edges), _model.Theta, forces, virial, perAtomEnergy, _ws);
    }

    // Bitwise, so the compare is vectorised and a hit means exactly the configuration that was evaluated.
    private static bool SameBits(ReadOnlySpan<double> a, ReadOnlySpan<double> b) =>
        MemoryMarshal.Cast<double, long>(a).SequenceEqual(MemoryMarshal.Cast<double, long>(b));
}
