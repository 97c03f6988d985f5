// Checks the trajectory generator: accuracy, energy conservation, exact stored derivatives, initial-state
// statistics, layout, determinism and validation of its output.
using Engine.Common;
using Engine.Data;
using Engine.Simulation;
using NUnit.Framework;

namespace Engine.Tests.Simulation;

[TestFixture]
public sealed class TrajectoryGeneratorTests
{
    private static PhaseSpaceData Small(string geometry, int[] size, string potential, int seed = 1, int trajectories = 3, int snapshots = 20) =>
        new TrajectoryGenerator { Trajectories = trajectories, SnapshotsPerTrajectory = snapshots, Seed = seed }
            .Generate(SpringSystems.Create(geometry, size, potential));

    [TestCase("lattice3d", new[] { 3, 3, 3 }, "harmonic")]
    [TestCase("lattice2d", new[] { 3, 3 }, "morse")]
    [TestCase("chain", new[] { 8 }, "anharmonic")]
    [TestCase("lattice3d", new[] { 3, 3, 3 }, "nonseparable")]
    [TestCase("chain", new[] { 8 }, "nonseparable")]
    public void EnergyIsConservedAtTheDefaults(string geometry, int[] size, string potential)
    {
        var data = Small(geometry, size, potential);
        foreach (var rows in data.TrajectorySnapshots())
        {
            double h0 = data.H![rows[0]], drift = 0;
            foreach (int m in rows) drift = Math.Max(drift, Math.Abs(data.H[m] - h0));
            Assert.That(drift / Math.Abs(h0), Is.LessThanOrEqualTo(1e-6), $"relative drift of H, trajectory starting at {rows[0]}");
            // The state must actually have moved, or conservation would be trivial.
            double moved = 0;
            for (int k = 0; k < data.StateSize; k++)
                moved = Math.Max(moved, Math.Abs(data.QOf(rows[^1])[k] - data.QOf(rows[0])[k]));
            Assert.That(moved, Is.GreaterThan(1e-2));
        }
    }

    [TestCase("harmonic")]
    [TestCase("nonseparable")]
    public void EnergyErrorIsSecondOrderInTheSubstep(string potential)
    {
        // Both integrators are second order: doubling the substeps should cut the energy error about 4×.
        var system = SpringSystems.Create("lattice2d", [3, 3], potential);
        double Error(int substeps)
        {
            var data = new TrajectoryGenerator { Trajectories = 1, SnapshotsPerTrajectory = 10, Substeps = substeps, Seed = 8 }.Generate(system);
            return Enumerable.Range(0, data.Snapshots).Max(m => Math.Abs(data.H![m] - data.H[0]));
        }
        double ratio = Error(40) / Error(20);
        Assert.That(ratio, Is.InRange(0.15, 0.35));
    }

    [Test]
    public void TwoBodyOscillatorMatchesTheAnalyticSolution()
    {
        // Two unit masses, one harmonic spring (k = 1, L = 1) in 1D, zero total momentum: the extension
        // x = q1 − q0 − 1 obeys ẍ = −2x, so x(t) = x0 cos ωt + (ẋ0/ω) sin ωt with ω = √2, ẋ0 = 2 p1(0).
        var h = new SpringNetwork(2, 1, [0, 1], SpringPotential.Harmonic());
        var data = new TrajectoryGenerator { Trajectories = 2, SnapshotsPerTrajectory = 20, Seed = 4 }.Generate(h, [0.0, 1.0], [1.0, 1.0], [0, 1]);
        double w = Math.Sqrt(2);
        foreach (var rows in data.TrajectorySnapshots())
        {
            var q0 = data.QOf(rows[0]); var p0 = data.POf(rows[0]);
            Assert.That(p0[0] + p0[1], Is.EqualTo(0).Within(1e-16), "mean momentum removed");
            double x0 = q0[1] - q0[0] - 1, v0 = 2 * p0[1];
            foreach (int m in rows)
            {
                double t = data.Time![m];
                double expected = x0 * Math.Cos(w * t) + v0 / w * Math.Sin(w * t);
                var q = data.QOf(m);
                Assert.That(q[1] - q[0] - 1, Is.EqualTo(expected).Within(1e-6), $"t = {t}");
                Assert.That(q[0] + q[1], Is.EqualTo(q0[0] + q0[1]).Within(1e-12), "centre of mass at rest");
            }
        }
    }

