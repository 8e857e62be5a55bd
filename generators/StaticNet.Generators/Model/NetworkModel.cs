namespace StaticNet.Generators.Model;

/// <summary>Every layer kind the generator understands; one attribute each.</summary>
internal enum LayerKind
{
    Dense,
    ReLU,
    LeakyReLU,
    Sigmoid,
    Tanh,
    Softmax,
    GELU,
    SiLU,
    ELU,
    Dropout,
    BatchNorm,
    LayerNorm,
}

/// <summary>The loss attribute, if any (a network without one is inference-only).</summary>
internal enum LossKind
{
    None,
    CrossEntropy,
    BCEWithLogits,
    BCE,
    MSE,
}

/// <summary>
/// One module of the network, with its sizes resolved by shape inference. <see cref="Module"/> is its index in the
/// equivalent <c>nn.Sequential</c> (the PyTorch parameter-name prefix). Offsets are into the flat Parameters
/// (weight, then bias) and Buffers spans; -1 when the layer has none.
/// </summary>
/// <param name="Argument">LeakyReLU slope, ELU alpha, Dropout p, or normalisation epsilon.</param>
/// <param name="Momentum">BatchNorm momentum.</param>
/// <param name="Init">The <c>StaticNet.Init</c> member name for Dense.</param>
internal sealed record LayerModel(
    LayerKind Kind,
    int Module,
    int InputSize,
    int OutputSize,
    float Argument,
    float Momentum,
    string Init,
    float L1,
    float L2,
    int WeightOffset,
    int BiasOffset,
    int BufferOffset)
{
    public bool HasParameters => WeightOffset >= 0;

    public int WeightLength => Kind == LayerKind.Dense ? InputSize * OutputSize : OutputSize;
}

/// <summary>How <c>Predict</c> turns the output into a class, decided from the loss and the last layer.</summary>
internal enum PredictionKind
{
    /// <summary>No Predict (regression and multi-label networks).</summary>
    None,
    /// <summary>Index of the largest output.</summary>
    ArgMax,
    /// <summary>One logit: class 1 when it is above 0 (probability above 0.5).</summary>
    LogitThreshold,
    /// <summary>One probability: class 1 when it is above 0.5.</summary>
    ProbabilityThreshold,
}

/// <summary>Everything the emitter needs to write one network, as plain values.</summary>
internal sealed record NetworkModel(
    string? Namespace,
    EquatableArray<string> ContainingTypes,
    string ClassName,
    string Keyword,
    string HintName,
    int InputSize,
    int OutputSize,
    EquatableArray<LayerModel> Layers,
    LossKind Loss,
    PredictionKind Prediction,
    int ParameterCount,
    int BufferCount);

/// <summary>What parsing one [Network] class produced: a model when it is valid, and diagnostics either way.</summary>
internal sealed record NetworkParseResult(NetworkModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
