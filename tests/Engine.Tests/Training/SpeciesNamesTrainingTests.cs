// Trained pair models carry species names: the options' names, else the data's labels, else the codes.
using Engine.Common;
using Engine.Data;
using Engine.Features;
using Engine.Simulation;
using Engine.Training;
using NUnit.Framework;

namespace Engine.Tests.Training;

public class SpeciesNamesTrainingTests
{
    private static PhaseSpaceData TwoSpecies(string[]? labels)
    {
        var lj = new LennardJonesSystem().Generate(108, trajectories: 1, snapshotsPerTrajectory: 2, stepsBetween: 5, dt: 5e-3, equilibrationSteps: 10, seed: 4);
        return new PhaseSpaceData
        {
            Snapshots = lj.Snapshots, Particles = lj.Particles, Dimension = 3, Q = lj.Q, P = lj.P, Dq = lj.Dq, Dp = lj.Dp,
            Mass = lj.Mass, Species = Enumerable.Range(0, lj.Particles).Select(i => i % 2).ToArray(), SpeciesNames = labels,
            Cutoff = lj.Cutoff, Box = lj.Box,
        };
    }

    private static readonly TrainingOptions Pair = new() { Family = ModelFamily.Pair, WidthPair = 8 };

    [Test]
    public void NamesComeFromOptionsThenDataLabelsThenCodes()
    {
        Assert.That(Trainer.Train(TwoSpecies(["Ar", "Kr", "Xe"]), Pair).Model.SpeciesNames, Is.EqualTo(new[] { "Ar", "Kr" }), "the data's labels of the trained codes");
        Assert.That(Trainer.Train(TwoSpecies(["Ar", "Kr"]), Pair with { SpeciesNames = ["Ne", "He"] }).Model.SpeciesNames, Is.EqualTo(new[] { "Ne", "He" }));
        Assert.That(Trainer.Train(TwoSpecies(null), Pair).Model.SpeciesNames, Is.EqualTo(new[] { "0", "1" }));
    }

    [Test]
    public void BadNamesAreRefusedBeforeTraining()
    {
        Assert.That(() => Trainer.Train(TwoSpecies(null), Pair with { SpeciesNames = ["Ar"] }),
            Throws.TypeOf<InvalidInputException>().With.Message.Contains("1 given for a model with 2"));
        Assert.That(() => Trainer.Train(TwoSpecies(["A:r", "Kr"]), Pair),
            Throws.TypeOf<InvalidInputException>().With.Message.Contains("--species-names"));
        Assert.That(() => Trainer.Train(TwoSpecies(null), new TrainingOptions { Family = ModelFamily.Graph, SpeciesNames = ["Ar", "Kr"] }),
            Throws.TypeOf<InvalidInputException>().With.Message.Contains("pair models only"));
    }
}
