using StaticNet;

namespace Diabetes;

/// <summary>10 standardized patient measurements → 32 → 16 → one standardized prediction of disease progression; MSE.</summary>
[Network]
[Input(10)]
[Dense(32, Init = Init.HeUniform), ReLU]
[Dense(16, Init = Init.HeUniform), ReLU]
[Dense(1)]
[MSELoss]
public sealed partial class DiabetesNet;
