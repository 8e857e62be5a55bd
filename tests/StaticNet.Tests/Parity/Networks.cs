namespace StaticNet.Tests.Parity;

// The networks of the PyTorch fixtures, declared as a user would. The public files' widths are used here; the
// hidden files differ in widths, so nothing below is read from them except through these declarations.

[Network]
[Input(64)]
[Dense(32), ReLU]
[Dense(16), ReLU]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class SeedDigitsNet;

/// <summary>Odd sizes, so every vector path's scalar tail runs.</summary>
[Network]
[Input(7)]
[Dense(5), ReLU]
[Dense(3)]
[CrossEntropyLoss]
public sealed partial class OddNet;

/// <summary>Wider than one Vector512 and not a multiple of any vector width.</summary>
[Network]
[Input(37)]
[Dense(19), ReLU]
[Dense(23), ReLU]
[Dense(5)]
[CrossEntropyLoss]
public sealed partial class OddWideNet;

[Network]
[Input(10)]
[Dense(12), Tanh]
[Dense(12), Sigmoid]
[Dense(6), LeakyReLU(0.1f)]
[Dense(1)]
[MSELoss]
public sealed partial class ActivationsRegressionNet;

[Network]
[Input(64)]
[Dense(32)]
[BatchNorm(Epsilon = 1e-5f, Momentum = 0.1f)]
[ReLU]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class BatchNormNet;

[Network]
[Input(30)]
[Dense(16), ReLU]
[Dense(1)]
[BCEWithLogitsLoss]
public sealed partial class BinaryLogitsNet;

[Network]
[Input(30)]
[Dense(8), Tanh]
[Dense(1), Sigmoid]
[BCELoss]
public sealed partial class BinarySigmoidNet;

[Network]
[Input(64)]
[Dense(16), Sigmoid]
[Dense(16), Sigmoid]
[Dense(16), Sigmoid]
[Dense(16), Sigmoid]
[Dense(16), Sigmoid]
[Dense(16), Sigmoid]
[Dense(16), Sigmoid]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class DeepSigmoidNet;

[Network]
[Input(64)]
[Dense(32), ReLU]
[Dropout(0.5f)]
[Dense(10)]
public sealed partial class DropoutEvalNet;

[Network]
[Input(64)]
[Dense(32)]
[LayerNorm(Epsilon = 1e-5f)]
[ReLU]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class LayerNormNet;

[Network]
[Input(64)]
[Dense(16), ReLU]
[Dense(10), Softmax]
public sealed partial class SoftmaxProbsNet;

/// <summary>The seed digits MLP with the fixtures' L1 (1e-4) declared on every dense layer.</summary>
[Network]
[Input(64)]
[Dense(32, L1 = 1e-4f), ReLU]
[Dense(16, L1 = 1e-4f), ReLU]
[Dense(10, L1 = 1e-4f)]
[CrossEntropyLoss]
public sealed partial class SeedDigitsL1Net;

/// <summary>Like <see cref="BatchNormNet"/> but 16 wide: a shape mismatch for the persistence tests.</summary>
[Network]
[Input(64)]
[Dense(16)]
[BatchNorm]
[ReLU]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class NarrowBatchNormNet;

/// <summary>Wide enough for several panels, more than one depth block (k &gt; 256) and a packed A.</summary>
[Network]
[Input(300)]
[Dense(130), ReLU]
[Dense(70), Tanh]
[Dense(9)]
[CrossEntropyLoss]
public sealed partial class WideNet;
