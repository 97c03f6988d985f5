// Maps the .npz trajectory schema (shared/docs/data-format.md) to PhaseSpaceData and back.
using Engine.Common;

namespace Engine.Data;

/// <summary>
/// Reads and writes <see cref="PhaseSpaceData"/> as an <c>.npz</c> archive with the keys of data-format.md:
/// <c>q, p, dq, dp</c> (M, N, d); <c>mass, species</c> (N,); <c>edges</c> (E, 2); <c>cutoff</c> (); <c>box</c> (d,);
/// <c>H, traj, t</c> (M,); <c>length_unit, energy_unit</c> () strings. Floating keys accept any float or integer
/// dtype (widened to float64); integer keys (<c>species, edges, traj</c>) need an integer dtype. Unknown keys are
/// ignored. Every refusal is an <see cref="InvalidInputException"/> naming the file and the key.
/// </summary>
public static class PhaseSpaceNpz
{
    /// <summary>The keys this schema reads and writes, in the order they are written.</summary>
    public static IReadOnlyList<string> Keys { get; } =
        ["q", "p", "dq", "dp", "mass", "species", "edges", "cutoff", "box", "H", "traj", "t", "length_unit", "energy_unit"];

    /// <summary>
    /// Reads and validates a data set. Refuses a missing file, an empty or non-zip file, a truncated or corrupt
    /// archive or member, a missing required key (<c>q, p, mass</c>), a key of the wrong dtype or shape, and
    /// anything <see cref="PhaseSpaceData.Validate"/> refuses (non-finite values, edges out of range, …).
    /// </summary>
    public static PhaseSpaceData Read(string path)
    {
        using var npz = Npz.Open(path);

        var q = Required(npz, "q");
        if (q.Rank != 3)
            throw Bad(path, "q", $"has shape {q.ShapeText}; expected (M, N, d): snapshots × particles × dimensions");
        int m = Axis(path, "q", q.Shape[0]), n = Axis(path, "q", q.Shape[1]), d = Axis(path, "q", q.Shape[2]);
        long[] state = [m, n, d];
        string stateText = $"(M, N, d) = {NpyArray.FormatShape(state)} like 'q'";

        var data = new PhaseSpaceData
        {
            Snapshots = m, Particles = n, Dimension = d,
            Q = Floats(path, "q", q),
            P = Floats(path, "p", Shaped(path, "p", Required(npz, "p"), state, stateText)),
            Dq = OptionalFloats(npz, "dq", state, stateText),
            Dp = OptionalFloats(npz, "dp", state, stateText),
            Mass = Floats(path, "mass", Shaped(path, "mass", Required(npz, "mass"), [n], $"(N,) = ({n},)")),
            Species = OptionalInts(npz, "species", [n], $"(N,) = ({n},)", 0, int.MaxValue, "species codes must be ≥ 0") ?? new int[n],
            Edges = ReadEdges(npz, n),
            Cutoff = OptionalScalar(npz, "cutoff"),
            Box = OptionalFloats(npz, "box", [d], $"(d,) = ({d},)"),
            H = OptionalFloats(npz, "H", [m], $"(M,) = ({m},)"),
            Trajectory = OptionalInts(npz, "traj", [m], $"(M,) = ({m},)", int.MinValue, int.MaxValue, "trajectory indices must fit in int32"),
            Time = OptionalFloats(npz, "t", [m], $"(M,) = ({m},)"),
            LengthUnit = OptionalText(npz, "length_unit") ?? "reduced",
            EnergyUnit = OptionalText(npz, "energy_unit") ?? "reduced",
        };
        data.Validate(path);
        return data;
    }

    /// <summary>
    /// Validates <paramref name="data"/>, then writes it atomically to <paramref name="path"/> (temporary file in the
    /// same directory, then rename; nothing is left behind on failure). Arrays are float64 / int64, C order; the
    /// optional keys are written only when present, the units always. <paramref name="compress"/> deflates members.
    /// </summary>
    public static void Write(PhaseSpaceData data, string path, bool compress = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.Validate(path);
        long m = data.Snapshots, n = data.Particles, d = data.Dimension;
        var arrays = new List<KeyValuePair<string, NpyArray>>
        {
            new("q", NpyArray.Of(data.Q, m, n, d)),
            new("p", NpyArray.Of(data.P, m, n, d)),
        };
        void Add(string key, NpyArray? a) { if (a is not null) arrays.Add(new(key, a)); }
        Add("dq", data.Dq is null ? null : NpyArray.Of(data.Dq, m, n, d));
        Add("dp", data.Dp is null ? null : NpyArray.Of(data.Dp, m, n, d));
        Add("mass", NpyArray.Of(data.Mass, n));
        Add("species", NpyArray.Of(Widen(data.Species), n));
        Add("edges", data.Edges is null ? null : NpyArray.Of(Widen(data.Edges), data.EdgeCount, 2));
        Add("cutoff", data.Cutoff is double rc ? NpyArray.Scalar(rc) : null);
        Add("box", data.Box is null ? null : NpyArray.Of(data.Box, d));
        Add("H", data.H is null ? null : NpyArray.Of(data.H, m));
        Add("traj", data.Trajectory is null ? null : NpyArray.Of(Widen(data.Trajectory), m));
        Add("t", data.Time is null ? null : NpyArray.Of(data.Time, m));
        Add("length_unit", NpyArray.OfText(data.LengthUnit));
        Add("energy_unit", NpyArray.OfText(data.EnergyUnit));
        Npz.Write(path, arrays, compress);
    }

