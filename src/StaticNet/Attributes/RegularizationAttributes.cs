namespace StaticNet;

/// <summary>
/// <c>nn.Dropout(p)</c>: inverted dropout while training (kept units scaled by 1/(1−p)); the identity in
/// <c>Forward</c> and <c>Predict</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute(float p = 0.5f) : Attribute
{
    /// <summary>Probability of dropping a unit, in [0, 1).</summary>
    public float P { get; } = p;
}

/// <summary>
/// <c>nn.BatchNorm1d</c> over the features: batch statistics while training (updating the running
/// statistics), running statistics in <c>Forward</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BatchNormAttribute : Attribute
{
    /// <summary>Added to the variance before the square root.</summary>
    public float Epsilon { get; set; } = 1e-5f;

    /// <summary>Weight of the new batch statistic in the running average (PyTorch's convention).</summary>
    public float Momentum { get; set; } = 0.1f;
}

/// <summary><c>nn.LayerNorm(features)</c> with an elementwise affine weight and bias.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LayerNormAttribute : Attribute
{
    /// <summary>Added to the variance before the square root.</summary>
    public float Epsilon { get; set; } = 1e-5f;
}
