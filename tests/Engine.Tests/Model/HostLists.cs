// Test helper: what an MD host hands the engine — owned atoms plus periodic-image ghosts and full CSR neighbour lists.
namespace Engine.Tests.Model;

/// <summary>Owned + ghost particles of a periodic cell and a full neighbour list over them, built by brute force.</summary>
public sealed class HostLists
{
    public required int Owned { get; init; }
    public required int Total { get; init; }
    /// <summary>Positions <c>[Total·3]</c>: the owned atoms wrapped into the cell, then the ghosts.</summary>
    public required double[] Positions { get; init; }
    public required int[] Species { get; init; }
    public required int[] Contributing { get; init; }
    /// <summary>The owned atom each particle is an image of <c>[Total]</c>.</summary>
    public required int[] Owner { get; init; }
    public long[] Offsets { get; set; } = [];
    public int[] Neighbors { get; set; } = [];

    /// <summary>
    /// Ghosts: every periodic image (shifts in {−1, 0, 1}³ but 0) of an owned atom of the orthorhombic cell
    /// <paramref name="box"/> that lies within <paramref name="reach"/> of the cell; then a full list at
    /// <paramref name="listRadius"/> (lists of ghosts left empty, as KIM allows).
    /// </summary>
    public static HostLists Periodic(double[] q, int[] species, double[] box, double reach, double listRadius)
    {
        int n = species.Length;
        var pos = new List<double>();
        var sp = new List<int>();
        var owner = new List<int>();
        for (int i = 0; i < n; i++)
        {
            for (int a = 0; a < 3; a++) pos.Add(q[i * 3 + a] - box[a] * Math.Floor(q[i * 3 + a] / box[a]));
            sp.Add(species[i]); owner.Add(i);
        }
        for (int sx = -1; sx <= 1; sx++)
            for (int sy = -1; sy <= 1; sy++)
                for (int sz = -1; sz <= 1; sz++)
                {
                    if (sx == 0 && sy == 0 && sz == 0) continue;
                    int[] shift = [sx, sy, sz];
                    for (int i = 0; i < n; i++)
                    {
                        var x = new double[3];
                        bool inside = true;
                        for (int a = 0; a < 3; a++)
                        {
                            x[a] = pos[i * 3 + a] + shift[a] * box[a];
                            inside &= x[a] >= -reach && x[a] < box[a] + reach;
                        }
                        if (!inside) continue;
                        pos.AddRange(x); sp.Add(species[i]); owner.Add(i);
                    }
                }
        var lists = new HostLists
        {
            Owned = n, Total = sp.Count, Positions = pos.ToArray(), Species = sp.ToArray(),
            Contributing = Enumerable.Range(0, sp.Count).Select(k => k < n ? 1 : 0).ToArray(), Owner = owner.ToArray(),
        };
        lists.BuildFullList(listRadius, ghostLists: false);
        return lists;
    }

    /// <summary>Replaces the lists with full lists at <paramref name="radius"/> (j in increasing index order).</summary>
    public void BuildFullList(double radius, bool ghostLists)
    {
        var offsets = new long[Total + 1];
        var nb = new List<int>();
        for (int i = 0; i < Total; i++)
        {
            if (ghostLists || Contributing[i] == 1)
                for (int j = 0; j < Total; j++)
                {
                    if (j == i) continue;
                    double r2 = 0;
                    for (int a = 0; a < 3; a++) { double x = Positions[j * 3 + a] - Positions[i * 3 + a]; r2 += x * x; }
                    if (r2 < radius * radius) nb.Add(j);
                }
            offsets[i + 1] = nb.Count;
        }
        Offsets = offsets;
        Neighbors = nb.ToArray();
    }

    /// <summary>Adds each particle's force to its owner: the owned forces <c>[Owned·3]</c> of the periodic system.</summary>
    public double[] FoldForces(double[] forces)
    {
        var f = new double[Owned * 3];
        for (int k = 0; k < Total; k++)
            for (int a = 0; a < 3; a++) f[Owner[k] * 3 + a] += forces[k * 3 + a];
        return f;
    }
}
