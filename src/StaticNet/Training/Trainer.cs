using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace StaticNet;

/// <summary>
/// Mini-batch training loop: epochs of <c>ComputeGradients</c> and optimizer steps over a <see cref="Dataset"/>, with
/// validation, early stopping, augmentation, progress and cancellation (what Keras' <c>fit</c> and a PyTorch Lightning
/// <c>Trainer</c> do).
/// </summary>
/// <remarks>
/// Before anything trains, the data is checked: features must be finite, labels among the network's classes (a binary
/// network has the classes 0 and 1), binary cross-entropy targets in [0, 1], and the same for
/// <see cref="TrainingOptions.Validation"/>. Each step is <c>ComputeGradients</c>, a check that the loss and every
/// gradient are finite (else <see cref="TrainingDivergedException"/>, before the step is applied), optional clipping,
/// then <c>optimizer.Step</c>: the same arithmetic as <c>TrainStep</c>.
/// </remarks>
public static class Trainer
{
    /// <summary>Trains a class-index network (cross-entropy) on <see cref="Dataset.Labels"/>.</summary>
    /// <param name="net">The network; its parameters are updated in place.</param>
    /// <param name="optimizer">Applied after every batch.</param>
    /// <param name="train">A labelled dataset with the network's <c>InputSize</c> features.</param>
    /// <param name="options">Epochs, batch size, shuffling, validation...; null for the defaults.</param>
    /// <param name="cancellationToken">Checked before every batch; the parameters are then those after the last completed step.</param>
    /// <exception cref="ArgumentException">A dataset does not fit the network, is empty, or holds a feature that is not
    /// finite; or the options contradict each other (patience without validation, BatchNorm with a one-row batch).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside the network's classes, or an option is out of range.</exception>
    /// <exception cref="TrainingDivergedException">A loss or gradient was not finite; that step was not applied.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static TrainingHistory Fit(ITrainableNetwork<int> net, IOptimizer optimizer, Dataset train, TrainingOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(train);
        if (!train.HasLabels)
            throw new ArgumentException("A class-index network trains on labels, but the dataset has float targets.", nameof(train));
        return Run(net, optimizer, train, train.Labels, options ?? new TrainingOptions(), classIndices: true, cancellationToken);
    }

    /// <summary>Trains a float-target network (BCE, MSE) on <see cref="Dataset.Targets"/> (labels as floats for a labelled dataset).</summary>
    /// <param name="net">The network; its parameters are updated in place.</param>
    /// <param name="optimizer">Applied after every batch.</param>
    /// <param name="train">A dataset with the network's <c>InputSize</c> features and <c>OutputSize</c> targets per row.</param>
    /// <param name="options">Epochs, batch size, shuffling, validation...; null for the defaults.</param>
    /// <param name="cancellationToken">Checked before every batch; the parameters are then those after the last completed step.</param>
    /// <exception cref="ArgumentException">A dataset does not fit the network, is empty, or holds a feature or target that
    /// is not finite; or the options contradict each other (patience without validation, BatchNorm with a one-row batch).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside a binary network's classes 0 and 1, a binary
    /// cross-entropy target is outside [0, 1], or an option is out of range.</exception>
    /// <exception cref="TrainingDivergedException">A loss or gradient was not finite; that step was not applied.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static TrainingHistory Fit(ITrainableNetwork<float> net, IOptimizer optimizer, Dataset train, TrainingOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(train);
        if (train.TargetCount != net.OutputSize)
            throw new ArgumentException(
                $"The network has {net.OutputSize} outputs, but the dataset has {train.TargetCount} targets per row.", nameof(train));
        return Run(net, optimizer, train, train.Targets, options ?? new TrainingOptions(), classIndices: false, cancellationToken);
    }

    /// <summary>The options of one fit, read once: the options object is mutable, and a callback could change it mid-fit.</summary>
    private sealed record Settings(
        int Epochs, int BatchSize, bool DropLast, bool Shuffle, int Seed, Dataset? Validation, int? Patience, float MinDelta,
        bool RestoreBest, BatchAugmenter? Augment, Action<EpochResult>? OnEpochEnd, IProgress<EpochResult>? Progress,
        Action<BatchResult>? OnBatchEnd, float? ClipNorm, ILearningRateSchedule? Schedule)
    {
        public static Settings Read(TrainingOptions o)
        {
            var s = new Settings(o.Epochs, o.BatchSize, o.DropLast, o.Shuffle, o.Seed, o.Validation, o.EarlyStoppingPatience,
                o.EarlyStoppingMinDelta, o.RestoreBestParameters, o.Augment, o.OnEpochEnd, o.Progress, o.OnBatchEnd, o.ClipNorm, o.Schedule);
            if (s.ClipNorm is float limit && !(limit > 0f))
                throw new ArgumentOutOfRangeException("options.ClipNorm", limit, "The clipping norm must be positive.");
            ArgumentOutOfRangeException.ThrowIfNegative(s.Epochs, "options.Epochs");
            ArgumentOutOfRangeException.ThrowIfNegative(s.BatchSize, "options.BatchSize");
            if (s.Patience is int patience)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(patience, "options.EarlyStoppingPatience");
                if (s.Validation is null)
                    throw new ArgumentException(
                        "Early stopping watches the validation loss: set TrainingOptions.Validation along with EarlyStoppingPatience.", "options");
            }
            if (!(s.MinDelta >= 0f && float.IsFinite(s.MinDelta)))
                throw new ArgumentOutOfRangeException("options.EarlyStoppingMinDelta", s.MinDelta, "The minimum improvement must be finite and at least 0.");
            return s;
        }
    }

    // Optimised at its first call: a fit is usually the only call, so tiered compilation would run the epoch loop as
    // unoptimised code and then switch it over on the stack mid-run (measured: 4x slower epochs in a short fit).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static TrainingHistory Run<TTarget>(ITrainableNetwork<TTarget> net, IOptimizer optimizer, Dataset train, TTarget[] targets,
        TrainingOptions options, bool classIndices, CancellationToken cancellationToken)
        where TTarget : unmanaged
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Settings s = Settings.Read(options);
        DataChecks.ForTraining(net, train, nameof(train), classIndices);
        Dataset? validation = s.Validation;
        if (validation is not null)
        {
            if (net.Loss == LossFunction.None)
                throw new ArgumentException("The validation loss needs the network's loss (INetwork.Loss), which this network does not tell.", nameof(net));
            DataChecks.ForTraining(net, validation, "options.Validation", classIndices);
        }

        int n = train.Count, f = train.FeatureCount, t = targets.Length / n, epochs = s.Epochs;
        int batch = s.BatchSize == 0 ? n : Math.Min(s.BatchSize, n);
        bool dropLast = s.DropLast && n % batch != 0;
        int batches = dropLast ? n / batch : (n + batch - 1) / batch;
        int rowsPerEpoch = dropLast ? batches * batch : n;
        CheckBatchNorm(net, n, batch, dropLast);

        float[] features = train.Features;
        // Batches are slices of the dataset, except when rows are shuffled (gathered) or augmented (copied, so that the
        // augmenter never changes the dataset); those buffers are allocated once here, so the epoch loop allocates nothing.
        bool shuffle = s.Shuffle && batch < n;
        BatchAugmenter? augment = s.Augment;
        int[] order = shuffle ? Enumerable.Range(0, n).ToArray() : [];
        float[] inputBuffer = shuffle || augment is not null ? new float[batch * f] : [];
        TTarget[] targetBuffer = shuffle ? new TTarget[batch * t] : [];
        var rng = new Rng(s.Seed);
        float[] savedBuffers = new float[net.Buffers.Length];
        Rng? dropout = net.DropoutRandom;
        float[] evaluation = validation is null ? [] : Metrics.EvaluationBuffer(net, validation);
        IClassifierNetwork? classifier = validation is null ? null : net as IClassifierNetwork;
        bool keepBest = s.Patience is not null && s.RestoreBest;
        float[] bestParameters = keepBest ? new float[net.Parameters.Length] : [], bestBuffers = keepBest ? new float[net.Buffers.Length] : [];

        var losses = new float[epochs];
        var validationLosses = validation is null ? [] : new float[epochs];
        var accuracies = classifier is null ? [] : new double[epochs];
        float best = float.PositiveInfinity;
        int bestEpoch = 0, sinceBest = 0, epochsRun = 0;
        bool stop = false;
        long start = Stopwatch.GetTimestamp();
        while (epochsRun < epochs && !stop)
        {
            int epoch = ++epochsRun;
            if (shuffle) rng.Shuffle<int>(order);
            double weightedSum = 0;
            for (int b = 0; b < batches; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int first = b * batch, size = Math.Min(batch, n - first);
                ReadOnlySpan<float> inputs;
                ReadOnlySpan<TTarget> batchTargets;
                if (shuffle)
                {
                    for (int j = 0; j < size; j++)
                    {
                        int row = order[first + j];
                        features.AsSpan(row * f, f).CopyTo(inputBuffer.AsSpan(j * f, f));
                        targets.AsSpan(row * t, t).CopyTo(targetBuffer.AsSpan(j * t, t));
                    }
                    inputs = inputBuffer.AsSpan(0, size * f);
                    batchTargets = targetBuffer.AsSpan(0, size * t);
                }
                else
                {
                    inputs = features.AsSpan(first * f, size * f);
                    batchTargets = targets.AsSpan(first * t, size * t);
                    if (augment is not null)
                    {
                        inputs.CopyTo(inputBuffer);
                        inputs = inputBuffer.AsSpan(0, size * f);
                    }
                }
                augment?.Invoke(inputBuffer.AsSpan(0, size * f), f, rng);
                float loss = Step(net, optimizer, inputs, batchTargets, s.ClipNorm, savedBuffers, dropout, epoch, b + 1);
                // Weighted by batch size so a smaller last batch counts for its rows only; in double, so a full batch's
                // epoch loss is exactly the loss ComputeGradients returned.
                weightedSum += (double)loss * size;
                s.OnBatchEnd?.Invoke(new BatchResult(epoch, b + 1, batches, loss, Stopwatch.GetElapsedTime(start), epochs));
            }
            float trainLoss = losses[epoch - 1] = (float)(weightedSum / rowsPerEpoch);

            float? validationLoss = null;
            double? accuracy = null;
            if (validation is not null)
            {
                validationLoss = validationLosses[epoch - 1] = Metrics.MeanLoss(net, validation, evaluation);
                if (classifier is not null) accuracy = accuracies[epoch - 1] = Metrics.Accuracy(classifier, validation);
            }
            if (validationLoss is not float monitored) bestEpoch = epoch;
            else if (monitored < best - s.MinDelta)
            {
                (best, bestEpoch, sinceBest) = (monitored, epoch, 0);
                if (keepBest)
                {
                    net.Parameters.CopyTo(bestParameters);
                    net.Buffers.CopyTo(bestBuffers);
                }
            }
            else stop = ++sinceBest >= s.Patience;
            s.Schedule?.Step(validationLoss ?? trainLoss);
            var result = new EpochResult(epoch, epochs, trainLoss, accuracy, Stopwatch.GetElapsedTime(start), validationLoss);
            s.OnEpochEnd?.Invoke(result);
            s.Progress?.Report(result);
        }
        if (keepBest && bestEpoch > 0 && bestEpoch != epochsRun)
        {
            bestParameters.CopyTo(net.Parameters);
            bestBuffers.CopyTo(net.Buffers);
        }
        return new TrainingHistory(Trim(losses, epochsRun), Trim(validationLosses, epochsRun), Trim(accuracies, epochsRun),
            bestEpoch, epochsRun < epochs, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>The first <paramref name="count"/> entries (the epochs run), copied only when training stopped early.</summary>
    private static T[] Trim<T>(T[] perEpoch, int count) => perEpoch.Length <= count ? perEpoch : perEpoch[..count];

    /// <summary>
    /// One optimizer step, unless the loss or a gradient is not finite: then the network is put back as it was (the
    /// forward pass had already updated BatchNorm's running statistics and drawn dropout masks) and the fit stops.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Step<TTarget>(ITrainableNetwork<TTarget> net, IOptimizer optimizer, ReadOnlySpan<float> inputs,
        ReadOnlySpan<TTarget> targets, float? clipNorm, float[] savedBuffers, Rng? dropout, int epoch, int batch)
        where TTarget : unmanaged
    {
        if (savedBuffers.Length > 0) net.Buffers.CopyTo(savedBuffers);
        RngState dropoutState = dropout?.GetState() ?? default;
        float loss = net.ComputeGradients(inputs, targets);
        if (!float.IsFinite(loss) || !TensorPrimitives.IsFiniteAll<float>(net.Gradients))
        {
            savedBuffers.AsSpan().CopyTo(net.Buffers);
            dropout?.SetState(dropoutState);
            throw new TrainingDivergedException(epoch, batch, loss);
        }
        if (clipNorm is float maxNorm) GradientClipping.ClipByNorm(net.Gradients, maxNorm);
        optimizer.Step(net.Parameters, net.Gradients);
        return loss;
    }

    /// <summary>
    /// Throws before training when a batch would hold one row and the network has BatchNorm (its buffers are named
    /// <c>running_mean</c> like PyTorch's), instead of failing in the middle of an epoch.
    /// </summary>
    private static void CheckBatchNorm(INetwork net, int n, int batch, bool dropLast)
    {
        int smallest = dropLast || n % batch == 0 ? batch : n % batch;
        if (smallest > 1 || !net.BufferLayout.Any(b => b.Name.EndsWith("running_mean", StringComparison.Ordinal))) return;
        throw new ArgumentException(batch == 1
            ? "BatchNorm cannot train on batches of one row (BatchSize 1, or a training set of one row): use batches of at least 2 rows."
            : $"The last batch of every epoch would hold one row ({n} rows in batches of {batch}), which BatchNorm cannot normalise " +
              "in training: set TrainingOptions.DropLast = true, or choose another batch size.", "options");
    }
}
