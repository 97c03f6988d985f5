// Small random particle systems and feature maps sampled from them, for derivative and invariance tests.
using Engine.Features;
using Engine.Graph;

namespace Engine.Tests.Support;

/// <summary>One configuration of a small system with its graph rule.</summary>
public sealed class TestSystem
{
    public required int N { get; init; }
    public required int D { get; init; }
    public required double[] Q { get; init; }
    public required double[] P { get; init; }
    public required double[] Mass { get; init; }
    public required int[] Species { get; init; }
    public required Topology Topology { get; init; }
    public int[]? Pairs { get; init; }
    public double[]? Box { get; init; }

    public Snapshot Snap(EdgeBuffer edges, double[]? q = null, double[]? p = null)
    {
        Topology.Build(q ?? Q, N, edges);
        return new Snapshot(q ?? Q, p ?? P, Mass, Species, edges);
    }
}

public static class TestSystems
{
    /// <summary>A jittered d-dimensional grid with nearest-neighbour springs (fixed topology), random momenta and masses.</summary>
    public static TestSystem Springs(int side, int d, int seed, int species = 1)
    {
        var rng = new Random(seed);
        int n = (int)Math.Pow(side, d);
        var q = new double[n * d];
        var pairs = new List<int>();
        for (int i = 0; i < n; i++)
        {
            int rest = i;
            for (int a = 0; a < d; a++)
            {
                int c = rest % side; rest /= side;
                q[i * d + a] = c + 0.15 * (2 * rng.NextDouble() - 1);
                int stride = (int)Math.Pow(side, a);
                if (c + 1 < side) { pairs.Add(i); pairs.Add(i + stride); }
            }
        }
        var p = Enumerable.Range(0, n * d).Select(_ => 0.3 * (2 * rng.NextDouble() - 1)).ToArray();
        var mass = Enumerable.Range(0, n).Select(_ => 0.5 + rng.NextDouble()).ToArray();
        var sp = Enumerable.Range(0, n).Select(i => i % species).ToArray();
        return new TestSystem { N = n, D = d, Q = q, P = p, Mass = mass, Species = sp, Topology = Topology.Fixed(d, pairs.ToArray()), Pairs = pairs.ToArray() };
    }

    /// <summary>Random particles in a periodic cube with a cutoff graph (no two closer than 0.7).</summary>
    public static TestSystem PeriodicGas(int n, double box, double cutoff, int seed, int species = 1)
    {
        var rng = new Random(seed);
        int d = 3;
        var q = new List<double>();
        var boxLengths = new[] { box, box, box };
        var pb = new PeriodicBox(d, boxLengths);
        Span<double> dr = stackalloc double[3];
        while (q.Count < n * d)
        {
            var candidate = new[] { box * rng.NextDouble(), box * rng.NextDouble(), box * rng.NextDouble() };
            var all = q.Concat(candidate).ToArray();
            int k = q.Count / d;
            bool ok = true;
            for (int j = 0; j < k && ok; j++) ok = pb.Displacement(all, k, j, dr) > 0.7;
            if (ok) q.AddRange(candidate);
        }
        var p = Enumerable.Range(0, n * d).Select(_ => 0.5 * (2 * rng.NextDouble() - 1)).ToArray();
        var mass = Enumerable.Repeat(1.0, n).ToArray();
        var sp = Enumerable.Range(0, n).Select(i => i % species).ToArray();
        return new TestSystem { N = n, D = d, Q = q.ToArray(), P = p, Mass = mass, Species = sp, Topology = Topology.WithCutoff(d, cutoff, boxLengths), Box = boxLengths };
    }

    /// <summary>A graph HGN whose layers are sampled from this system's own inputs (a few jittered copies).</summary>
    public static GraphHgnFeatures Graph(TestSystem s, SamplerKind sampler, ActivationKind act, int seed, int widths = 24)
    {
        List<double> node = [], edge = [], msg = [];
        var edges = new EdgeBuffer();
        var rng = new Random(seed);
        for (int copy = 0; copy < 4; copy++)
        {
            var p = s.P.Select(v => v * (0.5 + rng.NextDouble())).ToArray();
            GraphHgnFeatures.CollectInputs(s.Snap(edges, null, p), node, edge, msg);
        }
        return new GraphHgnFeatures(s.D,
            LayerSampler.Sample(node.ToArray(), node.Count, 1, widths, sampler, act, new Random(seed + 1)),
            LayerSampler.Sample(edge.ToArray(), edge.Count, 1, widths, sampler, act, new Random(seed + 2)),
            LayerSampler.Sample(msg.ToArray(), msg.Count / 6, 6, 2 * widths, sampler, act, new Random(seed + 3)));
    }

