namespace StaticNet;

/// <summary>
/// Base of the schedules whose learning rate is a function of the base learning rate and the epoch (PyTorch's closed
/// forms). The base learning rate is the optimizer's <see cref="IOptimizer.LearningRate"/> at construction (epoch 0).
/// </summary>
/// <remarks>The learning rate is computed in double and rounded to float when set on the optimizer, as PyTorch does.</remarks>
public abstract class ClosedFormSchedule : ILearningRateSchedule
{
    private readonly double _baseLearningRate;

    /// <summary>Binds the schedule to <paramref name="optimizer"/> and takes its current learning rate as the base.</summary>
    /// <exception cref="NotSupportedException">The optimizer does not expose a learning rate.</exception>
    protected ClosedFormSchedule(IOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        BaseLearningRate = optimizer.LearningRate;
        _baseLearningRate = HyperParameter.ToDouble(BaseLearningRate);
    }

    /// <summary>The optimizer whose learning rate is set.</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>The learning rate at epoch 0.</summary>
    public float BaseLearningRate { get; }

    /// <inheritdoc />
    public float LearningRate => Optimizer.LearningRate;

    /// <inheritdoc />
    public int Epoch { get; private set; }

    /// <inheritdoc />
    public void Step()
    {
        Epoch++;
        Optimizer.LearningRate = (float)LearningRateAt(_baseLearningRate, Epoch);
    }

    /// <summary>The learning rate of <paramref name="epoch"/> given the base learning rate (both in double).</summary>
    protected abstract double LearningRateAt(double baseLearningRate, int epoch);
}
