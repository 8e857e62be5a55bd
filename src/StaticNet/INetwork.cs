namespace StaticNet;

/// <summary>
/// What runs inference: every network, and the immutable snapshot its <c>Freeze()</c> returns. <see cref="Forward"/>
/// is thread-safe and allocates nothing.
/// </summary>
public interface IInferenceNetwork
{
    /// <summary>Floats per input sample.</summary>
    int InputSize { get; }

    /// <summary>Values per output sample.</summary>
    int OutputSize { get; }

    /// <summary>Inference for a batch of <c>inputs.Length / InputSize</c> row-major samples.</summary>
    void Forward(ReadOnlySpan<float> inputs, Span<float> outputs);
}

/// <summary>Inference whose output is a class decision: a classifier network, or its frozen snapshot.</summary>
public interface IInferenceClassifier : IInferenceNetwork
{
    /// <summary>Number of classes <see cref="Predict"/> can return.</summary>
    int ClassCount { get; }

    /// <summary>The predicted class of one sample.</summary>
    int Predict(ReadOnlySpan<float> input);

    /// <summary>
    /// The probability of each of the <see cref="ClassCount"/> classes for one sample: the softmax of the logits of a
    /// cross-entropy network, <c>[1 − p, p]</c> for a binary one (one logit or one probability), the outputs themselves
    /// after a <c>[Softmax]</c> layer.
    /// </summary>
    void PredictProbabilities(ReadOnlySpan<float> input, Span<float> probabilities);
}

/// <summary>
/// What every generated network implements, so that the trainer, the metrics and persistence are generic
/// over networks without reflection. The generated class also exposes the same members directly
/// (<c>InputSize</c>, <c>OutputSize</c> and <c>ParameterCount</c> as constants, the layouts as static properties).
/// </summary>
public interface INetwork : IInferenceNetwork
{
    /// <summary>Length of <see cref="Parameters"/>.</summary>
    int ParameterCount { get; }

    /// <summary>Every trainable parameter in one contiguous buffer, in PyTorch's <c>named_parameters()</c> order and layout.</summary>
    Span<float> Parameters { get; }

    /// <summary>d(loss)/d(parameters), same length and layout as <see cref="Parameters"/>.</summary>
    Span<float> Gradients { get; }

    /// <summary>Non-trainable state (BatchNorm running statistics), in PyTorch's <c>state_dict</c> order; empty if none.</summary>
    Span<float> Buffers { get; }

    /// <summary>One entry per tensor in <see cref="Parameters"/>.</summary>
    IReadOnlyList<ParameterInfo> ParameterLayout { get; }

    /// <summary>One entry per tensor in <see cref="Buffers"/>.</summary>
    IReadOnlyList<ParameterInfo> BufferLayout { get; }

    /// <summary>
    /// The generator of the dropout masks drawn in training (a network with <c>[Dropout]</c> and a loss), or
    /// <see langword="null"/>. <see cref="Checkpoint"/> saves and restores its state, so a resumed run draws the same masks.
    /// </summary>
    Rng? DropoutRandom => null;

    /// <summary>
    /// The loss the network trains with (its loss attribute), so that generic code (metrics, the trainer) can evaluate
    /// it on outputs of <see cref="IInferenceNetwork.Forward"/>; <see cref="LossFunction.None"/> for an inference-only network.
    /// </summary>
    LossFunction Loss => LossFunction.None;
}

/// <summary>The loss attribute of a network, as a value.</summary>
public enum LossFunction
{
    /// <summary>No loss: an inference-only network.</summary>
    None,
    /// <summary><see cref="CrossEntropyLossAttribute"/>: logits and class indices.</summary>
    CrossEntropy,
    /// <summary><see cref="BCEWithLogitsLossAttribute"/>: logits and targets in [0, 1].</summary>
    BCEWithLogits,
    /// <summary><see cref="BCELossAttribute"/>: probabilities and targets in [0, 1].</summary>
    BCE,
    /// <summary><see cref="MSELossAttribute"/>: any float targets.</summary>
    MSE,
}

/// <summary>A network whose output is a class decision (cross-entropy, binary or softmax networks).</summary>
public interface IClassifierNetwork : INetwork, IInferenceClassifier;

/// <summary>A network with a loss: it can compute gradients and train.</summary>
/// <typeparam name="TTarget"><see cref="int"/> class indices (cross-entropy) or <see cref="float"/> targets (BCE, MSE).</typeparam>
public interface ITrainableNetwork<TTarget> : INetwork
    where TTarget : unmanaged
{
    /// <summary>
    /// Train-mode forward and backward for a batch; returns the mean loss and overwrites <see cref="INetwork.Gradients"/>
    /// with d(mean loss)/d(parameters). When <paramref name="outputs"/> is non-empty it receives the train-mode output.
    /// </summary>
    float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<TTarget> targets, Span<float> outputs = default);

    /// <summary><see cref="ComputeGradients"/> then <c>optimizer.Step(Parameters, Gradients)</c>; returns the loss.</summary>
    float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<TTarget> targets, IOptimizer optimizer);
}
