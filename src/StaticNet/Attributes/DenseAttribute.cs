namespace StaticNet;

/// <summary>
/// A fully connected layer, PyTorch's <c>nn.Linear(in, units)</c>: <c>y = x·Wᵀ + b</c> with the weight
/// stored <c>[units, in]</c> row-major followed by the bias.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute(int units) : Attribute
{
    /// <summary>Output features.</summary>
    public int Units { get; } = units;

    /// <summary>How the weight (and, for <see cref="Init.Zeros"/>, the bias) is initialised.</summary>
    public Init Init { get; set; }

    /// <summary>L1 penalty coefficient on this layer's weight (not its bias): adds <c>L1·Σ|w|</c> to the loss.</summary>
    public float L1 { get; set; }

    /// <summary>L2 penalty coefficient on this layer's weight (not its bias): adds <c>L2·Σw²</c> to the loss.</summary>
    public float L2 { get; set; }
}

/// <summary>Weight initialisation schemes; PyTorch's <c>torch.nn.init</c> equivalents.</summary>
public enum Init
{
    /// <summary>PyTorch's <c>nn.Linear</c> default: weight and bias uniform in ±1/√fan_in.</summary>
    Default = 0,
    /// <summary><c>xavier_uniform_</c>: U(±√(6/(fan_in+fan_out))).</summary>
    XavierUniform,
    /// <summary><c>xavier_normal_</c>: N(0, 2/(fan_in+fan_out)).</summary>
    XavierNormal,
    /// <summary><c>kaiming_uniform_(nonlinearity='relu')</c>, fan_in: U(±√(6/fan_in)).</summary>
    HeUniform,
    /// <summary><c>kaiming_normal_(nonlinearity='relu')</c>, fan_in: N(0, 2/fan_in).</summary>
    HeNormal,
    /// <summary>Weight and bias all zero (for tests).</summary>
    Zeros,
}