    [TestCase("harmonic")]
    [TestCase("nonseparable")]
    public void StoredDerivativesAreTheExactVectorField(string potential)
    {
        var data = Small("lattice2d", [3, 2], potential, trajectories: 2, snapshots: 5);
        var h = SpringSystems.Create("lattice2d", [3, 2], potential).Hamiltonian;
        var gq = new double[data.StateSize]; var gp = new double[data.StateSize];
        for (int m = 0; m < data.Snapshots; m++)
        {
            double e = h.Evaluate(data.QOf(m), data.POf(m), gq, gp);
            Assert.That(data.H![m], Is.EqualTo(e));
            Assert.That(data.DqOf(m).ToArray(), Is.EqualTo(gp), $"dq = ∂H/∂p at snapshot {m}");
            Assert.That(data.DpOf(m).ToArray(), Is.EqualTo(gq.Select(x => -x).ToArray()), $"dp = −∂H/∂q at snapshot {m}");
        }
        // Hamilton's equations: q̇ matches the finite difference of the stored q over one interval (loosely).
        double dt = data.Time![1] - data.Time[0];
        for (int k = 0; k < data.StateSize; k++)
        {
            double fd = (data.QOf(2)[k] - data.QOf(0)[k]) / (2 * dt);
            Assert.That(data.DqOf(1)[k], Is.EqualTo(fd).Within(2e-3));
        }
    }

    [Test]
    public void LayoutAndValidation()
    {
        var system = SpringSystems.Create("lattice3d", [2, 2, 2], "anharmonic");
        var data = new TrajectoryGenerator { Trajectories = 4, SnapshotsPerTrajectory = 6, Interval = 0.05, Substeps = 20, Seed = 7 }.Generate(system);
        Assert.That(() => data.Validate("generator"), Throws.Nothing);
        Assert.That(data.Snapshots, Is.EqualTo(24));
        Assert.That(data.Particles, Is.EqualTo(8));
        Assert.That(data.Dimension, Is.EqualTo(3));
        Assert.That(data.Edges, Is.EqualTo(system.Edges));
        Assert.That(data.Mass, Is.EqualTo(system.Mass));
        Assert.That(data.Species, Has.Length.EqualTo(8).And.All.EqualTo(0));
        Assert.That(data.LengthUnit, Is.EqualTo("reduced"));
        Assert.That(data.EnergyUnit, Is.EqualTo("reduced"));
        Assert.That(data.HasDerivatives, Is.True);
        for (int m = 0; m < 24; m++)
        {
            Assert.That(data.Trajectory![m], Is.EqualTo(m / 6));
            Assert.That(data.Time![m], Is.EqualTo(0.05 * (m % 6)).Within(1e-15));
        }
        var (train, test) = data.SplitByTrajectory(1);
        Assert.That(train.Snapshots, Is.EqualTo(18));
        Assert.That(test.Snapshots, Is.EqualTo(6));
    }

