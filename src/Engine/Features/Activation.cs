// Smooth activations of the sampled layers, their derivatives, and their SWIM constants.
using System.Numerics.Tensors;

namespace Engine.Features;

/// <summary>Activation of a sampled dense layer. Values are frozen: they are stored in model files.</summary>
public enum ActivationKind
{
    /// <summary>σ = tanh z, σ' = 1 − tanh² z (the paper's group default).</summary>
    Tanh = 0,
    /// <summary>σ = sin z, σ' = cos z (random Fourier-type features).</summary>
    Sin = 1,
}

/// <summary>Evaluates an activation and its derivative over a span of pre-activations.</summary>
public static class Activation
{
    /// <summary>
    /// Effectively computes <c>value[k] = σ(z[k])</c> and, when <paramref name="derivative"/> is not empty,
    /// <c>derivative[k] = σ'(z[k])</c>. Vectorised through TensorPrimitives; <see cref="ApplyScalar"/> is the specification.
    /// </summary>
    public static void Apply(ActivationKind kind, ReadOnlySpan<double> z, Span<double> value, Span<double> derivative)
    {
        switch (kind)
        {
            case ActivationKind.Tanh:
                TensorPrimitives.Tanh(z, value);
                if (!derivative.IsEmpty)
                {
                    TensorPrimitives.Multiply(value, value, derivative);
                    TensorPrimitives.Subtract(1.0, derivative, derivative);
                }
                break;
            case ActivationKind.Sin:
                if (!derivative.IsEmpty) TensorPrimitives.Cos(z, derivative);
                TensorPrimitives.Sin(z, value);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown activation");
        }
    }

    /// <summary>The scalar reference of <see cref="Apply"/>.</summary>
    public static void ApplyScalar(ActivationKind kind, ReadOnlySpan<double> z, Span<double> value, Span<double> derivative)
    {
        for (int k = 0; k < z.Length; k++)
        {
            double x = z[k];
            (double v, double dv) = kind switch
            {
                ActivationKind.Tanh => (Math.Tanh(x), 1 - Math.Tanh(x) * Math.Tanh(x)),
                ActivationKind.Sin => (Math.Sin(x), Math.Cos(x)),
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            };
            value[k] = v;
            if (!derivative.IsEmpty) derivative[k] = dv;
        }
    }

    /// <summary>
    /// SWIM constants (s1, s2) of method.md §3.1: w = s1 (x2 − x1)/|x2 − x1|², b = −w·x1 − s2, so that the
    /// neuron's transition spans the segment x1 → x2. tanh: s1 = ln 3, s2 = ½ ln 3 (σ = ∓½ at the ends);
    /// sin: s1 = π, s2 = π/2 (σ = ∓1, one monotone half-period between the points).
    /// </summary>
    public static (double S1, double S2) SwimConstants(ActivationKind kind) => kind switch
    {
        ActivationKind.Tanh => (Math.Log(3.0), 0.5 * Math.Log(3.0)),
        ActivationKind.Sin => (Math.PI, 0.5 * Math.PI),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string Name(ActivationKind kind) => kind switch
    {
        ActivationKind.Tanh => "tanh",
        ActivationKind.Sin => "sin",
        _ => kind.ToString(),
    };
}
