// The native huge-page buffer: usable memory of the requested length, alignment, and safe disposal.
using Engine.Common;
using NUnit.Framework;

namespace Engine.Tests.Common;

[TestFixture]
public sealed class HugePageBufferTests
{
    [TestCase(0L)]
    [TestCase(1L)]
    [TestCase(262_145L)]   // one double past 2 MiB: the tail page must be usable too
    public unsafe void HoldsWhatIsWrittenOverItsWholeLengthAndIsAligned(long length)
    {
        using var buffer = new HugePageBuffer(length);
        Span<double> span = buffer.Span;
        Assert.That(span.Length, Is.EqualTo(length));
        for (int i = 0; i < span.Length; i++) span[i] = i * 0.5;
        int wrong = 0;
        for (int i = 0; i < span.Length; i++) wrong += span[i] == i * 0.5 ? 0 : 1;
        Assert.That(wrong, Is.EqualTo(0));
        fixed (double* p = span)
            if (length > 0) Assert.That((long)p % HugePageBuffer.Alignment, Is.EqualTo(0L));
    }

    [Test]
    public void SlicesAreViewsOfTheSameMemory()
    {
        using var buffer = new HugePageBuffer(100);
        buffer.Slice(40, 10).Fill(3.0);
        Assert.That(buffer.Span[40], Is.EqualTo(3.0));
        Assert.That(buffer.Span[49], Is.EqualTo(3.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Slice(95, 10));
    }

    [Test]
    public void DisposeIsIdempotentAndLaterUseIsRefused()
    {
        var buffer = new HugePageBuffer(10);
        buffer.Dispose();
        buffer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => _ = buffer.Span);
    }

    [Test]
    public void RefusesNegativeAndOversizedLengths()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HugePageBuffer(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HugePageBuffer((long)Array.MaxLength + 1));
    }
}
