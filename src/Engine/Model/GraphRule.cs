// How a model builds the graph of a configuration: the system's own fixed edges, or a cutoff it was trained with.
using Engine.Common;
using Engine.Data;
using Engine.Graph;

namespace Engine.Model;

/// <summary>
/// A fixed-topology model (springs, bonds) takes the edges of whatever system it is applied to, so a model
/// trained on an 8-node chain runs on a 4096-node chain; a cutoff model carries its cutoff radius.
/// </summary>
public sealed record GraphRule(bool UsesFixedEdges, double Cutoff)
{
    public static GraphRule Of(PhaseSpaceData data) => data.Edges is not null ? new(true, 0) : new(false, data.Cutoff!.Value);

    /// <summary>The topology this rule gives for a system with the given edges (if any) and periodic box.</summary>
    public Topology TopologyFor(int dimension, int[]? edges, double[]? box)
    {
        if (UsesFixedEdges)
        {
            if (edges is null) throw new InvalidInputException("this model was trained on a fixed topology and needs the system's 'edges'; the data have none (only a cutoff)");
            return Topology.Fixed(dimension, edges, box);
        }
        return Topology.WithCutoff(dimension, Cutoff, box);
    }

    public Topology TopologyFor(PhaseSpaceData data) => TopologyFor(data.Dimension, data.Edges, data.Box);
}
