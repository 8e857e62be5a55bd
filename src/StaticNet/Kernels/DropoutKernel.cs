using System.Runtime.CompilerServices;
using System.ComponentModel;
using System.Numerics.Tensors;

namespace StaticNet.Kernels;

/// <summary>
/// Inverted dropout for training: each element is kept with probability 1 − p and scaled by 1/(1 − p), so that
/// inference is the identity (PyTorch's convention). PyTorch's masks cannot be reproduced; only the distribution is.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DropoutKernel
{
    /// <summary>
    /// Draws a mask and applies it: for each i, u = <see cref="Rng.NextSingle"/> (uniform on [0, 1) in steps of 2⁻²⁴),
    /// element i is kept iff u ≥ <paramref name="p"/>; <c>mask[i]</c> = 1/(1 − p) when kept, else 0; y = x·mask.
    /// x and y may be the same span; the mask is saved for <see cref="Backward"/>.
    /// </summary>
    /// <remarks>
    /// One draw per element, in index order, so a given seed gives the same mask. With p = 0 no number is drawn and the
    /// mask is all 1 (y = x exactly); with p = 1 every element is dropped (the scale is never used).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float p, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!(p >= 0f && p <= 1f)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must be in [0, 1].");
        int n = x.Length;
        if (y.Length < n || mask.Length < n)
            throw new ArgumentException($"Dropout spans too short for {n} inputs: output {y.Length}, mask {mask.Length}.");
        Span<float> m = mask[..n];
        if (p == 0f)
        {
            m.Fill(1f);
        }
        else
        {
            // The scale in float as PyTorch applies it (p = 0.5 gives exactly 2).
            float scale = (float)(1.0 / (1.0 - p));
            rng.NextSingles(m); // the uniforms first, then each becomes its mask value (vectorised, no branches)
            SimdMap.Unary(m, m, new MaskOp(p, scale));
        }
        TensorPrimitives.Multiply(x, m, y);
    }

    /// <summary>u ↦ 0 where u &lt; p (dropped), else the scale (kept: u ≥ p).</summary>
    private readonly struct MaskOp(float p, float scale) : IUnaryOperator
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public TVec Invoke<TSimd, TVec>(TVec u) where TSimd : struct, ISimd<TVec> where TVec : struct =>
            TSimd.ConditionalSelect(TSimd.LessThan(u, TSimd.Broadcast(p)), TSimd.Zero, TSimd.Broadcast(scale));

        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public float Invoke(float u) => u < p ? 0f : scale;
    }

    /// <summary>dy ← dy·mask, with the mask saved by <see cref="Forward"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(ReadOnlySpan<float> mask, Span<float> dy)
    {
        if (mask.Length < dy.Length) throw new ArgumentException($"Expected at least {dy.Length} mask values, got {mask.Length}.", nameof(mask));
        TensorPrimitives.Multiply(dy, mask[..dy.Length], dy);
    }
}
