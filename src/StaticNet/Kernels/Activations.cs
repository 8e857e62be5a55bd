using System.ComponentModel;
using System.Numerics.Tensors;

namespace StaticNet.Kernels;

/// <summary>Elementwise activation kernels (forward writes y from x; backward scales dy in place).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Activations
{
    /// <summary>y = max(x, 0).</summary>
    public static void ReLU(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

    /// <summary>dy ← dy where y &gt; 0, else 0 (PyTorch's gradient at exactly 0 is 0). Uses the output y.</summary>
    public static void ReLUBackward(ReadOnlySpan<float> y, Span<float> dy)
    {
        if (y.Length < dy.Length) throw new ArgumentException($"Expected at least {dy.Length} outputs, got {y.Length}.", nameof(y));
        for (int i = 0; i < dy.Length; i++)
            if (!(y[i] > 0f)) dy[i] = 0f;
    }
}
