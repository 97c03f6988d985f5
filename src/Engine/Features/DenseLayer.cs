// One sampled dense layer σ(W x + b), stored transposed so that every kernel streams over the width.
using System.Numerics.Tensors;

namespace Engine.Features;

/// <summary>
/// A dense layer with <see cref="Inputs"/> inputs and <see cref="Width"/> neurons. Weights are stored as
/// <c>WT[l*Width + k] = W[k, l]</c>: each input's column over all neurons is contiguous, so the
/// pre-activation and the chain rule are AXPYs over the width. Immutable after sampling.
/// </summary>
public sealed class DenseLayer
{
    public int Inputs { get; }
    public int Width { get; }
    public ActivationKind Activation { get; }
    /// <summary>Transposed weights <c>[Inputs, Width]</c>.</summary>
    public double[] WT { get; }
    /// <summary>Biases <c>[Width]</c>.</summary>
    public double[] B { get; }

    public DenseLayer(int inputs, int width, ActivationKind activation, double[] wt, double[] b)
    {
        if (wt.Length != inputs * width) throw new ArgumentException($"WT has {wt.Length} values, expected {inputs}×{width}");
        if (b.Length != width) throw new ArgumentException($"B has {b.Length} values, expected {width}");
        Inputs = inputs; Width = width; Activation = activation; WT = wt; B = b;
    }

    /// <summary>Row l of WT: the weights of input l for every neuron.</summary>
    public ReadOnlySpan<double> Column(int l) => WT.AsSpan(l * Width, Width);

    /// <summary>Effectively computes <c>z[k] = b[k] + Σ_l W[k,l] x[l]</c>.</summary>
    public void PreActivation(ReadOnlySpan<double> x, Span<double> z)
    {
        B.CopyTo(z);
        for (int l = 0; l < Inputs; l++)
            TensorPrimitives.MultiplyAdd(Column(l), x[l], z, z);
    }

    /// <summary><c>value[k] = σ(z_k)</c> and optionally <c>derivative[k] = σ'(z_k)</c> for input x; z is scratch of length Width.</summary>
    public void Forward(ReadOnlySpan<double> x, Span<double> z, Span<double> value, Span<double> derivative)
    {
        PreActivation(x, z);
        Features.Activation.Apply(Activation, z, value, derivative);
    }
}
