// The model file: a versioned little-endian binary format with a SHA-256 checksum, fully validated or refused.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Engine.Common;
using Engine.Features;

namespace Engine.Model;

/// <summary>
/// Reads and writes <see cref="HamiltonianModel"/> files. Layout (all little-endian; documented in README):
/// <code>
///   0   8  magic "RFHGNMDL"
///   8   4  format version (uint32) = 2 (version 1 is still read)
///  12   8  payload length L (uint64)
///  20   L  payload (below)
///  20+L 32 SHA-256 of bytes [0, 20+L)
/// payload: family u32, dimension u32, sampler u32, activation u32, seed i32,
///          graph: usesFixedEdges u8, cutoff f64; length unit str; energy unit str;
///          family Pair:  speciesCount u32, [v2: species name str × speciesCount], smooth cutoff f64, layer radial
///          family Graph: layer node, layer edge, layer message
///          family GraphFrame (2): layer node (d inputs), layer edge (d inputs), layer message (2·n_V + n_E inputs)
///          θ: count u32, f64[count]; θ₀ f64
/// layer: inputs u32, width u32, activation u32, WT f64[inputs·width], b f64[width]
/// str:   byte length u32, UTF-8 bytes
/// </code>
/// Version 1 files have no species names; they load with the codes in decimal ("0", "1", …) as names.
/// A reader refuses (with <see cref="ModelFormatException"/>) any file whose magic, version, length, checksum or
/// contents do not validate; it never returns a partly read model.
/// </summary>
public static class ModelFile
{
    /// <summary>The version this engine writes.</summary>
    public const uint FormatVersion = 2;
    /// <summary>The oldest version this engine still reads.</summary>
    public const uint OldestReadableVersion = 1;
    private static ReadOnlySpan<byte> Magic => "RFHGNMDL"u8;
    private const int HeaderSize = 20, ChecksumSize = 32;
    /// <summary>Refuse absurd sizes before allocating (a corrupt length field must not exhaust memory).</summary>
    private const int MaxLayerValues = 1 << 26;
    /// <summary>Inputs of an encoder or radial layer (d or a few scalars).</summary>
    private const int MaxLayerInputs = 64;
    /// <summary>Inputs of the frame model's message layer (2·n_V + n_E), still bounded by <see cref="MaxLayerValues"/>.</summary>
    private const int MaxMessageLayerInputs = 1 << 16;

