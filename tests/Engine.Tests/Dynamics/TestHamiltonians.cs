// Small closed-form Hamiltonians for rollout and metric tests.
using Engine.Common;

namespace Engine.Tests.Dynamics;

/// <summary>H = Σ (p² + ω² q²)/2 over N·d independent unit-mass oscillators; q(t) = q0 cos ωt + (p0/ω) sin ωt.</summary>
internal sealed class HarmonicOscillator(int particles = 1, int dimension = 1, double omega = 1.0) : IHamiltonian
{
    public int Particles => particles;
    public int Dimension => dimension;
    public bool IsSeparable => true;
    public double Omega => omega;

    public double Evaluate(ReadOnlySpan<double> q, ReadOnlySpan<double> p, Span<double> dHdq, Span<double> dHdp)
    {
        double h = 0, w2 = omega * omega;
        for (int k = 0; k < q.Length; k++)
        {
            h += 0.5 * (p[k] * p[k] + w2 * q[k] * q[k]);
            if (!dHdq.IsEmpty) dHdq[k] = w2 * q[k];
            if (!dHdp.IsEmpty) dHdp[k] = p[k];
        }
        return h;
    }

    /// <summary>Exact solution of one coordinate at time t.</summary>
    public (double Q, double P) Exact(double q0, double p0, double t) =>
        (q0 * Math.Cos(omega * t) + p0 / omega * Math.Sin(omega * t),
         -q0 * omega * Math.Sin(omega * t) + p0 * Math.Cos(omega * t));
}

/// <summary>One particle in 1D: H = ½(q² + p²) + ε q p (non-separable, quadratic) + η q² p² (non-separable, quartic).</summary>
internal sealed class NonSeparableOscillator(double epsilon, double eta) : IHamiltonian
{
    public int Particles => 1;
    public int Dimension => 1;
    public bool IsSeparable => false;

    public double Evaluate(ReadOnlySpan<double> q, ReadOnlySpan<double> p, Span<double> dHdq, Span<double> dHdp)
    {
        double x = q[0], y = p[0];
        if (!dHdq.IsEmpty) dHdq[0] = x + epsilon * y + 2 * eta * x * y * y;
        if (!dHdp.IsEmpty) dHdp[0] = y + epsilon * x + 2 * eta * x * x * y;
        return 0.5 * (x * x + y * y) + epsilon * x * y + eta * x * x * y * y;
    }
}
