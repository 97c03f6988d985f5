// A test-local LAMMPS `dump custom` writer: phase-space data as the text LAMMPS writes, rows in shuffled order.
using System.Globalization;
using System.Text;
using Engine.Data;

namespace Engine.Tests.Data;

/// <summary>
/// Writes 3-D data as <c>id type x y z vx vy vz fx fy fz</c> frames (id = i + 1, type = species + 1, v = p/m, f = dp),
/// TIMESTEP = 20·frame, the box as <c>pp pp pp</c> bounds from 0; numbers in round-trip format. Rows of each frame
/// are shuffled with <paramref name="seed"/> so that a reader must sort by id.
/// </summary>
internal static class LammpsDumpText
{
    public static void Write(PhaseSpaceData d, string path, int seed, int stepsPerFrame = 20)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder();
        string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        int n = d.Particles;
        var order = Enumerable.Range(0, n).ToArray();
        for (int m = 0; m < d.Snapshots; m++)
        {
            sb.Append($"ITEM: TIMESTEP\n{stepsPerFrame * m}\nITEM: NUMBER OF ATOMS\n{n}\nITEM: BOX BOUNDS pp pp pp\n");
            for (int a = 0; a < 3; a++) sb.Append($"0 {R(d.Box![a])}\n");
            sb.Append("ITEM: ATOMS id type x y z vx vy vz fx fy fz\n");
            rng.Shuffle(order);
            foreach (int i in order)
            {
                sb.Append(i + 1).Append(' ').Append(d.Species[i] + 1);
                long o = ((long)m * n + i) * 3;
                for (int a = 0; a < 3; a++) sb.Append(' ').Append(R(d.Q[o + a]));
                for (int a = 0; a < 3; a++) sb.Append(' ').Append(R(d.P[o + a] / d.Mass[i]));
                for (int a = 0; a < 3; a++) sb.Append(' ').Append(R(d.Dp![o + a]));
                sb.Append('\n');
            }
        }
        File.WriteAllText(path, sb.ToString());
    }
}
