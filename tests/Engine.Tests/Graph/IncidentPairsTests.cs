// The per-block and counting queries of a binned cell list give exactly the pairs of the full search.
using Engine.Common;
using Engine.Graph;
using NUnit.Framework;

namespace Engine.Tests.Graph;

[TestFixture]
public class IncidentPairsTests
{
    private const double Cutoff = 1.3;

    // n particles in a periodic box of side L, a quarter of them within 1e-3 of a face (inside, outside, or on it),
    // a few left unwrapped by ±L so the minimum image does the work.
    private static double[] Positions(int n, int d, double L, int seed)
    {
        var rng = new Random(seed);
        var q = new double[n * d];
        for (int i = 0; i < n; i++)
            for (int a = 0; a < d; a++)
            {
                double x = rng.NextDouble() * L;
                if (i % 4 == 0 && a == i % d) x = rng.Next(3) switch { 0 => 1e-3 * rng.NextDouble(), 1 => L - 1e-3 * rng.NextDouble(), _ => 0.0 };
                if (i % 7 == 3) x += L;
                if (i % 11 == 5) x -= L;
                q[i * d + a] = x;
            }
        return q;
    }

    private static EdgeBuffer FullSearch(double[] q, int n, PeriodicBox box)
    {
        var edges = new EdgeBuffer();
        new CellList().Update(q, n, Cutoff, box, edges);
        return edges;
    }

    private static Dictionary<(int, int), (double[] Dr, double R)> Pairs(EdgeBuffer e)
    {
        var map = new Dictionary<(int, int), (double[], double)>();
        for (int k = 0; k < e.Count; k++)
            Assert.That(map.TryAdd((e.I[k], e.J[k]), (e.Dr.AsSpan(k * e.Dimension, e.Dimension).ToArray(), e.R[k])), Is.True, $"pair ({e.I[k]}, {e.J[k]}) listed twice");
        return map;
    }

    [TestCase(3, true)]
    [TestCase(3, false)]
    [TestCase(2, true)]
    [TestCase(1, true)]
    public void IncidentPairsAreTheFullSearchPairsThatTouchTheMembers(int d, bool periodic)
    {
        int n = d == 1 ? 40 : d == 2 ? 150 : 400;
        double L = d == 1 ? 12 : d == 2 ? 9 : 7;
        var box = new PeriodicBox(d, periodic ? Enumerable.Repeat(L, d).ToArray() : null);
        var q = Positions(n, d, L, seed: d * 10 + (periodic ? 1 : 0));
        var full = Pairs(FullSearch(q, n, box));
        Assert.That(full, Has.Count.GreaterThan(n / 2), "the test needs pairs");

        var cells = new CellList();
        cells.Bin(q, n, Cutoff, box);
        var rng = new Random(5);
        var edges = new EdgeBuffer();
        foreach (int size in new[] { 1, 7, n / 3, n })
        {
            var members = Enumerable.Range(0, n).OrderBy(_ => rng.Next()).Take(size).ToArray();
            var memberIndex = Enumerable.Repeat(-1, n).ToArray();
            for (int k = 0; k < size; k++) memberIndex[members[k]] = k;
            cells.IncidentPairs(members, memberIndex, edges);
            var got = Pairs(edges);
            var expected = full.Where(kv => memberIndex[kv.Key.Item1] >= 0 || memberIndex[kv.Key.Item2] >= 0).ToArray();
            Assert.That(got.Keys, Is.EquivalentTo(expected.Select(kv => kv.Key)), $"{size} members");
            foreach (var (key, (dr, r)) in expected)
            {
                Assert.That(got[key].R, Is.EqualTo(r), "R has the full search's bits");
                Assert.That(got[key].Dr, Is.EqualTo(dr), "Dr has the full search's bits");
            }
            // Member by member, in the members' order.
            int last = -1;
            for (int k = 0; k < edges.Count; k++)
            {
                int owner = Math.Max(memberIndex[edges.I[k]] >= 0 && (memberIndex[edges.J[k]] < 0 || edges.I[k] < edges.J[k]) ? memberIndex[edges.I[k]] : memberIndex[edges.J[k]], 0);
                Assert.That(owner, Is.GreaterThanOrEqualTo(last));
                last = owner;
            }
        }
    }

    [Test]
    public void SampledDistancesAreTheStrideOfTheFullSearch()
    {
        int n = 300, d = 3;
        var box = new PeriodicBox(d, [6.5, 6.5, 6.5]);
        var q = Positions(n, d, 6.5, seed: 9);
        var full = FullSearch(q, n, box);
        var all = full.R[..full.Count];
        var cells = new CellList();
        cells.Bin(q, n, Cutoff, box);
        foreach (int count in new[] { 1, 2, 37, all.Length - 1, all.Length, all.Length + 5 })
        {
            var got = new List<double> { -1.0 };   // appends after what is there
            cells.SampleDistances(count, got);
            var expected = count >= all.Length ? all : Enumerable.Range(0, count).Select(k => all[(int)((long)k * all.Length / count)]).ToArray();
            Assert.That(got[0], Is.EqualTo(-1.0));
            Assert.That(got.Skip(1), Is.EqualTo(expected), $"count {count} of {all.Length}");
        }
    }

    [Test]
    public void BuildIncidentChecksCoincidenceAndRefusesAFixedTopology()
    {
        var topology = Topology.WithCutoff(2, Cutoff, [5.0, 5.0]);
        double[] q = [1, 1, 1, 1, 3, 3];
        var cells = new CellList();
        cells.Bin(q, 3, Cutoff, topology.Box);
        var edges = new EdgeBuffer();
        Assert.Throws<InvalidInputException>(() => topology.BuildIncident(cells, [0], [0, -1, -1], edges));
        topology.BuildIncident(cells, [2], [-1, -1, 0], edges);
        Assert.That(edges.Count, Is.EqualTo(0), "particle 2 is alone");
        Assert.Throws<InvalidOperationException>(() => Topology.Fixed(2, [0, 1]).BuildIncident(cells, [0], [0, -1, -1], edges));
    }
}
