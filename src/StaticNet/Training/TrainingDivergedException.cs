namespace StaticNet;

/// <summary>
/// A training step produced a loss or a gradient that is not a finite number (NaN or ∞). <see cref="Trainer"/> throws
/// it before applying that step, so the network's parameters and buffers are those after the last good step.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for the step that diverged.</summary>
    /// <param name="epoch">The epoch, 1-based.</param>
    /// <param name="batch">The batch within the epoch, 1-based.</param>
    /// <param name="loss">The step's loss (finite when only a gradient was not).</param>
    public TrainingDivergedException(int epoch, int batch, float loss)
        : base(FormattableString.Invariant(
            $"Training diverged at epoch {epoch}, batch {batch}: the {(float.IsFinite(loss) ? $"loss is {loss} but a gradient is not finite" : $"loss is {loss}")}. ") +
            "The step was not applied: the parameters are those after the last good step. Try a lower learning rate, " +
            "gradient clipping (TrainingOptions.ClipNorm) or standardized features.")
    {
        Epoch = epoch;
        Batch = batch;
        Loss = loss;
    }

    /// <summary>The epoch of the step that diverged, 1-based.</summary>
    public int Epoch { get; }

    /// <summary>The batch of the step that diverged, 1-based within its epoch.</summary>
    public int Batch { get; }

    /// <summary>The loss of that step: NaN or ∞, or finite when only a gradient was not.</summary>
    public float Loss { get; }
}
