namespace StaticNet;

/// <summary>
/// Multiplies the learning rate by <see cref="Factor"/> when the metric has not improved for more than
/// <see cref="Patience"/> epochs, as PyTorch's <c>ReduceLROnPlateau</c> with its defaults: mode "min", threshold 1e-4
/// relative (better means metric &lt; best·(1 − 1e-4)), cooldown 0, min_lr 0, and no change smaller than eps = 1e-8.
/// </summary>
public sealed class ReduceLROnPlateau : ILearningRateSchedule
{
    private const double Threshold = 1e-4, MinimumChange = 1e-8;
    private readonly double _factor;
    private double _best = double.PositiveInfinity;

    /// <summary>Creates the schedule for <paramref name="optimizer"/>.</summary>
    /// <param name="optimizer">The optimizer whose learning rate is reduced.</param>
    /// <param name="factor">Multiplier of the learning rate on a plateau, in [0, 1).</param>
    /// <param name="patience">Epochs without improvement tolerated before reducing, ≥ 0.</param>
    /// <exception cref="NotSupportedException">The optimizer does not expose a learning rate.</exception>
    public ReduceLROnPlateau(IOptimizer optimizer, float factor = 0.1f, int patience = 10)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        _factor = HyperParameter.ToDouble(HyperParameter.Beta(factor, nameof(factor)));
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        Patience = patience;
        Optimizer = optimizer;
        _ = optimizer.LearningRate; // fail now, not at the first plateau, if there is no learning rate
    }

    /// <summary>The optimizer whose learning rate is reduced.</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>Multiplier of the learning rate on a plateau.</summary>
    public float Factor => (float)_factor;

    /// <summary>Epochs without improvement tolerated before reducing.</summary>
    public int Patience { get; }

    /// <summary>Best metric seen so far (+∞ before the first step).</summary>
    public float Best => (float)_best;

    /// <summary>Consecutive epochs without improvement (PyTorch's <c>num_bad_epochs</c>).</summary>
    public int BadEpochs { get; private set; }

    /// <inheritdoc />
    public float LearningRate => Optimizer.LearningRate;

    /// <inheritdoc />
    public int Epoch { get; private set; }

    /// <summary>Not supported: this schedule needs the metric; call <see cref="Step(float)"/>.</summary>
    /// <exception cref="InvalidOperationException">Always.</exception>
    public void Step() => throw new InvalidOperationException("ReduceLROnPlateau needs the epoch's metric: call Step(metric).");

    /// <summary>Records the epoch's metric (lower is better) and reduces the learning rate after more than
    /// <see cref="Patience"/> epochs without improvement.</summary>
    public void Step(float metric)
    {
        Epoch++;
        if (metric < _best * (1 - Threshold))
        {
            _best = metric;
            BadEpochs = 0;
        }
        else
        {
            BadEpochs++;
        }
        if (BadEpochs > Patience)
        {
            double old = HyperParameter.ToDouble(Optimizer.LearningRate);
            double reduced = old * _factor; // max(·, min_lr = 0) is a no-op
            if (old - reduced > MinimumChange) Optimizer.LearningRate = (float)reduced;
            BadEpochs = 0;
        }
    }
}
