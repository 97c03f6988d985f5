// Time steppers over an IHamiltonian: Störmer-Verlet (the paper's), velocity Verlet, implicit midpoint.
using Engine.Common;

namespace Engine.Dynamics;

public enum IntegratorKind
{
    /// <summary>The p-half leapfrog of the paper's group (method.md §3.7); explicit, symplectic only for separable H.</summary>
    StormerVerlet,
    /// <summary>Velocity Verlet: explicit and symplectic for separable H; refused for a non-separable one.</summary>
    VelocityVerlet,
    /// <summary>Implicit midpoint by fixed-point iteration: symplectic for any H.</summary>
    ImplicitMidpoint,
}

/// <summary>
/// One integrator step in place on (q, p) <c>[N·d]</c> each. Scratch lives in the instance (one per thread).
/// </summary>
public sealed class Integrator
{
    private readonly IHamiltonian _h;
    private readonly double[] _dHdq, _dHdp, _q0, _p0, _qm, _pm, _qPrev, _pPrev;
    public IntegratorKind Kind { get; }
    /// <summary>Fixed-point tolerance (max-norm change of the midpoint state) and iteration cap for implicit midpoint.</summary>
    public double Tolerance { get; init; } = 1e-14;
    public int MaxIterations { get; init; } = 100;
    /// <summary>
    /// Implicit midpoint also accepts an iteration that has contracted and then stalls (round-off in ∇H dominates:
    /// learned models with large, cancelling head coefficients have ∇H noisy far above <see cref="Tolerance"/>),
    /// provided the stalled change is at most this fraction of the first changes. Any integrator feels that noise.
    /// </summary>
    public double StallFraction { get; init; } = 1e-2;

    public Integrator(IHamiltonian h, IntegratorKind kind)
    {
        if (kind == IntegratorKind.VelocityVerlet && !h.IsSeparable)
            throw new InvalidInputException("velocity Verlet needs a separable H = T(p) + V(q); use implicit-midpoint (or stormer-verlet) for this model");
        _h = h;
        Kind = kind;
        int n = h.Particles * h.Dimension;
        _dHdq = new double[n]; _dHdp = new double[n]; _q0 = new double[n]; _p0 = new double[n];
        _qm = new double[n]; _pm = new double[n]; _qPrev = new double[n]; _pPrev = new double[n];
    }

    /// <summary>Advances (q, p) by one step of length <paramref name="dt"/>.</summary>
    public void Step(Span<double> q, Span<double> p, double dt)
    {
        switch (Kind)
        {
            case IntegratorKind.ImplicitMidpoint: StepMidpoint(q, p, dt); break;
            default: StepLeapfrog(q, p, dt); break;
        }
    }

    // p½ = p − ½dt ∂H/∂q(q, p); q' = q + dt ∂H/∂p(q, p½); p' = p½ − ½dt ∂H/∂q(q', p½).
    // For separable H this is velocity Verlet exactly; for non-separable H it is the explicit scheme of S7.
    private void StepLeapfrog(Span<double> q, Span<double> p, double dt)
    {
        _h.Evaluate(q, p, _dHdq, default);
        for (int k = 0; k < p.Length; k++) p[k] -= 0.5 * dt * _dHdq[k];
        _h.Evaluate(q, p, default, _dHdp);
        for (int k = 0; k < q.Length; k++) q[k] += dt * _dHdp[k];
        _h.Evaluate(q, p, _dHdq, default);
        for (int k = 0; k < p.Length; k++) p[k] -= 0.5 * dt * _dHdq[k];
    }

    // y' = y + dt J∇H((y + y')/2), solved by fixed-point iteration on the midpoint.
    private void StepMidpoint(Span<double> q, Span<double> p, double dt)
    {
        q.CopyTo(_q0); p.CopyTo(_p0);
        q.CopyTo(_qm); p.CopyTo(_pm);
        double d1 = 0, d2 = 0, d3 = 0, initial = 0;
        bool contracting = false;
        for (int it = 0; it < MaxIterations; it++)
        {
            _qm.CopyTo(_qPrev, 0); _pm.CopyTo(_pPrev, 0);
            _h.Evaluate(_qm, _pm, _dHdq, _dHdp);
            double change = 0;
            for (int k = 0; k < _qm.Length; k++)
            {
                _qm[k] = _q0[k] + 0.5 * dt * _dHdp[k];
                _pm[k] = _p0[k] - 0.5 * dt * _dHdq[k];
                change = Math.Max(change, Math.Max(Math.Abs(_qm[k] - _qPrev[k]), Math.Abs(_pm[k] - _pPrev[k])));
            }
            double scale = 1;
            for (int k = 0; k < _qm.Length; k++) scale = Math.Max(scale, Math.Max(Math.Abs(_qm[k]), Math.Abs(_pm[k])));
            if (!double.IsFinite(change)) throw new EngineException("implicit midpoint diverged (non-finite state); reduce the time step");
            if (change <= Tolerance * scale) break;
            // Stall test in the spirit of Hairer–Lubich–Wanner (GNI §VIII.6: stop once increments stop shrinking).
            // Changes are compared over windows of two iterations, because the map sends q-changes into p and back,
            // so single max-norm changes can alternate up and down even while the iteration converges.
            if (it == 1) initial = Math.Max(change, d1);
            if (it >= 3)
            {
                double window = Math.Max(change, d1), earlier = Math.Max(d2, d3);
                if (window < 0.5 * earlier) contracting = true;
                else if (contracting && window >= earlier && window <= StallFraction * initial) break;
            }
            (d3, d2, d1) = (d2, d1, change);
            if (it == MaxIterations - 1)
                throw new EngineException($"implicit midpoint did not converge in {MaxIterations} iterations (last change {change:G3}); reduce the time step");
        }
        for (int k = 0; k < q.Length; k++)
        {
            q[k] = 2 * _qm[k] - _q0[k];
            p[k] = 2 * _pm[k] - _p0[k];
        }
    }
}
