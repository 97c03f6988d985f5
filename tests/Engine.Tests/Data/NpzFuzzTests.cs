// Damages valid archives at random (seeded) and checks that reading either succeeds or fails as InvalidInputException.
using Engine.Common;
using Engine.Data;
using NUnit.Framework;

namespace Engine.Tests.Data;

[TestFixture]
public class NpzFuzzTests
{
    [TestCase(false, 101)]
    [TestCase(true, 202)]
    public void RandomDamageNeverEscapesAsAnotherException(bool compress, int seed)
    {
        using var dir = new TempDirectory();
        string path = dir.File("f.npz");
        var data = new PhaseSpaceData
        {
            Snapshots = 2, Particles = 3, Dimension = 2,
            Q = Enumerable.Range(0, 12).Select(k => 0.5 * k).ToArray(), P = Enumerable.Range(0, 12).Select(k => 1.0 - k).ToArray(),
            Mass = [1, 2, 3], Species = [0, 1, 0], Edges = [0, 1, 1, 2], LengthUnit = "nm",
        };
        PhaseSpaceNpz.Write(data, path, compress);
        var original = File.ReadAllBytes(path);
        var rng = new Random(seed);
        int refused = 0, read = 0;
        for (int trial = 0; trial < 400; trial++)
        {
            var bytes = (byte[])original.Clone();
            switch (trial % 4)
            {
                case 0: bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8)); break;
                case 1: for (int k = 0; k < 8; k++) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256); break;
                case 2: bytes = bytes[..rng.Next(bytes.Length)]; break;
                default: int at = rng.Next(bytes.Length - 4); bytes.AsSpan(at, 4).Fill(0xFF); break;
            }
            File.WriteAllBytes(path, bytes);
            try
            {
                var back = PhaseSpaceNpz.Read(path);
                read++;
                // Undetected damage must be harmless: zip metadata the reader does not use, or the central-directory
                // name of an optional member, which then reads as an unknown key (ignored) and the default applies.
                Assert.That((back.Q, back.P, back.Mass, back.Edges), Is.EqualTo((data.Q, data.P, data.Mass, data.Edges)), $"trial {trial}");
                using var npz = Npz.Open(path);
                if (back.LengthUnit != data.LengthUnit)
                    Assert.That((back.LengthUnit, npz.Contains("length_unit")), Is.EqualTo(("reduced", false)), $"trial {trial}");
                if (!back.Species.SequenceEqual(data.Species))
                    Assert.That((back.Species, npz.Contains("species")), Is.EqualTo((new int[3], false)), $"trial {trial}");
            }
            catch (InvalidInputException e) { refused++; Assert.That(e.Message, Does.Contain(path)); }
            catch (Exception e) when (e is not AssertionException) { Assert.Fail($"trial {trial}: {e.GetType().Name} escaped: {e.Message}\n{e.StackTrace}"); }
        }
        Assert.That(refused, Is.GreaterThan(200), $"most damage is detected ({read} files still read)");
    }
}
