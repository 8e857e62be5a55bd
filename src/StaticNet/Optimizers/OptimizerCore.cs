namespace StaticNet;

/// <summary>
/// The bookkeeping every built-in optimizer shares: learning rate, step count, state buffers, length checks and
/// <see cref="OptimizerState"/> conversion. Used by composition because the public optimizers are sealed and may not
/// derive from an internal base class.
/// </summary>
internal sealed class OptimizerCore
{
    private readonly string _optimizer;
    private readonly string?[] _bufferNames;     // null = buffer not used in this configuration
    private readonly float _initialValue;
    private float[][] _buffers = [];             // empty until the first step, then one array per name (empty if unused)
    private int _length = -1;                    // parameter count the state is bound to; -1 = not yet known
    private double _learningRate;

    /// <param name="optimizer">Type name stored in the state.</param>
    /// <param name="learningRate">Initial learning rate (validated).</param>
    /// <param name="bufferNames">Up to three PyTorch buffer names; null for a buffer this configuration does not use.</param>
    /// <param name="initialValue">Value the buffers start at (Adagrad's initial accumulator); 0 otherwise.</param>
    public OptimizerCore(string optimizer, float learningRate, string?[] bufferNames, float initialValue = 0f)
    {
        _optimizer = optimizer;
        _bufferNames = bufferNames;
        _initialValue = initialValue;
        _learningRate = HyperParameter.ToDouble(HyperParameter.NonNegative(learningRate, nameof(learningRate)));
    }

    /// <summary>The learning rate as the double PyTorch would hold (see <see cref="HyperParameter.ToDouble"/>).</summary>
    public double LearningRate => _learningRate;

    /// <summary>The learning rate as a float; the setter validates it (parameter name <c>value</c>).</summary>
    public float LearningRateSingle
    {
        get => (float)_learningRate;
        set => _learningRate = HyperParameter.ToDouble(HyperParameter.NonNegative(value, nameof(value)));
    }

    /// <summary>Steps taken, including the current one once <see cref="BeginStep"/> returned.</summary>
    public long StepCount { get; private set; }

    /// <summary>Checks the spans, allocates the buffers on the first step (the only allocation) and counts the step.</summary>
    public void BeginStep(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != gradients.Length)
            throw new ArgumentException(
                $"parameters has {parameters.Length} elements but gradients has {gradients.Length}; they must be the same length.",
                nameof(gradients));
        if (_length >= 0 && parameters.Length != _length)
            throw new ArgumentException(
                $"The optimizer state was created for {_length} parameters but Step got {parameters.Length}: expected length {_length}, actual length {parameters.Length}.",
                nameof(parameters));
        if (_length < 0)
        {
            _length = parameters.Length;
            _buffers = Array.ConvertAll(_bufferNames, name => NewBuffer(name, _length));
        }
        StepCount++;
    }

    /// <summary>Buffer <paramref name="index"/> (in constructor order); empty if unused. Valid after <see cref="BeginStep"/>.</summary>
    public Span<float> Buffer(int index) => _buffers[index];

    public OptimizerState GetState()
    {
        var buffers = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int i = 0; i < _buffers.Length; i++)
        {
            if (_bufferNames[i] is { } name) buffers.Add(name, (float[])_buffers[i].Clone());
        }
        return new OptimizerState(_optimizer, StepCount, LearningRateSingle, buffers);
    }

    public void SetState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Optimizer != _optimizer)
            throw new ArgumentException($"The state belongs to a {state.Optimizer} optimizer, not {_optimizer}.", nameof(state));
        // Before the first step there are no buffers; after it, exactly the ones this configuration uses.
        string[] expected = state.Step == 0 ? [] : _bufferNames.OfType<string>().ToArray();
        if (state.Buffers.Count != expected.Length || !expected.All(state.Buffers.ContainsKey))
            throw new ArgumentException(
                $"The state has buffers [{string.Join(", ", state.Buffers.Keys)}] but this {_optimizer} configuration at step {state.Step} " +
                $"expects [{string.Join(", ", expected)}] (different hyper-parameters?).", nameof(state));
        int length = expected.Length == 0 ? -1 : state.Buffers[expected[0]].Length;
        foreach (string name in expected)
        {
            if (state.Buffers[name].Length != length)
                throw new ArgumentException($"Buffer '{name}' has {state.Buffers[name].Length} elements but '{expected[0]}' has {length}.", nameof(state));
        }
        float learningRate = HyperParameter.NonNegative(state.LearningRate, nameof(state));

        _learningRate = HyperParameter.ToDouble(learningRate);
        StepCount = state.Step;
        _length = length;
        _buffers = length < 0 ? [] : Array.ConvertAll(_bufferNames, name => name is null ? [] : (float[])state.Buffers[name].Clone());
    }

    private float[] NewBuffer(string? name, int length)
    {
        if (name is null) return [];
        var buffer = new float[length];
        if (_initialValue != 0f) Array.Fill(buffer, _initialValue);
        return buffer;
    }
}
