// The C ABI (libhgn.so, NativeAOT) and the C# API give bit-identical energies, forces, virials and time derivatives.
using System.Runtime.InteropServices;
using Engine.Features;
using Engine.Model;
using Engine.Tests.Support;
using NUnit.Framework;

namespace Engine.Tests.Interop;

/// <summary>
/// Loads the library that CMake publishes (<c>build/native/lib/libhgn.so.1</c>, or the path in <c>HGN_LIBRARY</c>)
/// into this process, hands it a model as bytes, and compares its outputs with the same model evaluated through the
/// C# API, bit for bit. `dotnet cake --target=Test` builds the library before the managed tests run; without it
/// (a bare `dotnet test`) these tests are skipped with the command that builds it. The library is built with the
/// build machine's instruction set (CMake's HGN_INSTRUCTION_SET=native), so both sides run the same SIMD kernels.
/// </summary>
[NonParallelizable]
public unsafe class CApiParityTests
{
    private static nint _library;

    private static nint Library()
    {
        if (_library != 0) return _library;
        string path = Environment.GetEnvironmentVariable("HGN_LIBRARY") is { Length: > 0 } p ? p : Path.Combine(RepoPaths.Root, "build", "native", "lib", "libhgn.so.1");
        if (!File.Exists(path))
            Assert.Ignore($"{path} not built; run `cmake -S . -B build/native && cmake --build build/native` (dotnet cake --target=Test does)");
        _library = NativeLibrary.Load(path);
        return _library;
    }

    private static nint Fn(string name) => NativeLibrary.GetExport(Library(), name);

    private static string LastError() => Marshal.PtrToStringUTF8(((delegate* unmanaged<nint>)Fn("hgn_last_error"))()) ?? "";

    /// <summary>Loads <paramref name="model"/> into the library from its file bytes and creates a workspace.</summary>
    private static (nint Model, nint Workspace) Load(HamiltonianModel model)
    {
        var bytes = ModelFile.ToBytes(model);
        nint handle = 0, ws = 0;
        fixed (byte* b = bytes)
            Assert.That(((delegate* unmanaged<byte*, long, nint*, int>)Fn("hgn_model_load_memory"))(b, bytes.Length, &handle), Is.EqualTo(0), LastError);
        Assert.That(((delegate* unmanaged<nint, nint*, int>)Fn("hgn_workspace_create"))(handle, &ws), Is.EqualTo(0), LastError);
        return (handle, ws);
    }

    private static void Free(nint model, nint ws)
    {
        ((delegate* unmanaged<nint*, void>)Fn("hgn_workspace_free"))(&ws);
        ((delegate* unmanaged<nint*, void>)Fn("hgn_model_free"))(&model);
    }

    private static long Bits(double x) => BitConverter.DoubleToInt64Bits(x);

    private static long[] Bits(double[] x) => x.Select(BitConverter.DoubleToInt64Bits).ToArray();

    [Test]
    public void PairModelEnergyForcesVirialAndPerAtomEnergyAreBitIdentical()
    {
        var s = TestSystems.PeriodicGas(40, 6.0, 2.5, seed: 21, species: 2);
        var f = TestSystems.Pair(s, SamplerKind.Swim, ActivationKind.Tanh, 9, width: 40);
        var theta = Enumerable.Range(0, f.FeatureCount).Select(k => k < 2 ? 1.0 : Math.Cos(1.3 * k) / (1 + 0.01 * k)).ToArray();
        var model = new HamiltonianModel(f, theta, -0.5, new GraphRule(false, 2.5),
            new ModelInfo { Sampler = SamplerKind.Swim, Activation = ActivationKind.Tanh, Seed = 9 });
        var (handle, ws) = Load(model);
        var compute = (delegate* unmanaged<nint, long, double*, int*, double*, long*, long, double*, double*, double*, double*, int>)Fn("hgn_compute");
        var evaluator = model.CreateEvaluator(s.Mass, s.Species, null, s.Box);
        double[] cell = [s.Box![0], 0, 0, 0, s.Box[1], 0, 0, 0, s.Box[2]];
        var rng = new Random(3);
        for (int trial = 0; trial < 4; trial++)
        {
            var q = s.Q.Select(v => v + 0.05 * (2 * rng.NextDouble() - 1)).ToArray();
            double[] forcesC = new double[q.Length], virialC = new double[6], perAtomC = new double[s.N];
            double[] forcesS = new double[q.Length], virialS = new double[6], perAtomS = new double[s.N];
            double energyC;
            fixed (double* qp = q, cp = cell, fp = forcesC, vp = virialC, pp = perAtomC)
            fixed (int* sp = s.Species)
                Assert.That(compute(ws, s.N, qp, sp, cp, null, 0, &energyC, fp, vp, pp), Is.EqualTo(0), LastError);
            double energyS = evaluator.EvaluatePotential(q, forcesS, virialS, perAtomS);
            Assert.That(Bits(energyC), Is.EqualTo(Bits(energyS)), $"energy, trial {trial}: C {energyC:R}, C# {energyS:R}");
            Assert.That(Bits(forcesC), Is.EqualTo(Bits(forcesS)), $"forces, trial {trial}");
            Assert.That(Bits(virialC), Is.EqualTo(Bits(virialS)), $"virial, trial {trial}");
            Assert.That(Bits(perAtomC), Is.EqualTo(Bits(perAtomS)), $"per-atom energy, trial {trial}");
            Assert.That(forcesS.Any(x => x != 0), "nonzero forces");
        }
        Free(handle, ws);
    }

