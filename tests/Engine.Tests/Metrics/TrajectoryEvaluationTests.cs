// Rollout evaluation over a test set: zero error on self-generated data, aggregation rules, refusal of bad time axes.
using Engine.Common;
using Engine.Data;
using Engine.Dynamics;
using Engine.Metrics;
using Engine.Tests.Dynamics;
using NUnit.Framework;

namespace Engine.Tests.Metrics;

public class TrajectoryEvaluationTests
{
    private const int N = 2, D = 2, S = N * D;

    /// <summary>
    /// Test data made by rolling <paramref name="h"/> out from seeded initial states. Trajectory k has label 10 + k,
    /// starts at time 5k and has <paramref name="lengths"/>[k] snapshots; snapshots of different trajectories are
    /// interleaved in storage (each trajectory still in time order) so the evaluation must gather them.
    /// </summary>
    private static PhaseSpaceData MakeData(IHamiltonian h, IntegratorKind kind, double dt, int[] lengths, int substeps = 1)
    {
        var rng = new Random(42);
        var rolls = lengths.Select(len =>
        {
            var q0 = Enumerable.Range(0, S).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            var p0 = Enumerable.Range(0, S).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            return Rollout.Run(h, kind, q0, p0, dt, len - 1, substeps);
        }).ToArray();
        var q = new List<double>(); var p = new List<double>(); var traj = new List<int>(); var time = new List<double>();
        for (int t = 0; t < lengths.Max(); t++)
            for (int k = 0; k < lengths.Length; k++)
            {
                if (t >= lengths[k]) continue;
                q.AddRange(rolls[k].QAt(t).ToArray()); p.AddRange(rolls[k].PAt(t).ToArray());
                traj.Add(10 + k); time.Add(5.0 * k + t * dt);
            }
        return new PhaseSpaceData
        {
            Snapshots = traj.Count, Particles = N, Dimension = D, Q = q.ToArray(), P = p.ToArray(),
            Mass = [1, 1], Species = [0, 0], Cutoff = 1.0, Trajectory = traj.ToArray(), Time = time.ToArray(),
        };
    }

    [Test]
    public void RollingOutTheTrueHamiltonianGivesZeroError()
    {
        var h = new HarmonicOscillator(N, D, omega: 1.2);
        var data = MakeData(h, IntegratorKind.ImplicitMidpoint, 0.05, [41, 41, 41]);
        var r = TrajectoryEvaluation.Evaluate(data, h, h, IntegratorKind.ImplicitMidpoint);

        Assert.That(r.Trajectories, Is.EqualTo(3));
        Assert.That(r.TrajectoriesPerStep, Has.Length.EqualTo(41));
        Assert.That(r.TrajectoriesPerStep, Is.All.EqualTo(3));
        Assert.That(r.RelativeError, Has.Length.EqualTo(41));
        // dt is recovered from stored times (5k + t·dt), so it can differ from 0.05 in the last bit: ~0, not exactly 0.
        Assert.That(r.RelativeError, Is.All.LessThan(1e-12));
        Assert.That(r.EnergyRelativeError, Is.All.LessThan(1e-12));
        Assert.That(r.PositionMse, Is.All.LessThan(1e-24));
        Assert.That(r.FinalPositionMse, Is.LessThan(1e-24));
        Assert.That(r.MaxEnergyDriftLearned, Is.LessThan(1e-12));
        Assert.That(r.MaxEnergyDriftTrue, Is.LessThan(1e-12));
    }

    [Test]
    public void SubstepsAreHonoured()
    {
        // Data integrated with 8 substeps per output step: evaluating with 8 substeps reproduces it, with 1 it does not.
        var h = new HarmonicOscillator(N, D);
        var data = MakeData(h, IntegratorKind.StormerVerlet, 0.2, [30, 30], substeps: 8);
        var same = TrajectoryEvaluation.Evaluate(data, h, null, IntegratorKind.StormerVerlet, substeps: 8);
        var coarse = TrajectoryEvaluation.Evaluate(data, h, null, IntegratorKind.StormerVerlet, substeps: 1);
        Assert.That(same.FinalPositionMse, Is.LessThan(1e-24));
        Assert.That(coarse.FinalPositionMse, Is.GreaterThan(1e-8));
        Assert.That(coarse.RelativeError[^1], Is.GreaterThan(1e-4).And.LessThan(0.1));
    }

