namespace StaticNet;

/// <summary><c>nn.ReLU</c>: max(x, 0); the gradient at 0 is 0.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ReLUAttribute : Attribute;

/// <summary><c>nn.LeakyReLU(negative_slope)</c>: x if x &gt; 0, else slope·x.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LeakyReLUAttribute(float negativeSlope = 0.01f) : Attribute
{
    /// <summary>Slope for negative inputs.</summary>
    public float NegativeSlope { get; } = negativeSlope;
}

/// <summary><c>nn.Sigmoid</c>: 1/(1+e^−x).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SigmoidAttribute : Attribute;

/// <summary><c>nn.Tanh</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class TanhAttribute : Attribute;

/// <summary><c>nn.Softmax(dim=1)</c>: probabilities over the features of each sample.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SoftmaxAttribute : Attribute;

/// <summary><c>nn.GELU()</c>, the exact erf form: x·Φ(x).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GELUAttribute : Attribute;

/// <summary><c>nn.SiLU</c>: x·σ(x).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SiLUAttribute : Attribute;

/// <summary><c>nn.ELU(alpha)</c>: x if x &gt; 0, else alpha·(e^x − 1).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ELUAttribute(float alpha = 1f) : Attribute
{
    /// <summary>Scale of the negative part.</summary>
    public float Alpha { get; } = alpha;
}
