namespace StaticNet.Tests.Parity;

// Networks that between them use every layer, activation, loss and initializer, on odd sizes so that the
// scalar tails of every kernel run. (Softmax before CrossEntropyLoss would be warning SN0012, so softmax is
// checked in front of MSELoss.)

/// <summary>Every layer kind but dropout and softmax, with a cross-entropy loss.</summary>
[Network]
[Input(9)]
[Dense(11, Init = Init.HeUniform), LeakyReLU(0.05f)]
[BatchNorm]
[Dense(13, Init = Init.XavierNormal), GELU]
[LayerNorm(Epsilon = 1e-4f)]
[Dense(7, Init = Init.XavierUniform), SiLU]
[Dense(6, Init = Init.HeNormal), ELU(0.7f)]
[Dense(5), Tanh]
[Dense(17), Sigmoid]
[Dense(3)]
[CrossEntropyLoss]
public sealed partial class EveryLayerNet;

/// <summary>The same with dropout, for allocation and determinism checks.</summary>
[Network]
[Input(9)]
[Dense(11), ReLU]
[Dropout(0.3f)]
[BatchNorm(Momentum = 0.2f)]
[Dense(13), GELU]
[LayerNorm]
[Dense(3)]
[CrossEntropyLoss]
public sealed partial class EveryLayerWithDropoutNet;

// Deliberate: the softmax-before-MSE warning (SN0020) is suppressed as a user would, which also checks that #pragma works.
#pragma warning disable SN0020
[Network]
[Input(5)]
[Dense(4), Softmax]
[MSELoss]
public sealed partial class SoftmaxMseNet;
#pragma warning restore SN0020

/// <summary>Multi-label: three independent logits.</summary>
[Network]
[Input(6)]
[Dense(5), ReLU]
[Dense(3)]
[BCEWithLogitsLoss]
public sealed partial class MultiLabelNet;

[Network]
[Input(6)]
[Dense(5), Tanh]
[Dense(1), Sigmoid]
[BCELoss]
public sealed partial class SigmoidBceNet;

[Network]
[Input(6)]
[Dense(5), GELU]
[Dense(2)]
[MSELoss]
public sealed partial class GeluRegressionNet;

/// <summary>Dropout over many units feeding one output: its weight gradients expose the mask.</summary>
[Network]
[Input(4000)]
[Dropout(0.5f)]
[Dense(1)]
[MSELoss]
public sealed partial class WideDropoutNet;

/// <summary>One large layer per initializer (inference only).</summary>
[Network]
[Input(400)]
[Dense(300)]
[Dense(301, Init = Init.XavierUniform)]
[Dense(302, Init = Init.XavierNormal)]
[Dense(303, Init = Init.HeUniform)]
[Dense(304, Init = Init.HeNormal)]
[Dense(10, Init = Init.Zeros)]
public sealed partial class InitializerNet;
