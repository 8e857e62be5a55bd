namespace StaticNet;

/// <summary>What <see cref="Trainer"/> returns: one entry per epoch run.</summary>
public sealed class TrainingHistory
{
    internal TrainingHistory(float[] losses, float[] validationLosses, double[] validationAccuracies, int bestEpoch, bool stoppedEarly, TimeSpan elapsed)
    {
        Losses = losses;
        ValidationLosses = validationLosses;
        ValidationAccuracies = validationAccuracies;
        BestEpoch = bestEpoch;
        StoppedEarly = stoppedEarly;
        Elapsed = elapsed;
    }

    /// <summary>Mean training loss of each epoch (see <see cref="EpochResult.Loss"/>).</summary>
    public IReadOnlyList<float> Losses { get; }

    /// <summary>Validation loss after each epoch (see <see cref="EpochResult.ValidationLoss"/>); empty without <see cref="TrainingOptions.Validation"/>.</summary>
    public IReadOnlyList<float> ValidationLosses { get; }

    /// <summary>Validation accuracy after each epoch; empty without <see cref="TrainingOptions.Validation"/> or for a network that is not a classifier.</summary>
    public IReadOnlyList<double> ValidationAccuracies { get; }

    /// <summary>Epochs run: <see cref="TrainingOptions.Epochs"/>, or fewer when training stopped early.</summary>
    public int EpochsRun => Losses.Count;

    /// <summary>
    /// The best epoch, 1-based: the last one whose validation loss improved on every earlier one by more than
    /// <see cref="TrainingOptions.EarlyStoppingMinDelta"/> (so, with a delta of 0, the first epoch with the lowest loss);
    /// without validation, the last epoch. 0 when no epoch ran. These are the parameters a fit with
    /// <see cref="TrainingOptions.RestoreBestParameters"/> ends with.
    /// </summary>
    public int BestEpoch { get; }

    /// <summary>True when <see cref="TrainingOptions.EarlyStoppingPatience"/> ended the fit before <see cref="TrainingOptions.Epochs"/>.</summary>
    public bool StoppedEarly { get; }

    /// <summary>Duration of the whole fit.</summary>
    public TimeSpan Elapsed { get; }
}
