// Guard values around a kernel's output slice: a tail that writes past its end is caught.
using NUnit.Framework;

namespace Engine.Tests.Support;

public static class Canary
{
    public const int Pad = 9;

    /// <summary>A NaN-filled buffer with <paramref name="length"/> usable entries starting at <see cref="Pad"/>.</summary>
    public static double[] Buffer(int length) => Enumerable.Repeat(double.NaN, length + 2 * Pad).ToArray();

    public static Span<double> Slice(double[] buffer, int length) => buffer.AsSpan(Pad, length);

    public static void AssertUntouched(double[] buffer, int length)
    {
        for (int k = 0; k < Pad; k++)
        {
            Assert.That(double.IsNaN(buffer[k]), $"canary before the slice was overwritten at {k}");
            Assert.That(double.IsNaN(buffer[Pad + length + k]), $"canary after the slice was overwritten at {k}");
        }
    }
}
