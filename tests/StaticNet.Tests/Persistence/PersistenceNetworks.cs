namespace StaticNet.Tests.Persistence;

// The layers of Fixtures/safetensors/digits_mlp.json and digits_batchnorm.json.

[Network]
[Input(64)]
[Dense(32), ReLU]
[Dense(16), ReLU]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class DigitsMlp;

[Network]
[Input(64)]
[Dense(32)]
[BatchNorm(Epsilon = 1e-5f, Momentum = 0.1f)]
[ReLU]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class DigitsBatchNorm;

/// <summary>Like <see cref="DigitsBatchNorm"/> but 16 wide, for shape mismatches.</summary>
[Network]
[Input(64)]
[Dense(16)]
[BatchNorm]
[ReLU]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class NarrowBatchNorm;
