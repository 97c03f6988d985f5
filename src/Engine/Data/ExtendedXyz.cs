// Reads extended XYZ (as ASE writes it) into PhaseSpaceData: positions, momenta or velocities, forces, optional energy.
using System.Globalization;
using Engine.Common;

namespace Engine.Data;

/// <summary>
/// Reader for extended XYZ: per frame a line with the atom count, a comment line of <c>key=value</c> pairs (values
/// may be double-quoted), and one row per atom whose columns <c>Properties=name:type:count:…</c> describes
/// (types S string, R real, I integer, L logical; default <c>species:S:1:pos:R:3</c>).
/// <list type="bullet">
/// <item>Needed columns: <c>pos:R:3</c>; <c>momenta:R:3</c> or <c>velocities:R:3</c> (also <c>vel</c>; momenta win
/// when both are present); <c>forces:R:3</c> (also <c>force</c>); a label, <c>species:S:1</c> or else <c>Z:I:1</c>.
/// Optional: <c>masses:R:1</c> (also <c>mass</c>). Other columns are ignored.</item>
/// <item>Masses: the masses column, else the caller's mass for each label (<see cref="MdReadOptions.Masses"/>); both
/// must agree when both are given. Species codes: the position of the label in the caller's mass list when one is
/// given (every label must be listed), else the labels in ordinal order — so files with the same labels get the
/// same codes. <see cref="Read(string, MdReadOptions, out IReadOnlyList{string})"/> returns the labels by code.</item>
/// <item>Box: <c>Lattice="ax ay az bx by bz cx cy cz"</c> must be orthorhombic (off-diagonal entries zero) and equal
/// in every frame; it gives the periodic box [ax, by, cz] unless <c>pbc="F F F"</c> (open boundaries). Mixed pbc and
/// pbc without a Lattice are refused.</item>
/// <item>Units (the caller states them; the file cannot): positions, velocities, forces and energy are taken in the
/// style's units as written. mass = factor × m (<see cref="MdUnits.MassFactor"/>). Velocities v: q̇ = v, p = mass·v.
/// Momenta p_file (file mass × velocity, in the file's units): p = factor·p_file and q̇ = p_file/m_file. ASE writes
/// momenta in amu·Å/(ASE time): use <see cref="MdUnitStyle.Ase"/> for those files. ṗ = forces.</item>
/// <item><c>energy=</c>, when present in every frame, is the potential energy (ASE's convention); H = energy + Σ|p|²/2m.
/// Present in some frames only is refused.</item>
/// <item>traj = 0 (one trajectory, frames in file order); t = frame × <see cref="MdReadOptions.Timestep"/>, else the
/// frame index. Dimension is always 3. Frames must list the same atoms in the same order.</item>
/// </list>
/// Every refusal is an <see cref="InvalidInputException"/> naming the file, the line and the fix.
/// </summary>
public static class ExtendedXyz
{
    /// <summary>Reads and validates the file at <paramref name="path"/>; see the class summary for the mapping.</summary>
    public static PhaseSpaceData Read(string path, MdReadOptions options) => Read(path, options, out _);

