// Scalar pair potentials V(r) of one spring (harmonic, anharmonic, Morse) with their radial derivative.
using Engine.Common;

namespace Engine.Simulation;

/// <summary>The functional form of a <see cref="SpringPotential"/>.</summary>
public enum SpringPotentialKind
{
    /// <summary>V = ½k(r − L)².</summary>
    Harmonic,
    /// <summary>V = ½k(r − L)² + ¼γ(r − L)⁴.</summary>
    Anharmonic,
    /// <summary>V = D(1 − e^{−a(r − L)})².</summary>
    Morse,
}

/// <summary>
/// The energy V(r) of one spring as a function of its length r (reduced units), and dV/dr.
/// Immutable and allocation-free; safe to share between threads. Defaults: k = 1, γ = 1, D = 1, a = 1, L = 1.
/// </summary>
public sealed class SpringPotential
{
    public SpringPotentialKind Kind { get; }
    /// <summary>Stiffness k of the quadratic term (harmonic, anharmonic); 0 for Morse.</summary>
    public double Stiffness { get; }
    /// <summary>Quartic coefficient γ (anharmonic); 0 otherwise.</summary>
    public double Quartic { get; }
    /// <summary>Well depth D (Morse); 0 otherwise.</summary>
    public double Depth { get; }
    /// <summary>Inverse width a (Morse); 0 otherwise.</summary>
    public double Width { get; }
    /// <summary>Rest length L: V(L) = 0 and dV/dr(L) = 0 for every kind.</summary>
    public double RestLength { get; }

    private SpringPotential(SpringPotentialKind kind, double k, double gamma, double depth, double width, double restLength)
    {
        Require(restLength >= 0 && double.IsFinite(restLength), "rest length", restLength, "a finite length ≥ 0");
        Kind = kind; Stiffness = k; Quartic = gamma; Depth = depth; Width = width; RestLength = restLength;
    }

    /// <summary>V = ½k(r − L)².</summary>
    public static SpringPotential Harmonic(double k = 1, double restLength = 1)
    {
        Require(k > 0 && double.IsFinite(k), "harmonic stiffness k", k, "a positive finite number");
        return new(SpringPotentialKind.Harmonic, k, 0, 0, 0, restLength);
    }

    /// <summary>V = ½k(r − L)² + ¼γ(r − L)⁴.</summary>
    public static SpringPotential Anharmonic(double k = 1, double gamma = 1, double restLength = 1)
    {
        Require(k > 0 && double.IsFinite(k), "anharmonic stiffness k", k, "a positive finite number");
        Require(gamma >= 0 && double.IsFinite(gamma), "anharmonic quartic coefficient γ", gamma, "a finite number ≥ 0");
        return new(SpringPotentialKind.Anharmonic, k, gamma, 0, 0, restLength);
    }

    /// <summary>V = D(1 − e^{−a(r − L)})².</summary>
    public static SpringPotential Morse(double depth = 1, double a = 1, double restLength = 1)
    {
        Require(depth > 0 && double.IsFinite(depth), "Morse depth D", depth, "a positive finite number");
        Require(a > 0 && double.IsFinite(a), "Morse width a", a, "a positive finite number");
        return new(SpringPotentialKind.Morse, 0, 0, depth, a, restLength);
    }

    /// <summary>The potential named "harmonic", "anharmonic" or "morse" (case-insensitive) with default parameters.</summary>
    public static SpringPotential FromName(string name) => name.Trim().ToLowerInvariant() switch
    {
        "harmonic" => Harmonic(),
        "anharmonic" => Anharmonic(),
        "morse" => Morse(),
        _ => throw new InvalidInputException($"unknown spring potential '{name}'; use harmonic, anharmonic or morse"),
    };

    /// <summary>V(r).</summary>
    public double Value(double r) => Evaluate(r, out _);

    /// <summary>dV/dr at r.</summary>
    public double Derivative(double r)
    {
        Evaluate(r, out double d);
        return d;
    }

    /// <summary>Returns V(r) and writes dV/dr to <paramref name="dVdr"/>.</summary>
    public double Evaluate(double r, out double dVdr)
    {
        double x = r - RestLength;
        switch (Kind)
        {
            case SpringPotentialKind.Harmonic:
                dVdr = Stiffness * x;
                return 0.5 * Stiffness * x * x;
            case SpringPotentialKind.Anharmonic:
            {
                double x2 = x * x;
                dVdr = x * (Stiffness + Quartic * x2);
                return x2 * (0.5 * Stiffness + 0.25 * Quartic * x2);
            }
            default:
            {
                double e = Math.Exp(-Width * x), oneMinus = 1 - e;
                dVdr = 2 * Depth * Width * oneMinus * e;
                return Depth * oneMinus * oneMinus;
            }
        }
    }

    public override string ToString() => Kind switch
    {
        SpringPotentialKind.Harmonic => $"harmonic(k={Stiffness}, L={RestLength})",
        SpringPotentialKind.Anharmonic => $"anharmonic(k={Stiffness}, γ={Quartic}, L={RestLength})",
        _ => $"morse(D={Depth}, a={Width}, L={RestLength})",
    };

    private static void Require(bool ok, string what, double value, string expected)
    {
        if (!ok) throw new InvalidInputException($"spring potential: {what} is {value}; it must be {expected}");
    }
}
