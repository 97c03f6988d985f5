// One NumPy array held as a typed, contiguous, row-major (C order) buffer: the value Npy reads and writes.

namespace Engine.Data;

/// <summary>
/// An n-dimensional array from (or for) a <c>.npy</c> file. Exactly one payload is set:
/// <see cref="Doubles"/> for floating dtypes, <see cref="Longs"/> for integer and boolean dtypes, or
/// <see cref="Text"/> for a scalar string. Values are always in C (row-major) order, whatever order the
/// file used: element <c>[i0, i1, …]</c> is at flat index <c>(i0·Shape[1] + i1)·Shape[2] + …</c>.
/// </summary>
public sealed class NpyArray
{
    /// <summary>The NumPy dtype descriptor: as stored in the file on read (e.g. <c>&lt;f4</c>, <c>&lt;U2</c>), or the one that will be written.</summary>
    public string Dtype { get; }
    /// <summary>Length of each axis; empty for a 0-d (scalar) array.</summary>
    public long[] Shape { get; }
    /// <summary>Values of a floating array (<c>f2</c>, <c>f4</c>, <c>f8</c> widened to double), length <see cref="Count"/>; otherwise null.</summary>
    public double[]? Doubles { get; }
    /// <summary>Values of an integer or boolean array (widened to long; booleans are 0/1), length <see cref="Count"/>; otherwise null.</summary>
    public long[]? Longs { get; }
    /// <summary>The value of a scalar string array (<c>U</c> or <c>S</c> dtype, trailing NULs removed); otherwise null.</summary>
    public string? Text { get; }

    /// <summary>Number of axes (0 for a scalar).</summary>
    public int Rank => Shape.Length;
    /// <summary>Number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long Count { get; }
    /// <summary>True for a floating dtype (<see cref="Doubles"/> is set).</summary>
    public bool IsFloat => Doubles is not null;
    /// <summary>True for an integer or boolean dtype (<see cref="Longs"/> is set).</summary>
    public bool IsInteger => Longs is not null;
    /// <summary>True for a scalar string (<see cref="Text"/> is set).</summary>
    public bool IsText => Text is not null;

    private NpyArray(string dtype, long[] shape, long count, double[]? doubles, long[]? longs, string? text)
    {
        Dtype = dtype; Shape = shape; Count = count; Doubles = doubles; Longs = longs; Text = text;
    }

    /// <summary>A float64 (<c>&lt;f8</c>) array over <paramref name="values"/> (not copied) with the given shape.</summary>
    public static NpyArray Of(double[] values, params long[] shape) => new("<f8", CheckShape(shape, values.LongLength), values.LongLength, values, null, null);

    /// <summary>An int64 (<c>&lt;i8</c>) array over <paramref name="values"/> (not copied) with the given shape.</summary>
    public static NpyArray Of(long[] values, params long[] shape) => new("<i8", CheckShape(shape, values.LongLength), values.LongLength, null, values, null);

    /// <summary>A 0-d float64 array.</summary>
    public static NpyArray Scalar(double value) => Of([value]);

    /// <summary>A 0-d unicode string array, written as <c>&lt;U{n}</c> (UTF-32LE), as NumPy saves <c>np.array('eV')</c>.</summary>
    public static NpyArray OfText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int codePoints = 0;
        foreach (var _ in text.EnumerateRunes()) codePoints++;
        return new NpyArray($"<U{Math.Max(codePoints, 1)}", [], 1, null, null, text);
    }

    /// <summary>Used by the reader, which has already checked that the payload matches the shape.</summary>
    internal static NpyArray FromFile(string dtype, long[] shape, long count, double[]? doubles, long[]? longs, string? text) =>
        new(dtype, shape, count, doubles, longs, text);

    /// <summary>The values as doubles: <see cref="Doubles"/> itself, or <see cref="Longs"/> converted (a new array). Throws for text.</summary>
    public double[] ToDoubles()
    {
        if (Doubles is not null) return Doubles;
        if (Longs is not null) { var d = new double[Longs.LongLength]; for (long k = 0; k < d.LongLength; k++) d[k] = Longs[k]; return d; }
        throw new InvalidOperationException($"a '{Dtype}' string array has no numeric values");
    }

    /// <summary>The shape as NumPy prints it: <c>()</c>, <c>(3,)</c>, <c>(2, 3)</c>.</summary>
    public string ShapeText => FormatShape(Shape);

    /// <summary>Formats a shape as NumPy prints it: <c>()</c>, <c>(3,)</c>, <c>(2, 3)</c>.</summary>
    public static string FormatShape(IReadOnlyList<long> shape) =>
        shape.Count == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";

    /// <summary>Dtype and shape, e.g. <c>NpyArray &lt;f8 (3, 2)</c>.</summary>
    public override string ToString() => $"NpyArray {Dtype} {ShapeText}";

    private static long[] CheckShape(long[] shape, long length)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (long n in shape)
        {
            if (n < 0) throw new ArgumentException($"shape {FormatShape(shape)} has a negative axis", nameof(shape));
            count = checked(count * n);
        }
        if (count != length) throw new ArgumentException($"shape {FormatShape(shape)} holds {count} values but {length} were given", nameof(shape));
        return (long[])shape.Clone();
    }
}
