// The frame-based graph HGN: frozen-frame Jacobian vs finite differences, gradient path, invariances, degenerate frames.
using Engine.Features;
using Engine.Graph;
using Engine.Tests.Support;
using NUnit.Framework;

namespace Engine.Tests.Features;

public class FrameGraphHgnTests
{
    /// <summary>A frame model whose layers are sampled sequentially from a few jittered copies of the system.</summary>
    internal static FrameGraphHgnFeatures Build(TestSystem s, SamplerKind sampler, ActivationKind act, int seed, int nv = 12, int ne = 16, int nm = 40)
    {
        int d = s.D;
        var rng = new Random(seed);
        var copies = new List<(double[] Q, double[] P)>();
        for (int copy = 0; copy < 4; copy++)
            copies.Add((s.Q.Select(v => v + 0.05 * (2 * rng.NextDouble() - 1)).ToArray(), s.P.Select(v => v * (0.5 + rng.NextDouble())).ToArray()));
        var edges = new EdgeBuffer();
        List<double> node = [], edge = [];
        foreach (var (q, p) in copies) FrameGraphHgnFeatures.CollectEncoderInputs(s.Snap(edges, q, p), node, edge);
        var nodeLayer = LayerSampler.Sample(node.ToArray(), node.Count / d, d, nv, sampler, act, new Random(seed + 1));
        var edgeLayer = LayerSampler.Sample(edge.ToArray(), edge.Count / d, d, ne, sampler, act, new Random(seed + 2));
        int inputs = 2 * nv + ne;
        var msg = new List<double>();
        foreach (var (q, p) in copies)
        {
            var snap = s.Snap(edges, q, p);
            var rows = new double[2 * edges.Count * inputs];
            FrameGraphHgnFeatures.CollectMessageInputs(snap, nodeLayer, edgeLayer, rows);
            msg.AddRange(rows);
        }
        var msgLayer = LayerSampler.Sample(msg.ToArray(), msg.Count / inputs, inputs, nm, sampler, act, new Random(seed + 3));
        return new FrameGraphHgnFeatures(d, nodeLayer, edgeLayer, msgLayer);
    }

