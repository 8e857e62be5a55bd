using StaticNet;

namespace StaticNet.Benchmarks;

/// <summary>The reference digits MLP, as the sample declares it.</summary>
[Network]
[Input(64)]
[Dense(32), ReLU]
[Dense(16), ReLU]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class DigitsNet;
