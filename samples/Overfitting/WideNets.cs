using StaticNet;

namespace Overfitting;

// A network far wider than a few hundred 8×8 digits need: 64 → 256 → 256 → 10, about 85,000 parameters.

/// <summary>No regularisation.</summary>
[Network]
[Input(64)]
[Dense(256), ReLU]
[Dense(256), ReLU]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class WideNet;

/// <summary>Dropout: each hidden unit is dropped with probability 0.5 in training, so no unit can rely on another.</summary>
[Network]
[Input(64)]
[Dense(256), ReLU]
[Dropout(0.5f)]
[Dense(256), ReLU]
[Dropout(0.5f)]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class WideDropoutNet;

/// <summary>L2: 1e-3·Σw² of every weight is added to the loss, which pulls weights towards 0.</summary>
[Network]
[Input(64)]
[Dense(256, L2 = 1e-3f), ReLU]
[Dense(256, L2 = 1e-3f), ReLU]
[Dense(10, L2 = 1e-3f)]
[CrossEntropyLoss]
public sealed partial class WideL2Net;
