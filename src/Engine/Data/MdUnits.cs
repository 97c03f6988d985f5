// The unit styles of MD output files and the one conversion they need: masses into energy·time²/length².
using Engine.Common;

namespace Engine.Data;

/// <summary>
/// The unit system an MD file was written in. Positions, velocities, forces and energies are stored as written;
/// only masses (and momenta, which are mass × velocity) are converted, so that q̇ = ∂H/∂p and ṗ = −∂H/∂q hold in
/// one consistent system (data-format.md, "Units").
/// </summary>
public enum MdUnitStyle
{
    /// <summary>LAMMPS <c>metal</c>: Å, eV, ps, masses in g/mol, forces eV/Å, velocities Å/ps.</summary>
    Metal,
    /// <summary>LAMMPS <c>real</c>: Å, kcal/mol, fs, masses in g/mol, forces (kcal/mol)/Å, velocities Å/fs.</summary>
    Real,
    /// <summary>LAMMPS <c>lj</c> (reduced) units: σ, ε, τ, m; nothing is converted.</summary>
    Reduced,
    /// <summary>
    /// ASE's own units: Å, eV, amu and ASE's time unit Å·√(amu/eV) ≈ 10.1805 fs, in which amu·Å²/t² = eV, so masses
    /// need no conversion. ASE writes <c>momenta</c> in amu·Å/t in extended XYZ: read such files with this style.
    /// </summary>
    Ase,
}

/// <summary>Names, unit labels and the mass conversion factor of each <see cref="MdUnitStyle"/>.</summary>
public static class MdUnits
{
    /// <summary>
    /// metal: 1 g/mol in eV·ps²/Å². 1 g/mol is 1e-3 kg / 6.02214076e23 = 1.66054e-27 kg per particle, and
    /// 1 eV·ps²/Å² = 1.602176634e-19 J · 1e-24 s² / 1e-20 m² = 1.602176634e-23 kg; the ratio is 1.0364269e-4
    /// (the value LAMMPS uses for <c>mvv2e</c> in metal units and data-format.md quotes).
    /// </summary>
    public const double MetalMassFactor = 1.0364269e-4;

    /// <summary>
    /// real: 1 g/mol in (kcal/mol)·fs²/Å². Per mole, 1 (kcal/mol)·fs²/Å² = 4184 J · 1e-30 s² / 1e-20 m² = 4.184e-7 kg
    /// = 4.184e-4 g (thermochemical calorie, 4.184 J), so 1 g/mol = 1/4.184e-4 = 2390.0573613766733 (kcal/mol)·fs²/Å².
    /// LAMMPS uses mvv2e = 48.88821291² = 2390.05736153 in real units, equal to 7e-11 relative.
    /// </summary>
    public const double RealMassFactor = 1.0 / 4.184e-4;

    /// <summary>Parses a unit style as the CLI spells it: <c>metal</c>, <c>real</c>, <c>lj</c> or <c>reduced</c>, <c>ase</c>.</summary>
    public static MdUnitStyle Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "metal" => MdUnitStyle.Metal,
        "real" => MdUnitStyle.Real,
        "lj" or "reduced" => MdUnitStyle.Reduced,
        "ase" => MdUnitStyle.Ase,
        _ => throw new InvalidInputException($"unit style '{name}' is unknown; use 'metal' (Å, eV, ps, g/mol), 'real' (Å, kcal/mol, fs, g/mol), 'lj'/'reduced' (no conversion) or 'ase' (Å, eV, amu, ASE time)"),
    };

    /// <summary>The style's name as the CLI and LAMMPS spell it (<c>metal</c>, <c>real</c>, <c>lj</c>, <c>ase</c>).</summary>
    public static string Name(MdUnitStyle style) => style switch
    {
        MdUnitStyle.Metal => "metal",
        MdUnitStyle.Real => "real",
        MdUnitStyle.Reduced => "lj",
        _ => "ase",
    };

    /// <summary>Factor from the file's mass unit (g/mol, amu, or reduced) to energy·time²/length² of the style.</summary>
    public static double MassFactor(MdUnitStyle style) => style switch
    {
        MdUnitStyle.Metal => MetalMassFactor,
        MdUnitStyle.Real => RealMassFactor,
        _ => 1.0,
    };

    /// <summary>The <c>length_unit</c> label stored with the data: <c>A</c>, or <c>reduced</c>.</summary>
    public static string LengthUnit(MdUnitStyle style) => style == MdUnitStyle.Reduced ? "reduced" : "A";

    /// <summary>The <c>energy_unit</c> label stored with the data: <c>eV</c>, <c>kcal/mol</c> or <c>reduced</c>.</summary>
    public static string EnergyUnit(MdUnitStyle style) => style switch
    {
        MdUnitStyle.Real => "kcal/mol",
        MdUnitStyle.Reduced => "reduced",
        _ => "eV",
    };
}
