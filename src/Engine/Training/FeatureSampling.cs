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
        RequireMomenta(data, o.Family == ModelFamily.Pair ? "kinetic" : "node");
        var order = SamplingOrder(data.Snapshots, o.Seed);
        var edges = new EdgeBuffer();
        int d = data.Dimension;
        if (o.Family == ModelFamily.Pair)
        {
            var r = new List<double>();
            foreach (int m in order)
            {
                topology.Build(data.QOf(m), data.Particles, edges);
                PairPotentialFeatures.CollectRadialInputs(edges, r);
                if (r.Count >= o.MaxSamplingRows) break;
            }
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

    /// <summary>
    /// All-zero momenta leave the momentum block without support whatever the sampler; refused here, before SWIM
    /// fails on identical node inputs with a message that names neither the block nor the cause.
    /// </summary>
    private static void RequireMomenta(PhaseSpaceData data, string block)
    {
        foreach (double v in data.P) if (v != 0) return;
        throw new RankDeficientSystemException($"the least-squares system is rank-deficient: the '{block}' feature block would be zero in every row — every momentum in the training data is zero, so nothing fixes how H depends on p; add snapshots with nonzero momenta");
    }

    private static void RequireInputs(int count, string what)
    {
        if (count == 0)
            throw new RankDeficientSystemException($"the training data contain no {what}: no pair of particles interacts (check 'edges', or a 'cutoff' larger than the particle spacing)");
    }

    /// <summary>A seeded permutation of the snapshots, so a capped gather still sees every part of the data set.</summary>
    private static int[] SamplingOrder(int snapshots, int seed)
    {
        var order = Enumerable.Range(0, snapshots).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }
}