    [Test]
    public void AggregatesPerTrajectoryCurvesAsSpecified()
    {
        var truth = new HarmonicOscillator(N, D, omega: 1.0);
        var model = new HarmonicOscillator(N, D, omega: 1.05);
        const double dt = 0.1;
        var data = MakeData(truth, IntegratorKind.StormerVerlet, dt, [51, 51, 51, 51]);
        var r = TrajectoryEvaluation.Evaluate(data, model, truth, IntegratorKind.StormerVerlet);

        // Recompute each trajectory by hand from the building blocks and aggregate independently.
        var trajs = data.TrajectorySnapshots();
        var logRel = new double[51]; var logErel = new double[51]; var mse = new double[51];
        double finalMse = 0, driftTrue = 0, driftLearned = 0;
        foreach (var snaps in trajs)
        {
            var sub = data.Select(snaps);
            var roll = Rollout.Run(model, IntegratorKind.StormerVerlet, sub.QOf(0), sub.POf(0), sub.Time![1] - sub.Time[0], 50);
            var rel = RolloutErrors.RelativeError(sub.Q, roll.Q, S);
            var ePred = RolloutErrors.Energies(truth, roll.Q, roll.P);
            var erel = RolloutErrors.EnergyRelativeError(RolloutErrors.Energies(truth, sub.Q, sub.P), ePred);
            var m = RolloutErrors.PositionMse(sub.Q, roll.Q, S);
            for (int t = 0; t <= 50; t++) { logRel[t] += Math.Log(rel[t]) / 4; logErel[t] += Math.Log(erel[t]) / 4; mse[t] += m[t] / 4; }
            finalMse += m[50] / 4;
            driftTrue = Math.Max(driftTrue, RolloutErrors.EnergyDrift(ePred).Max());
            driftLearned = Math.Max(driftLearned, RolloutErrors.EnergyDrift(roll.Energy).Max());
        }
        for (int t = 0; t <= 50; t++)
        {
            Assert.That(r.RelativeError[t], Is.EqualTo(Math.Exp(logRel[t])).Within(1e-10).Percent, $"RelErr step {t}");
            Assert.That(r.EnergyRelativeError![t], Is.EqualTo(Math.Exp(logErel[t])).Within(1e-10).Percent, $"energy step {t}");
            Assert.That(r.PositionMse[t], Is.EqualTo(mse[t]).Within(1e-12).Percent, $"MSE step {t}");
        }
        Assert.That(r.FinalPositionMse, Is.EqualTo(finalMse).Within(1e-12).Percent);
        Assert.That(r.MaxEnergyDriftTrue, Is.EqualTo(driftTrue));
        Assert.That(r.MaxEnergyDriftLearned, Is.EqualTo(driftLearned));

        // A 5 % frequency error: the rollout error grows, the true energy of the rollout moves by ~ω̂² − 1 ≈ 10 %,
        // while the learned H on its own (Verlet) rollout only oscillates at O(dt²).
        Assert.That(r.RelativeError[50], Is.GreaterThan(10 * r.RelativeError[1]));
        Assert.That(r.RelativeError[0], Is.EqualTo(r.RelativeError[1]), "t = 0 rule survives aggregation");
        Assert.That(r.MaxEnergyDriftTrue, Is.InRange(0.01, 0.2));
        Assert.That(r.MaxEnergyDriftLearned, Is.LessThan(0.01));
    }

    [Test]
    public void WithoutTrueHamiltonianTheTrueEnergyFieldsAreAbsent()
    {
        var h = new HarmonicOscillator(N, D);
        var r = TrajectoryEvaluation.Evaluate(MakeData(h, IntegratorKind.StormerVerlet, 0.1, [5]), h, null, IntegratorKind.StormerVerlet);
        Assert.That(r.EnergyRelativeError, Is.Null);
        Assert.That(r.MaxEnergyDriftTrue, Is.Null);
    }

