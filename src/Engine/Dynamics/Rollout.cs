// Rolls a Hamiltonian forward from one initial state and records states and energy at every output step.
using Engine.Common;

namespace Engine.Dynamics;

/// <summary>
/// A recorded trajectory: <see cref="Steps"/> + 1 states, row 0 the initial state, row t the state at time t·dt.
/// </summary>
public sealed class RolloutResult
{
    /// <summary>Number of recorded steps T (the arrays hold T + 1 rows).</summary>
    public required int Steps { get; init; }
    /// <summary>Values per state, N·d.</summary>
    public required int StateSize { get; init; }
    /// <summary>Output interval: row t is at time t·<see cref="Dt"/> after the initial state.</summary>
    public required double Dt { get; init; }
    /// <summary>Positions <c>[T+1, N·d]</c> row-major.</summary>
    public required double[] Q { get; init; }
    /// <summary>Momenta <c>[T+1, N·d]</c> row-major.</summary>
    public required double[] P { get; init; }
    /// <summary>H(q_t, p_t) of the Hamiltonian that was integrated, <c>[T+1]</c>.</summary>
    public required double[] Energy { get; init; }

    /// <summary>Positions of row <paramref name="t"/>, <c>[N·d]</c>.</summary>
    public ReadOnlySpan<double> QAt(int t) => Q.AsSpan(t * StateSize, StateSize);
    /// <summary>Momenta of row <paramref name="t"/>, <c>[N·d]</c>.</summary>
    public ReadOnlySpan<double> PAt(int t) => P.AsSpan(t * StateSize, StateSize);
}

/// <summary>Rollouts: a loop of <see cref="Integrator.Step"/> that records every output interval.</summary>
public static class Rollout
{
    /// <summary>
    /// Integrates <paramref name="h"/> from (q0, p0), each <c>[N·d]</c>, for <paramref name="steps"/> output intervals
    /// of length <paramref name="dt"/>, taking <paramref name="substeps"/> integrator steps of dt/substeps inside each.
    /// Returns states <c>[steps+1, N·d]</c> (row 0 = the initial state) and H along them.
    /// Throws <see cref="InvalidInputException"/> for a state of the wrong size, a non-finite or zero dt,
    /// steps &lt; 0 or substeps &lt; 1; the integrator's own <see cref="EngineException"/> propagates if it fails.
    /// </summary>
    public static RolloutResult Run(IHamiltonian h, IntegratorKind kind, ReadOnlySpan<double> q0, ReadOnlySpan<double> p0,
        double dt, int steps, int substeps = 1)
    {
        ArgumentNullException.ThrowIfNull(h);
        int n = h.Particles * h.Dimension;
        if (q0.Length != n || p0.Length != n)
            throw new InvalidInputException($"rollout: the initial state has {q0.Length} positions and {p0.Length} momenta, but the Hamiltonian has N·d = {n}; give one state of this system");
        if (!(double.IsFinite(dt) && dt != 0))
            throw new InvalidInputException($"rollout: time step dt = {dt} must be finite and non-zero");
        if (steps < 0) throw new InvalidInputException($"rollout: steps = {steps} must be ≥ 0");
        if (substeps < 1) throw new InvalidInputException($"rollout: substeps = {substeps} must be ≥ 1");

        var q = new double[(long)(steps + 1) * n];
        var p = new double[(long)(steps + 1) * n];
        var energy = new double[steps + 1];
        q0.CopyTo(q); p0.CopyTo(p);
        energy[0] = h.Evaluate(q0, p0, default, default);

        var integrator = new Integrator(h, kind);
        double h1 = dt / substeps;
        for (int t = 1; t <= steps; t++)
        {
            // Each row starts as a copy of the previous one and is advanced in place, so nothing else is allocated.
            var qt = q.AsSpan(t * n, n);
            var pt = p.AsSpan(t * n, n);
            q.AsSpan((t - 1) * n, n).CopyTo(qt);
            p.AsSpan((t - 1) * n, n).CopyTo(pt);
            for (int s = 0; s < substeps; s++) integrator.Step(qt, pt, h1);
            energy[t] = h.Evaluate(qt, pt, default, default);
        }
        return new RolloutResult { Steps = steps, StateSize = n, Dt = dt, Q = q, P = p, Energy = energy };
    }
}
