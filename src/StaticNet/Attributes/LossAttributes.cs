namespace StaticNet;

/// <summary><c>nn.CrossEntropyLoss</c> on logits with class-index targets (softmax fused); mean reduction.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class CrossEntropyLossAttribute : Attribute;

/// <summary><c>nn.BCEWithLogitsLoss</c> on logits with 0/1 float targets, in the numerically stable form; mean reduction.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BCEWithLogitsLossAttribute : Attribute;

/// <summary><c>nn.BCELoss</c> on probabilities (after <see cref="SigmoidAttribute"/>), each log clamped at −100; mean reduction.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BCELossAttribute : Attribute;

/// <summary><c>nn.MSELoss</c>: mean of squared errors over every output element.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MSELossAttribute : Attribute;
