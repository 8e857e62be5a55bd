namespace StaticNet;

/// <summary>
/// A learning-rate schedule that sets an optimizer's <see cref="IOptimizer.LearningRate"/>; a trainer calls
/// <see cref="Step(float)"/> once per epoch with that epoch's loss (schedules that ignore it just call <see cref="Step()"/>).
/// </summary>
public interface ILearningRateSchedule
{
    /// <summary>The optimizer's current learning rate.</summary>
    float LearningRate { get; }

    /// <summary>Epochs stepped so far (PyTorch's <c>last_epoch</c>): 0 after construction, +1 per step.</summary>
    int Epoch { get; }

    /// <summary>Advances one epoch and sets the optimizer's learning rate for it.</summary>
    /// <exception cref="InvalidOperationException">The schedule needs a metric (<see cref="ReduceLROnPlateau"/>).</exception>
    void Step();

    /// <summary>Advances one epoch given the epoch's metric (e.g. the validation loss). By default the metric is ignored.</summary>
    void Step(float metric) => Step();
}
