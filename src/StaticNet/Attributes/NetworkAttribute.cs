namespace StaticNet;

/// <summary>
/// Marks a <c>partial class</c> as a network declaration. The StaticNet source generator reads the
/// layer attributes that follow, in source order, and generates the forward and backward passes.
/// </summary>
/// <example>
/// <code>
/// [Network]
/// [Input(64)]
/// [Dense(32), ReLU]
/// [Dense(16), ReLU]
/// [Dense(10)]
/// [CrossEntropyLoss]
/// public sealed partial class DigitsNet;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute;

/// <summary>
/// The shape of each input sample, PyTorch's order with channels first: <c>[Input(features)]</c> for a vector,
/// <c>[Input(channels, length)]</c> for a sequence, <c>[Input(channels, height, width)]</c> for an image. A batch is
/// row-major, each sample's floats contiguous, exactly as <c>x.reshape(N, C, H, W)</c>. Must be the first layer attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class InputAttribute(params int[] shape) : Attribute
{
    /// <summary>The per-sample shape: one to three sizes.</summary>
    public IReadOnlyList<int> Shape { get; } = shape;

    /// <summary>Floats per sample: the product of the sizes.</summary>
    public int Size
    {
        get
        {
            int size = 1;
            foreach (int d in Shape) size *= d;
            return size;
        }
    }
}
