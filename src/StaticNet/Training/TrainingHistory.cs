namespace StaticNet;

/// <summary>What <see cref="Trainer"/> returns: one entry per epoch.</summary>
public sealed class TrainingHistory
{
    internal TrainingHistory(float[] losses, double[] validationAccuracies, TimeSpan elapsed)
    {
        Losses = losses;
        ValidationAccuracies = validationAccuracies;
        Elapsed = elapsed;
    }

    /// <summary>Mean training loss of each epoch (see <see cref="EpochResult.Loss"/>).</summary>
    public IReadOnlyList<float> Losses { get; }

    /// <summary>Validation accuracy after each epoch; empty when no <see cref="TrainingOptions.Validation"/> was given.</summary>
    public IReadOnlyList<double> ValidationAccuracies { get; }

    /// <summary>Duration of the whole fit.</summary>
    public TimeSpan Elapsed { get; }
}
