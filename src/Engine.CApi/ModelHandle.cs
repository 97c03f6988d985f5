// What an hgn_model handle holds: the immutable model and the UTF-8 strings the C side may borrow.
using System.Runtime.InteropServices;
using System.Text;
using Engine.Model;

namespace Engine.CApi;

/// <summary>
/// A loaded or trained model, shared by any number of threads (the model is immutable). Its unit strings
/// and species names are allocated once in native memory and stay valid until hgn_model_free.
/// </summary>
internal sealed unsafe class ModelHandle
{
    public HamiltonianModel Model { get; }
    public byte* LengthUnit { get; private set; }
    public byte* EnergyUnit { get; private set; }
    /// <summary>UTF-8 name of each species code (<see cref="HamiltonianModel.SpeciesNames"/>); freed by <see cref="Release"/>.</summary>
    private readonly nint[] _speciesNames;

    public ModelHandle(HamiltonianModel model)
    {
        Model = model;
        LengthUnit = Utf8(model.Info.LengthUnit);
        EnergyUnit = Utf8(model.Info.EnergyUnit);
        _speciesNames = model.SpeciesNames.Select(s => (nint)Utf8(s)).ToArray();
    }

    /// <summary>The native name of species <paramref name="code"/>, which the caller has checked to be in range.</summary>
    public byte* SpeciesName(int code) => (byte*)_speciesNames[code];

    /// <summary>Frees the native strings; the managed model lives on in any workspace still holding it.</summary>
    public void Release()
    {
        NativeMemory.Free(LengthUnit); LengthUnit = null;
        NativeMemory.Free(EnergyUnit); EnergyUnit = null;
        for (int c = 0; c < _speciesNames.Length; c++) { NativeMemory.Free((void*)_speciesNames[c]); _speciesNames[c] = 0; }
    }

    private static byte* Utf8(string s)
    {
        int n = Encoding.UTF8.GetByteCount(s);
        var p = (byte*)NativeMemory.Alloc((nuint)n + 1);
        Encoding.UTF8.GetBytes(s, new Span<byte>(p, n));
        p[n] = 0;
        return p;
    }
}
