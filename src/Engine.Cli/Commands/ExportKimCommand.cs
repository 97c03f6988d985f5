// `export-kim`: writes a trained pair model as KIM API items (model driver over libhgn + portable model) ready to install.
using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Engine.Common;
using Engine.Features;
using Engine.Model;
using static Engine.Cli.CommandRunner;

namespace Engine.Cli.Commands;

/// <summary>
/// <c>hgn export-kim --model MODEL --name NAME --out DIR [--library PATH] --json</c> writes under DIR two KIM API
/// items: the model driver <see cref="DriverName"/> (C source over hgn.h, its CMakeLists.txt, and the engine library
/// libhgn.so.1 it links, installed beside the driver and found through RPATH $ORIGIN) and the portable model NAME
/// whose parameter file is the model file. The JSON's <c>install_commands</c> install both into the KIM collection
/// named by KIM_API_MODEL_DRIVERS_DIR and KIM_API_PORTABLE_MODELS_DIR; LAMMPS then runs <c>kim init NAME metal</c>.
/// This contract is used by outside scripts: keep the option names and the JSON keys.
/// </summary>
internal static class ExportKimCommand
{
    /// <summary>The KIM name of the driver item (same in native/kim/CMakeLists.txt).</summary>
    public const string DriverName = "RFHGN_Pair__MD_914352876013_000";

    /// <summary>Name of the parameter file (the engine model file) inside the portable-model item.</summary>
    public const string ParameterFileName = "model.hgn";

    private static readonly Regex ModelName = new("^[A-Za-z][A-Za-z0-9_]*__MO_[0-9]{12}_[0-9]{3}$", RegexOptions.CultureInvariant);

    /// <summary>KIM API 2.3 species names (KIM_SpeciesName.h): the elements, "electron" and user01 … user20.</summary>
    private static readonly HashSet<string> KimSpecies = new(
        ("electron H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr " +
         "Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta " +
         "W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh Hs Mt Ds " +
         "Rg Cn Nh Fl Mc Lv Ts Og").Split(' ').Concat(Enumerable.Range(1, 20).Select(k => $"user{k:D2}")), StringComparer.Ordinal);

