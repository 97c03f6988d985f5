// The README's C# example, run as written: arrays in, trained model and held-out error out.
using Engine.Data;
using Engine.Features;
using Engine.Metrics;
using Engine.Model;
using Engine.Simulation;
using Engine.Training;
using NUnit.Framework;

namespace Engine.Tests.Training;

public class ReadmeExampleTests
{
    [Test]
    public void TrainAndEvaluateFromArrays()
    {
        // Arrays as a user's own simulator would hand them over: [M, N, d] row-major.
        var sim = SpringSystems.DefaultData(seed: 3);
        int M = sim.Snapshots, N = sim.Particles;
        double[] q = sim.Q, p = sim.P, dq = sim.Dq!, dp = sim.Dp!, mass = sim.Mass;
        int[] edges = sim.Edges!, traj = sim.Trajectory!;
        string path = Path.Combine(Path.GetTempPath(), $"readme-{Guid.NewGuid():N}.hgn");

        // ---- README example, verbatim ----
        var data = new PhaseSpaceData { Snapshots = M, Particles = N, Dimension = 3, Q = q, P = p, Dq = dq, Dp = dp,
                                        Mass = mass, Species = new int[N], Edges = edges, Trajectory = traj };
        var (train, test) = data.SplitByTrajectory(testTrajectories: 5);
        var (model, report) = Trainer.Train(train, new TrainingOptions { Family = ModelFamily.Pair });
        var errors = DerivativeErrors.Evaluate(model, test);
        Console.WriteLine($"fit {report.FitSeconds:F3} s, held-out dq/dp MSE {errors.Mse:E2}");
        ModelFile.Save(model, path);
        // ---- end of example ----

        try
        {
            Assert.That(errors.Mse, Is.LessThan(1e-10));
            var loaded = ModelFile.Load(path);
            Assert.That(DerivativeErrors.Evaluate(loaded, test).Mse, Is.EqualTo(errors.Mse), "a saved and reloaded model predicts the same bits");
        }
        finally { File.Delete(path); }
    }
}
