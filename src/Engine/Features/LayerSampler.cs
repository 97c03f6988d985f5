// Samples the hidden weights of a dense layer: ELM (data-independent) or SWIM (pairs of data points).
using Engine.Common;

namespace Engine.Features;

/// <summary>How hidden weights are drawn. Values are frozen: they are stored in model files.</summary>
public enum SamplerKind
{
    /// <summary>Sampling Where It Matters: each neuron from a uniformly drawn pair of data points (method.md §3.1).</summary>
    Swim = 0,
    /// <summary>Extreme learning machine: weights N(0, 1/fan-in), biases U(−1, 1), in standardised input coordinates.</summary>
    Elm = 1,
}

/// <summary>
/// Draws one dense layer from its input data. Inputs are standardised per feature (mean 0, variance 1)
/// before sampling and the standardisation is folded back into W and b, so the layer consumes raw inputs.
/// </summary>
public static class LayerSampler
{
    /// <summary>SWIM pairs closer than this (in standardised units) are redrawn: a zero distance has no direction.</summary>
    public const double MinPairDistance = 1e-10;

    /// <param name="x">Input rows <c>[rows, inputs]</c> row-major: every value this layer sees in the training data.</param>
    /// <param name="rows">Number of input rows in <paramref name="x"/>.</param>
    /// <param name="inputs">Inputs per row (the layer's fan-in).</param>
    /// <param name="width">Number of neurons to sample.</param>
    /// <param name="sampler">SWIM (pairs of data points) or ELM (data-independent).</param>
    /// <param name="activation">The activation, which fixes the SWIM constants.</param>
    /// <param name="rng">The seeded generator; the same state gives the same layer bits.</param>
    public static DenseLayer Sample(ReadOnlySpan<double> x, int rows, int inputs, int width, SamplerKind sampler, ActivationKind activation, Random rng)
    {
        if (width <= 0) throw new InvalidInputException($"layer width {width} must be positive");
        if (rows <= 0) throw new InvalidInputException("a layer cannot be sampled from no data: the training set produced no inputs for it (no edges, or no snapshots)");
        var mean = new double[inputs];
        var scale = new double[inputs];
        Standardisation(x, rows, inputs, mean, scale);

        var w = new double[width * inputs];   // [width, inputs] in standardised coordinates
        var b = new double[width];
        // SWIM needs two distinct points. When every input row is the same (e.g. all momenta zero, so every node
        // scalar is 0) the layer is drawn as ELM instead: its features are then constant in the data, their
        // derivative columns vanish, and the trainer reports the block as undetermined by the data.
        bool constant = true;
        for (int l = 0; l < inputs && constant; l++) constant = scale[l] == 1.0 && IsConstant(x, rows, inputs, l);
        if (sampler == SamplerKind.Swim && !constant) SampleSwim(x, rows, inputs, width, activation, mean, scale, rng, w, b);
        else SampleElm(inputs, width, rng, w, b);

        // Fold standardisation: w·((x − μ)/s) + b = Σ_l (w_l/s_l) x_l + (b − Σ_l w_l μ_l / s_l).
        var wt = new double[inputs * width];
        for (int k = 0; k < width; k++)
        {
            double bk = b[k];
            for (int l = 0; l < inputs; l++)
            {
                double wl = w[k * inputs + l] / scale[l];
                wt[l * width + k] = wl;
                bk -= wl * mean[l];
            }
            b[k] = bk;
        }
        return new DenseLayer(inputs, width, activation, wt, b);
    }

    private static void Standardisation(ReadOnlySpan<double> x, int rows, int inputs, double[] mean, double[] scale)
    {
        for (int r = 0; r < rows; r++)
            for (int l = 0; l < inputs; l++) mean[l] += x[r * inputs + l];
        for (int l = 0; l < inputs; l++) mean[l] /= rows;
        for (int r = 0; r < rows; r++)
            for (int l = 0; l < inputs; l++) { double t = x[r * inputs + l] - mean[l]; scale[l] += t * t; }
        for (int l = 0; l < inputs; l++)
        {
            double s = Math.Sqrt(scale[l] / rows);
            // A constant input carries no information; scale 1 keeps the fold finite.
            scale[l] = s > 1e-300 ? s : 1.0;
        }
    }

    private static bool IsConstant(ReadOnlySpan<double> x, int rows, int inputs, int l)
    {
        for (int r = 1; r < rows; r++)
            if (x[r * inputs + l] != x[l]) return false;
        return true;
    }

    private static void SampleSwim(ReadOnlySpan<double> x, int rows, int inputs, int width, ActivationKind activation,
        double[] mean, double[] scale, Random rng, double[] w, double[] b)
    {
        (double s1, double s2) = Activation.SwimConstants(activation);
        Span<double> x1 = stackalloc double[inputs];
        Span<double> x2 = stackalloc double[inputs];
        for (int k = 0; k < width; k++)
        {
            double dist2 = 0;
            for (int attempt = 0; attempt < 64; attempt++)
            {
                int from = rng.Next(rows);
                // A uniformly drawn *other* point, as in swimnetworks: to = (from + U{1..n−1}) mod n.
                int to = rows > 1 ? (from + 1 + rng.Next(rows - 1)) % rows : from;
                dist2 = 0;
                for (int l = 0; l < inputs; l++)
                {
                    x1[l] = (x[from * inputs + l] - mean[l]) / scale[l];
                    x2[l] = (x[to * inputs + l] - mean[l]) / scale[l];
                    double t = x2[l] - x1[l];
                    dist2 += t * t;
                }
                if (dist2 > MinPairDistance * MinPairDistance) break;
            }
            if (!(dist2 > MinPairDistance * MinPairDistance))
                throw new InvalidInputException("SWIM could not find two distinct input points for a layer: the training inputs are (nearly) all identical; use more varied data or --sampler elm");
            double bk = -s2;
            for (int l = 0; l < inputs; l++)
            {
                double wl = s1 * (x2[l] - x1[l]) / dist2;
                w[k * inputs + l] = wl;
                bk -= wl * x1[l];
            }
            b[k] = bk;
        }
    }

    private static void SampleElm(int inputs, int width, Random rng, double[] w, double[] b)
    {
        double std = 1.0 / Math.Sqrt(inputs);
        for (int k = 0; k < width; k++)
        {
            for (int l = 0; l < inputs; l++) w[k * inputs + l] = std * Gaussian(rng);
            b[k] = 2 * rng.NextDouble() - 1;
        }
    }

    /// <summary>A standard normal draw (Box–Muller), reproducible from the seeded generator.</summary>
    public static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