    /// <summary>Model-file unit labels the driver maps to KIM units (native/kim/hgn_kim_driver.c, same lists).</summary>
    private static readonly string[] LengthUnits = ["A", "angstrom", "Angstrom", "Å", "nm", "Bohr", "bohr", "cm", "m"];
    private static readonly string[] EnergyUnits = ["eV", "kcal/mol", "kcal_mol", "Hartree", "J", "erg", "amu*A^2/ps^2", "amu_A2_per_ps2"];

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model file written by train (a separable pair model: --model pair)", Required = true };
        var name = new Option<string>("--name") { Description = "KIM portable-model name, Prefix__MO_<12 digits>_<3 digits>, e.g. RFHGN_Ar__MO_000000000001_000", Required = true };
        var output = new Option<string>("--out") { Description = "directory to write the KIM items into (created if missing)", Required = true };
        var speciesNames = new Option<string?>("--species-names") { Description = "rename species for KIM without retraining: LABEL:NAME entries, e.g. 1:Ar, where LABEL is the model's current name of the species (the training data's label, e.g. a LAMMPS type)" };
        var library = new Option<string?>("--library") { Description = "the engine's C library libhgn.so.1 (default: $HGN_LIBRARY, then libhgn.so.1 beside hgn, then build/native/lib/libhgn.so.1)" };
        var json = new Option<bool>("--json") { Description = "print one JSON object on stdout" };
        var cmd = new Command("export-kim", "Write a pair model as KIM API items (model driver + portable model) for LAMMPS `kim init` and other KIM simulators.");
        foreach (var o in new Option[] { model, name, output, speciesNames, library, json }) cmd.Options.Add(o);
        cmd.SetAction(r => Run("export-kim", r.GetValue(json), progress =>
            Export(r.GetValue(model)!, r.GetValue(name)!, r.GetValue(output)!, r.GetValue(speciesNames), r.GetValue(library), progress)));
        return cmd;
    }

    private static JsonObject Export(string modelPath, string name, string outDir, string? speciesMapping, string? libraryOption, Action<string> progress)
    {
        if (!ModelName.IsMatch(name))
            throw new InvalidInputException($"--name '{name}' is not a KIM portable-model name; use Prefix__MO_<12 digits>_<3 digits> with a prefix of letters, digits and '_' starting with a letter, e.g. RFHGN_Ar__MO_000000000001_000");
        var m = ModelFile.Load(modelPath);
        if (m.Family != ModelFamily.Pair || !m.IsSeparable || m.Graph.UsesFixedEdges)
            throw new InvalidInputException($"--model {modelPath} is a {Names.Of(m.Family)} model; KIM serves separable pair potentials only: train with --model pair (and --cutoff)");
        if (m.Dimension != 3)
            throw new InvalidInputException($"--model {modelPath} is {m.Dimension}-dimensional; KIM simulators are 3-dimensional: train on 3-D data");
        if (!LengthUnits.Contains(m.Info.LengthUnit) || !EnergyUnits.Contains(m.Info.EnergyUnit))
            throw new InvalidInputException($"--model {modelPath} has units '{m.Info.LengthUnit}'/'{m.Info.EnergyUnit}', which KIM cannot convert; train from data with physical units (e.g. a LAMMPS dump with --units metal or real)");
        if (!string.IsNullOrWhiteSpace(speciesMapping))
            m = new HamiltonianModel(m.Features, m.Theta, m.Theta0, m.Graph, m.Info, SpeciesNaming.FromLabels(m.SpeciesNames, m.SpeciesCount, speciesMapping));
        var species = m.SpeciesNames;
        for (int c = 0; c < species.Count; c++)
            if (!KimSpecies.Contains(species[c]))
                throw new InvalidInputException($"species code {c} of --model {modelPath} is named '{species[c]}', which is not a KIM species name (an element symbol such as Ar); rename it with --species-names {species[c]}:Ar (Ar for argon; also accepted by train)");
        string library = FindLibrary(libraryOption);
        int api = ApiVersion(library);
        if (api < 2)
            throw new InvalidInputException($"{library} has C ABI version {api}; the KIM driver needs version 2 (hgn_compute_neighbors): rebuild it with `cmake -S . -B build/native && cmake --build build/native`");

        string outFull = Path.GetFullPath(outDir);
        Directory.CreateDirectory(outFull);
        // Staged in a hidden directory beside the items, then each item renamed into place: a failed export leaves
        // the previous items untouched and no half-written item behind.
        string staging = Path.Combine(outFull, $".export-kim-{Guid.NewGuid():N}");
        var files = new JsonArray();
        try
        {
            string driverStage = Path.Combine(staging, DriverName), modelStage = Path.Combine(staging, name);
            Directory.CreateDirectory(driverStage);
            Directory.CreateDirectory(modelStage);
            KimDriverSources.WriteTo(driverStage);
            File.Copy(library, Path.Combine(driverStage, "libhgn.so.1"));
            File.WriteAllText(Path.Combine(modelStage, "CMakeLists.txt"), ModelCMakeLists(name));
            // The model as loaded (species possibly renamed), in the current model-file format.
            ModelFile.Save(m, Path.Combine(modelStage, ParameterFileName));
            foreach (string item in new[] { DriverName, name })
            {
                string target = Path.Combine(outFull, item), old = Path.Combine(staging, item + ".old");
                if (Directory.Exists(target)) Directory.Move(target, old);
                Directory.Move(Path.Combine(staging, item), target);
                foreach (string f in Directory.GetFiles(target).Order(StringComparer.Ordinal)) files.Add((JsonNode)JsonValue.Create(f));   // the non-generic overload: Add<T> needs reflection under NativeAOT
            }
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
        progress($"wrote {DriverName} and {name} under {outFull}");

        string driverDir = Path.Combine(outFull, DriverName), modelDir = Path.Combine(outFull, name);
        string style = m.Info.EnergyUnit is "kcal/mol" or "kcal_mol" ? "real" : "metal";
        string speciesList = string.Join(' ', species);
        return new JsonObject
        {
            ["name"] = name,
            ["driver_name"] = DriverName,
            ["out"] = outFull,
            ["model_dir"] = modelDir,
            ["driver_dir"] = driverDir,
            ["library"] = Path.GetFullPath(library),
            ["api_version"] = api,
            ["species"] = new JsonArray(species.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
            ["cutoff"] = Num(m.Graph.Cutoff),
            ["length_unit"] = m.Info.LengthUnit,
            ["energy_unit"] = m.Info.EnergyUnit,
            ["files"] = files,
            // The driver first: installing a model whose driver is in no collection makes the tool try openkim.org.
            // CFLAGS=-O3 because KIM items build without optimisation; CMAKE_BUILD_TYPE=None because KIM's CMake
            // package defines only that build type (a Release from the environment fails to configure).
            ["install_commands"] = new JsonArray(
                JsonValue.Create(InstallCommand(driverDir)), JsonValue.Create(InstallCommand(modelDir))),
            ["lammps_commands"] = new JsonArray(
                JsonValue.Create($"kim init {name} {style}"), JsonValue.Create($"kim interactions {speciesList}")),
        };
    }

    private static string InstallCommand(string itemDir) =>
        $"CFLAGS=-O3 CMAKE_BUILD_TYPE=None kim-api-collections-management install --force environment {ShellQuote(itemDir)}";

    private static string ShellQuote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    /// <summary>The portable-model item: the engine model file as the parameter file of the driver.</summary>
    private static string ModelCMakeLists(string name) => $"""
        # KIM portable model {name}: an RF-HGN pair model (the parameter file {ParameterFileName} is the engine's model file),
        # computed by the model driver {DriverName}. Written by `hgn export-kim`; install the driver first:
        #   CFLAGS=-O3 CMAKE_BUILD_TYPE=None kim-api-collections-management install environment DIR/{name}
        cmake_minimum_required(VERSION 3.10)

        list(APPEND CMAKE_PREFIX_PATH $ENV{"{"}KIM_API_CMAKE_PREFIX_DIR{"}"})
        find_package(KIM-API-ITEMS 2.2 REQUIRED CONFIG)

        kim_api_items_setup_before_project(ITEM_TYPE "portableModel")
        project({name})
        kim_api_items_setup_after_project(ITEM_TYPE "portableModel")

        add_kim_api_model_library(
          NAME            ${"{"}PROJECT_NAME{"}"}
          DRIVER_NAME     "{DriverName}"
          PARAMETER_FILES "{ParameterFileName}"
          )

        """;

    /// <summary>
    /// The engine library: --library, else $HGN_LIBRARY, else libhgn.so.1 beside the hgn executable, else
    /// build/native/lib/libhgn.so.1 under the current directory.
    /// </summary>
    private static string FindLibrary(string? option)
    {
        const string Build = "build it with `cmake -S . -B build/native && cmake --build build/native` in the engine's source tree (it writes build/native/lib/libhgn.so.1), or pass --library PATH";
        if (!string.IsNullOrEmpty(option))
            return File.Exists(option) ? option : throw new InvalidInputException($"--library {option} does not exist; {Build}");
        string? env = Environment.GetEnvironmentVariable("HGN_LIBRARY");
        if (!string.IsNullOrEmpty(env))
            return File.Exists(env) ? env : throw new InvalidInputException($"HGN_LIBRARY={env} does not exist; {Build}");
        string beside = Path.Combine(AppContext.BaseDirectory, "libhgn.so.1");
        if (File.Exists(beside)) return beside;
        string built = Path.Combine(Directory.GetCurrentDirectory(), "build", "native", "lib", "libhgn.so.1");
        if (File.Exists(built)) return built;
        throw new InvalidInputException($"libhgn.so.1 not found (no --library, no HGN_LIBRARY, none beside hgn in {AppContext.BaseDirectory}, no {built}); {Build}");
    }

    /// <summary>The C ABI version the library reports (hgn_api_version); a library that cannot be loaded is refused.</summary>
    private static unsafe int ApiVersion(string library)
    {
        // The library stays loaded (it is linked -z nodelete and must never be unloaded anyway).
        if (!NativeLibrary.TryLoad(Path.GetFullPath(library), out nint handle))
            throw new InvalidInputException($"--library {library} cannot be loaded as a shared library; rebuild it with `cmake -S . -B build/native && cmake --build build/native`");
        if (!NativeLibrary.TryGetExport(handle, "hgn_api_version", out nint fn))
            throw new InvalidInputException($"{library} exports no hgn_api_version: it is not the engine's C library (build/native/lib/libhgn.so.1)");
        return ((delegate* unmanaged<int>)fn)();
    }
}
