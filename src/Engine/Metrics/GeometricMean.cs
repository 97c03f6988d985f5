// Geometric means of non-negative errors, per time step over trajectories (the NeurIPS 2022 aggregation).
namespace Engine.Metrics;

/// <summary>
/// Geometric mean exp(mean log x) of non-negative values. Special values are decided explicitly, not left to log(0):
/// <list type="bullet">
/// <item>any NaN → NaN (a diverged rollout is never hidden);</item>
/// <item>any exact 0 → 0 (the true limit of the geometric mean; the values are <em>not</em> clamped to a small
/// positive number, because the result would then depend on that arbitrary floor — the benchmark's scripts add 1e-30,
/// a caller who wants that adds it before calling);</item>
/// <item>any +∞ → +∞; a 0 together with a +∞ → NaN (0·∞ is undefined);</item>
/// <item>a negative value → <see cref="ArgumentException"/> (errors are never negative).</item>
/// </list>
/// Finite positive values are split as m·2^e so the exponents are summed exactly and only the logs of mantissas in
/// [1, 2) are averaged: the result is accurate to a few ulp and cannot overflow or underflow in between.
/// </summary>
public static class GeometricMean
{
    /// <summary>The geometric mean of <paramref name="values"/> (at least one value).</summary>
    public static double Of(ReadOnlySpan<double> values)
    {
        if (values.Length == 0) throw new ArgumentException("the geometric mean of no values is undefined", nameof(values));
        var acc = new Accumulator();
        foreach (double v in values) acc.Add(v);
        return acc.Result;
    }

    /// <summary>
    /// Per-step geometric mean over K curves given row-major <c>[K, T]</c> (<paramref name="curves"/>.Length = K·T):
    /// <c>result[t] = exp(mean_k log curves[k, t])</c>, <c>[T]</c>.
    /// </summary>
    public static double[] PerStep(ReadOnlySpan<double> curves, int count, int steps)
    {
        if (count <= 0 || steps <= 0 || (long)count * steps != curves.Length)
            throw new ArgumentException($"curves hold {curves.Length} values, not count × steps = {count} × {steps} with both positive", nameof(curves));
        var result = new double[steps];
        for (int t = 0; t < steps; t++)
        {
            var acc = new Accumulator();
            for (int k = 0; k < count; k++) acc.Add(curves[k * steps + t]);
            result[t] = acc.Result;
        }
        return result;
    }

    /// <summary>
    /// Per-step geometric mean over curves of possibly different lengths: <c>result[t]</c> is over the curves that have
    /// an entry t; the result has the length of the longest curve (at least one curve, none empty).
    /// </summary>
    public static double[] PerStep(IReadOnlyList<double[]> curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        if (curves.Count == 0) throw new ArgumentException("no curves to average", nameof(curves));
        int steps = 0;
        foreach (var c in curves)
        {
            if (c is null || c.Length == 0) throw new ArgumentException("every curve needs at least one entry", nameof(curves));
            steps = Math.Max(steps, c.Length);
        }
        var result = new double[steps];
        for (int t = 0; t < steps; t++)
        {
            var acc = new Accumulator();
            foreach (var c in curves) if (t < c.Length) acc.Add(c[t]);
            result[t] = acc.Result;
        }
        return result;
    }

    /// <summary>Running geometric mean with the special-value rules of <see cref="GeometricMean"/>.</summary>
    private struct Accumulator
    {
        private long _exponentSum;
        private double _logMantissaSum;
        private int _count;
        private bool _zero, _infinite, _nan;

        public void Add(double v)
        {
            if (v < 0) throw new ArgumentException($"geometric mean of a negative value ({v}); errors must be ≥ 0");
            _count++;
            if (double.IsNaN(v)) { _nan = true; return; }
            if (v == 0) { _zero = true; return; }
            if (double.IsPositiveInfinity(v)) { _infinite = true; return; }
            int e = Math.ILogB(v);
            _exponentSum += e;
            _logMantissaSum += Math.Log(Math.ScaleB(v, -e));
        }

        public readonly double Result
        {
            get
            {
                if (_nan || (_zero && _infinite)) return double.NaN;
                if (_zero) return 0;
                if (_infinite) return double.PositiveInfinity;
                // mean exponent = q + r/K with integer q: only the fractional part r/K goes through exp.
                long q = Math.DivRem(_exponentSum, _count, out long r);
                if (r < 0) { q--; r += _count; }
                double frac = (double)r / _count * Math.Log(2) + _logMantissaSum / _count;
                return Math.ScaleB(Math.Exp(frac), (int)q);
            }
        }
    }
}
