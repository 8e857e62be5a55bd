namespace StaticNet;

/// <summary>What <see cref="TrainingOptions.OnEpochEnd"/> and <see cref="TrainingOptions.Progress"/> receive after each epoch.</summary>
/// <param name="Epoch">The epoch just finished, 1-based.</param>
/// <param name="TotalEpochs">The number of epochs of the fit (the most, with early stopping).</param>
/// <param name="Loss">Mean training loss of the epoch: the batch losses weighted by batch size.</param>
/// <param name="ValidationAccuracy">Accuracy on <see cref="TrainingOptions.Validation"/> after the epoch, or null without
/// one or for a network that is not an <see cref="IClassifierNetwork"/>.</param>
/// <param name="Elapsed">Time since the fit started.</param>
/// <param name="ValidationLoss">Loss on <see cref="TrainingOptions.Validation"/> after the epoch (<see cref="Metrics.Loss"/>), or null without one.</param>
public readonly record struct EpochResult(
    int Epoch, int TotalEpochs, float Loss, double? ValidationAccuracy, TimeSpan Elapsed, float? ValidationLoss = null);

/// <summary>What <see cref="TrainingOptions.OnBatchEnd"/> receives after each optimizer step.</summary>
/// <param name="Epoch">The epoch, 1-based.</param>
/// <param name="Batch">The batch just trained, 1-based within its epoch.</param>
/// <param name="BatchesPerEpoch">Batches in every epoch (after <see cref="TrainingOptions.DropLast"/>).</param>
/// <param name="Loss">The batch's loss, as <c>ComputeGradients</c> returned it.</param>
/// <param name="Elapsed">Time since the fit started.</param>
/// <param name="TotalEpochs">The number of epochs of the fit (the most, with early stopping).</param>
public readonly record struct BatchResult(int Epoch, int Batch, int BatchesPerEpoch, float Loss, TimeSpan Elapsed, int TotalEpochs = 0);
