using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace StaticNet;

/// <summary>Mini-batch training loop: epochs of <c>TrainStep</c> calls over a <see cref="Dataset"/>.</summary>
public static class Trainer
{
    /// <summary>Trains a class-index network (cross-entropy) on <see cref="Dataset.Labels"/>.</summary>
    /// <param name="net">The network; its parameters are updated in place.</param>
    /// <param name="optimizer">Applied after every batch.</param>
    /// <param name="train">A labelled dataset with the network's <c>InputSize</c> features.</param>
    /// <param name="options">Epochs, batch size, shuffling...; null for the defaults.</param>
    /// <exception cref="ArgumentException">The datasets do not fit the network, or the training set is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="TrainingOptions.Epochs"/> or <see cref="TrainingOptions.BatchSize"/> is negative.</exception>
    public static TrainingHistory Fit(ITrainableNetwork<int> net, IOptimizer optimizer, Dataset train, TrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (!train.HasLabels)
            throw new ArgumentException("A class-index network trains on labels, but the dataset has float targets.", nameof(train));
        return Run(net, optimizer, train, train.Labels, options ?? new TrainingOptions());
    }

    /// <summary>Trains a float-target network (BCE, MSE) on <see cref="Dataset.Targets"/> (labels as floats for a labelled dataset).</summary>
    /// <param name="net">The network; its parameters are updated in place.</param>
    /// <param name="optimizer">Applied after every batch.</param>
    /// <param name="train">A dataset with the network's <c>InputSize</c> features and <c>OutputSize</c> targets per row.</param>
    /// <param name="options">Epochs, batch size, shuffling...; null for the defaults.</param>
    /// <exception cref="ArgumentException">The datasets do not fit the network, or the training set is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="TrainingOptions.Epochs"/> or <see cref="TrainingOptions.BatchSize"/> is negative.</exception>
    public static TrainingHistory Fit(ITrainableNetwork<float> net, IOptimizer optimizer, Dataset train, TrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(train);
        if (train.TargetCount != net.OutputSize)
            throw new ArgumentException(
                $"The network has {net.OutputSize} outputs, but the dataset has {train.TargetCount} targets per row.", nameof(train));
        return Run(net, optimizer, train, train.Targets, options ?? new TrainingOptions());
    }

    // Optimised at its first call: a fit is usually the only call, so tiered compilation would run the epoch loop as
    // unoptimised code and then switch it over on the stack mid-run (measured: 4x slower epochs in a short fit).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static TrainingHistory Run<TTarget>(
        ITrainableNetwork<TTarget> net, IOptimizer optimizer, Dataset train, TTarget[] targets, TrainingOptions options)
        where TTarget : unmanaged
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(optimizer);
        // Read once: the options object is mutable, and the callback could change it mid-fit.
        (int epochs, int batchSize, Dataset? validation, Action<EpochResult>? onEpochEnd, float? clipNorm, ILearningRateSchedule? schedule) =
            (options.Epochs, options.BatchSize, options.Validation, options.OnEpochEnd, options.ClipNorm, options.Schedule);
        if (clipNorm is float limit && !(limit > 0f))
            throw new ArgumentOutOfRangeException("options.ClipNorm", limit, "The clipping norm must be positive.");
        ArgumentOutOfRangeException.ThrowIfNegative(epochs, "options.Epochs");
        ArgumentOutOfRangeException.ThrowIfNegative(batchSize, "options.BatchSize");
        train.CheckFeatureCount(net, nameof(train));
        if (train.Count == 0) throw new ArgumentException("The training set has no rows.", nameof(train));
        IClassifierNetwork? classifier = null;
        if (validation is not null)
        {
            classifier = net as IClassifierNetwork
                ?? throw new ArgumentException("Validation is measured as accuracy, which needs an IClassifierNetwork.", nameof(options));
            Metrics.CheckCompatible(classifier, validation, "options.Validation");
        }

        int n = train.Count, f = train.FeatureCount, t = targets.Length / n;
        int batch = batchSize == 0 ? n : Math.Min(batchSize, n);
        float[] features = train.Features;
        // Without shuffling, every batch is a contiguous slice of the dataset and is passed as is. With shuffling, rows
        // are gathered into buffers allocated once here, so the epoch loop allocates nothing.
        bool shuffle = options.Shuffle && batch < n;
        int[] order = shuffle ? Enumerable.Range(0, n).ToArray() : [];
        float[] inputBuffer = shuffle ? new float[batch * f] : [];
        TTarget[] targetBuffer = shuffle ? new TTarget[batch * t] : [];
        var rng = new Rng(options.Seed);

        var losses = new float[epochs];
        var accuracies = classifier is null ? [] : new double[epochs];
        long start = Stopwatch.GetTimestamp();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            if (shuffle) rng.Shuffle<int>(order);
            double weightedSum = 0;
            for (int first = 0; first < n; first += batch)
            {
                int size = Math.Min(batch, n - first);
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
                }
                // Weighted by batch size so a smaller last batch counts for its rows only; in double, so a full batch's
                // epoch loss is exactly the loss TrainStep returned.
                weightedSum += (double)Step(net, optimizer, inputs, batchTargets, clipNorm) * size;
            }
            losses[epoch] = (float)(weightedSum / n);
            schedule?.Step(losses[epoch]);
            double? accuracy = classifier is null ? null : accuracies[epoch] = Metrics.Accuracy(classifier, validation!);
            onEpochEnd?.Invoke(new EpochResult(epoch + 1, epochs, losses[epoch], accuracy, Stopwatch.GetElapsedTime(start)));
        }
        return new TrainingHistory(losses, accuracies, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>One optimizer step; with clipping, the gradients are clipped between backward and the step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Step<TTarget>(ITrainableNetwork<TTarget> net, IOptimizer optimizer,
        ReadOnlySpan<float> inputs, ReadOnlySpan<TTarget> targets, float? clipNorm)
        where TTarget : unmanaged
    {
        if (clipNorm is not float maxNorm) return net.TrainStep(inputs, targets, optimizer);
        float loss = net.ComputeGradients(inputs, targets);
        GradientClipping.ClipByNorm(net.Gradients, maxNorm);
        optimizer.Step(net.Parameters, net.Gradients);
        return loss;
    }
}