    /// <summary>A d-dimensional chain of n particles with random positions along a wiggly line (fixed topology).</summary>
    private static TestSystem Chain(int n, int d, int seed)
    {
        var rng = new Random(seed);
        var q = new double[n * d];
        for (int i = 0; i < n; i++)
            for (int a = 0; a < d; a++) q[i * d + a] = (a == 0 ? i : 0) + 0.3 * (2 * rng.NextDouble() - 1);
        var pairs = Enumerable.Range(0, n - 1).SelectMany(i => new[] { i, i + 1 }).ToArray();
        var p = Enumerable.Range(0, n * d).Select(_ => 0.3 * (2 * rng.NextDouble() - 1)).ToArray();
        return new TestSystem
        {
            N = n, D = d, Q = q, P = p, Mass = Enumerable.Repeat(1.0, n).ToArray(), Species = new int[n],
            Topology = Topology.Fixed(d, pairs), Pairs = pairs,
        };
    }

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var act in Enum.GetValues<ActivationKind>())
            foreach (var sampler in Enum.GetValues<SamplerKind>())
            {
                yield return new TestCaseData("springs-3d", sampler, act);
                yield return new TestCaseData("springs-2d", sampler, act);
                yield return new TestCaseData("chain-1d", sampler, act);
            }
    }

    private static TestSystem System(string name) => name switch
    {
        "springs-3d" => TestSystems.Springs(2, 3, 1),
        "springs-2d" => TestSystems.Springs(3, 2, 2),
        "chain-1d" => Chain(6, 1, 4),
        _ => throw new ArgumentException(name),
    };

    private static double[] Basis(TestSystem s)
    {
        var basis = new double[s.D * s.D];
        var edges = new EdgeBuffer();
        s.Topology.Build(s.Q, s.N, edges);
        FrameGraphHgnFeatures.ComputeFrame(s.Q, s.N, s.D, edges, basis);
        return basis;
    }

    [TestCaseSource(nameof(Cases))]
    public void JacobianMatchesFiniteDifferencesWithTheFrameFrozen(string name, SamplerKind sampler, ActivationKind act)
    {
        var s = System(name);
        var f = Build(s, sampler, act, 7);
        // The stop-gradient Jacobian is the derivative of Φ with B frozen at its value for the unperturbed state.
        var basis = Basis(s);
        var ws = f.CreateWorkspace();
        var edges = new EdgeBuffer();
        FeatureChecks.AssertJacobianMatchesFiniteDifferences(f, s, name, (q, p, phi) => f.Evaluate(s.Snap(edges, q, p), phi, ws, basis));
    }

    [Test]
    public void FixedBasisHookAgreesWithTheComputedFrame()
    {
        var s = TestSystems.Springs(2, 3, 8);
        var f = Build(s, SamplerKind.Swim, ActivationKind.Tanh, 2);
        var ws = f.CreateWorkspace();
        var a = new double[f.FeatureCount]; var b = new double[f.FeatureCount];
        f.Evaluate(s.Snap(new EdgeBuffer()), a, ws);
        f.Evaluate(s.Snap(new EdgeBuffer()), b, ws, Basis(s));
        Assert.That(b, Is.EqualTo(a), "Evaluate must equal the hook with the snapshot's own frame, bit for bit");
        Assert.That(a.Any(v => v != 0));
    }

    [TestCaseSource(nameof(Cases))]
    public void GradientPathEqualsJacobianTransposeTheta(string name, SamplerKind sampler, ActivationKind act)
    {
        var s = System(name);
        FeatureChecks.AssertGradientIsJacobianTransposeTheta(Build(s, sampler, act, 5), s);
    }

    [Test]
    public void JacobianRowsRespectStrideAndLeaveOtherColumnsAlone()
    {
        var s = TestSystems.Springs(2, 3, 5);
        FeatureChecks.AssertJacobianRespectsStride(Build(s, SamplerKind.Swim, ActivationKind.Tanh, 3), s);
    }

    [Test]
    public void LargeGraphsSpanSeveralEdgeChunks()
    {
        // 7×7×7 = 343 nodes, 882 pairs = 1764 directed edges: several chunks of the edge-wise products.
        var s = TestSystems.Springs(7, 3, 12);
        var f = Build(s, SamplerKind.Swim, ActivationKind.Tanh, 4, nv: 6, ne: 8, nm: 10);
        int nd = s.N * s.D, F = f.FeatureCount;
        var ws = f.CreateWorkspace();
        var theta = Enumerable.Range(0, F).Select(k => Math.Cos(0.9 * k)).ToArray();
        var snap = s.Snap(new EdgeBuffer());
        var jp = new double[nd * F]; var jq = new double[nd * F];
        f.EvaluateJacobian(snap, jp, jq, F, ws);
        var gq = new double[nd]; var gp = new double[nd];
        f.EvaluateGradient(snap, theta, gq, gp, ws);
        var expectQ = new double[nd];
        for (int c = 0; c < nd; c++)
            for (int k = 0; k < F; k++) expectQ[c] += jq[c * F + k] * theta[k];
        Assert.That(Tol.RelativeError(gq, expectQ), Is.LessThan(1e-12));
        // Σ_i ∂Φ/∂q_i = 0 along every axis (translation invariance of every column, with B frozen too).
        for (int a = 0; a < 3; a++)
            for (int k = 0; k < F; k++)
            {
                double sum = 0, scale = 0;
                for (int i = 0; i < s.N; i++) { sum += jq[(i * 3 + a) * F + k]; scale += Math.Abs(jq[(i * 3 + a) * F + k]); }
                Assert.That(Math.Abs(sum), Is.LessThanOrEqualTo(1e-12 * scale + 1e-300), $"axis {a} column {k}");
            }
    }

    private static IEnumerable<TestCaseData> Dimensions() => [new TestCaseData(3), new TestCaseData(2)];

    private static (FrameGraphHgnFeatures F, TestSystem S, double[] Theta) Setup(int d)
    {
        var s = TestSystems.Springs(d == 3 ? 3 : 4, d, 11);
        var f = Build(s, SamplerKind.Swim, ActivationKind.Tanh, 5);
        var theta = Enumerable.Range(0, f.FeatureCount).Select(k => Math.Cos(0.7 * k)).ToArray();
        return (f, s, theta);
    }

    private static double[] Phi(FrameGraphHgnFeatures f, TestSystem s, double[] q, double[] p)
    {
        var phi = new double[f.FeatureCount];
        f.Evaluate(s.Snap(new EdgeBuffer(), q, p), phi, f.CreateWorkspace());
        return phi;
    }

    [TestCaseSource(nameof(Dimensions))]
    public void RotationAndTranslationLeaveFeaturesUnchanged(int d)
    {
        var (f, s, theta) = Setup(d);
        var phi = Phi(f, s, s.Q, s.P);
        double h = f.EvaluateGradient(s.Snap(new EdgeBuffer()), theta, default, default, f.CreateWorkspace());
        var identity = new double[d * d];
        for (int a = 0; a < d; a++) identity[a * d + a] = 1;
        for (int trial = 0; trial < 5; trial++)
        {
            var rot = TestSystems.RandomRotation(d, 100 + trial);
            var q = TestSystems.Rotate(s.Q, rot, d);
            var p = TestSystems.Rotate(s.P, rot, d);
            double shift = new Random(trial).NextDouble() * 10 - 5;
            for (int k = 0; k < q.Length; k++) q[k] += shift * (1 + k % d);
            var phi2 = Phi(f, s, q, p);
            Assert.That(Tol.RelativeError(phi2, phi), Is.LessThan(Tol.Invariance), $"Φ, trial {trial}");
            double h2 = f.EvaluateGradient(s.Snap(new EdgeBuffer(), q, p), theta, default, default, f.CreateWorkspace());
            Tol.AssertClose(h, h2, Tol.Invariance, 0, $"H, trial {trial}");

            // Without the frame (B = I frozen) the raw encoders are not invariant: the frame is what the test checks.
            var raw = new double[f.FeatureCount];
            f.Evaluate(s.Snap(new EdgeBuffer(), q, p), raw, f.CreateWorkspace(), identity);
            Assert.That(Tol.RelativeError(raw, phi), Is.GreaterThan(1e-6), $"trial {trial}: Φ with B = I is already invariant, the check is vacuous");
        }
        Assert.That(Math.Abs(h), Is.GreaterThan(1e-3), "H is ~0: the invariance check would be vacuous");
    }

    [TestCaseSource(nameof(Dimensions))]
    public void PermutingParticlesLeavesFeaturesUnchanged(int d)
    {
        var (f, s, _) = Setup(d);
        var phi = Phi(f, s, s.Q, s.P);
        // Pairs relabelled and each pair's endpoints swapped: both directions are pooled, so the order is irrelevant.
        var permuted = TestSystems.Permuted(s, 3, swapEndpoints: true);
        Assert.That(Tol.RelativeError(Phi(f, permuted, permuted.Q, permuted.P), phi), Is.LessThan(Tol.Invariance));
    }

    // ---------------------------------------------------------------- the frame itself

    private static void AssertProperRotation(double[] b, int d, string what)
    {
        for (int c1 = 0; c1 < d; c1++)
            for (int c2 = 0; c2 < d; c2++)
            {
                double dot = 0;
                for (int a = 0; a < d; a++) dot += b[a * d + c1] * b[a * d + c2];
                Assert.That(dot, Is.EqualTo(c1 == c2 ? 1.0 : 0.0).Within(1e-14), $"{what}: BᵀB[{c1},{c2}]");
            }
        double det = d switch
        {
            1 => b[0],
            2 => b[0] * b[3] - b[1] * b[2],
            _ => b[0] * (b[4] * b[8] - b[5] * b[7]) - b[1] * (b[3] * b[8] - b[5] * b[6]) + b[2] * (b[3] * b[7] - b[4] * b[6]),
        };
        Assert.That(det, Is.EqualTo(1.0).Within(1e-14), $"{what}: det B");
    }

    private static TestSystem Custom(double[] q, int d, int[] pairs, int seed = 1)
    {
        int n = q.Length / d;
        var rng = new Random(seed);
        return new TestSystem
        {
            N = n, D = d, Q = q, P = Enumerable.Range(0, n * d).Select(_ => 2 * rng.NextDouble() - 1).ToArray(),
            Mass = Enumerable.Repeat(1.0, n).ToArray(), Species = new int[n], Topology = Topology.Fixed(d, pairs), Pairs = pairs,
        };
    }

    [Test]
    public void FrameAxisOneIsTheNodeClosestToTheCentre()
    {
        var s = TestSystems.Springs(3, 3, 21);
        var b = Basis(s);
        AssertProperRotation(b, 3, "jittered lattice");
        var c = new double[3];
        for (int i = 0; i < s.N; i++) for (int a = 0; a < 3; a++) c[a] += s.Q[i * 3 + a] / s.N;
        int closest = Enumerable.Range(0, s.N).MinBy(i => Enumerable.Range(0, 3).Sum(a => Math.Pow(s.Q[i * 3 + a] - c[a], 2)));
        double norm = Math.Sqrt(Enumerable.Range(0, 3).Sum(a => Math.Pow(s.Q[closest * 3 + a] - c[a], 2)));
        for (int a = 0; a < 3; a++) Assert.That(b[a * 3 + 0], Is.EqualTo((s.Q[closest * 3 + a] - c[a]) / norm).Within(1e-14));
    }

    [Test]
    public void ANodeExactlyAtTheCentreIsSkipped()
    {
        // Unjittered 3×3 square lattice: node 4 sits on the centre; e₁ must come from one of its four neighbours.
        var q = new double[18];
        for (int i = 0; i < 9; i++) { q[2 * i] = i % 3; q[2 * i + 1] = i / 3; }
        var pairs = new[] { 0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 7, 8, 0, 3, 3, 6, 1, 4, 4, 7, 2, 5, 5, 8 };
        var s = Custom(q, 2, pairs);
        var b = Basis(s);
        AssertProperRotation(b, 2, "symmetric lattice");
        Assert.That(Math.Abs(b[0]) + Math.Abs(b[2]), Is.EqualTo(1.0).Within(1e-14), "e₁ points at a nearest neighbour of the centre");
        AssertFinite(s, "symmetric lattice");
    }

    [Test]
    public void AllNodesAtTheCentreFallBackToTheIdentity()
    {
        // Coincident particles cannot share an edge (the topology refuses r = 0), so the only configurations with
        // every node within ε of the centre have no edges: one particle, or coincident unconnected ones.
        foreach (int n in new[] { 1, 4 })
        {
            var s = Custom(Enumerable.Repeat(0.75, n * 3).ToArray(), 3, []);
            Assert.That(Basis(s), Is.EqualTo(new double[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }), $"N = {n}");
            AssertFinite(s, $"N = {n} coincident", expectZero: true);
        }
    }

    [Test]
    public void CollinearNodesInThreeDimensionsGiveAFiniteProperFrame()
    {
        double[] dir = [1 / Math.Sqrt(14), 2 / Math.Sqrt(14), 3 / Math.Sqrt(14)];
        double[] t = [-1.7, -0.4, 0.6, 1.9, 3.1];
        var q = t.SelectMany(x => dir.Select(u => 0.5 + x * u)).ToArray();
        var s = Custom(q, 3, [0, 1, 1, 2, 2, 3, 3, 4]);
        var b = Basis(s);
        AssertProperRotation(b, 3, "collinear");
        double along = Math.Abs(b[0] * dir[0] + b[3] * dir[1] + b[6] * dir[2]);
        Assert.That(along, Is.EqualTo(1.0).Within(1e-12), "e₁ lies along the line");
        AssertFinite(s, "collinear");
    }

    [Test]
    public void OneDimensionalFrameIsTheIdentity()
    {
        var s = Chain(5, 1, 3);
        Assert.That(Basis(s), Is.EqualTo(new double[] { 1 }));
    }

    /// <summary>Φ, its Jacobian and the gradient path are finite on a (possibly degenerate) configuration.</summary>
    private static void AssertFinite(TestSystem s, string what, bool expectZero = false)
    {
        // Layers sampled from a regular configuration; the degenerate one is only evaluated.
        var regular = TestSystems.Springs(2, s.D, 3);
        var f = Build(regular, SamplerKind.Swim, ActivationKind.Tanh, 9);
        int nd = s.N * s.D, F = f.FeatureCount;
        var ws = f.CreateWorkspace();
        var snap = s.Snap(new EdgeBuffer());
        var phi = new double[F];
        f.Evaluate(snap, phi, ws);
        var jp = new double[nd * F]; var jq = new double[nd * F];
        f.EvaluateJacobian(snap, jp, jq, F, ws);
        var gq = new double[nd]; var gp = new double[nd];
        double h = f.EvaluateGradient(snap, Enumerable.Repeat(0.1, F).ToArray(), gq, gp, ws);
        Assert.That(phi.All(double.IsFinite) && jp.All(double.IsFinite) && jq.All(double.IsFinite)
                    && gq.All(double.IsFinite) && gp.All(double.IsFinite) && double.IsFinite(h), $"{what}: non-finite output");
        // Φ sums messages over edges: with none it is exactly zero, else it must carry something.
        Assert.That(phi.Any(v => v != 0), Is.EqualTo(!expectZero), $"{what}: Φ zero or not");
    }

    [Test]
    public void ConstructorRefusesMismatchedLayers()
    {
        var s = TestSystems.Springs(2, 3, 1);
        var f = Build(s, SamplerKind.Swim, ActivationKind.Tanh, 1);
        Assert.Throws<ArgumentException>(() => new FrameGraphHgnFeatures(2, f.Node, f.Edge, f.Message));
        Assert.Throws<ArgumentException>(() => new FrameGraphHgnFeatures(3, f.Node, f.Node, f.Message));
        Assert.That(f.Family, Is.EqualTo(ModelFamily.GraphFrame));
        Assert.That((int)ModelFamily.GraphFrame, Is.EqualTo(2), "model-family codes are frozen");
    }
}
