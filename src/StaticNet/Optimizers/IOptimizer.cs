namespace StaticNet;

/// <summary>Updates a flat parameter buffer in place from its gradients.</summary>
public interface IOptimizer
{
    /// <summary>One update step. <paramref name="parameters"/> and <paramref name="gradients"/> have the same length.</summary>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>The learning rate used by the next <see cref="Step"/>; learning-rate schedules set it.</summary>
    /// <exception cref="NotSupportedException">The optimizer has no learning rate (custom optimizers that do not override it).</exception>
    float LearningRate
    {
        get => throw new NotSupportedException($"{GetType().Name} does not expose a learning rate.");
        set => throw new NotSupportedException($"{GetType().Name} does not expose a learning rate.");
    }
}
