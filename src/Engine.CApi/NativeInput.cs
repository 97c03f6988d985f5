// Validation of the raw C arguments (counts, pointers, cells, edges, species) before they reach the engine.
using Engine.Common;

namespace Engine.CApi;

/// <summary>Turns C pointers and counts into checked spans and arrays; every refusal names the argument.</summary>
internal static unsafe class NativeInput
{
    /// <summary>A count that must be positive and small enough that count·perItem fits an int.</summary>
    public static int Count(long n, string name, int perItem = 1)
    {
        if (n <= 0) throw new InvalidInputException($"'{name}' is {n}; it must be positive");
        if (n > int.MaxValue / Math.Max(perItem, 1)) throw new InvalidInputException($"'{name}' = {n} is too large for this engine (at most {int.MaxValue / Math.Max(perItem, 1)})");
        return (int)n;
    }

    public static ReadOnlySpan<double> Doubles(double* p, int length, string name)
    {
        if (p == null) throw new InvalidInputException($"'{name}' is NULL; it must point to {length} doubles");
        var span = new ReadOnlySpan<double>(p, length);
        for (int k = 0; k < span.Length; k++)
            if (!double.IsFinite(span[k])) throw new InvalidInputException($"'{name}' holds a non-finite value ({span[k]}) at index {k}");
        return span;
    }

    /// <summary>An optional output buffer: empty when NULL (not requested).</summary>
    public static Span<double> Output(double* p, int length) => p == null ? default : new Span<double>(p, length);

    /// <summary>
    /// The box lengths of an orthorhombic cell given as a row-major <c>[d, d]</c> matrix of cell vectors; null when
    /// <paramref name="cell"/> is NULL (open boundaries). Any nonzero off-diagonal entry is refused.
    /// </summary>
    public static double[]? Box(double* cell, int d)
    {
        if (cell == null) return null;
        var box = new double[d];
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++)
            {
                double v = cell[a * d + b];
                if (a == b)
                {
                    if (!(v > 0 && double.IsFinite(v))) throw new InvalidInputException($"'cell' diagonal entry {a} is {v}; cell lengths must be positive and finite");
                    box[a] = v;
                }
                else if (v != 0)
                    throw new InvalidInputException($"'cell' entry ({a}, {b}) is {v}; only orthorhombic cells (a diagonal cell matrix) are supported");
            }
        return box;
    }

    /// <summary>Species codes <c>[n]</c> (all 0 when NULL), each ≥ 0.</summary>
    public static int[] Species(int* species, int n)
    {
        var s = new int[n];
        if (species == null) return s;
        for (int i = 0; i < n; i++)
        {
            if (species[i] < 0) throw new InvalidInputException($"'species' entry {i} is {species[i]}; species codes are zero-based and ≥ 0");
            s[i] = species[i];
        }
        return s;
    }

    /// <summary>Undirected pairs <c>[nedges, 2]</c> as ints, checked against the particle count; null when NULL.</summary>
    public static int[]? Edges(long* edges, long nedges, int n)
    {
        if (edges == null)
        {
            if (nedges != 0) throw new InvalidInputException($"'edges' is NULL but 'nedges' is {nedges}");
            return null;
        }
        int count = Count(nedges, "nedges", 2);
        var e = new int[2 * count];
        for (int k = 0; k < 2 * count; k++)
        {
            long v = edges[k];
            if (v < 0 || v >= n) throw new InvalidInputException($"'edges' row {k / 2} holds particle index {v}, outside [0, {n})");
            e[k] = (int)v;
        }
        for (int k = 0; k < count; k++)
            if (e[2 * k] == e[2 * k + 1]) throw new InvalidInputException($"'edges' row {k} joins particle {e[2 * k]} to itself");
        return e;
    }

    public static string Utf8(byte* s, string name)
    {
        if (s == null) throw new InvalidInputException($"'{name}' is NULL");
        return System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)s) ?? "";
    }
}
