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

/// <summary>The number of input features of each sample. Must be the first layer attribute.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class InputAttribute(int size) : Attribute
{
    /// <summary>Features per sample.</summary>
    public int Size { get; } = size;
}
