// The --data options every command shares: format by extension or --format, and the MD-file settings.
using System.CommandLine;
using Engine.Common;
using Engine.Data;

namespace Engine.Cli;

/// <summary>
/// <c>--format</c>, <c>--masses</c>, <c>--units</c>, <c>--cutoff</c> and <c>--timestep</c>, added to a command by
/// <see cref="AddTo"/>, and <see cref="Read"/>, which every command uses to load its <c>--data</c> file. For
/// <c>.npz</c> the MD options are refused (the file carries its own), so .npz behaviour is unchanged.
/// </summary>
internal sealed class DataLoading
{
    private readonly Option<string?> _format = new("--format") { Description = "data format: npz | lammps-dump | extxyz (default: by extension: .npz; .lammpstrj/.dump; .xyz/.extxyz)" };
    private readonly Option<string?> _masses = new("--masses") { Description = "MD formats: masses in the file's unit (g/mol for metal/real), by LAMMPS type (\"1:39.948,2:83.798\") or extended-XYZ species (\"Ar:39.948\"; the order fixes the species codes)" };
    private readonly Option<string?> _units = new("--units") { Description = "MD formats: unit style of the file: metal (Å, eV, ps) | real (Å, kcal/mol, fs) | lj (reduced) | ase (extended XYZ written by ASE: Å, eV, amu, ASE time)" };
    private readonly Option<double?> _cutoff = new("--cutoff") { Description = "MD formats: neighbour cutoff of the model in the file's length unit (required for train; evaluate/rollout default to the model's)" };
    private readonly Option<double?> _timestep = new("--timestep") { Description = "MD formats: LAMMPS dump: the MD time step (t = TIMESTEP × it); extended XYZ: time between frames. Default: frame index" };

    /// <summary>Adds the options to <paramref name="command"/>; returns the loader that reads them.</summary>
    public static DataLoading AddTo(Command command)
    {
        var d = new DataLoading();
        foreach (var o in new Option[] { d._format, d._masses, d._units, d._cutoff, d._timestep }) command.Options.Add(o);
        return d;
    }

    /// <summary>
    /// Reads <paramref name="path"/> in the format given by --format or its extension. For the MD formats --units is
    /// required and --cutoff too unless <paramref name="modelCutoff"/> (the cutoff of a loaded model) stands in;
    /// <paramref name="needsTime"/> (rollout) also requires --timestep, since frame indices are no physical time.
    /// </summary>
    public PhaseSpaceData Read(ParseResult r, string path, Action<string> progress, double? modelCutoff = null, bool needsTime = false)
    {
        var format = r.GetValue(_format) is string f ? PhaseSpaceFiles.ParseFormat(f) : PhaseSpaceFiles.FormatOf(path);
        if (format == PhaseSpaceFormat.Npz)
        {
            var given = new[] { (_masses.Name, r.GetValue(_masses) is not null), (_units.Name, r.GetValue(_units) is not null),
                (_cutoff.Name, r.GetValue(_cutoff) is not null), (_timestep.Name, r.GetValue(_timestep) is not null) }.Where(t => t.Item2).Select(t => t.Item1).ToList();
            if (given.Count > 0)
                throw new InvalidInputException($"{string.Join(", ", given)} appl{(given.Count > 1 ? "y" : "ies")} to LAMMPS dumps and extended XYZ only; an .npz file carries its own masses, units and cutoff — drop {(given.Count > 1 ? "them" : "it")}");
            progress($"reading {path}");
            return PhaseSpaceFiles.Read(path, format, null);
        }
        string name = PhaseSpaceFiles.Name(format);
        string units = r.GetValue(_units) ?? throw new InvalidInputException($"--units is required for {name} data: the file does not say its units; give metal, real or lj{(format == PhaseSpaceFormat.ExtendedXyz ? " (or ase for ASE-written momenta)" : "")}");
        double cutoff = r.GetValue(_cutoff) ?? modelCutoff ?? throw new InvalidInputException($"--cutoff is required for {name} data: the neighbour cutoff radius of the model, in the file's length unit (e.g. --cutoff 2.5 for Lennard-Jones in lj units)");
        if (needsTime && r.GetValue(_timestep) is null)
            throw new InvalidInputException($"--timestep is required to roll out {name} data: without it the snapshot times are frame indices, not times (LAMMPS dump: the run's time step; extended XYZ: the time between frames)");
        var options = new MdReadOptions
        {
            Units = MdUnits.Parse(units),
            Cutoff = cutoff,
            Masses = r.GetValue(_masses) is string m ? MdReadOptions.ParseMasses(m) : null,
            Timestep = r.GetValue(_timestep),
        };
        progress($"reading {path} as {name} in {MdUnits.Name(options.Units)} units, cutoff {cutoff}");
        var data = PhaseSpaceFiles.Read(path, format, options, out var labels);
        if (labels is not null) progress($"species codes: {string.Join(", ", labels.Select((l, c) => $"{c} = {(format == PhaseSpaceFormat.LammpsDump ? "type " : "")}{l}"))}");
        return data;
    }
}