    public static byte[] ToBytes(HamiltonianModel model)
    {
        using var payload = new MemoryStream();
        using (var w = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            w.Write((uint)model.Family);
            w.Write((uint)model.Dimension);
            w.Write((uint)model.Info.Sampler);
            w.Write((uint)model.Info.Activation);
            w.Write(model.Info.Seed);
            w.Write((byte)(model.Graph.UsesFixedEdges ? 1 : 0));
            w.Write(model.Graph.Cutoff);
            WriteString(w, model.Info.LengthUnit);
            WriteString(w, model.Info.EnergyUnit);
            switch (model.Features)
            {
                case PairPotentialFeatures pf:
                    w.Write((uint)pf.SpeciesCount);
                    foreach (string name in model.SpeciesNames) WriteString(w, name);
                    w.Write(pf.Cutoff);
                    WriteLayer(w, pf.Radial);
                    break;
                case GraphHgnFeatures gf:
                    WriteLayer(w, gf.Node);
                    WriteLayer(w, gf.Edge);
                    WriteLayer(w, gf.Message);
                    break;
                case FrameGraphHgnFeatures ff:
                    WriteLayer(w, ff.Node);
                    WriteLayer(w, ff.Edge);
                    WriteLayer(w, ff.Message);
                    break;
                default:
                    throw new ArgumentException($"no file layout for feature map {model.Features.GetType().Name}");
            }
            w.Write((uint)model.Theta.Length);
            foreach (double t in model.Theta) w.Write(t);
            w.Write(model.Theta0);
        }
        var body = payload.ToArray();
        var file = new byte[HeaderSize + body.Length + ChecksumSize];
        Magic.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(12), (ulong)body.Length);
        body.CopyTo(file.AsSpan(HeaderSize));
        SHA256.HashData(file.AsSpan(0, HeaderSize + body.Length), file.AsSpan(HeaderSize + body.Length));
        return file;
    }

    /// <summary>Writes atomically: a temporary file in the same directory, then a rename; nothing is left on failure.</summary>
    public static void Save(HamiltonianModel model, string path)
    {
        var bytes = ToBytes(model);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    public static HamiltonianModel Load(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"cannot read model file '{path}': {e.Message}", e);
        }
        return FromBytes(bytes, path);
    }

    public static HamiltonianModel FromBytes(ReadOnlySpan<byte> file, string source = "model")
    {
        if (file.Length == 0) throw new ModelFormatException($"{source}: the model file is empty");
        if (file.Length < HeaderSize + ChecksumSize || !file[..8].SequenceEqual(Magic))
            throw new ModelFormatException($"{source}: not an engine model file (bad magic or too short: {file.Length} bytes)");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(file[8..]);
        if (version < OldestReadableVersion || version > FormatVersion)
            throw new ModelFormatException($"{source}: model format version {version} is not supported (this engine reads versions {OldestReadableVersion} to {FormatVersion})");
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file[12..]);
        if (length != (ulong)(file.Length - HeaderSize - ChecksumSize))
            throw new ModelFormatException($"{source}: the file is truncated or has trailing bytes (header says {length} payload bytes, file holds {file.Length - HeaderSize - ChecksumSize})");
        Span<byte> hash = stackalloc byte[ChecksumSize];
        SHA256.HashData(file[..(HeaderSize + (int)length)], hash);
        if (!hash.SequenceEqual(file[(HeaderSize + (int)length)..]))
            throw new ModelFormatException($"{source}: checksum mismatch — the model file is corrupted");
        try
        {
            return Parse(file.Slice(HeaderSize, (int)length).ToArray(), version, source);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or OverflowException or DecoderFallbackException)
        {
            throw new ModelFormatException($"{source}: the model payload is malformed ({e.Message})", e);
        }
    }

    private static HamiltonianModel Parse(byte[] payload, uint version, string source)
    {
        using var r = new BinaryReader(new MemoryStream(payload), new UTF8Encoding(false, true));
        var family = (ModelFamily)r.ReadUInt32();
        int d = (int)r.ReadUInt32();
        var sampler = (SamplerKind)r.ReadUInt32();
        var activation = (ActivationKind)r.ReadUInt32();
        int seed = r.ReadInt32();
        bool fixedEdges = r.ReadByte() switch { 0 => false, 1 => true, var b => throw Bad(source, $"graph flag {b}") };
        double graphCutoff = r.ReadDouble();
        string lengthUnit = ReadString(r), energyUnit = ReadString(r);
        if (d is < 1 or > 3) throw Bad(source, $"dimension {d}");
        if (!Enum.IsDefined(sampler)) throw Bad(source, $"sampler code {(uint)sampler}");
        if (!Enum.IsDefined(activation)) throw Bad(source, $"activation code {(uint)activation}");
        if (!double.IsFinite(graphCutoff) || graphCutoff < 0 || (!fixedEdges && graphCutoff == 0)) throw Bad(source, $"graph cutoff {graphCutoff}");

        string[]? speciesNames = null;
        IFeatureMap features = family switch
        {
            ModelFamily.Pair => ReadPair(r, d, version, source, out speciesNames),
            ModelFamily.Graph => new GraphHgnFeatures(d, ReadLayer(r, source), ReadLayer(r, source), ReadLayer(r, source)),
            ModelFamily.GraphFrame => new FrameGraphHgnFeatures(d, ReadLayer(r, source), ReadLayer(r, source), ReadLayer(r, source, MaxMessageLayerInputs)),
            _ => throw Bad(source, $"model family code {(uint)family}"),
        };
        int count = (int)r.ReadUInt32();
        if (count != features.FeatureCount) throw Bad(source, $"θ has {count} entries, the features {features.FeatureCount}");
        var theta = ReadDoubles(r, count, source, "θ");
        double theta0 = r.ReadDouble();
        if (!double.IsFinite(theta0)) throw Bad(source, "θ₀ is not finite");
        if (r.BaseStream.Position != payload.Length) throw Bad(source, $"{payload.Length - r.BaseStream.Position} unread bytes after the model");
        try
        {
            return new HamiltonianModel(features, theta, theta0, new GraphRule(fixedEdges, graphCutoff),
                new ModelInfo { Sampler = sampler, Activation = activation, Seed = seed, LengthUnit = lengthUnit, EnergyUnit = energyUnit },
                speciesNames);
        }
        catch (InvalidInputException e) { throw Bad(source, e.Message); }
    }

    private static PairPotentialFeatures ReadPair(BinaryReader r, int d, uint version, string source, out string[]? names)
    {
        int species = (int)r.ReadUInt32();
        if (species is < 1 or > 1024) throw Bad(source, $"species count {species}");
        names = null;
        if (version >= 2)
        {
            names = new string[species];
            for (int c = 0; c < species; c++) names[c] = ReadString(r);
        }
        double cutoff = r.ReadDouble();
        if (!double.IsFinite(cutoff) || cutoff < 0) throw Bad(source, $"smooth cutoff {cutoff}");
        var radial = ReadLayer(r, source);
        if (radial.Inputs != 1) throw Bad(source, "the radial layer must take one input");
        return new PairPotentialFeatures(d, species, radial, cutoff);
    }

    private static void WriteLayer(BinaryWriter w, DenseLayer layer)
    {
        w.Write((uint)layer.Inputs);
        w.Write((uint)layer.Width);
        w.Write((uint)layer.Activation);
        foreach (double v in layer.WT) w.Write(v);
        foreach (double v in layer.B) w.Write(v);
    }

    private static DenseLayer ReadLayer(BinaryReader r, string source, int maxInputs = MaxLayerInputs)
    {
        uint inputsRaw = r.ReadUInt32(), widthRaw = r.ReadUInt32();
        if (inputsRaw > (uint)maxInputs || widthRaw > MaxLayerValues) throw Bad(source, $"layer shape {inputsRaw}×{widthRaw}");
        int inputs = (int)inputsRaw, width = (int)widthRaw;
        var activation = (ActivationKind)r.ReadUInt32();
        if (inputs < 1 || width < 1 || (long)inputs * width > MaxLayerValues) throw Bad(source, $"layer shape {inputs}×{width}");
        if (!Enum.IsDefined(activation)) throw Bad(source, $"layer activation code {(uint)activation}");
        var wt = ReadDoubles(r, inputs * width, source, "layer weights");
        var b = ReadDoubles(r, width, source, "layer biases");
        return new DenseLayer(inputs, width, activation, wt, b);
    }

    private static double[] ReadDoubles(BinaryReader r, int count, string source, string what)
    {
        if (count < 0 || (long)count * 8 > r.BaseStream.Length - r.BaseStream.Position) throw Bad(source, $"{what}: {count} values do not fit in the file");
        var a = new double[count];
        for (int k = 0; k < count; k++)
        {
            a[k] = r.ReadDouble();
            if (!double.IsFinite(a[k])) throw Bad(source, $"{what} entry {k} is not finite");
        }
        return a;
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((uint)bytes.Length);
        w.Write(bytes);
    }

    private static string ReadString(BinaryReader r)
    {
        int n = (int)r.ReadUInt32();
        if (n is < 0 or > 4096) throw new ArgumentException($"string length {n}");
        return Encoding.UTF8.GetString(r.ReadBytes(n).AsSpan() is var s && s.Length == n ? s : throw new EndOfStreamException());
    }

    private static ModelFormatException Bad(string source, string what) => new($"{source}: invalid model file ({what})");
}
