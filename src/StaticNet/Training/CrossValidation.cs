namespace StaticNet;

/// <summary>k-fold cross-validation: k fresh networks, each trained on k − 1 parts of a dataset and scored on the part held out.</summary>
public static class CrossValidation
{
    /// <summary>
    /// Splits <paramref name="data"/> into <paramref name="k"/> folds (<see cref="Dataset.KFold"/>, stratified by default)
    /// and, for each, trains a network from <paramref name="createNetwork"/> with an optimizer from
    /// <paramref name="createOptimizer"/> on the other folds, with the fold as <see cref="TrainingOptions.Validation"/>
    /// (so early stopping, if set, watches it), then scores it on the fold.
    /// </summary>
    /// <typeparam name="TNet">A trainable network: <see cref="ITrainableNetwork{TTarget}"/> of <see cref="int"/> or <see cref="float"/>.</typeparam>
    /// <param name="createNetwork">Makes a fresh network per fold.</param>
    /// <param name="createOptimizer">Makes a fresh optimizer per fold (optimizers keep state).</param>
    /// <param name="data">The data to split; usually the training split, with the test set kept apart.</param>
    /// <param name="k">Number of folds, at least 2.</param>
    /// <param name="options">The options of every fold's fit; <see cref="TrainingOptions.Validation"/> must be null (each
    /// fold sets it), and so must <see cref="TrainingOptions.Schedule"/> (a schedule is bound to one optimizer).</param>
    /// <param name="seed">Seed of the fold assignment.</param>
    /// <param name="stratify">Balance each class across folds (labelled data only).</param>
    /// <param name="cancellationToken">Checked before every batch of every fold.</param>
    /// <exception cref="ArgumentException">The options set Validation or Schedule, the network is not trainable, or the data does not fit it.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 2 or more than the rows.</exception>
    public static CrossValidationResult Run<TNet>(Func<TNet> createNetwork, Func<IOptimizer> createOptimizer, Dataset data, int k,
        TrainingOptions options, int seed = 0, bool stratify = true, CancellationToken cancellationToken = default)
        where TNet : INetwork
    {
        ArgumentNullException.ThrowIfNull(createNetwork);
        ArgumentNullException.ThrowIfNull(createOptimizer);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validation is not null)
            throw new ArgumentException("Cross-validation uses each held-out fold as the validation set: leave TrainingOptions.Validation null.", nameof(options));
        if (options.Schedule is not null)
            throw new ArgumentException(
                "A learning-rate schedule is bound to one optimizer, and cross-validation makes one per fold: leave TrainingOptions.Schedule null.", nameof(options));

        var folds = new List<CrossValidationFold>(k);
        foreach (var (train, validation) in data.KFold(k, seed, stratify))
        {
            TNet net = createNetwork();
            TrainingOptions foldOptions = options.Copy();
            foldOptions.Validation = validation;
            TrainingHistory history = net switch
            {
                ITrainableNetwork<int> classes => Trainer.Fit(classes, createOptimizer(), train, foldOptions, cancellationToken),
                ITrainableNetwork<float> targets => Trainer.Fit(targets, createOptimizer(), train, foldOptions, cancellationToken),
                null => throw new ArgumentException("createNetwork returned null.", nameof(createNetwork)),
                _ => throw new ArgumentException($"{net.GetType().Name} has no loss, so it cannot be trained.", nameof(createNetwork)),
            };
            double? accuracy = net is IClassifierNetwork classifier ? Metrics.Accuracy(classifier, validation) : null;
            folds.Add(new CrossValidationFold(folds.Count + 1, history, Metrics.Loss(net, validation), accuracy, train.Count, validation.Count));
        }
        return new CrossValidationResult(folds);
    }
}

/// <summary>One fold of <see cref="CrossValidation.Run"/>.</summary>
/// <param name="Fold">The fold, 1-based.</param>
/// <param name="History">The fold's fit.</param>
/// <param name="ValidationLoss">The trained network's loss on the held-out fold (<see cref="Metrics.Loss"/>; the best
/// epoch's when early stopping restored it).</param>
/// <param name="ValidationAccuracy">Its accuracy on the held-out fold, or null for a network that is not a classifier.</param>
/// <param name="TrainCount">Rows trained on.</param>
/// <param name="ValidationCount">Rows held out.</param>
public sealed record CrossValidationFold(int Fold, TrainingHistory History, float ValidationLoss, double? ValidationAccuracy, int TrainCount, int ValidationCount);

/// <summary>What <see cref="CrossValidation.Run"/> returns: every fold and the mean and spread of their scores.</summary>
public sealed class CrossValidationResult
{
    internal CrossValidationResult(IReadOnlyList<CrossValidationFold> folds)
    {
        Folds = folds;
        (MeanValidationLoss, StdValidationLoss) = MeanAndStd(folds.Select(f => (double)f.ValidationLoss).ToArray());
        if (folds.All(f => f.ValidationAccuracy is not null))
            (MeanAccuracy, StdAccuracy) = MeanAndStd(folds.Select(f => f.ValidationAccuracy!.Value).ToArray());
    }

    /// <summary>Every fold, in order.</summary>
    public IReadOnlyList<CrossValidationFold> Folds { get; }

    /// <summary>Mean of the folds' <see cref="CrossValidationFold.ValidationLoss"/>.</summary>
    public double MeanValidationLoss { get; }

    /// <summary>Population standard deviation (NumPy's <c>std</c>, ddof = 0) of the folds' validation losses.</summary>
    public double StdValidationLoss { get; }

    /// <summary>Mean of the folds' validation accuracies; null for a network that is not a classifier.</summary>
    public double? MeanAccuracy { get; }

    /// <summary>Population standard deviation of the folds' validation accuracies; null for a network that is not a classifier.</summary>
    public double? StdAccuracy { get; }

    private static (double Mean, double Std) MeanAndStd(double[] values)
    {
        double mean = values.Average();
        return (mean, Math.Sqrt(values.Average(v => (v - mean) * (v - mean))));
    }
}