    [Test]
    public void TrajectoriesOfDifferentLengthsAreAggregatedWhereTheyExist()
    {
        var h = new HarmonicOscillator(N, D);
        var model = new HarmonicOscillator(N, D, omega: 1.1);
        var data = MakeData(h, IntegratorKind.StormerVerlet, 0.1, [6, 11]);
        var r = TrajectoryEvaluation.Evaluate(data, model, h, IntegratorKind.StormerVerlet);
        Assert.That(r.TrajectoriesPerStep, Is.EqualTo(new[] { 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1 }));
        Assert.That(r.RelativeError, Has.Length.EqualTo(11));
        // Beyond step 5 only the long trajectory counts: its own curve.
        var sub = data.Select(data.TrajectorySnapshots()[1]);
        var roll = Rollout.Run(model, IntegratorKind.StormerVerlet, sub.QOf(0), sub.POf(0), sub.Time![1] - sub.Time[0], 10);
        var rel = RolloutErrors.RelativeError(sub.Q, roll.Q, S);
        Assert.That(r.RelativeError[10], Is.EqualTo(rel[10]).Within(1e-12).Percent);
    }

    [Test]
    public void UnequallySpacedTimesAreRefusedNamingTheTrajectory()
    {
        var h = new HarmonicOscillator(N, D);
        var data = MakeData(h, IntegratorKind.StormerVerlet, 0.1, [6, 6]);
        var time = data.Time!;
        int last = Array.FindLastIndex(data.Trajectory!, k => k == 11);
        time[last] += 0.03; // the final interval of trajectory 11 becomes 0.13
        var ex = Assert.Throws<InvalidInputException>(() => TrajectoryEvaluation.Evaluate(data, h, null, IntegratorKind.StormerVerlet));
        Assert.That(ex!.Message, Does.Contain("trajectory 11").And.Contain("equally spaced"));
    }

    [Test]
    public void OtherBadInputsAreRefused()
    {
        var h = new HarmonicOscillator(N, D);
        var ok = MakeData(h, IntegratorKind.StormerVerlet, 0.1, [4, 4]);
        PhaseSpaceData With(double[]? time = null, int[]? traj = null, bool dropTime = false) => new()
        {
            Snapshots = ok.Snapshots, Particles = N, Dimension = D, Q = ok.Q, P = ok.P, Mass = ok.Mass, Species = ok.Species,
            Cutoff = 1.0, Trajectory = traj ?? ok.Trajectory, Time = dropTime ? null : time ?? ok.Time,
        };
        Assert.Throws<InvalidInputException>(() => TrajectoryEvaluation.Evaluate(With(dropTime: true), h, null, IntegratorKind.StormerVerlet));
        var reversed = (double[])ok.Time!.Clone();
        (reversed[0], reversed[2]) = (reversed[2], reversed[0]); // trajectory 10: t = 0.1, then 0
        var ex = Assert.Throws<InvalidInputException>(() => TrajectoryEvaluation.Evaluate(With(time: reversed), h, null, IntegratorKind.StormerVerlet));
        Assert.That(ex!.Message, Does.Contain("trajectory 10"));
        var single = (int[])ok.Trajectory!.Clone();
        single[^1] = 99; // a trajectory of one snapshot cannot fix dt
        ex = Assert.Throws<InvalidInputException>(() => TrajectoryEvaluation.Evaluate(With(traj: single), h, null, IntegratorKind.StormerVerlet));
        Assert.That(ex!.Message, Does.Contain("trajectory 99"));
        Assert.Throws<InvalidInputException>(() => TrajectoryEvaluation.Evaluate(ok, new HarmonicOscillator(3, D), null, IntegratorKind.StormerVerlet));
        Assert.Throws<InvalidInputException>(() => TrajectoryEvaluation.Evaluate(ok, h, new HarmonicOscillator(N, 3), IntegratorKind.StormerVerlet));
        Assert.Throws<InvalidInputException>(() => TrajectoryEvaluation.Evaluate(ok, h, null, IntegratorKind.StormerVerlet, substeps: 0));
    }
}