    [Test]
    public void HostNeighbourListPathIsBitIdentical()
    {
        var (model0, s) = Engine.Tests.Model.NeighborListEvaluatorTests.PairModel(species: 2);
        var model = new HamiltonianModel(model0.Features, model0.Theta, model0.Theta0, model0.Graph, model0.Info, ["Ar", "Kr"]);
        var (handle, ws) = Load(model);
        var computeNeighbors = (delegate* unmanaged<nint, long, double*, int*, int*, long*, int*, double*, double*, double*, double*, int>)Fn("hgn_compute_neighbors");
        var evaluator = model.CreateNeighborListEvaluator();
        var rng = new Random(8);
        for (int trial = 0; trial < 3; trial++)
        {
            var q = s.Q.Select(v => v + 0.05 * (2 * rng.NextDouble() - 1)).ToArray();
            var h = Engine.Tests.Model.HostLists.Periodic(q, s.Species, s.Box!, 2.8, 2.8);
            int n = h.Total;
            double[] forcesC = new double[n * 3], virialC = new double[6], perAtomC = new double[n];
            double[] forcesS = new double[n * 3], virialS = new double[6], perAtomS = new double[n];
            double energyC;
            fixed (double* xp = h.Positions, fp = forcesC, vp = virialC, pp = perAtomC)
            fixed (int* sp = h.Species, cp = h.Contributing, np = h.Neighbors)
            fixed (long* op = h.Offsets)
                Assert.That(computeNeighbors(ws, n, xp, sp, cp, op, np, &energyC, fp, vp, pp), Is.EqualTo(0), LastError);
            double energyS = evaluator.EvaluatePotential(h.Positions, h.Species, h.Contributing, h.Offsets, h.Neighbors, forcesS, virialS, perAtomS);
            Assert.That(Bits(energyC), Is.EqualTo(Bits(energyS)), $"energy, trial {trial}: C {energyC:R}, C# {energyS:R}");
            Assert.That(Bits(forcesC), Is.EqualTo(Bits(forcesS)), $"forces, trial {trial}");
            Assert.That(Bits(virialC), Is.EqualTo(Bits(virialS)), $"virial, trial {trial}");
            Assert.That(Bits(perAtomC), Is.EqualTo(Bits(perAtomS)), $"per-atom energy, trial {trial}");
            Assert.That(forcesS.Skip(s.N * 3).Any(x => x != 0), "ghosts carry forces");
        }
        var speciesName = (delegate* unmanaged<nint, int, byte**, int>)Fn("hgn_model_species_name");
        byte* name = null;
        Assert.That(speciesName(handle, 1, &name), Is.EqualTo(0), LastError);
        Assert.That(Marshal.PtrToStringUTF8((nint)name), Is.EqualTo("Kr"), "the name travels through the model bytes");
        Assert.That(speciesName(handle, 2, &name), Is.EqualTo(1), "code out of range: HGN_E_ARG");
        Assert.That(LastError(), Does.Contain("'code'"));
        Free(handle, ws);
    }

    [Test]
    public void GraphModelTimeDerivativesAreBitIdentical()
    {
        var s = TestSystems.Springs(3, 2, 8);
        var f = TestSystems.Graph(s, SamplerKind.Swim, ActivationKind.Tanh, 4, widths: 16);
        var theta = Enumerable.Range(0, f.FeatureCount).Select(k => Math.Sin(0.9 * k + 0.3)).ToArray();
        var model = new HamiltonianModel(f, theta, 0.25, new GraphRule(true, 0),
            new ModelInfo { Sampler = SamplerKind.Swim, Activation = ActivationKind.Tanh, Seed = 4 });
        var (handle, ws) = Load(model);
        var derivatives = (delegate* unmanaged<nint, long, double*, double*, double*, int*, double*, long*, long, double*, double*, double*, int>)Fn("hgn_time_derivatives");
        var edges = s.Pairs!.Select(i => (long)i).ToArray();
        int nd = s.N * s.D;
        double[] dqC = new double[nd], dpC = new double[nd], dHdq = new double[nd], dHdp = new double[nd];
        double hC;
        fixed (double* qp = s.Q, pp = s.P, mp = s.Mass, dqp = dqC, dpp = dpC)
        fixed (int* sp = s.Species)
        fixed (long* ep = edges)
            Assert.That(derivatives(ws, s.N, qp, pp, mp, sp, null, ep, edges.Length / 2, &hC, dqp, dpp), Is.EqualTo(0), LastError);
        double hS = model.CreateEvaluator(s.Mass, s.Species, s.Pairs, null).Evaluate(s.Q, s.P, dHdq, dHdp);
        Assert.That(Bits(hC), Is.EqualTo(Bits(hS)), "H");
        Assert.That(Bits(dqC), Is.EqualTo(Bits(dHdp)), "dq = ∂H/∂p");
        Assert.That(Bits(dpC), Is.EqualTo(Bits(dHdq.Select(x => -x).ToArray())), "dp = −∂H/∂q");
        Free(handle, ws);
    }
}
