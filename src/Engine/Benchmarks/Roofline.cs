// The roofline report: this machine's measured peaks (dgemm, memory copy) and each pipeline kernel against them.
using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using Engine.Features;
using Engine.Features.Kernels;
using Engine.Interop;
using Engine.Solve;
using Engine.Training;
using static Engine.Interop.Interop;

namespace Engine.Benchmarks;

/// <summary>One timed kernel: its documented cost (see <see cref="KernelCosts"/>) and the measured time per call.</summary>
/// <param name="Name">Kernel name, e.g. <c>graph_jacobian</c>.</param>
/// <param name="Size">The problem size in words (shape, widths).</param>
/// <param name="Flops">Floating-point operations per call.</param>
/// <param name="Bytes">Compulsory bytes moved per call.</param>
/// <param name="Seconds">Wall-clock seconds per call (total over the repeats / repeats).</param>
/// <param name="Items">What <see cref="ItemsPerSecond"/> counts (e.g. "pair evaluations"), or null.</param>
/// <param name="ItemsPerCall">How many of <paramref name="Items"/> one call processes.</param>
public sealed record RooflineKernel(string Name, string Size, double Flops, double Bytes, double Seconds, string? Items = null, double ItemsPerCall = 0)
{
    /// <summary>Achieved GFLOP/s.</summary>
    public double Gflops => Flops / Seconds / 1e9;
    /// <summary>Achieved GB/s of compulsory traffic.</summary>
    public double Gbps => Bytes / Seconds / 1e9;
    /// <summary>Items processed per second, or 0 when <see cref="Items"/> is null.</summary>
    public double ItemsPerSecond => Items is null ? 0 : ItemsPerCall / Seconds;
}

/// <summary>The machine's peaks and every kernel's achieved rate.</summary>
/// <param name="PeakGflops">Best dgemm GFLOP/s with OpenBLAS's default thread count (<paramref name="BlasThreads"/>).</param>
/// <param name="PeakGflopsOneThread">Best dgemm GFLOP/s on one thread (the kernels here run on one thread).</param>
/// <param name="PeakGbps">Best copy GB/s with one thread per core (read + write counted, as in STREAM).</param>
/// <param name="PeakGbpsOneThread">Best single-threaded copy GB/s.</param>
/// <param name="BlasThreads">OpenBLAS's thread count for the multi-threaded peaks.</param>
/// <param name="VectorBits">Widest accelerated vector, in bits: 512, 256, or 128 for anything narrower.</param>
/// <param name="Quick">Whether the sizes were the small ones of <c>bench --quick</c> (indicative only).</param>
/// <param name="Kernels">Each kernel's achieved rates.</param>
public sealed record RooflineReport(double PeakGflops, double PeakGflopsOneThread, double PeakGbps, double PeakGbpsOneThread,
    int BlasThreads, int VectorBits, bool Quick, IReadOnlyList<RooflineKernel> Kernels);

