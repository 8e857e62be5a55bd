namespace StaticNet;

/// <summary>What <see cref="TrainingOptions.OnEpochEnd"/> receives after each epoch.</summary>
/// <param name="Epoch">The epoch just finished, 1-based.</param>
/// <param name="TotalEpochs">The number of epochs of the fit.</param>
/// <param name="Loss">Mean training loss of the epoch: the batch losses weighted by batch size.</param>
/// <param name="ValidationAccuracy">Accuracy on <see cref="TrainingOptions.Validation"/> after the epoch, or null without one.</param>
/// <param name="Elapsed">Time since the fit started.</param>
public readonly record struct EpochResult(int Epoch, int TotalEpochs, float Loss, double? ValidationAccuracy, TimeSpan Elapsed);
