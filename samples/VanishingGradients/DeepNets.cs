using StaticNet;

namespace VanishingGradients;

// The same depth four ways: ten dense layers (nine hidden layers of 32 units), standardized digits in, ten classes out.

/// <summary>Sigmoid with nn.Linear's default init: every layer scales the gradient by at most σ' ≤ 1/4.</summary>
[Network]
[Input(64)]
[Dense(32), Sigmoid]
[Dense(32), Sigmoid]
[Dense(32), Sigmoid]
[Dense(32), Sigmoid]
[Dense(32), Sigmoid]
[Dense(32), Sigmoid]
[Dense(32), Sigmoid]
[Dense(32), Sigmoid]
[Dense(32), Sigmoid]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class DeepSigmoidNet;

/// <summary>Tanh (σ' ≤ 1, centred) with Xavier's init, which keeps the variance of activations and gradients per layer.</summary>
[Network]
[Input(64)]
[Dense(32, Init = Init.XavierUniform), Tanh]
[Dense(32, Init = Init.XavierUniform), Tanh]
[Dense(32, Init = Init.XavierUniform), Tanh]
[Dense(32, Init = Init.XavierUniform), Tanh]
[Dense(32, Init = Init.XavierUniform), Tanh]
[Dense(32, Init = Init.XavierUniform), Tanh]
[Dense(32, Init = Init.XavierUniform), Tanh]
[Dense(32, Init = Init.XavierUniform), Tanh]
[Dense(32, Init = Init.XavierUniform), Tanh]
[Dense(10, Init = Init.XavierUniform)]
[CrossEntropyLoss]
public sealed partial class DeepTanhXavierNet;

/// <summary>ReLU (gradient 1 where active) with He's init, which doubles the variance to make up for the half that is 0.</summary>
[Network]
[Input(64)]
[Dense(32, Init = Init.HeUniform), ReLU]
[Dense(32, Init = Init.HeUniform), ReLU]
[Dense(32, Init = Init.HeUniform), ReLU]
[Dense(32, Init = Init.HeUniform), ReLU]
[Dense(32, Init = Init.HeUniform), ReLU]
[Dense(32, Init = Init.HeUniform), ReLU]
[Dense(32, Init = Init.HeUniform), ReLU]
[Dense(32, Init = Init.HeUniform), ReLU]
[Dense(32, Init = Init.HeUniform), ReLU]
[Dense(10, Init = Init.HeUniform)]
[CrossEntropyLoss]
public sealed partial class DeepReluHeNet;

/// <summary>Sigmoid again, with BatchNorm before each: inputs re-centred where σ' is largest, and rescaled per layer.</summary>
[Network]
[Input(64)]
[Dense(32)] [BatchNorm] [Sigmoid]
[Dense(32)] [BatchNorm] [Sigmoid]
[Dense(32)] [BatchNorm] [Sigmoid]
[Dense(32)] [BatchNorm] [Sigmoid]
[Dense(32)] [BatchNorm] [Sigmoid]
[Dense(32)] [BatchNorm] [Sigmoid]
[Dense(32)] [BatchNorm] [Sigmoid]
[Dense(32)] [BatchNorm] [Sigmoid]
[Dense(32)] [BatchNorm] [Sigmoid]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class DeepSigmoidBatchNormNet;