/// <summary>
/// Measures the peaks, then times each kernel with a repeat-until-≥-<c>minSeconds</c> Stopwatch loop after a warm-up
/// (see <see cref="Time"/>). Not a statistics engine: for distributions and allocations use the BenchmarkDotNet suite in perf/.
/// </summary>
public static class Roofline
{
    /// <summary>Runs the report; <paramref name="quick"/> uses small sizes and 0.01 s per kernel (seconds in total).</summary>
    public static RooflineReport Run(bool quick, Action<string> progress)
    {
        NativeLibraries.EnsureLoaded();
        double minSeconds = quick ? 0.01 : 0.2;
        int gemmN = quick ? 384 : 2048;
        long copyN = quick ? 1L << 21 : 1L << 25;

        int threads = NativeLibraries.BlasThreads;
        progress($"peak: dgemm {gemmN}³ on {threads} BLAS thread(s), then on 1");
        double peakFlops = PeakDgemm(gemmN, minSeconds);
        NativeLibraries.SetBlasThreads(1);
        double peakFlops1;
        try { peakFlops1 = PeakDgemm(gemmN, minSeconds); }
        finally { NativeLibraries.SetBlasThreads(threads); }
        progress($"peak: copy of {copyN * 8 >> 20} MiB on {Environment.ProcessorCount} thread(s), then on 1");
        double peakBytes = PeakCopy(copyN, Environment.ProcessorCount, minSeconds);
        double peakBytes1 = PeakCopy(copyN, 1, minSeconds);

        // Full runs: 0.3 s warm-up and the best of three batches, since other processes share the cores.
        double warm = quick ? 0 : 0.3;
        int batches = quick ? 1 : 3;
        double Time(Action body, double min) => Roofline.Time(body, min, warm, batches);
        var kernels = new List<RooflineKernel>();
        void Add(RooflineKernel k) { kernels.Add(k); progress($"{k.Name,-28} {k.Seconds * 1e6,12:F2} µs  {k.Gflops,8:F2} GFLOP/s  {k.Gbps,8:F2} GB/s"); }

        // Vector kernels at a length that is not a multiple of any vector width (the tail runs), in L1/L2.
        const int n = 6 * 512 + 7;
        double[] x = BenchFixtures.Uniform(n, 1), y = BenchFixtures.Uniform(n, 2), z = BenchFixtures.Uniform(n, 3), row = BenchFixtures.Uniform(n, 4);
        double[] v = new double[n], dv = new double[n];
        var lc = KernelCosts.LinearCombination(n);
        Add(new("linear_combination", $"n={n}", lc.Flops, lc.Bytes, Time(() => LinearCombination.Apply(row, 1e-3, x, -1e-3, y, 1e-3, z), minSeconds)));
        var dot = KernelCosts.DotProduct(n);
        double sink = 0;
        Add(new("dot_product", $"n={n}", dot.Flops, dot.Bytes, Time(() => sink += DotProduct.Apply(x, y), minSeconds)));
        var tanh = KernelCosts.Activation(n, KernelCosts.TanhFlops);
        Add(new("activation_tanh", $"n={n}", tanh.Flops, tanh.Bytes, Time(() => Activation.Apply(ActivationKind.Tanh, z, v, dv), minSeconds)));
        var sin = KernelCosts.Activation(n, KernelCosts.SinCosFlops);
        Add(new("activation_sin", $"n={n}", sin.Flops, sin.Bytes, Time(() => Activation.Apply(ActivationKind.Sin, z, v, dv), minSeconds)));

        // The graph HGN Jacobian of one snapshot of the default lattice, and the assembly of normal equations.
        var (nv, ne, nm) = quick ? (32, 32, 128) : (128, 128, 1024);
        var graph = BenchFixtures.DefaultLatticeGraph(trajectories: quick ? 1 : 2, snapshots: quick ? 4 : 20, node: nv, edge: ne, message: nm);
        var g = (GraphHgnFeatures)graph.Features;
        var ws = g.CreateWorkspace();
        int half = graph.RowsPerHalf, stride = graph.Stride;
        var jp = new double[half * stride];
        var jq = new double[half * stride];
        var jac = KernelCosts.GraphJacobian(graph.Data.Particles, graph.Data.Dimension, graph.Edges.Count, nv, ne, nm, stride);
        Add(new("graph_jacobian", $"{graph.Data.Particles} particles, {graph.Edges.Count} edges, widths {nv}/{ne}/{nm}", jac.Flops, jac.Bytes,
            Time(() => g.EvaluateJacobian(graph.Snapshot0, jp, jq, stride, ws), minSeconds)));
        var options = new TrainingOptions { Solver = SolverKind.Cholesky };
        var asm = KernelCosts.NormalEquationsAssembly(graph.Data.Snapshots, 2 * half, stride, jac.Flops);
        Add(new("system_assembly", $"{graph.Data.Snapshots} snapshots → normal equations {stride}²", asm.Flops, asm.Bytes,
            Time(() => SystemAssembly.Assemble(graph.Data, graph.Topology, graph.Features, options, _ => { }), minSeconds)));

        // gelsd on a random-feature-like matrix.
        var (m, cols) = quick ? (2000, 64) : (20000, 512);
        var (a, b) = BenchFixtures.RandomFeatureSystem(m, cols);
        var gelsd = KernelCosts.Gelsd(m, cols);
        Add(new("gelsd_solve", $"{m}×{cols}", gelsd.Flops, gelsd.Bytes, Time(() => DenseLeastSquares.Solve(a, m, cols, b, SolverKind.Gelsd), minSeconds)));
        // The sketch-and-precondition solver on the same system; its iteration count and rank come from one solve first.
        var probe = DenseLeastSquares.Solve(a, m, cols, b, SolverKind.Sketch);
        var sketch = KernelCosts.Sketch(m, cols, probe.SketchRows, SketchPreconditioned.NonzerosPerRow, probe.Rank, probe.Iterations);
        Add(new("sketch_solve", $"{m}×{cols}, {probe.Iterations} CGLS iterations", sketch.Flops, sketch.Bytes,
            Time(() => DenseLeastSquares.Solve(a, m, cols, b, SolverKind.Sketch), minSeconds)));

        // The solve of the streamed path: Cholesky of an accumulated Gram matrix (its dsyrk belongs to the assembly row
        // above). This is the solve that runs when the dense Z does not fit in memory.
        int gramCols = quick ? 128 : 3072;
        var normal = BenchFixtures.AccumulatedRandomFeatureGram(gramCols);
        var chol = KernelCosts.CholeskySolve(gramCols);
        Add(new("cholesky_solve", $"Gram {gramCols}²", chol.Flops, chol.Bytes, Time(() => normal.Solve(1e-12), minSeconds)));
        // The same at twice the width, where dpotrf's n³/3 is all but the whole count (issue 4's "large sizes"). The
        // ridge is 1e-10: at 1e-12, below n·ε = 1.4e-12 here, Solve would refuse this numerically rank-deficient Gram
        // as singular (NormalEquations.Solve); the ridge does not change the cost.
        int largeCols = quick ? 256 : 6144;
        var large = BenchFixtures.AccumulatedRandomFeatureGram(largeCols);
        var cholLarge = KernelCosts.CholeskySolve(largeCols);
        Add(new("cholesky_solve_large", $"Gram {largeCols}²", cholLarge.Flops, cholLarge.Bytes, Time(() => large.Solve(1e-10), minSeconds)));

        // Force evaluation on a Lennard-Jones configuration: the learned pair model against plain LJ, same loop.
        int particles = quick ? 128 : 3 * 512 + 7, width = quick ? 32 : 256;
        var lj = BenchFixtures.LennardJones(particles, width);
        var pws = lj.Pair.CreateWorkspace();
        var grad = new double[3 * particles];
        int pairs = lj.Edges.Count;
        var pp = KernelCosts.PairPotential(pairs, width, particles);
        Add(new("pair_model_force", $"{particles} LJ particles, {pairs} pairs, width {width}", pp.Flops, pp.Bytes,
            Time(() => sink += lj.Pair.EvaluatePotential(lj.Snapshot, lj.Theta, grad, pws), minSeconds), "pair evaluations", pairs));
        var ljc = KernelCosts.LennardJonesPairs(pairs, particles);
        Add(new("lennard_jones_force", $"{particles} LJ particles, {pairs} pairs", ljc.Flops, ljc.Bytes,
            Time(() => sink += LennardJonesEdgeKernel.Evaluate(lj.Edges, particles, 1, 1, lj.Cutoff, grad), minSeconds), "pair evaluations", pairs));
        GC.KeepAlive(sink);

        return new RooflineReport(peakFlops, peakFlops1, peakBytes, peakBytes1, threads,
            Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128, quick, kernels);
    }

