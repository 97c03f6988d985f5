// Minimum-image displacements in an orthorhombic periodic box (or none, for open boundaries).
namespace Engine.Graph;

/// <summary>An orthorhombic periodic box, or open boundaries when <see cref="Lengths"/> is null.</summary>
public sealed class PeriodicBox
{
    public double[]? Lengths { get; }
    public int Dimension { get; }
    public bool IsPeriodic => Lengths is not null;

    public PeriodicBox(int dimension, double[]? lengths)
    {
        Dimension = dimension;
        Lengths = lengths;
    }

    /// <summary>Writes <c>dr = q_j − q_i</c>, wrapped to the nearest image, and returns |dr|.</summary>
    public double Displacement(ReadOnlySpan<double> q, int i, int j, Span<double> dr)
    {
        int d = Dimension;
        double r2 = 0;
        for (int a = 0; a < d; a++)
        {
            double x = q[j * d + a] - q[i * d + a];
            if (Lengths is not null)
            {
                double L = Lengths[a];
                x -= L * Math.Round(x / L, MidpointRounding.ToEven);
            }
            dr[a] = x;
            r2 += x * x;
        }
        return Math.Sqrt(r2);
    }
}