    /// <summary>A separable pair model sampled from this system's pair distances.</summary>
    public static PairPotentialFeatures Pair(TestSystem s, SamplerKind sampler, ActivationKind act, int seed, int width = 32)
    {
        var edges = new EdgeBuffer();
        s.Snap(edges);
        var r = new List<double>();
        PairPotentialFeatures.CollectRadialInputs(edges, r);
        int species = s.Species.Max() + 1;
        double cutoff = s.Topology.IsFixed ? 0 : s.Topology.Cutoff;
        return new PairPotentialFeatures(s.D, species, LayerSampler.Sample(r.ToArray(), r.Count, 1, width, sampler, act, new Random(seed)), cutoff);
    }

    /// <summary>
    /// The same configuration with particles relabelled by a seeded permutation (new particle k is old particle
    /// perm[k]), masses, species and pairs carried along; <paramref name="swapEndpoints"/> also flips every pair.
    /// </summary>
    public static TestSystem Permuted(TestSystem s, int seed, bool swapEndpoints = false)
    {
        int d = s.D;
        var perm = Enumerable.Range(0, s.N).ToArray();
        new Random(seed).Shuffle(perm);
        var inverse = new int[s.N];
        for (int k = 0; k < s.N; k++) inverse[perm[k]] = k;
        var q = new double[s.Q.Length]; var p = new double[s.P.Length];
        for (int k = 0; k < s.N; k++)
            for (int a = 0; a < d; a++) { q[k * d + a] = s.Q[perm[k] * d + a]; p[k * d + a] = s.P[perm[k] * d + a]; }
        var pairs = s.Pairs!.Select(i => inverse[i]).ToArray();
        if (swapEndpoints)
            for (int e = 0; e < pairs.Length; e += 2) (pairs[e], pairs[e + 1]) = (pairs[e + 1], pairs[e]);
        return new TestSystem
        {
            N = s.N, D = d, Q = q, P = p,
            Mass = perm.Select(i => s.Mass[i]).ToArray(), Species = perm.Select(i => s.Species[i]).ToArray(),
            Topology = Topology.Fixed(d, pairs), Pairs = pairs,
        };
    }

    public static double[] RandomVector(int n, int seed) => Enumerable.Range(0, n).Select(_ => 0).Select((_, i) => new Random(seed + i).NextDouble() * 2 - 1).ToArray();

    /// <summary>A random proper rotation (det +1) from Gram–Schmidt of a random matrix.</summary>
    public static double[,] RandomRotation(int d, int seed)
    {
        var rng = new Random(seed);
        var m = new double[d, d];
        for (int c = 0; c < d; c++)
        {
            var v = new double[d];
            for (int a = 0; a < d; a++) v[a] = 2 * rng.NextDouble() - 1;
            for (int prev = 0; prev < c; prev++)
            {
                double dot = 0;
                for (int a = 0; a < d; a++) dot += v[a] * m[a, prev];
                for (int a = 0; a < d; a++) v[a] -= dot * m[a, prev];
            }
            double norm = Math.Sqrt(v.Sum(x => x * x));
            for (int a = 0; a < d; a++) m[a, c] = v[a] / norm;
        }
        if (d == 3)
        {
            double det = m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1]) - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0]) + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0]);
            if (det < 0) for (int a = 0; a < d; a++) m[a, 0] = -m[a, 0];
        }
        else if (d == 2 && m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0] < 0) { m[0, 0] = -m[0, 0]; m[1, 0] = -m[1, 0]; }
        return m;
    }

    public static double[] Rotate(double[] v, double[,] rot, int d)
    {
        var o = new double[v.Length];
        for (int i = 0; i < v.Length / d; i++)
            for (int a = 0; a < d; a++)
            {
                double s = 0;
                for (int b = 0; b < d; b++) s += rot[a, b] * v[i * d + b];
                o[i * d + a] = s;
            }
        return o;
    }
}