    /// <summary>
    /// Seconds per call, the best of <paramref name="batches"/> batches, each repeated until it takes ≥
    /// <paramref name="minSeconds"/>. A warm-up of at least 50 calls and <paramref name="warmSeconds"/> comes first: the
    /// runtime recompiles a method at full optimisation only after 30 calls and a quiet 100 ms, and before that the
    /// vector intrinsics (Vector512.Sin and the like) run as unoptimised calls many times slower. Calls slower than
    /// the warm-up time still get 8 warm-up calls (see the loop).
    /// </summary>
    public static double Time(Action body, double minSeconds, double warmSeconds = 0, int batches = 1)
    {
        var clock = Stopwatch.StartNew();
        for (int c = 0; c < 50 || clock.Elapsed.TotalSeconds < warmSeconds; c++)
        {
            body();
            // Slow calls need fewer repeats, but never fewer than 8: the first five gelsd calls of a process
            // measured 0.56–0.59 s and the sixth 0.35 s (memory of the 80 MB per-call copies settling).
            if (c >= 7 && clock.Elapsed.TotalSeconds >= Math.Max(warmSeconds, minSeconds)) break;
        }
        long calls = 1;
        double best = double.PositiveInfinity;
        for (int batch = 0; batch < batches;)
        {
            clock.Restart();
            for (long c = 0; c < calls; c++) body();
            double s = clock.Elapsed.TotalSeconds;
            if (s >= minSeconds)
            {
                best = Math.Min(best, s / calls);
                batch++;
                continue;
            }
            // Aim 20 % past the target from the rate seen so far, at least doubling.
            calls = Math.Max(2 * calls, (long)Math.Ceiling(calls * 1.2 * minSeconds / Math.Max(s, 1e-9)));
        }
        return best;
    }

    // Best of three timed batches: peaks are maxima, and the first batch may still see page faults or clock ramp-up.
    private static double PeakDgemm(int n, double minSeconds)
    {
        double[] a = BenchFixtures.Uniform(n * n, 11), b = BenchFixtures.Uniform(n * n, 12), c = new double[n * n];
        double flops = KernelCosts.Dgemm(n).Flops, best = 0;
        for (int rep = 0; rep < 3; rep++) best = Math.Max(best, flops / Time(() => Dgemm(a, b, c, n), minSeconds) / 1e9);
        return best;
    }

    private static unsafe void Dgemm(double[] a, double[] b, double[] c, int n)
    {
        fixed (double* pa = a, pb = b, pc = c)
            OpenBlas.Dgemm(OpenBlas.RowMajor, OpenBlas.NoTrans, OpenBlas.NoTrans, n, n, n, 1.0, pa, n, pb, n, 0.0, pc, n);
    }

    private static double PeakCopy(long n, int threads, double minSeconds)
    {
        var src = new double[n];
        var dst = new double[n];
        TensorPrimitives.Add(src, 1.0, src);   // touch every page before timing
        long chunk = (n + threads - 1) / threads;
        void Copy()
        {
            if (threads == 1) { src.AsSpan().CopyTo(dst); return; }
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                long start = t * chunk, len = Math.Min(chunk, n - start);
                if (len > 0) src.AsSpan((int)start, (int)len).CopyTo(dst.AsSpan((int)start, (int)len));
            });
        }
        double bytes = KernelCosts.Copy(n).Bytes, best = 0;
        for (int rep = 0; rep < 3; rep++) best = Math.Max(best, bytes / Time(Copy, minSeconds) / 1e9);
        return best;
    }
}