    [Test]
    public void InitialStatesFollowTheRequestedDistributions()
    {
        var system = SpringSystems.Create("lattice3d", [3, 3, 3], "harmonic");
        var data = new TrajectoryGenerator { Trajectories = 40, SnapshotsPerTrajectory = 1, Displacement = 0.2, MomentumStd = 0.3, Seed = 3 }.Generate(system);
        int n = data.Particles, d = data.Dimension;
        double maxDisp = 0, sumP2 = 0, sumDisp = 0;
        for (int m = 0; m < data.Snapshots; m++)
        {
            var q = data.QOf(m); var p = data.POf(m);
            for (int k = 0; k < q.Length; k++)
            {
                double u = q[k] - system.RestPositions[k];
                maxDisp = Math.Max(maxDisp, Math.Abs(u));
                sumDisp += u * u;
                sumP2 += p[k] * p[k];
            }
            for (int a = 0; a < d; a++)
            {
                double total = 0;
                for (int i = 0; i < n; i++) total += p[i * d + a];
                Assert.That(total, Is.EqualTo(0).Within(1e-14), "total momentum per axis");
            }
        }
        int count = data.Snapshots * data.StateSize;
        Assert.That(maxDisp, Is.LessThanOrEqualTo(0.2).And.GreaterThan(0.19));
        // U(−δ, δ) has variance δ²/3; N(0, σ²) minus the mean of n draws has variance σ²(1 − 1/n).
        Assert.That(sumDisp / count, Is.EqualTo(0.04 / 3).Within(0.1 * 0.04 / 3));
        Assert.That(sumP2 / count, Is.EqualTo(0.09 * (1 - 1.0 / n)).Within(0.1 * 0.09));
    }

    [Test]
    public void SameSeedSameBitsDifferentSeedDifferentData()
    {
        var a = Small("lattice2d", [3, 3], "nonseparable", seed: 42, trajectories: 2, snapshots: 4);
        var b = Small("lattice2d", [3, 3], "nonseparable", seed: 42, trajectories: 2, snapshots: 4);
        var c = Small("lattice2d", [3, 3], "nonseparable", seed: 43, trajectories: 2, snapshots: 4);
        Assert.That(b.Q, Is.EqualTo(a.Q));
        Assert.That(b.P, Is.EqualTo(a.P));
        Assert.That(b.Dq, Is.EqualTo(a.Dq));
        Assert.That(b.Dp, Is.EqualTo(a.Dp));
        Assert.That(b.H, Is.EqualTo(a.H));
        Assert.That(c.Q, Is.Not.EqualTo(a.Q));
        Assert.That(c.P, Is.Not.EqualTo(a.P));
    }

    [Test]
    public void BadSettingsAndInputsAreRefused()
    {
        var s = SpringSystems.Create("chain", [4], "harmonic");
        Assert.That(() => new TrajectoryGenerator { Trajectories = 0 }.Generate(s), Throws.TypeOf<InvalidInputException>().With.Message.Contains("trajectories"));
        Assert.That(() => new TrajectoryGenerator { Interval = -1 }.Generate(s), Throws.TypeOf<InvalidInputException>().With.Message.Contains("interval"));
        Assert.That(() => new TrajectoryGenerator { Substeps = 0 }.Generate(s), Throws.TypeOf<InvalidInputException>().With.Message.Contains("substeps"));
        Assert.That(() => new TrajectoryGenerator { MomentumStd = double.NaN }.Generate(s), Throws.TypeOf<InvalidInputException>());
        var g = new TrajectoryGenerator();
        Assert.That(() => g.Generate(s.Hamiltonian, new double[3], s.Mass, s.Edges), Throws.TypeOf<InvalidInputException>().With.Message.Contains("rest positions"));
        Assert.That(() => g.Generate(s.Hamiltonian, s.RestPositions, [1.0, 1.0], s.Edges), Throws.TypeOf<InvalidInputException>().With.Message.Contains("masses"));
        Assert.That(() => g.Generate(s.Hamiltonian, s.RestPositions, s.Mass, [0, 9]), Throws.TypeOf<InvalidInputException>());
    }

    [Test]
    public void DivergenceIsReported()
    {
        // A step far beyond stability on a stiff quartic chain overflows; the generator must say so.
        var h = new SpringNetwork(3, 1, [0, 1, 1, 2], SpringPotential.Anharmonic(1, 100));
        var g = new TrajectoryGenerator { Trajectories = 1, SnapshotsPerTrajectory = 50, Interval = 1, Substeps = 1, Displacement = 0.45, MomentumStd = 0, Seed = 0 };
        Assert.That(() => g.Generate(h, [0.0, 1.0, 2.0], [1.0, 1.0, 1.0], [0, 1, 1, 2]), Throws.InstanceOf<EngineException>().With.Message.Contains("diverged"));
    }
}
