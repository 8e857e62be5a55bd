namespace StaticNet;

/// <summary>
/// Augments one training batch in place: <paramref name="features"/> holds the batch's rows (row-major,
/// <paramref name="featureCount"/> values each) as a copy, so the dataset itself is never changed.
/// </summary>
/// <param name="features">The batch's features, a copy made for this call; change them in place.</param>
/// <param name="featureCount">Values per row.</param>
/// <param name="random">The fit's generator (the one that shuffles), so a seeded fit stays reproducible.</param>
public delegate void BatchAugmenter(Span<float> features, int featureCount, Rng random);

/// <summary>How <see cref="Trainer"/> runs: epochs, mini-batches, shuffling, validation, early stopping and progress.</summary>
public sealed class TrainingOptions
{
    /// <summary>Passes over the training set (the most, with early stopping). Default 10.</summary>
    public int Epochs { get; set; } = 10;

    /// <summary>
    /// Rows per optimizer step; the last batch of an epoch may be smaller unless <see cref="DropLast"/> is set. Default 32.
    /// 0 (or any size of at least the row count) means full batch: one step per epoch over every row in dataset order.
    /// </summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// Skip the last batch of each epoch when it is smaller than <see cref="BatchSize"/> (PyTorch's <c>drop_last=True</c>);
    /// with shuffling, other rows are left out each epoch. Needed for BatchNorm when the last batch would hold one row. A
    /// full batch is never dropped. Default false.
    /// </summary>
    public bool DropLast { get; set; }

    /// <summary>
    /// Shuffle the row order at the start of every epoch (default true). A full batch is never shuffled: the order of one
    /// batch only changes floating-point rounding, and dataset order reproduces a full-batch PyTorch program exactly.
    /// </summary>
    public bool Shuffle { get; set; } = true;

    /// <summary>Seed of the one <see cref="Rng"/> that shuffles every epoch of a fit and is given to <see cref="Augment"/>. Default 0.</summary>
    public int Seed { get; set; }

    /// <summary>
    /// A dataset evaluated after every epoch, for any trainable network: its loss (<see cref="EpochResult.ValidationLoss"/>,
    /// <see cref="TrainingHistory.ValidationLosses"/>), as <see cref="Metrics.Loss"/> computes it, and for an
    /// <see cref="IClassifierNetwork"/> its accuracy (<see cref="EpochResult.ValidationAccuracy"/>).
    /// </summary>
    public Dataset? Validation { get; set; }

    /// <summary>
    /// Stop when the validation loss has not improved by more than <see cref="EarlyStoppingMinDelta"/> for this many
    /// consecutive epochs (Keras' <c>EarlyStopping(patience=…)</c>); null (the default) trains every epoch. Needs
    /// <see cref="Validation"/>.
    /// </summary>
    public int? EarlyStoppingPatience { get; set; }

    /// <summary>
    /// The improvement of the validation loss that counts for <see cref="EarlyStoppingPatience"/> and
    /// <see cref="TrainingHistory.BestEpoch"/>: an epoch improves when its loss is below the best so far minus this. Default 0.
    /// </summary>
    public float EarlyStoppingMinDelta { get; set; }

    /// <summary>
    /// With <see cref="EarlyStoppingPatience"/>: at the end of the fit, put back the parameters and buffers of the best
    /// epoch (<see cref="TrainingHistory.BestEpoch"/>), whether or not training stopped early (Keras'
    /// <c>restore_best_weights=True</c>). Default true.
    /// </summary>
    public bool RestoreBestParameters { get; set; } = true;

    /// <summary>Called with a copy of every training batch's features before its step (data augmentation); null for none.</summary>
    public BatchAugmenter? Augment { get; set; }

    /// <summary>Called after every epoch, on the training thread.</summary>
    public Action<EpochResult>? OnEpochEnd { get; set; }

    /// <summary>Told every epoch's result, after <see cref="OnEpochEnd"/> (a <see cref="Progress{T}"/> reports on its own context).</summary>
    public IProgress<EpochResult>? Progress { get; set; }

    /// <summary>Called after every optimizer step, on the training thread (a progress bar's tick).</summary>
    public Action<BatchResult>? OnBatchEnd { get; set; }

    /// <summary>
    /// When set, gradients are clipped to this total 2-norm before every optimizer step
    /// (<see cref="GradientClipping.ClipByNorm(Span{float}, float)"/>, PyTorch's <c>clip_grad_norm_</c>), against exploding gradients.
    /// </summary>
    public float? ClipNorm { get; set; }

    /// <summary>
    /// A learning-rate schedule stepped once at the end of every epoch with a metric: the validation loss when
    /// <see cref="Validation"/> is set, otherwise the epoch's training loss (<see cref="ReduceLROnPlateau"/> watches it;
    /// the others ignore it).
    /// </summary>
    public ILearningRateSchedule? Schedule { get; set; }

    /// <summary>A shallow copy (the same datasets, callbacks and schedule).</summary>
    internal TrainingOptions Copy() => (TrainingOptions)MemberwiseClone();
}
