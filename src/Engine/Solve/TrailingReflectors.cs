// W's reflectors from dtzrzf applied to one vector: the sketch preconditioner's step that dormrz did one BLAS call at a time.
using System.Numerics.Tensors;

namespace Engine.Solve;

/// <summary>
/// The orthogonal W = H(0)·H(1)···H(r−1) of dtzrzf's reduction [R₁₁ R₁₂] = [T 0]·W (r × n, l = n − r), applied to a
/// vector t of length n. Reflector k is H(k) = I − τ_k v_k v_kᵀ with v_k = e_k + [0; z_k], z_k the l values that
/// dtzrzf leaves in row k of columns r … n−1. Applying one touches t_k and the tail t[r..n): a dot product and an
/// axpy of length l.
/// <para>Why not dormrz: for a single vector LAPACK applies the r reflectors one by one through dlarz, each a dgemv and
/// a dger of one column, so its cost is r pairs of BLAS calls, not the 4·r·l flops: 1.6 ms per application on the
/// default lattice (r = 1,209, l = 200), twice per CGLS iteration beside a 15 ms pass. Here the z_k are copied once
/// into contiguous rows, and an application takes about 0.1 ms. dormrz is the specification the tests compare with.</para>
/// </summary>
internal sealed class TrailingReflectors
{
    private readonly double[] _z;   // row-major [r, l]: z_k contiguous
    private readonly double[] _tau;
    private readonly int _r, _l;

    /// <param name="trapezoid">dtzrzf's output, column-major [r, n] with leading dimension r.</param>
    /// <param name="tau">dtzrzf's r scales.</param>
    /// <param name="r">Reflectors (rows of the trapezoid), 0 ≤ r ≤ n.</param>
    /// <param name="n">Columns of the trapezoid; the tail has l = n − r entries.</param>
    public TrailingReflectors(ReadOnlySpan<double> trapezoid, ReadOnlySpan<double> tau, int r, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(r);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, r);
        if (trapezoid.Length < (long)r * n) throw new ArgumentException($"trapezoid has length {trapezoid.Length}, expected at least {r}·{n}.", nameof(trapezoid));
        if (tau.Length < r) throw new ArgumentException($"tau has length {tau.Length}, expected at least {r}.", nameof(tau));
        _r = r; _l = n - r;
        _tau = tau[..r].ToArray();
        _z = new double[(long)r * _l];
        for (int c = 0; c < _l; c++)
        {
            ReadOnlySpan<double> column = trapezoid.Slice((r + c) * r, r);
            for (int k = 0; k < r; k++) _z[(long)k * _l + c] = column[k];
        }
    }

    /// <summary>t ← W t (H(r−1) first, as dormrz with trans 'N'), length r + l.</summary>
    public void Apply(Span<double> t)
    {
        Check(t);
        for (int k = _r - 1; k >= 0; k--) Reflect(k, t);
    }

    /// <summary>t ← Wᵀ t (H(0) first, as dormrz with trans 'T'), length r + l.</summary>
    public void ApplyTranspose(Span<double> t)
    {
        Check(t);
        for (int k = 0; k < _r; k++) Reflect(k, t);
    }

    private void Reflect(int k, Span<double> t)
    {
        if (_l == 0) return;   // W = I
        Span<double> tail = t.Slice(_r, _l);
        ReadOnlySpan<double> z = _z.AsSpan(k * _l, _l);
        double w = _tau[k] * (t[k] + TensorPrimitives.Dot(z, tail));
        t[k] -= w;
        TensorPrimitives.MultiplyAdd(z, -w, tail, tail);
    }

    private void Check(Span<double> t)
    {
        if (t.Length != _r + _l) throw new ArgumentException($"t has length {t.Length}, expected {_r + _l}.", nameof(t));
    }
}
