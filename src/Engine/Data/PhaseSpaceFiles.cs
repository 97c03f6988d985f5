// One place that picks the reader of a phase-space file: .npz, LAMMPS dump text or extended XYZ.
using Engine.Common;

namespace Engine.Data;

/// <summary>The file formats the engine reads phase-space data from.</summary>
public enum PhaseSpaceFormat
{
    /// <summary>NumPy archive with the keys of data-format.md (<see cref="PhaseSpaceNpz"/>).</summary>
    Npz,
    /// <summary>LAMMPS <c>dump custom</c> text (<see cref="LammpsDump"/>).</summary>
    LammpsDump,
    /// <summary>Extended XYZ as ASE writes it (<see cref="ExtendedXyz"/>).</summary>
    ExtendedXyz,
}

/// <summary>Format names, detection by extension, and the dispatch to the readers.</summary>
public static class PhaseSpaceFiles
{
    /// <summary>Parses a format name: <c>npz</c>, <c>lammps-dump</c> (also <c>lammps</c>), <c>extxyz</c> (also <c>xyz</c>).</summary>
    public static PhaseSpaceFormat ParseFormat(string name) => name.Trim().ToLowerInvariant() switch
    {
        "npz" => PhaseSpaceFormat.Npz,
        "lammps-dump" or "lammps" => PhaseSpaceFormat.LammpsDump,
        "extxyz" or "xyz" => PhaseSpaceFormat.ExtendedXyz,
        _ => throw new InvalidInputException($"format '{name}' is unknown; use 'npz', 'lammps-dump' or 'extxyz'"),
    };

    /// <summary>The format's name as <see cref="ParseFormat"/> spells it.</summary>
    public static string Name(PhaseSpaceFormat format) => format switch
    {
        PhaseSpaceFormat.Npz => "npz",
        PhaseSpaceFormat.LammpsDump => "lammps-dump",
        _ => "extxyz",
    };

    /// <summary>
    /// The format of <paramref name="path"/> by its extension: <c>.npz</c>; <c>.lammpstrj</c>, <c>.dump</c> (also
    /// <c>dump.*</c> names, LAMMPS's habit); <c>.xyz</c>, <c>.extxyz</c>. Anything else is refused with the fix.
    /// </summary>
    public static PhaseSpaceFormat FormatOf(string path)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        string name = Path.GetFileName(path).ToLowerInvariant();
        if (ext == ".npz") return PhaseSpaceFormat.Npz;
        if (ext is ".lammpstrj" or ".dump" || name.StartsWith("dump.", StringComparison.Ordinal)) return PhaseSpaceFormat.LammpsDump;
        if (ext is ".xyz" or ".extxyz") return PhaseSpaceFormat.ExtendedXyz;
        throw new InvalidInputException($"{path}: the format cannot be told from the extension '{ext}'; name the file .npz, .lammpstrj/.dump or .xyz/.extxyz, or give the format (npz | lammps-dump | extxyz)");
    }

    /// <summary>
    /// Reads <paramref name="path"/> in <paramref name="format"/>. <c>.npz</c> files carry their own masses, units and
    /// graph, so <paramref name="md"/> must be null for them; the MD formats need it.
    /// </summary>
    public static PhaseSpaceData Read(string path, PhaseSpaceFormat format, MdReadOptions? md) => Read(path, format, md, out _);

    /// <summary>
    /// As <see cref="Read(string, PhaseSpaceFormat, MdReadOptions?)"/>; <paramref name="speciesLabels"/>[c] names species
    /// code c where the file has names for them (extended XYZ: the species label; LAMMPS dump: the type, c + 1), else null.
    /// </summary>
    public static PhaseSpaceData Read(string path, PhaseSpaceFormat format, MdReadOptions? md, out IReadOnlyList<string>? speciesLabels)
    {
        speciesLabels = null;
        switch (format)
        {
            case PhaseSpaceFormat.Npz:
                if (md is not null)
                    throw new InvalidInputException($"{path}: an .npz file carries its own masses, units and cutoff; masses, units, cutoff and time step apply to LAMMPS dumps and extended XYZ only");
                return PhaseSpaceNpz.Read(path);
            case PhaseSpaceFormat.LammpsDump:
            {
                var data = LammpsDump.Read(path, md ?? throw NeedsOptions(path, format));
                speciesLabels = Enumerable.Range(1, data.Species.Max() + 1).Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                return data;
            }
            default:
            {
                var data = ExtendedXyz.Read(path, md ?? throw NeedsOptions(path, format), out var labels);
                speciesLabels = labels;
                return data;
            }
        }
    }

    private static InvalidInputException NeedsOptions(string path, PhaseSpaceFormat format) =>
        new($"{path}: a {Name(format)} file does not say its units, masses or neighbour cutoff; give them (units metal|real|lj, masses, cutoff)");
}