    /// <summary>As <see cref="Read(string, MdReadOptions)"/>; <paramref name="speciesLabels"/>[c] is the label of species code c.</summary>
    public static PhaseSpaceData Read(string path, MdReadOptions options, out IReadOnlyList<string> speciesLabels)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Check(path);
        using var r = MdTextReader.Open(path, "an extended XYZ file");
        var frames = new List<Frame>();
        string? line;
        while ((line = r.Next()) is not null)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            frames.Add(ReadFrame(r, line, frames.Count > 0 ? frames[0] : null));
        }
        if (frames.Count == 0) throw new InvalidInputException($"{path}: holds no frame; expected an atom count line, a comment line with Properties=… and one row per atom");
        return Assemble(r, frames, options, out speciesLabels);
    }

    private sealed record Frame(int Line, string[] Labels, double[] Q, double[] V, double[]? Momenta, double[] F, double[]? Mass, double[]? Box, bool Periodic, double? Energy);

    private sealed record Column(string Name, char Type, int Count, int Start);

    private static Frame ReadFrame(MdTextReader r, string countLine, Frame? first)
    {
        int frameLine = r.Line;
        var ct = countLine.AsSpan().Trim();
        if (!int.TryParse(ct, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
            throw r.Error($"expected the atom count of a frame (a positive integer), found '{MdTextReader.Short(ct)}'");
        if (first is not null && n != first.Labels.Length)
            throw r.Error($"the frame has {n} atoms, the first frame (line {first.Line}) {first.Labels.Length}; every frame must hold the same atoms");
        r.CheckRowsFit(n, 8, "the atom count");   // a row holds at least a label and three coordinates
        string comment = r.Next() ?? throw r.Error(frameLine, "the file ends after the atom count; the last frame was cut off — remove it");
        var kv = KeyValues(r, comment);

        var columns = Properties(r, kv.TryGetValue("Properties", out var props) ? props : "species:S:1:pos:R:3");
        Column? Get(char type, int count, params string[] names)
        {
            foreach (var name in names)
            {
                var c = columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
                if (c is null) continue;
                if (c.Type != type || c.Count != count) throw r.Error($"Properties column '{c.Name}' is {c.Type}:{c.Count}; expected {type}:{count}");
                return c;
            }
            return null;
        }
        var pos = Get('R', 3, "pos", "positions");
        var mom = Get('R', 3, "momenta");
        var vel = mom is null ? Get('R', 3, "velocities", "vel", "velo") : null;
        var force = Get('R', 3, "forces", "force");
        var masses = Get('R', 1, "masses", "mass");
        var label = Get('S', 1, "species") ?? Get('I', 1, "Z");
        var missing = new List<string>();
        if (pos is null) missing.Add("pos:R:3");
        if (mom is null && vel is null) missing.Add("momenta:R:3 or velocities:R:3");
        if (force is null) missing.Add("forces:R:3");
        if (label is null) missing.Add("species:S:1 (or Z:I:1)");
        if (missing.Count > 0)
            throw r.Error($"Properties lacks {string.Join(", ", missing)}; training needs positions, momenta or velocities, and forces (ASE: write atoms with momenta and a calculator's forces)");

        double[]? box = null; bool periodic = false;
        if (kv.TryGetValue("Lattice", out var lattice)) box = Lattice(r, lattice);
        if (kv.TryGetValue("pbc", out var pbcText))
        {
            var flags = pbcText.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(f => Logical(r, f, "pbc")).ToArray();
            if (flags.Length != 3) throw r.Error($"pbc=\"{pbcText}\" needs three flags, e.g. pbc=\"T T T\"");
            if (flags.Distinct().Count() > 1) throw r.Error($"pbc=\"{pbcText}\" is periodic in some dimensions only; the engine's box is periodic in all dimensions or none");
            periodic = flags[0];
            if (periodic && box is null) throw r.Error("pbc is periodic but there is no Lattice=\"…\"; the box lengths are unknown");
        }
        else periodic = box is not null;   // extended XYZ: a Lattice without pbc means periodic
        if (!periodic) box = null;

        double? energy = null;
        if (kv.TryGetValue("energy", out var e)) energy = r.Double(e.AsSpan().Trim(), "energy");

        int width = columns.Sum(c => c.Count);
        var labels = new string[n];
        var q = new double[3 * n]; var v = new double[3 * n]; var p = mom is null ? null : new double[3 * n]; var f = new double[3 * n];
        var m = masses is null ? null : new double[n];
        Span<Range> fields = new Range[width + 1];
        for (int i = 0; i < n; i++)
        {
            string row = r.Next() ?? throw r.Error($"the file ends inside the frame that starts at line {frameLine}: {i} of {n} atom rows were read; the last frame was cut off — remove it");
            var s = row.AsSpan();
            int count = MdTextReader.Split(s, fields);
            if (r.IsCutLine)
                throw r.Error($"the file ends without an end-of-line inside this atom row of the frame that starts at line {frameLine}; the last frame was cut off — remove it");
            if (count != width)
                throw r.Error($"the atom row has {(count > width ? "more than " + width : count.ToString())} values; Properties on line {frameLine + 1} names {width}{(i > 0 && count == 1 ? " (the frame may hold fewer rows than its count " + n + ")" : "")}");
            labels[i] = s[fields[label!.Start]].ToString();
            if (label.Type == 'I') r.Long(s[fields[label.Start]], "Z");
            if (first is not null && labels[i] != first.Labels[i])
                throw r.Error($"atom {i} is '{labels[i]}' here but '{first.Labels[i]}' in the first frame (line {first.Line}); every frame must list the same atoms in the same order");
            for (int a = 0; a < 3; a++)
            {
                q[3 * i + a] = r.Double(s[fields[pos!.Start + a]], pos.Name);
                if (p is not null) p[3 * i + a] = r.Double(s[fields[mom!.Start + a]], mom.Name);
                else v[3 * i + a] = r.Double(s[fields[vel!.Start + a]], vel.Name);
                f[3 * i + a] = r.Double(s[fields[force!.Start + a]], force.Name);
            }
            if (m is not null)
            {
                m[i] = r.Double(s[fields[masses!.Start]], masses.Name);
                if (!(m[i] > 0)) throw r.Error($"mass {m[i]} must be positive");
            }
        }
        return new Frame(frameLine, labels, q, v, p, f, m, box, periodic, energy);
    }

    private static PhaseSpaceData Assemble(MdTextReader r, List<Frame> frames, MdReadOptions options, out IReadOnlyList<string> speciesLabels)
    {
        var first = frames[0];
        int n = first.Labels.Length, s = 3 * n, count = frames.Count;
        foreach (var fr in frames)
        {
            if (fr.Periodic != first.Periodic || (fr.Box is not null && !fr.Box.Zip(first.Box!).All(t => Math.Abs(t.First - t.Second) <= 1e-12 * Math.Abs(t.Second))))
                throw r.Error(fr.Line, $"the box (Lattice/pbc) differs from the first frame's (line {first.Line}); the engine stores one fixed box — use constant-volume output");
            if ((fr.Energy is null) != (first.Energy is null))
                throw r.Error(fr.Line + 1, $"this frame {(fr.Energy is null ? "lacks" : "has")} energy= but the first frame (line {first.Line}) {(first.Energy is null ? "lacks" : "has")} it; give energy= in every frame or in none");
            if ((fr.Mass is null) != (first.Mass is null))
                throw r.Error(fr.Line + 1, "the masses column is present in some frames only; give it in every frame or in none");
        }

        // Species codes: the caller's order when given, else ordinal order of the labels.
        var distinct = first.Labels.Distinct().Order(StringComparer.Ordinal).ToList();
        List<string> order;
        if (options.Masses is not null)
        {
            order = options.Masses.Select(kv => kv.Key).ToList();
            var unlisted = distinct.Where(l => !order.Contains(l)).ToList();
            if (unlisted.Count > 0)
                throw r.Error(first.Line, $"species {string.Join(", ", unlisted.Select(l => $"'{l}'"))} {(unlisted.Count > 1 ? "are" : "is")} not in the caller's mass list; list every species (its position fixes the species code), e.g. --masses \"{string.Join(",", distinct.Select(l => l + ":MASS"))}\"");
        }
        else order = distinct;

        var fileMass = new double[n];
        for (int i = 0; i < n; i++)
        {
            double? given = options.MassOf(first.Labels[i]);
            if (first.Mass is not null)
            {
                fileMass[i] = first.Mass[i];
                if (given is double g && Math.Abs(g - fileMass[i]) > 1e-6 * fileMass[i])
                    throw r.Error(first.Line + 2 + i, $"the masses column gives {fileMass[i]} for '{first.Labels[i]}' but the caller gave {g}; drop the caller's mass or correct it");
            }
            else fileMass[i] = given ?? throw r.Error(first.Line + 1,
                $"no mass for species '{first.Labels[i]}'; give every species' mass (in g/mol or amu for metal/real/ase), e.g. --masses \"{string.Join(",", distinct.Select(l => l + ":MASS"))}\", or write a masses column");
        }
        double factor = MdUnits.MassFactor(options.Units);
        var mass = fileMass.Select(v => v * factor).ToArray();

        var Q = new double[(long)count * s]; var P = new double[(long)count * s]; var Dq = new double[(long)count * s]; var Dp = new double[(long)count * s];
        double[]? H = first.Energy is null ? null : new double[count];
        for (int k = 0; k < count; k++)
        {
            var fr = frames[k];
            long o = (long)k * s;
            fr.Q.CopyTo(Q, o);
            fr.F.CopyTo(Dp, o);
            // The file's own masses (if any) are per frame; they must be the first frame's for one Mass array to fit.
            if (fr.Mass is not null)
                for (int i = 0; i < n; i++)
                    if (fr.Mass[i] != first.Mass![i]) throw r.Error(fr.Line + 2 + i, $"the mass of atom {i} differs from the first frame's ({first.Mass[i]}); masses must not change");
            double kinetic = 0;
            for (int c = 0; c < s; c++)
            {
                int i = c / 3;
                double v = fr.Momenta is not null ? fr.Momenta[c] / fileMass[i] : fr.V[c];
                Dq[o + c] = v;
                P[o + c] = mass[i] * v;
                kinetic += 0.5 * mass[i] * v * v;
            }
            if (H is not null) H[k] = fr.Energy!.Value + kinetic;
        }

        speciesLabels = order;
        var data = new PhaseSpaceData
        {
            Snapshots = count, Particles = n, Dimension = 3,
            Q = Q, P = P, Dq = Dq, Dp = Dp,
            Mass = mass, Species = first.Labels.Select(l => order.IndexOf(l)).ToArray(), SpeciesNames = order.ToArray(),
            Edges = null, Cutoff = options.Cutoff, Box = first.Periodic ? first.Box : null,
            H = H, Trajectory = new int[count],
            Time = Enumerable.Range(0, count).Select(k => k * (options.Timestep ?? 1.0)).ToArray(),
            LengthUnit = MdUnits.LengthUnit(options.Units), EnergyUnit = MdUnits.EnergyUnit(options.Units),
        };
        data.Validate(r.Path);
        return data;
    }

    /// <summary>Parses the comment line's <c>key=value</c> pairs (values bare or in double quotes, \" escapes); a bare key means T.</summary>
    private static Dictionary<string, string> KeyValues(MdTextReader r, string line)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int k = 0;
        string Token(bool stopAtEquals)
        {
            var sb = new System.Text.StringBuilder();
            if (k < line.Length && line[k] == '"')
            {
                k++;
                while (k < line.Length && line[k] != '"')
                {
                    if (line[k] == '\\' && k + 1 < line.Length) k++;
                    sb.Append(line[k++]);
                }
                if (k >= line.Length) throw r.Error("the comment line has an unclosed double quote; close it, e.g. Lattice=\"10 0 0 0 10 0 0 0 10\"");
                k++;
                return sb.ToString();
            }
            while (k < line.Length && !char.IsWhiteSpace(line[k]) && !(stopAtEquals && line[k] == '=')) sb.Append(line[k++]);
            return sb.ToString();
        }
        while (true)
        {
            while (k < line.Length && char.IsWhiteSpace(line[k])) k++;
            if (k >= line.Length) break;
            string key = Token(stopAtEquals: true);
            while (k < line.Length && line[k] == ' ') k++;
            string value = "T";
            if (k < line.Length && line[k] == '=')
            {
                k++;
                while (k < line.Length && line[k] == ' ') k++;
                value = Token(stopAtEquals: false);
            }
            if (key.Length == 0) throw r.Error("the comment line has '=' without a key before it");
            result[key] = value;
        }
        return result;
    }

    private static List<Column> Properties(MdTextReader r, string text)
    {
        var parts = text.Split(':');
        if (parts.Length % 3 != 0 || parts.Length == 0)
            throw r.Error($"Properties=\"{MdTextReader.Short(text)}\" is not a list of name:type:count triples");
        var columns = new List<Column>();
        int start = 0;
        for (int k = 0; k < parts.Length; k += 3)
        {
            string name = parts[k], type = parts[k + 1];
            if (name.Length == 0 || type.Length != 1 || "SRIL".IndexOf(type[0]) < 0)
                throw r.Error($"Properties entry '{name}:{type}:{parts[k + 2]}' needs a name and a type S, R, I or L");
            if (!int.TryParse(parts[k + 2], NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1 || count > 1024)
                throw r.Error($"Properties entry '{name}' has count '{parts[k + 2]}'; expected a positive integer (at most 1024)");
            columns.Add(new Column(name, type[0], count, start));
            start += count;
        }
        return columns;
    }

    private static double[] Lattice(MdTextReader r, string text)
    {
        var parts = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 9) throw r.Error($"Lattice=\"{MdTextReader.Short(text)}\" needs nine numbers (three cell vectors)");
        var c = parts.Select(p => r.Double(p, "Lattice entry")).ToArray();
        double scale = Math.Max(Math.Abs(c[0]), Math.Max(Math.Abs(c[4]), Math.Abs(c[8])));
        foreach (int k in new[] { 1, 2, 3, 5, 6, 7 })
            if (Math.Abs(c[k]) > 1e-10 * scale)
                throw r.Error("the Lattice is not orthorhombic (off-diagonal entries are not zero); the engine supports orthorhombic boxes only");
        double[] box = [c[0], c[4], c[8]];
        if (box.Any(L => !(L > 0))) throw r.Error($"the Lattice diagonal {box[0]} {box[1]} {box[2]} must be positive");
        return box;
    }

    private static bool Logical(MdTextReader r, string text, string what) => text.ToUpperInvariant() switch
    {
        "T" or "TRUE" or "1" => true,
        "F" or "FALSE" or "0" => false,
        _ => throw r.Error($"{what} flag '{text}' is not T or F"),
    };
}
