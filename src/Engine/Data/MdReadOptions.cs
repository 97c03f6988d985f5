// What an MD output file does not say and the caller must: unit style, masses, neighbour cutoff, time step.
using Engine.Common;

namespace Engine.Data;

/// <summary>
/// Settings for reading LAMMPS dumps (<see cref="LammpsDump"/>) and extended XYZ (<see cref="ExtendedXyz"/>).
/// </summary>
public sealed record MdReadOptions
{
    /// <summary>The unit system the file was written in; it decides the mass conversion and the unit labels.</summary>
    public required MdUnitStyle Units { get; init; }

    /// <summary>Neighbour cutoff radius of the pair/graph model, in the file's length unit; stored as <c>cutoff</c>.</summary>
    public required double Cutoff { get; init; }

    /// <summary>
    /// Masses in the file's mass unit (g/mol for metal/real, amu for ase, reduced for lj), keyed by LAMMPS atom type
    /// ("1", "2", …) or by the extended-XYZ species label ("Ar", or the atomic number when only Z is given). The
    /// order matters for extended XYZ: it fixes the species codes. Null when the file carries masses itself.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, double>>? Masses { get; init; }

    /// <summary>
    /// LAMMPS dump: the MD time step (t = TIMESTEP × it). Extended XYZ: the time between frames (t = frame × it).
    /// Null: t is the frame index (or, for a LAMMPS dump with <c>ITEM: TIME</c>, the time it records).
    /// </summary>
    public double? Timestep { get; init; }

    /// <summary>The caller's mass for <paramref name="key"/>, or null.</summary>
    public double? MassOf(string key)
    {
        if (Masses is null) return null;
        foreach (var (k, m) in Masses) if (k == key) return m;
        return null;
    }

    /// <summary>Refuses a non-positive cutoff or time step and non-positive masses, naming the setting.</summary>
    public void Check(string source)
    {
        if (!(Cutoff > 0 && double.IsFinite(Cutoff))) throw new InvalidInputException($"{source}: cutoff {Cutoff} must be a positive finite radius (the model's neighbour cutoff, in the file's length unit)");
        if (Timestep is double dt && !(dt > 0 && double.IsFinite(dt))) throw new InvalidInputException($"{source}: time step {dt} must be positive and finite");
        if (Masses is not null)
            foreach (var (k, m) in Masses)
                if (!(m > 0 && double.IsFinite(m))) throw new InvalidInputException($"{source}: mass {m} given for '{k}' must be positive and finite");
    }

    /// <summary>
    /// Parses a mass list such as <c>"1:39.948,2:83.798"</c> or <c>"Ar:39.948, Kr:83.798"</c> (':' or '=' between key and
    /// mass, ',' or ';' between entries), keeping the order. Refuses empty keys, repeated keys and non-numeric or
    /// non-positive masses.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, double>> ParseMasses(string text)
    {
        var list = new List<KeyValuePair<string, double>>();
        foreach (var raw in text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int sep = raw.IndexOfAny([':', '=']);
            if (sep <= 0 || sep == raw.Length - 1)
                throw new InvalidInputException($"masses: entry '{raw}' is not KEY:MASS; write e.g. \"1:39.948,2:83.798\" (LAMMPS types) or \"Ar:39.948\" (species)");
            string key = raw[..sep].Trim();
            string value = raw[(sep + 1)..].Trim();
            if (!double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double m) || !(m > 0 && double.IsFinite(m)))
                throw new InvalidInputException($"masses: '{value}' given for '{key}' is not a positive number");
            if (list.Any(kv => kv.Key == key)) throw new InvalidInputException($"masses: '{key}' is given twice; give each type or species once");
            list.Add(new(key, m));
        }
        if (list.Count == 0) throw new InvalidInputException($"masses: '{text}' lists no masses; write e.g. \"1:39.948\"");
        return list;
    }
}
