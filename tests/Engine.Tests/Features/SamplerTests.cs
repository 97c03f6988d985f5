// The SWIM and ELM samplers: SWIM neurons place their transition exactly between the drawn pair.
using Engine.Common;
using Engine.Features;
using NUnit.Framework;

namespace Engine.Tests.Features;

public class SamplerTests
{
    [TestCase(ActivationKind.Tanh, -0.5, 0.5)]
    [TestCase(ActivationKind.Sin, -1.0, 1.0)]
    public void SwimNeuronsMapSomeDataPairToTheDesignedValues(ActivationKind act, double low, double high)
    {
        // With two distinct points only, every SWIM pair is (x1, x2) or (x2, x1): σ must be low at one end, high at the other.
        double[] x = [0.3, -1.0, 2.0, 0.5];   // two 2-D points
        var layer = LayerSampler.Sample(x, 2, 2, 16, SamplerKind.Swim, act, new Random(1));
        var z = new double[16]; var v1 = new double[16]; var v2 = new double[16];
        layer.Forward(x.AsSpan(0, 2), z, v1, default);
        layer.Forward(x.AsSpan(2, 2), z, v2, default);
        for (int k = 0; k < 16; k++)
        {
            var ends = new[] { v1[k], v2[k] }.OrderBy(v => v).ToArray();
            Assert.That(ends[0], Is.EqualTo(low).Within(1e-12), $"neuron {k}");
            Assert.That(ends[1], Is.EqualTo(high).Within(1e-12), $"neuron {k}");
        }
    }

    [Test]
    public void SameSeedGivesSameBitsAndOtherSeedDiffers()
    {
        var x = Enumerable.Range(0, 300).Select(i => Math.Sin(i * 0.37)).ToArray();
        foreach (var sampler in Enum.GetValues<SamplerKind>())
        {
            var a = LayerSampler.Sample(x, 100, 3, 32, sampler, ActivationKind.Tanh, new Random(42));
            var b = LayerSampler.Sample(x, 100, 3, 32, sampler, ActivationKind.Tanh, new Random(42));
            var c = LayerSampler.Sample(x, 100, 3, 32, sampler, ActivationKind.Tanh, new Random(43));
            Assert.That(a.WT, Is.EqualTo(b.WT));
            Assert.That(a.B, Is.EqualTo(b.B));
            Assert.That(a.WT, Is.Not.EqualTo(c.WT));
        }
    }

    [Test]
    public void IdenticalInputsMakeSwimFallBackToElm()
    {
        var x = Enumerable.Repeat(1.5, 50).ToArray();
        var swim = LayerSampler.Sample(x, 50, 1, 8, SamplerKind.Swim, ActivationKind.Tanh, new Random(0));
        var elm = LayerSampler.Sample(x, 50, 1, 8, SamplerKind.Elm, ActivationKind.Tanh, new Random(0));
        Assert.That(swim.WT, Is.EqualTo(elm.WT));
        Assert.That(swim.B, Is.EqualTo(elm.B));
        Assert.That(swim.WT.Concat(swim.B).All(double.IsFinite));
    }
}
