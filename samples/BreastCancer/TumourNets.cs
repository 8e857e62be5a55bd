using StaticNet;

namespace BreastCancer;

/// <summary>30 standardized measurements → 16 → one logit; BCEWithLogitsLoss (sigmoid and log fused, numerically stable).</summary>
[Network]
[Input(30)]
[Dense(16), ReLU]
[Dense(1)]
[BCEWithLogitsLoss]
public sealed partial class TumourNet;

/// <summary>The same with the sigmoid as a layer, so the output is the probability of class 1, and BCELoss on it.</summary>
[Network]
[Input(30)]
[Dense(16), ReLU]
[Dense(1), Sigmoid]
[BCELoss]
public sealed partial class TumourSigmoidNet;
