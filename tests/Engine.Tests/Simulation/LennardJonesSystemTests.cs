// Lennard-Jones initial states and data generation: lattice, temperature, determinism, a valid data set.
using Engine.Simulation;
using NUnit.Framework;

namespace Engine.Tests.Simulation;

[TestFixture]
public class LennardJonesSystemTests
{
    private static readonly LennardJonesSystem Fluid = new();

    [Test]
    public void FccCellsPerSideIsTheSmallestLatticeHoldingN()
    {
        Assert.That(LennardJonesSystem.FccCellsPerSide(108), Is.EqualTo(3));
        Assert.That(LennardJonesSystem.FccCellsPerSide(109), Is.EqualTo(4));
        Assert.That(LennardJonesSystem.FccCellsPerSide(256), Is.EqualTo(4));
        Assert.That(LennardJonesSystem.FccCellsPerSide(10_000), Is.EqualTo(14));
        Assert.That(LennardJonesSystem.FccCellsPerSide(1), Is.EqualTo(1));
    }

    [Test]
    public void InitialStateHasDensityTemperatureAndZeroMomentum([Values(108, 150)] int n)
    {
        var sys = new LennardJonesSystem { Temperature = 1.3, Mass = 2 };
        var q = new double[3 * n]; var p = new double[3 * n];
        sys.InitialState(n, seed: 3, q, p);
        double L = sys.BoxLength(n);
        Assert.That(n / (L * L * L), Is.EqualTo(0.8).Within(1e-12));
        Assert.That(sys.KineticTemperature(p), Is.EqualTo(1.3).Within(1e-12));
        for (int a = 0; a < 3; a++)
            Assert.That(Math.Abs(Enumerable.Range(0, n).Sum(i => p[3 * i + a])), Is.LessThan(1e-10));
        // Inside the box (up to the jitter), and no two particles closer than the FCC spacing allows.
        Assert.That(q.Min(), Is.GreaterThan(-0.05 - 1e-12));
        Assert.That(q.Max(), Is.LessThan(L + 0.05 + 1e-12));
        double a0 = L / LennardJonesSystem.FccCellsPerSide(n);
        double minDist = double.MaxValue;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double r2 = 0;
                for (int c = 0; c < 3; c++) { double x = q[3 * j + c] - q[3 * i + c]; x -= L * Math.Round(x / L); r2 += x * x; }
                minDist = Math.Min(minDist, Math.Sqrt(r2));
            }
        Assert.That(minDist, Is.GreaterThan(a0 / Math.Sqrt(2) - 2 * Math.Sqrt(3) * 0.05));
    }

    [Test]
    public void GeneratedDataAreValidAndConsistent()
    {
        int n = 108, trajs = 2, snaps = 3, between = 4;
        double dt = 5e-3;
        var data = Fluid.Generate(n, trajs, snaps, between, dt, equilibrationSteps: 100, seed: 11);
        Assert.DoesNotThrow(() => data.Validate("lj"));
        Assert.That(data.Snapshots, Is.EqualTo(trajs * snaps));
        Assert.That(data.Cutoff, Is.EqualTo(2.5));
        Assert.That(data.Box, Is.EqualTo(Enumerable.Repeat(Fluid.BoxLength(n), 3).ToArray()));
        Assert.That(data.Edges, Is.Null);
        Assert.That(data.Species, Is.All.EqualTo(0));
        Assert.That(data.Mass, Is.All.EqualTo(1.0));
        Assert.That(data.Trajectory, Is.EqualTo(new[] { 0, 0, 0, 1, 1, 1 }));
        Assert.That(data.Time, Is.EqualTo(new[] { 0, 0.02, 0.04, 0, 0.02, 0.04 }).Within(1e-15));
        Assert.That(data.LengthUnit, Is.EqualTo("reduced"));

        var lj = Fluid.Hamiltonian(n);
        var g = new double[3 * n];
        for (int m = 0; m < data.Snapshots; m++)
        {
            double h = lj.Evaluate(data.QOf(m), data.POf(m), g, default);
            Assert.That(data.H![m], Is.EqualTo(h));
            Assert.That(data.DpOf(m).ToArray(), Is.EqualTo(g.Select(x => -x).ToArray()));
            Assert.That(data.DqOf(m).ToArray(), Is.EqualTo(data.POf(m).ToArray()));
        }
        // Consecutive snapshots are `between` steps of the NVE flow apart: energy conserved, states differ.
        Assert.That(data.H![1], Is.EqualTo(data.H[0]).Within(1e-4 * Math.Abs(data.H[0])));
        Assert.That(data.QOf(1).ToArray(), Is.Not.EqualTo(data.QOf(0).ToArray()));
        // Different trajectories start from different seeded states.
        Assert.That(data.QOf(3).ToArray(), Is.Not.EqualTo(data.QOf(0).ToArray()));
    }

    [Test]
    public void GenerationIsDeterministicInTheSeed()
    {
        var a = Fluid.Generate(108, 2, 2, 3, equilibrationSteps: 30, seed: 4);
        var b = Fluid.Generate(108, 2, 2, 3, equilibrationSteps: 30, seed: 4);
        var c = Fluid.Generate(108, 2, 2, 3, equilibrationSteps: 30, seed: 5);
        Assert.That(a.Q, Is.EqualTo(b.Q));
        Assert.That(a.P, Is.EqualTo(b.P));
        Assert.That(a.Dp, Is.EqualTo(b.Dp));
        Assert.That(a.H, Is.EqualTo(b.H));
        Assert.That(a.Q, Is.Not.EqualTo(c.Q));
    }

    [Test]
    public void EquilibrationMeltsTheLattice()
    {
        // ρ* = 0.8, T* = 1 is a liquid: after equilibration the mean squared distance of a particle to its nearest
        // FCC site approaches that of random points (≈ 0.25σ² here), far above the ±0.05σ jitter of the start.
        int n = 108;
        var start = Fluid.Generate(n, 1, 1, 1, equilibrationSteps: 0, seed: 9);
        var liquid = Fluid.Generate(n, 1, 1, 1, equilibrationSteps: 300, seed: 9);
        Assert.That(SquaredDistanceToNearestSite(start.Q, n), Is.LessThan(0.01));
        Assert.That(SquaredDistanceToNearestSite(liquid.Q, n), Is.GreaterThan(0.1));
        Assert.That(Fluid.KineticTemperature(liquid.P), Is.EqualTo(1.0).Within(0.2));
    }

    private static double SquaredDistanceToNearestSite(double[] q, int n)
    {
        double a = Fluid.BoxLength(n) / LennardJonesSystem.FccCellsPerSide(n);
        double[] basis = [0.25, 0.25, 0.25, 0.75, 0.75, 0.25, 0.75, 0.25, 0.75, 0.25, 0.75, 0.75];
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double best = double.MaxValue;
            for (int b = 0; b < 4; b++)
            {
                double r2 = 0;
                for (int c = 0; c < 3; c++) { double u = q[3 * i + c] / a - basis[3 * b + c]; u -= Math.Round(u); r2 += u * u * a * a; }
                best = Math.Min(best, r2);
            }
            sum += best;
        }
        return sum / n;
    }
}
