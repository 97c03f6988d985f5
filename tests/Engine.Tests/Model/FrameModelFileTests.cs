// Model files of the frame-based graph HGN: family code 2 round-trips to bit-identical energies and gradients.
using Engine.Features;
using Engine.Graph;
using Engine.Model;
using Engine.Tests.Features;
using Engine.Tests.Support;
using NUnit.Framework;

namespace Engine.Tests.Model;

public class FrameModelFileTests
{
    private static HamiltonianModel Model(out TestSystem s)
    {
        s = TestSystems.Springs(3, 3, 17);
        // n_V = 24, n_E = 32: the message layer has 80 inputs, above the 64 allowed for encoder layers.
        var f = FrameGraphHgnTests.Build(s, SamplerKind.Swim, ActivationKind.Tanh, 6, nv: 24, ne: 32, nm: 48);
        var theta = Enumerable.Range(0, f.FeatureCount).Select(k => Math.Sin(0.37 * k + 1)).ToArray();
        return new HamiltonianModel(f, theta, 0.625, new GraphRule(true, 0),
            new ModelInfo { Sampler = SamplerKind.Swim, Activation = ActivationKind.Tanh, Seed = 6 });
    }

    [Test]
    public void RoundTripGivesBitIdenticalEnergiesAndGradients()
    {
        var model = Model(out var s);
        var bytes = ModelFile.ToBytes(model);
        var loaded = ModelFile.FromBytes(bytes);

        Assert.That(loaded.Family, Is.EqualTo(ModelFamily.GraphFrame));
        var lf = (FrameGraphHgnFeatures)loaded.Features;
        var of = (FrameGraphHgnFeatures)model.Features;
        Assert.That(lf.Message.Inputs, Is.EqualTo(80));
        Assert.That(lf.Node.WT, Is.EqualTo(of.Node.WT));
        Assert.That(lf.Message.B, Is.EqualTo(of.Message.B));
        Assert.That(ModelFile.ToBytes(loaded), Is.EqualTo(bytes), "re-serialising gives the same file");

        var a = model.CreateEvaluator(s.Mass, s.Species, s.Pairs, null);
        var b = loaded.CreateEvaluator(s.Mass, s.Species, s.Pairs, null);
        var rng = new Random(4);
        int nd = s.N * s.D;
        for (int trial = 0; trial < 3; trial++)
        {
            var q = s.Q.Select(v => v + 0.05 * (2 * rng.NextDouble() - 1)).ToArray();
            var p = s.P.Select(v => v * (0.5 + rng.NextDouble())).ToArray();
            double[] gqa = new double[nd], gpa = new double[nd], gqb = new double[nd], gpb = new double[nd];
            double ha = a.Evaluate(q, p, gqa, gpa), hb = b.Evaluate(q, p, gqb, gpb);
            Assert.That(BitConverter.DoubleToInt64Bits(hb), Is.EqualTo(BitConverter.DoubleToInt64Bits(ha)), $"energy, trial {trial}");
            Assert.That(gqb, Is.EqualTo(gqa));
            Assert.That(gpb, Is.EqualTo(gpa));
            Assert.That(gqa.Any(v => v != 0) && gpa.Any(v => v != 0));
        }
    }

    /// <summary>Overwrites the family code (first payload word) and recomputes the checksum, so only the contents are wrong.</summary>
    private static byte[] Relabel(byte[] file, ModelFamily family)
    {
        var b = (byte[])file.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(20), (uint)family);
        System.Security.Cryptography.SHA256.HashData(b.AsSpan(0, b.Length - 32), b.AsSpan(b.Length - 32));
        return b;
    }

    [Test]
    public void LayersThatDoNotFitTheFamilyAreRefused()
    {
        var frame = ModelFile.ToBytes(Model(out var s));
        Assert.That(ModelFile.FromBytes(Relabel(frame, ModelFamily.GraphFrame)).Family, Is.EqualTo(ModelFamily.GraphFrame), "relabelling to the same family is harmless");
        // A frame file read as the invariant family: its 80-input message layer exceeds that family's 64-input limit.
        var e1 = Assert.Throws<Engine.Common.ModelFormatException>(() => ModelFile.FromBytes(Relabel(frame, ModelFamily.Graph)));
        Assert.That(e1!.Message, Does.Contain("layer"));
        // An invariant file read as the frame family: 1-input encoders in 3D do not fit.
        var invariant = new HamiltonianModel(TestSystems.Graph(s, SamplerKind.Swim, ActivationKind.Tanh, 2), new double[TestSystems.Graph(s, SamplerKind.Swim, ActivationKind.Tanh, 2).FeatureCount],
            0, new GraphRule(true, 0), new ModelInfo { Sampler = SamplerKind.Swim, Activation = ActivationKind.Tanh, Seed = 2 });
        Assert.Throws<Engine.Common.ModelFormatException>(() => ModelFile.FromBytes(Relabel(ModelFile.ToBytes(invariant), ModelFamily.GraphFrame)));
    }
}
