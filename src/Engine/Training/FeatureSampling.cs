// Gathers each layer's input rows from the training snapshots and samples the layers (ELM or SWIM).
using Engine.Common;
using Engine.Data;
using Engine.Features;
using Engine.Graph;
using Engine.Model;

namespace Engine.Training;

/// <summary>Builds the sampled feature map of the chosen family from training data.</summary>
public static class FeatureSampling
{
    /// <summary>Per-layer seeds are derived from the run seed so that changing one width leaves the other layers' draws unchanged.</summary>
    private static Random LayerRng(int seed, int layer) => new(unchecked(seed * 7919 + layer * 104729 + 17));

    public static IFeatureMap Sample(PhaseSpaceData data, Topology topology, GraphRule graph, TrainingOptions o)
    {
        var order = SamplingOrder(data.Snapshots, o.Seed);
        var edges = new EdgeBuffer();
        int d = data.Dimension;
        if (o.Construction == GraphConstruction.Frame && o.Family == ModelFamily.Pair)
            throw new InvalidInputException("the frame construction applies to graph models only; use Family = Graph with Construction = Frame, or Construction = Invariant for a pair model");
        if (o.Family == ModelFamily.GraphFrame || (o.Family == ModelFamily.Graph && o.Construction == GraphConstruction.Frame))
            return SampleFrame(data, topology, order, o);
        if (o.Family == ModelFamily.Pair)
        {
            var r = GatherPairDistances(data, topology, order, o.MaxSamplingRows);
            RequireInputs(r.Count, "pair distances");
            var radial = LayerSampler.Sample(r.ToArray(), r.Count, 1, o.WidthPair, o.Sampler, o.Activation, LayerRng(o.Seed, 0));
            int species = data.Species.Length == 0 ? 1 : data.Species.Max() + 1;
            return new PairPotentialFeatures(d, species, radial, graph.UsesFixedEdges ? 0 : graph.Cutoff);
        }

        var node = new List<double>();
        var edge = new List<double>();
        var message = new List<double>();
        foreach (int m in order)
        {
            topology.Build(data.QOf(m), data.Particles, edges);
            GraphHgnFeatures.CollectInputs(new Snapshot(data.QOf(m), data.POf(m), data.Mass, data.Species, edges), node, edge, message);
            if (message.Count / GraphHgnFeatures.MessageInputs >= o.MaxSamplingRows && node.Count >= o.MaxSamplingRows) break;
        }
        RequireInputs(edge.Count, "edges");
        var nodeLayer = LayerSampler.Sample(node.ToArray(), node.Count, 1, o.WidthNode, o.Sampler, o.Activation, LayerRng(o.Seed, 1));
        var edgeLayer = LayerSampler.Sample(edge.ToArray(), edge.Count, 1, o.WidthEdge, o.Sampler, o.Activation, LayerRng(o.Seed, 2));
        int rows = message.Count / GraphHgnFeatures.MessageInputs;
        var msgLayer = LayerSampler.Sample(message.ToArray(), rows, GraphHgnFeatures.MessageInputs, o.WidthMessage, o.Sampler, o.Activation, LayerRng(o.Seed, 3));
        return new GraphHgnFeatures(d, nodeLayer, edgeLayer, msgLayer);
    }

    /// <summary>Most values gathered for sampling the frame model's message layer (256 MB): its rows are 2·n_V + n_E wide.</summary>
    private const long MaxMessageSamplingValues = 1L << 25;

