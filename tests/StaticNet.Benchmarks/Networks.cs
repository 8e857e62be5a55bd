using StaticNet;

namespace StaticNet.Benchmarks;

/// <summary>The reference digits MLP (W1–W4), as the sample declares it.</summary>
[Network]
[Input(64)]
[Dense(32), ReLU]
[Dense(16), ReLU]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class DigitsNet;

/// <summary>The scale workloads' MLP (W5–W7), the network of mnist_mlp.onnx.</summary>
[Network]
[Input(784)]
[Dense(512), ReLU]
[Dense(256), ReLU]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class MnistNet;

/// <summary>A middle width for the table of cost against width.</summary>
[Network]
[Input(256)]
[Dense(128), ReLU]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class MidNet;
