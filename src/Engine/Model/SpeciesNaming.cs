// Species names of a model: the defaults, the rules a name must follow, and the LABEL:NAME mapping users give.
using System.Globalization;
using System.Text;
using Engine.Common;

namespace Engine.Model;

/// <summary>
/// Hosts (KIM, LAMMPS <c>pair_coeff * * Ar</c>) match species by name, while the engine works with zero-based codes.
/// A model carries one name per code; this class checks names and builds them from data labels and user mappings.
/// </summary>
public static class SpeciesNaming
{
    /// <summary>Longest name accepted, in UTF-8 bytes (KIM's species names are a few characters).</summary>
    public const int MaxNameBytes = 256;

    /// <summary>The codes in decimal: "0", "1", … <paramref name="count"/>−1.</summary>
    public static string[] Codes(int count) =>
        Enumerable.Range(0, count).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>
    /// A checked copy of <paramref name="names"/> for <paramref name="count"/> species (null = <see cref="Codes"/>).
    /// Throws <see cref="InvalidInputException"/> for a wrong count, an empty, too long, duplicate name, or one with
    /// whitespace or control characters (names travel through whitespace-separated host input files).
    /// </summary>
    public static string[] Check(IReadOnlyList<string>? names, int count)
    {
        if (names is null) return Codes(count);
        if (names.Count != count)
            throw new InvalidInputException($"species names: {names.Count} given for a model with {count} species codes; give one name per code");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int c = 0; c < count; c++)
        {
            CheckName(names[c], $"species name of code {c}");
            if (!seen.Add(names[c]))
                throw new InvalidInputException($"species names: '{names[c]}' names two species codes; each species needs its own name");
        }
        return names.ToArray();
    }

    /// <summary>
    /// The names of <paramref name="count"/> species codes: code c is named <paramref name="labels"/>[c] (the data's
    /// label of that code, e.g. a LAMMPS type "1" or an extended-XYZ label "Ar"; missing labels give the code in
    /// decimal), and then renamed by <paramref name="mapping"/>, a comma-separated list of <c>LABEL:NAME</c> entries
    /// (e.g. <c>"1:Ar,2:Kr"</c>) where LABEL is such a label. Null or empty mapping = the labels unchanged.
    /// </summary>
    public static string[] FromLabels(IReadOnlyList<string>? labels, int count, string? mapping)
    {
        var names = new string[count];
        for (int c = 0; c < count; c++)
            names[c] = labels is not null && c < labels.Count ? labels[c] : c.ToString(CultureInfo.InvariantCulture);
        if (string.IsNullOrWhiteSpace(mapping)) return Check(names, count);
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (string raw in mapping.Split(','))
        {
            string entry = raw.Trim();
            int colon = entry.IndexOf(':');
            if (colon <= 0 || colon == entry.Length - 1 || entry.IndexOf(':', colon + 1) >= 0)
                throw new InvalidInputException($"species names: entry '{raw}' is not LABEL:NAME; write e.g. \"1:Ar,2:Kr\" (LAMMPS types) or \"0:Ar\" (species codes of an .npz file)");
            string label = entry[..colon].Trim(), name = entry[(colon + 1)..].Trim();
            if (!given.Add(label)) throw new InvalidInputException($"species names: label '{label}' is given twice; name each species once");
            int code = Array.IndexOf(LabelsOf(labels, count), label);
            if (code < 0)
                throw new InvalidInputException($"species names: the data have no species labelled '{label}'; their labels are {string.Join(", ", LabelsOf(labels, count).Select(l => $"'{l}'"))}");
            CheckName(name, $"species name for label '{label}'");
            names[code] = name;
        }
        return Check(names, count);
    }

    private static string[] LabelsOf(IReadOnlyList<string>? labels, int count) =>
        Enumerable.Range(0, count).Select(c => labels is not null && c < labels.Count ? labels[c] : c.ToString(CultureInfo.InvariantCulture)).ToArray();

    private static void CheckName(string? name, string what)
    {
        if (string.IsNullOrEmpty(name)) throw new InvalidInputException($"{what} is empty; give a name such as \"Ar\"");
        if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes) throw new InvalidInputException($"{what} is longer than {MaxNameBytes} UTF-8 bytes");
        foreach (char ch in name)
            if (char.IsWhiteSpace(ch) || char.IsControl(ch) || ch == ',' || ch == ':')
                throw new InvalidInputException($"{what} '{name}' holds whitespace, a control character, ',' or ':'; use a plain name such as \"Ar\"");
    }
}
