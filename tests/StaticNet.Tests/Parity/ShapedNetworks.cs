namespace StaticNet.Tests.Parity;

// The shaped networks of the PyTorch fixtures (cases 11–16), declared as a user would, with the public files' shapes.

[Network]
[Input(1, 8, 8)]
[Conv2d(8, 3, Padding = 1), ReLU]
[MaxPool2d(2)]
[Conv2d(16, 3, Padding = 1), ReLU]
[MaxPool2d(2)]
[Flatten]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class Conv2dDigitsNet;

[Network]
[Input(1, 8, 8)]
[Conv2d(8, 3, Stride = 2, Padding = 1), Tanh]
[AvgPool2d(2)]
[Flatten]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class Conv2dStrideAvgPoolNet;

[Network]
[Input(1, 8, 8)]
[Conv2d(8, 3, Padding = 1)]
[BatchNorm(Epsilon = 1e-5f, Momentum = 0.1f)]
[ReLU]
[MaxPool2d(2)]
[Flatten]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class Conv2dBatchNormNet;

[Network]
[Input(8, 8)]
[Conv1d(12, 3, Padding = 1), ReLU]
[MaxPool1d(2)]
[Conv1d(16, 3, Padding = 1), ReLU]
[AvgPool1d(2)]
[Flatten]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class Conv1dSequenceNet;

[Network]
[Input(1, 8, 8)]
[Conv2d(4, 3, Padding = 1), ReLU]
[MaxPool2d(2)]
[Conv2d(8, 3, Padding = 1), ReLU]
[MaxPool2d(2)]
[Flatten]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class MaxPoolTiesNet;

/// <summary>
/// Odd shapes for the gradient checks: [2, 5, 7], stride 2, padding 1, overlapping windows, BatchNorm2d. Smooth
/// layers only: a max pool's argmax flipping within the finite-difference step would make the check measure that
/// (its gradient is checked by the kernel tests, away from ties, and by the maxpool_ties fixture).
/// </summary>
[Network]
[Input(2, 5, 7)]
[Conv2d(3, 3, Stride = 2, Padding = 1), Tanh]
[BatchNorm]
[AvgPool2d(2, Stride = 1)]
[Flatten]
[Dense(4)]
[CrossEntropyLoss]
public sealed partial class OddConv2dNet;

/// <summary>Odd 1-d shapes: [3, 11], kernel 4, stride 3, padding 2, average pooling over 2 with stride 1, channel BatchNorm1d.</summary>
[Network]
[Input(3, 11)]
[Conv1d(5, 4, Stride = 3, Padding = 2), ELU]
[BatchNorm]
[AvgPool1d(2, Stride = 1)]
[Flatten]
[Dense(3)]
[CrossEntropyLoss]
public sealed partial class OddConv1dNet;
