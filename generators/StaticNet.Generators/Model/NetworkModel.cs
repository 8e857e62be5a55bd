using StaticNet.Generators.Layers;

namespace StaticNet.Generators.Model;

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

/// <summary>
/// Everything the emitter needs to write one network, as plain values with value equality (no symbols, no syntax), so
/// the incremental pipeline can tell an unchanged network from a changed one.
/// </summary>
/// <param name="Layers">The modules of the equivalent <c>nn.Sequential</c>, in order, shapes resolved.</param>
/// <param name="Loss">The loss, or null for an inference-only network.</param>
/// <param name="DeclaresToString">The class declares its own <c>ToString()</c>, so the summary is not generated.</param>
/// <param name="KernelsAliasFree">No type named <c>Kernels</c> is in scope of the class, so the file can alias the kernels' namespace.</param>
internal sealed record NetworkModel(
    string? Namespace,
    EquatableArray<string> ContainingTypes,
    string ClassName,
    string HintName,
    Shape Input,
    EquatableArray<Layer> Layers,
    Loss? Loss,
    PredictionKind Prediction,
    int ParameterCount,
    int BufferCount,
    bool DeclaresToString,
    bool KernelsAliasFree)
{
    public Shape Output => Layers.Count == 0 ? Input : Layers[Layers.Count - 1].Output;
}

/// <summary>What parsing one [Network] class produced: a model when it is valid, and diagnostics either way.</summary>
internal sealed record NetworkParseResult(NetworkModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