    // ---- per-key readers: each names the key in every refusal ----

    private static NpyArray Required(NpzArchive npz, string key)
    {
        if (!npz.Contains(key))
            throw new InvalidInputException($"{npz.Path}: required key '{key}' is missing (the archive holds {(npz.Keys.Count == 0 ? "nothing" : string.Join(", ", npz.Keys.Select(k => $"'{k}'")))}); every data file needs 'q', 'p' and 'mass'");
        return npz.Read(key);
    }

    private static int Axis(string path, string key, long length) =>
        length <= int.MaxValue ? (int)length : throw Bad(path, key, $"has an axis of length {length}, more than the engine supports");

    private static NpyArray Shaped(string path, string key, NpyArray a, long[] expected, string expectedText)
    {
        if (!a.Shape.AsSpan().SequenceEqual(expected)) throw Bad(path, key, $"has shape {a.ShapeText}; expected {expectedText}");
        return a;
    }

    private static double[] Floats(string path, string key, NpyArray a)
    {
        if (a.IsText) throw Bad(path, key, $"is a string (dtype '{a.Dtype}'); expected a float64 array");
        return a.ToDoubles();
    }

    private static double[]? OptionalFloats(NpzArchive npz, string key, long[] shape, string shapeText)
    {
        var a = npz.TryRead(key);
        return a is null ? null : Floats(npz.Path, key, Shaped(npz.Path, key, a, shape, shapeText));
    }

    private static double? OptionalScalar(NpzArchive npz, string key)
    {
        var a = npz.TryRead(key);
        if (a is null) return null;
        if (a.Rank != 0) throw Bad(npz.Path, key, $"has shape {a.ShapeText}; expected a scalar, shape ()");
        return Floats(npz.Path, key, a)[0];
    }

    private static int[]? OptionalInts(NpzArchive npz, string key, long[] shape, string shapeText, long min, long max, string rule)
    {
        var a = npz.TryRead(key);
        if (a is null) return null;
        return Ints(npz.Path, key, Shaped(npz.Path, key, a, shape, shapeText), min, max, rule);
    }

    private static int[] Ints(string path, string key, NpyArray a, long min, long max, string rule)
    {
        if (a.Longs is not long[] values) throw Bad(path, key, $"has dtype '{a.Dtype}'; expected an integer array (int64)");
        var result = new int[values.Length];
        for (int k = 0; k < values.Length; k++)
        {
            long v = values[k];
            if (v < min || v > max) throw Bad(path, key, $"entry {k} is {v}; {rule}");
            result[k] = (int)v;
        }
        return result;
    }

    private static int[]? ReadEdges(NpzArchive npz, int particles)
    {
        var a = npz.TryRead("edges");
        if (a is null) return null;
        if (a.Rank != 2 || a.Shape[1] != 2) throw Bad(npz.Path, "edges", $"has shape {a.ShapeText}; expected (E, 2): one row (i, j) per edge");
        // Range-checked here, before narrowing to int; Validate then checks self-loops.
        return Ints(npz.Path, "edges", a, 0, particles - 1, $"edge indices must lie in [0, N) = [0, {particles})");
    }

    private static string? OptionalText(NpzArchive npz, string key)
    {
        var a = npz.TryRead(key);
        if (a is null) return null;
        if (a.Text is null) throw Bad(npz.Path, key, $"has dtype '{a.Dtype}' and shape {a.ShapeText}; expected a scalar string such as np.array('eV')");
        return a.Text;
    }

    private static long[] Widen(int[] values)
    {
        var result = new long[values.Length];
        for (int k = 0; k < values.Length; k++) result[k] = values[k];
        return result;
    }

    private static InvalidInputException Bad(string path, string key, string what) => new($"{path}: '{key}' {what}.");
}
