using StaticNet;

namespace DigitsCnn;

/// <summary>
/// A small convolutional network on the 8×8 digits, seen as one-channel images: two 3×3 convolutions (8 and 16
/// filters, padding 1) each followed by ReLU and a 2×2 max pool, then one dense layer to the 10 classes.
/// </summary>
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
