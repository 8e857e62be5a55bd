using System.Runtime.CompilerServices;
using System.Numerics;
using System.Numerics.Tensors;

namespace StaticNet;

/// <summary>Gradient clipping as <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c> do it. Neither allocates.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients by min(maxNorm / (total + 1e-6), 1), where total is their 2-norm, and returns total
    /// (before clipping), exactly as <c>clip_grad_norm_(params, maxNorm)</c>.
    /// </summary>
    /// <remarks>
    /// The sum of squares is accumulated in double and rounded to float once; PyTorch takes the 2-norm of per-tensor
    /// float norms, which agrees to float precision. A non-finite total makes the gradients non-finite, as in PyTorch
    /// (whose <c>error_if_nonfinite</c> defaults to false).
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is negative or NaN.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float ClipByNorm(Span<float> gradients, float maxNorm)
    {
        if (!(maxNorm >= 0f)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "maxNorm must be >= 0.");
        float total = (float)Math.Sqrt(SumOfSquares(gradients));
        // PyTorch evaluates max_norm / (total + 1e-6) on a float tensor as reciprocal(total + 1e-6) * max_norm
        // (Tensor.__rtruediv__), then clamps to at most 1; the same float operations give the same coefficient.
        float coefficient = MathF.Min(1f / (total + 1e-6f) * maxNorm, 1f);
        if (coefficient != 1f) TensorPrimitives.Multiply(gradients, coefficient, gradients); // ×1 would change nothing
        return total;
    }

    /// <summary>Clamps every gradient to [−limit, limit], as <c>clip_grad_value_(params, limit)</c>. NaN stays NaN.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is negative or NaN.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ClipByValue(Span<float> gradients, float limit)
    {
        if (!(limit >= 0f)) throw new ArgumentOutOfRangeException(nameof(limit), limit, "limit must be >= 0.");
        TensorPrimitives.Clamp(gradients, -limit, limit, gradients);
    }

    /// <summary>
    /// Σ x² accumulated in double. Vector&lt;T&gt; gives one loop at the width the runtime picks (256 bits with AVX2,
    /// 128 without); the loop is memory-bound, so 512-bit vectors would not help. The products of widened floats are
    /// exact, so paths differ only in the order of double additions, far below float precision.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SumOfSquares(ReadOnlySpan<float> values)
    {
        double sum = 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<double> lowerSum = default, upperSum = default;
            for (; values.Length - i >= Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(values[i..]), out Vector<double> lower, out Vector<double> upper);
                lowerSum += lower * lower;
                upperSum += upper * upper;
            }
            sum = Vector.Sum(lowerSum + upperSum);
        }
        for (; i < values.Length; i++) sum += (double)values[i] * values[i];
        return sum;
    }
}
