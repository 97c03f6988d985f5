// The edges of one snapshot: unordered pairs with their minimum-image displacement and length.
namespace Engine.Graph;

/// <summary>
/// A half list of the pairs (i, j) that interact in one snapshot, each pair once, with
/// <c>Dr[e*d + a] = (q_j − q_i)_a</c> (minimum image when the box is periodic) and <c>R[e] = |Dr_e|</c>.
/// Consumers that need both directions (messages i→j and j→i) take them from the same pair.
/// Buffers grow and are reused across snapshots; <see cref="Count"/> is the number of valid pairs.
/// </summary>
public sealed class EdgeBuffer
{
    public int Count { get; private set; }
    public int Dimension { get; private set; }
    public int[] I { get; private set; } = [];
    public int[] J { get; private set; } = [];
    public double[] Dr { get; private set; } = [];
    public double[] R { get; private set; } = [];

    /// <summary>Empties the buffer for a new snapshot in <paramref name="dimension"/> dimensions, keeping capacity.</summary>
    public void Reset(int dimension, int capacityHint = 0)
    {
        Count = 0;
        Dimension = dimension;
        if (capacityHint > I.Length) Grow(capacityHint);
    }

    /// <summary>Appends pair (i, j) with displacement <paramref name="dr"/> (length d) and its norm <paramref name="r"/>.</summary>
    public void Add(int i, int j, ReadOnlySpan<double> dr, double r)
    {
        if (Count == I.Length) Grow(Math.Max(16, 2 * I.Length));
        I[Count] = i;
        J[Count] = j;
        dr.CopyTo(Dr.AsSpan(Count * Dimension, Dimension));
        R[Count] = r;
        Count++;
    }

    /// <summary>
    /// Appends a pair of a 3-D buffer (<see cref="Dimension"/> = 3) with displacement (x, y, z) and norm
    /// <paramref name="r"/>: <see cref="Add"/> without the span copy, for the per-step loop of <see cref="VerletList"/>.
    /// </summary>
    internal void Add3(int i, int j, double x, double y, double z, double r)
    {
        if (Count == I.Length) Grow(Math.Max(16, 2 * I.Length));
        int c = Count;
        I[c] = i;
        J[c] = j;
        var dr = Dr;
        dr[3 * c] = x; dr[3 * c + 1] = y; dr[3 * c + 2] = z;
        R[c] = r;
        Count = c + 1;
    }

    private void Grow(int capacity)
    {
        var i = new int[capacity]; var j = new int[capacity];
        var dr = new double[capacity * Math.Max(Dimension, 1)]; var r = new double[capacity];
        Array.Copy(I, i, Count); Array.Copy(J, j, Count);
        Array.Copy(Dr, dr, Math.Min(Dr.Length, dr.Length)); Array.Copy(R, r, Count);
        I = i; J = j; Dr = dr; R = r;
    }
}
