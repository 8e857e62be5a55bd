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

/// <summary>The digits CNN (the samples/DigitsCnn network, the network of digits_cnn.onnx).</summary>
[Network]
[Input(1, 8, 8)]
[Conv2d(8, 3, Padding = 1), ReLU]
[MaxPool2d(2)]
[Conv2d(16, 3, Padding = 1), ReLU]
[MaxPool2d(2)]
[Flatten]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class DigitsCnn;
