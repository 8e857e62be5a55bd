using StaticNet;

namespace Digits;

/// <summary>The reference PyTorch program's MLP: 64 pixels → 32 → 16 → 10 classes, ReLU, cross-entropy.</summary>
[Network]
[Input(64)]
[Dense(32), ReLU]
[Dense(16), ReLU]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class DigitsNet;
