// The one contract between systems (true or learned) and everything that moves or scores them.
namespace Engine.Common;

/// <summary>
/// A Hamiltonian H(q, p) of N particles in d dimensions with its gradient. Implemented by the ground-truth
/// systems of Simulation and by learned models; consumed by integrators, data generators and metrics.
/// An instance may hold scratch buffers: use one instance per thread.
/// </summary>
public interface IHamiltonian
{
    int Particles { get; }
    int Dimension { get; }

    /// <summary>True when H = T(p) + V(q): velocity Verlet is then explicit and symplectic.</summary>
    bool IsSeparable { get; }

    /// <summary>
    /// Returns H(q, p) and writes ∂H/∂q and ∂H/∂p, each <c>[N·d]</c> row-major; an empty span means "not needed".
    /// Hamilton's equations are then q̇ = ∂H/∂p, ṗ = −∂H/∂q.
    /// </summary>
    double Evaluate(ReadOnlySpan<double> q, ReadOnlySpan<double> p, Span<double> dHdq, Span<double> dHdp);
}
