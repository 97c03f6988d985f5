// Incidence lists of one block's pairs: the same lists as over the whole snapshot, for that block only.
using Engine.Features;
using Engine.Graph;
using NUnit.Framework;

namespace Engine.Tests.Features;

[TestFixture]
public class EdgeIncidenceBlockTests
{
    [Test]
    public void BlockListsHoldTheBlocksEdgesAndRefuseAnotherBlock()
    {
        // Five particles on a line; Morton order = coordinate order: 1, 3, 4, 2, 0.
        double[] q = [4.0, 0.0, 3.0, 1.0, 2.0];
        var incidence = new EdgeIncidence();
        incidence.BuildOrder(q, 5, 1);
        Assert.That(incidence.Order.ToArray(), Is.EqualTo(new[] { 1, 3, 4, 2, 0 }));
        // Block [1, 3) = particles 3 and 4; its pairs (as a block search gives them), one of them internal.
        var edges = new EdgeBuffer();
        edges.Reset(1);
        foreach (var (i, j) in new[] { (1, 3), (3, 4), (2, 4), (0, 3) }) edges.Add(i, j, [1.0], 1.0);
        incidence.BuildBlock(edges, 1, 2);
        Assert.That(incidence.EdgesOf(3).ToArray(), Is.EqualTo(new[] { 0, 1, 3 }));
        Assert.That(incidence.EdgesOf(4).ToArray(), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(incidence.EdgesOf(1).ToArray(), Is.Empty, "not in the block");
        Assert.That(incidence.MemberIndices.ToArray(), Is.EqualTo(new[] { -1, -1, -1, 0, 1 }));
        incidence.SelectBlock(1, 2);   // the same block keeps its lists
        Assert.That(incidence.EdgesOf(4).ToArray(), Is.EqualTo(new[] { 1, 2 }));
        incidence.SelectBlock(3, 2);   // another block has none until BuildBlock
        Assert.Throws<InvalidOperationException>(() => incidence.EdgesOf(2));

        // Build returns to whole-snapshot lists, for any block.
        incidence.Build(edges, q, 5, 1);
        Assert.That(incidence.EdgesOf(0).ToArray(), Is.EqualTo(new[] { 3 }));
        Assert.Throws<InvalidOperationException>(() => incidence.BuildBlock(edges, 0, 1));
    }
}
