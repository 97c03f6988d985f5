// Training with the frame construction: it learns a small harmonic lattice, samples reproducibly, and is refused for pair models.
using Engine.Common;
using Engine.Features;
using Engine.Metrics;
using Engine.Simulation;
using Engine.Training;
using NUnit.Framework;

namespace Engine.Tests.Training;

public class FrameTrainingTests
{
    private static (Engine.Data.PhaseSpaceData Train, Engine.Data.PhaseSpaceData Test) Data()
    {
        var generator = new TrajectoryGenerator { Trajectories = 16, SnapshotsPerTrajectory = 10, Interval = 0.1, Substeps = 20, Displacement = 0.1, MomentumStd = 0.1, Seed = 3 };
        return generator.Generate(SpringSystems.Create("lattice3d", [2, 2, 2], "harmonic")).SplitByTrajectory(2);
    }

    private static readonly TrainingOptions Frame = new()
    {
        Family = ModelFamily.Graph, Construction = GraphConstruction.Frame, WidthNode = 32, WidthEdge = 64, WidthMessage = 256, Seed = 1,
    };

    [Test]
    public void FrameModelLearnsASmallLattice()
    {
        var (train, test) = Data();
        var (model, report) = Trainer.Train(train, Frame);
        Assert.That(model.Features, Is.TypeOf<FrameGraphHgnFeatures>());
        Assert.That(model.Family, Is.EqualTo(ModelFamily.GraphFrame));
        Assert.That(report.Cols, Is.EqualTo(257));

        var evaluator = model.CreateEvaluator(test.Mass, test.Species, test.Edges, test.Box);
        double mse = DerivativeErrors.Evaluate(evaluator, test).Mse;
        var zeros = new double[test.Dq!.Length];
        double zeroMse = DerivativeErrors.Compute(zeros, zeros, test.Dq, test.Dp!).Mse;
        TestContext.Out.WriteLine($"frame test MSE {mse:G3}, zero predictor {zeroMse:G3}");
        // The frame is unstable on symmetric lattices (method.md §10, lead 3: the closest node to the centre changes
        // from snapshot to snapshot), so this construction is far from round-off even here: measured ratio 0.46
        // on these data (0.31 on the default 3×3×3 data, as in the NumPy reconstruction). The frame-free default
        // reaches ~1e-14 of the zero predictor on the same data.
        Assert.That(mse, Is.LessThan(0.6 * zeroMse), "the frame model should explain a good part of the derivative variance");
    }

    [Test]
    public void SamplingIsReproducibleAndLeavesOtherConstructionsAlone()
    {
        var (train, _) = Data();
        var graph = Engine.Model.GraphRule.Of(train);
        var topology = graph.TopologyFor(train);
        var a = (FrameGraphHgnFeatures)FeatureSampling.Sample(train, topology, graph, Frame);
        var b = (FrameGraphHgnFeatures)FeatureSampling.Sample(train, topology, graph, Frame);
        Assert.That(b.Message.WT, Is.EqualTo(a.Message.WT));
        Assert.That(b.Edge.B, Is.EqualTo(a.Edge.B));
        Assert.That(a.Message.Inputs, Is.EqualTo(2 * 32 + 64));
        Assert.That(FeatureSampling.Sample(train, topology, graph, Frame with { Construction = GraphConstruction.Invariant }), Is.TypeOf<GraphHgnFeatures>());
        Assert.That(FeatureSampling.Sample(train, topology, graph, Frame with { Family = ModelFamily.Pair, Construction = GraphConstruction.Invariant }), Is.TypeOf<PairPotentialFeatures>());
        Assert.That(new TrainingOptions().Construction, Is.EqualTo(GraphConstruction.Invariant), "the default stays frame-free");
    }

    [Test]
    public void FrameConstructionWithPairFamilyIsRefused()
    {
        var (train, _) = Data();
        var e = Assert.Throws<InvalidInputException>(() => Trainer.Train(train, Frame with { Family = ModelFamily.Pair }));
        Assert.That(e!.Message, Does.Contain("graph"));
    }
}
