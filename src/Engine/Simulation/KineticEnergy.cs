// The Newtonian kinetic energy Σ |p_i|²/(2 m_i) and its momentum gradient, shared by the ground-truth systems.
namespace Engine.Simulation;

internal static class KineticEnergy
{
    /// <summary>Returns T = Σ_i |p_i|²/(2 m_i) and, unless <paramref name="dHdp"/> is empty, overwrites it with p_i/m_i.</summary>
    public static double Evaluate(ReadOnlySpan<double> p, ReadOnlySpan<double> mass, int d, Span<double> dHdp)
    {
        bool wantP = dHdp.Length != 0;
        double t = 0;
        for (int i = 0; i < mass.Length; i++)
        {
            double invM = 1 / mass[i], p2 = 0;
            for (int a = 0; a < d; a++)
            {
                double pa = p[i * d + a];
                p2 += pa * pa;
                if (wantP) dHdp[i * d + a] = pa * invM;
            }
            t += 0.5 * p2 * invM;
        }
        return t;
    }
}
