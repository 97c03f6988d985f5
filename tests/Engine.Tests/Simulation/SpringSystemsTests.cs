// Checks the named catalogue of spring systems and the default data preset of method.md §4.
using Engine.Common;
using Engine.Simulation;
using NUnit.Framework;

namespace Engine.Tests.Simulation;

[TestFixture]
public sealed class SpringSystemsTests
{
    [TestCase("chain", new[] { 8 }, 8, 2, 7)]
    [TestCase("lattice2d", new[] { 3, 4 }, 12, 2, 17)]
    [TestCase("lattice2d", new[] { 3 }, 9, 2, 12)]
    [TestCase("lattice3d", new[] { 3, 3, 3 }, 27, 3, 54)]
    [TestCase("LATTICE3D", new[] { 2 }, 8, 3, 12)]
    public void CreateBuildsEveryPotential(string geometry, int[] size, int particles, int dimension, int edges)
    {
        foreach (var potential in SpringSystems.Potentials)
        {
            var s = SpringSystems.Create(geometry, size, potential);
            Assert.That(s.Particles, Is.EqualTo(particles));
            Assert.That(s.Dimension, Is.EqualTo(dimension));
            Assert.That(s.Edges, Has.Length.EqualTo(2 * edges));
            Assert.That(s.RestPositions, Has.Length.EqualTo(particles * dimension));
            Assert.That(s.Mass, Has.Length.EqualTo(particles).And.All.EqualTo(1.0));
            Assert.That(s.Hamiltonian.IsSeparable, Is.EqualTo(potential != "nonseparable"));
            // At rest with no momentum every system sits at its minimum H = 0.
            Assert.That(s.Hamiltonian.Evaluate(s.RestPositions, new double[s.RestPositions.Length], default, default), Is.EqualTo(0).Within(1e-15));
        }
    }

    [Test]
    public void PotentialNamesPickTheRightForm()
    {
        var (h, _, _) = SpringSystems.Create("chain", [3], "Morse");
        Assert.That(((SpringNetwork)h).Potential.Kind, Is.EqualTo(SpringPotentialKind.Morse));
        Assert.That(SpringSystems.Create("chain", [3], "nonseparable").Hamiltonian, Is.TypeOf<NonSeparableSprings>());
        Assert.That(SpringSystems.Create("chain", [5], "harmonic", chainDimension: 3).Dimension, Is.EqualTo(3));
    }

    [Test]
    public void UnknownNamesAndBadSizesAreRefused()
    {
        Assert.That(() => SpringSystems.Create("ring", [4], "harmonic"), Throws.TypeOf<InvalidInputException>().With.Message.Contains("'ring'").And.Message.Contains("lattice3d"));
        Assert.That(() => SpringSystems.Create("chain", [4], "lj"), Throws.TypeOf<InvalidInputException>().With.Message.Contains("'lj'").And.Message.Contains("nonseparable"));
        Assert.That(() => SpringSystems.Create("chain", [4, 2], "harmonic"), Throws.TypeOf<InvalidInputException>());
        Assert.That(() => SpringSystems.Create("lattice2d", [2, 2, 2], "harmonic"), Throws.TypeOf<InvalidInputException>());
        Assert.That(() => SpringSystems.Create("lattice3d", [2, 2], "harmonic"), Throws.TypeOf<InvalidInputException>());
        Assert.That(() => SpringSystems.Create("lattice3d", [], "harmonic"), Throws.TypeOf<InvalidInputException>());
    }

    [Test]
    public void DefaultDataMatchesMethodSection4()
    {
        var g = SpringSystems.DefaultGenerator();
        Assert.That((g.Trajectories, g.SnapshotsPerTrajectory, g.Interval, g.Displacement, g.MomentumStd), Is.EqualTo((25, 20, 0.1, 0.1, 0.1)));
        var data = SpringSystems.DefaultData(seed: 0);
        data.Validate("default data");
        Assert.That(data.Snapshots, Is.EqualTo(500));
        Assert.That(data.Particles, Is.EqualTo(27));
        Assert.That(data.EdgeCount, Is.EqualTo(54));
        var (train, test) = data.SplitByTrajectory(SpringSystems.DefaultTestTrajectories);
        Assert.That(train.Snapshots, Is.EqualTo(400));
        Assert.That(test.Snapshots, Is.EqualTo(100));
        // method.md §10 reports "predicting zero gives test MSE 1.08e-2" for this data: the mean of ẏ² (same statistics, other draws) must be close.
        double sum = 0; long count = 0;
        foreach (var arr in new[] { test.Dq!, test.Dp! }) foreach (var x in arr) { sum += x * x; count++; }
        Assert.That(sum / count, Is.InRange(7e-3, 1.5e-2));
    }
}