    /// <summary>
    /// The frame construction (method.md §3.1, sequential): φ_V on every v_i row, φ_E on every u_ij row (both
    /// directions), then φ_M on the rows [h_i; h_j; g_ij] computed with the sampled φ_V and φ_E.
    /// </summary>
    private static FrameGraphHgnFeatures SampleFrame(PhaseSpaceData data, Topology topology, int[] order, TrainingOptions o)
    {
        int d = data.Dimension;
        var edges = new EdgeBuffer();
        var node = new List<double>();
        var edge = new List<double>();
        foreach (int m in order)
        {
            topology.Build(data.QOf(m), data.Particles, edges);
            FrameGraphHgnFeatures.CollectEncoderInputs(new Snapshot(data.QOf(m), data.POf(m), data.Mass, data.Species, edges), node, edge);
            if (edge.Count / d >= o.MaxSamplingRows && node.Count / d >= o.MaxSamplingRows) break;
        }
        RequireInputs(edge.Count, "edges");
        var nodeLayer = LayerSampler.Sample(node.ToArray(), node.Count / d, d, o.WidthNode, o.Sampler, o.Activation, LayerRng(o.Seed, 1));
        var edgeLayer = LayerSampler.Sample(edge.ToArray(), edge.Count / d, d, o.WidthEdge, o.Sampler, o.Activation, LayerRng(o.Seed, 2));

        // Two passes: count the message rows the cap admits, then fill one exact array (rows are wide: no list doubling).
        int inputs = 2 * o.WidthNode + o.WidthEdge;
        long cap = Math.Min(o.MaxSamplingRows, Math.Max(1, MaxMessageSamplingValues / inputs));
        long rows = 0;
        foreach (int m in order)
        {
            topology.Build(data.QOf(m), data.Particles, edges);
            rows += 2L * edges.Count;
            if (rows >= cap) { rows = cap; break; }
        }
        RequireInputs((int)rows, "edges");
        var x = new double[rows * inputs];
        var snapshotRows = Array.Empty<double>();
        long filled = 0;
        foreach (int m in order)
        {
            if (filled == rows) break;
            topology.Build(data.QOf(m), data.Particles, edges);
            int count = 2 * edges.Count;
            if (snapshotRows.Length < (long)count * inputs) snapshotRows = new double[count * inputs];
            FrameGraphHgnFeatures.CollectMessageInputs(new Snapshot(data.QOf(m), data.POf(m), data.Mass, data.Species, edges), nodeLayer, edgeLayer, snapshotRows);
            int take = (int)Math.Min(count, rows - filled);
            snapshotRows.AsSpan(0, take * inputs).CopyTo(x.AsSpan((int)(filled * inputs)));
            filled += take;
        }
        var msgLayer = LayerSampler.Sample(x, (int)rows, inputs, o.WidthMessage, o.Sampler, o.Activation, LayerRng(o.Seed, 3));
        return new FrameGraphHgnFeatures(d, nodeLayer, edgeLayer, msgLayer);
    }

    private static void RequireInputs(int count, string what)
    {
        if (count == 0)
            throw new RankDeficientSystemException($"the training data contain no {what}: no pair of particles interacts (check 'edges', or a 'cutoff' larger than the particle spacing)");
    }

    /// <summary>
    /// The pair distances SWIM/ELM sample the radial layer from: snapshots in <paramref name="order"/> until
    /// <paramref name="cap"/> distances are gathered, the last snapshot strided down to what is left of the cap, so
    /// the cap holds exactly (the pairs at ⌊k·E/left⌋ of the neighbour search's order). A cutoff graph's snapshot is
    /// binned and its pairs counted, never stored (<see cref="CellList.SampleDistances"/>), so a million-particle
    /// snapshot costs O(N) ints and the cap, not its 26 million pairs (1 GB); the distances are the same as from its
    /// whole edge list.
    /// </summary>
    internal static List<double> GatherPairDistances(PhaseSpaceData data, Topology topology, IEnumerable<int> order, int cap)
    {
        var r = new List<double>();
        var edges = topology.IsFixed ? new EdgeBuffer() : null;
        var cells = topology.IsFixed ? null : new CellList();
        foreach (int m in order)
        {
            if (cells is not null)
            {
                cells.Bin(data.QOf(m), data.Particles, topology.Cutoff, topology.Box);
                cells.SampleDistances(cap - r.Count, r);
            }
            else
            {
                topology.Build(data.QOf(m), data.Particles, edges!);
                PairPotentialFeatures.CollectRadialInputs(edges!, r, cap - r.Count);
            }
            if (r.Count >= cap) break;
        }
        return r;
    }

    /// <summary>A seeded permutation of the snapshots, so a capped gather still sees every part of the data set.</summary>
    private static int[] SamplingOrder(int snapshots, int seed)
    {
        var order = Enumerable.Range(0, snapshots).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }
}
