// Which graph-HGN inputs a training set covers, and how a model's derivative error splits between covered and uncovered node states.
using Engine.Common;
using Engine.Data;
using Engine.Features;
using Engine.Graph;

namespace Engine.Tests.Training;

/// <summary>
/// The per-scalar [min, max] of every input the graph HGN sees (method.md §10.1): the node scalar
/// A = |p|²/(2m), the edge length r and the six message scalars [A_i, A_j, r, p_i·p_j, p_i·û, p_j·û] of both
/// edge directions, gathered over all snapshots of a data set with fixed edges.
/// </summary>
public sealed class InputCoverage
{
    private readonly double[] _min = new double[2 + GraphHgnFeatures.MessageInputs];
    private readonly double[] _max = new double[2 + GraphHgnFeatures.MessageInputs];

    /// <summary>Largest node scalar A = |p_i|²/(2 m_i) seen.</summary>
    public double MaxKinetic => _max[0];
    /// <summary>Smallest and largest spring length r seen (rest length 1, so r − 1 is the extension).</summary>
    public double MinLength => _min[1];
    public double MaxLength => _max[1];
    /// <summary>Largest |extension| = max(|r_min − 1|, |r_max − 1|).</summary>
    public double MaxExtension => Math.Max(Math.Abs(_min[1] - 1), Math.Abs(_max[1] - 1));

    private static readonly string[] Names = ["A", "r", "msg A_i", "msg A_j", "msg r", "p_i·p_j", "p_i·û", "p_j·û"];

    /// <summary>Every input's [min, max], for logs.</summary>
    public string Describe() => string.Join(", ", Names.Select((name, k) => $"{name} [{_min[k]:F4}, {_max[k]:F4}]"));

    private InputCoverage()
    {
        Array.Fill(_min, double.PositiveInfinity);
        Array.Fill(_max, double.NegativeInfinity);
    }

    /// <summary>The input ranges of every snapshot of <paramref name="data"/> (fixed edges required).</summary>
    public static InputCoverage Of(PhaseSpaceData data)
    {
        var c = new InputCoverage();
        var walk = new InputWalk(data);
        for (int m = 0; m < data.Snapshots; m++)
        {
            walk.Load(m);
            foreach (double a in walk.Node) c.Widen(0, a);
            foreach (double r in walk.Edge) c.Widen(1, r);
            for (int k = 0; k < walk.Message.Count; k++) c.Widen(2 + k % GraphHgnFeatures.MessageInputs, walk.Message[k]);
        }
        return c;
    }

    private void Widen(int slot, double v)
    {
        _min[slot] = Math.Min(_min[slot], v);
        _max[slot] = Math.Max(_max[slot], v);
    }

    private bool Inside(int slot, double v) => v >= _min[slot] && v <= _max[slot];

    /// <summary>
    /// Scores <paramref name="model"/> on <paramref name="data"/> with each node state (snapshot m, particle i) put in one
    /// of two groups: "inside" when its own A_i and every input of every message on its incident edges (both directions,
    /// r included) lie within this coverage, else "outside". q̇_i and ṗ_i depend on exactly those inputs.
    /// </summary>
    public CoverageSplit Split(IHamiltonian model, PhaseSpaceData data)
    {
        int n = data.Particles, d = data.Dimension, s = data.StateSize, k = GraphHgnFeatures.MessageInputs;
        var dHdq = new double[s];
        var dHdp = new double[s];
        var outside = new bool[n];
        var split = new CoverageSplit();
        var walk = new InputWalk(data);
        for (int m = 0; m < data.Snapshots; m++)
        {
            walk.Load(m);
            for (int i = 0; i < n; i++) outside[i] = !Inside(0, walk.Node[i]);
            for (int e = 0; e < walk.Edges.Count; e++)
            {
                bool o = !Inside(1, walk.Edge[e]);
                for (int l = 0; l < 2 * k && !o; l++) o = !Inside(2 + l % k, walk.Message[2 * k * e + l]);
                if (o) { outside[walk.Edges.I[e]] = true; outside[walk.Edges.J[e]] = true; }
            }

            model.Evaluate(data.QOf(m), data.POf(m), dHdq, dHdp);
            var dq = data.Dq!.AsSpan(m * s, s);
            var dp = data.Dp!.AsSpan(m * s, s);
            for (int i = 0; i < n; i++)
            {
                double err = 0, norm = 0;
                for (int a = 0; a < d; a++)
                {
                    int x = i * d + a;
                    double eq = dHdp[x] - dq[x], ep = -dHdq[x] - dp[x];
                    err += eq * eq + ep * ep;
                    norm += dq[x] * dq[x] + dp[x] * dp[x];
                }
                split.Add(outside[i], err, norm, 2 * d);
            }
        }
        return split;
    }

    /// <summary>The three input lists of one snapshot, in <see cref="GraphHgnFeatures.CollectInputs"/> order.</summary>
    private sealed class InputWalk(PhaseSpaceData data)
    {
        private readonly Topology _topology = Topology.Fixed(data.Dimension, data.Edges!);
        public EdgeBuffer Edges { get; } = new();
        public List<double> Node { get; } = [];
        public List<double> Edge { get; } = [];
        public List<double> Message { get; } = [];

        public void Load(int m)
        {
            Node.Clear(); Edge.Clear(); Message.Clear();
            _topology.Build(data.QOf(m), data.Particles, Edges);
            GraphHgnFeatures.CollectInputs(new Snapshot(data.QOf(m), data.POf(m), data.Mass, data.Species, Edges), Node, Edge, Message);
        }
    }
}

/// <summary>Squared derivative errors and reference norms accumulated separately over covered and uncovered node states.</summary>
public sealed class CoverageSplit
{
    public int InsideCount { get; private set; }
    public int OutsideCount { get; private set; }
    public double InsideError { get; private set; }
    public double OutsideError { get; private set; }
    private double _insideNorm, _outsideNorm;
    private int _insideEntries, _outsideEntries;

    internal void Add(bool outside, double squaredError, double squaredNorm, int entries)
    {
        if (outside) { OutsideCount++; OutsideError += squaredError; _outsideNorm += squaredNorm; _outsideEntries += entries; }
        else { InsideCount++; InsideError += squaredError; _insideNorm += squaredNorm; _insideEntries += entries; }
    }

    /// <summary>Relative L2 of (q̇, ṗ) over the covered node states.</summary>
    public double InsideRelativeL2 => Math.Sqrt(InsideError / _insideNorm);
    /// <summary>Relative L2 of (q̇, ṗ) over the uncovered node states (NaN when there are none).</summary>
    public double OutsideRelativeL2 => OutsideCount == 0 ? double.NaN : Math.Sqrt(OutsideError / _outsideNorm);
    public double InsideMse => InsideError / _insideEntries;
    public double OutsideMse => OutsideCount == 0 ? double.NaN : OutsideError / _outsideEntries;
    /// <summary>Share of the total squared error carried by the uncovered node states.</summary>
    public double OutsideShare => OutsideError / (InsideError + OutsideError);
}
