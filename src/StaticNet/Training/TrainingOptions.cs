namespace StaticNet;

/// <summary>How <see cref="Trainer"/> runs: epochs, mini-batches, shuffling, validation and progress.</summary>
public sealed class TrainingOptions
{
    /// <summary>Passes over the training set. Default 10.</summary>
    public int Epochs { get; set; } = 10;

    /// <summary>
    /// Rows per optimizer step; the last batch of an epoch may be smaller (PyTorch's <c>drop_last=False</c>). Default 32.
    /// 0 (or any size of at least the row count) means full batch: one step per epoch over every row in dataset order.
    /// </summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// Shuffle the row order at the start of every epoch (default true). A full batch is never shuffled: the order of one
    /// batch only changes floating-point rounding, and dataset order reproduces a full-batch PyTorch program exactly.
    /// </summary>
    public bool Shuffle { get; set; } = true;

    /// <summary>Seed of the one <see cref="Rng"/> that shuffles every epoch of a fit. Default 0.</summary>
    public int Seed { get; set; }

    /// <summary>Called after every epoch, on the training thread.</summary>
    public Action<EpochResult>? OnEpochEnd { get; set; }

    /// <summary>
    /// A labelled dataset whose accuracy is measured after every epoch (<see cref="EpochResult.ValidationAccuracy"/>,
    /// <see cref="TrainingHistory.ValidationAccuracies"/>). The network must be an <see cref="IClassifierNetwork"/>.
    /// </summary>
    public Dataset? Validation { get; set; }

    /// <summary>
    /// When set, gradients are clipped to this total 2-norm before every optimizer step
    /// (<see cref="GradientClipping.ClipByNorm(Span{float}, float)"/>, PyTorch's <c>clip_grad_norm_</c>), against exploding gradients.
    /// </summary>
    public float? ClipNorm { get; set; }

    /// <summary>
    /// A learning-rate schedule stepped once at the end of every epoch, with that epoch's training loss as the metric
    /// (which <see cref="ReduceLROnPlateau"/> watches; the others ignore it).
    /// </summary>
    public ILearningRateSchedule? Schedule { get; set; }
}
