using StaticNet.Kernels;

namespace StaticNet;

/// <summary>
/// What a network scores on a dataset: its loss, accuracy, a classification report (precision, recall, F1) or a
/// regression report (MSE, MAE, R²). Everything here uses inference semantics: <c>Forward</c> or <c>Predict</c>, so
/// dropout is off and BatchNorm uses its running statistics.
/// </summary>
public static class Metrics
{
    // Rows per Forward call when a whole dataset is evaluated: bounds the output buffer and the kernels' scratch.
    private const int ChunkRows = 1024;

    /// <summary>The fraction of rows whose <see cref="IInferenceClassifier.Predict"/> equals the label, in [0, 1].</summary>
    /// <exception cref="ArgumentException">The dataset has no labels, no rows, or not the network's number of features.</exception>
    public static double Accuracy(IClassifierNetwork net, Dataset data)
    {
        CheckCompatible(net, data, nameof(data));
        int[] labels = data.Labels;
        int correct = 0;
        for (int i = 0; i < data.Count; i++)
            if (net.Predict(data.Row(i)) == labels[i]) correct++;
        return (double)correct / data.Count;
    }

    /// <summary>
    /// Counts indexed <c>[actual, predicted]</c>, square with <c>max(net.ClassCount, data.ClassCount)</c> classes per side
    /// (like scikit-learn's <c>confusion_matrix</c>: rows are true labels).
    /// </summary>
    /// <exception cref="ArgumentException">The dataset has no labels, no rows, or not the network's number of features.</exception>
    public static int[,] ConfusionMatrix(IClassifierNetwork net, Dataset data)
    {
        CheckCompatible(net, data, nameof(data));
        int[] labels = data.Labels;
        int classes = Math.Max(net.ClassCount, data.ClassCount);
        var matrix = new int[classes, classes];
        for (int i = 0; i < data.Count; i++)
            matrix[labels[i], net.Predict(data.Row(i))]++;
        return matrix;
    }

    /// <summary>
    /// The network's own loss (<see cref="INetwork.Loss"/>) over the whole dataset with PyTorch's mean reduction, from
    /// <c>Forward</c> outputs (dropout off, BatchNorm running statistics) and without the layers' L1/L2 penalties: what
    /// <c>criterion(model.eval()(x), y)</c> gives, and what <see cref="TrainingOptions.Validation"/> records every epoch.
    /// Cross-entropy networks are scored on <see cref="Dataset.Labels"/>, the others on <see cref="Dataset.Targets"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The network has no loss, or the dataset does not fit it (no rows, other feature
    /// or target counts, float targets for a cross-entropy network, a feature or target that is not finite).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside the network's classes, or a binary cross-entropy
    /// target is outside [0, 1].</exception>
    public static float Loss(INetwork net, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(net);
        if (net.Loss == LossFunction.None)
            throw new ArgumentException("The network has no loss (INetwork.Loss is None): it is inference-only.", nameof(net));
        DataChecks.ForTraining(net, data, nameof(data), classIndices: net.Loss == LossFunction.CrossEntropy);
        return MeanLoss(net, data, EvaluationBuffer(net, data));
    }

    /// <summary>
    /// Precision, recall, F1 and support of every class of <paramref name="net"/>, their averages, the accuracy and the
    /// confusion matrix, from <see cref="IInferenceClassifier.Predict"/> on every row (scikit-learn's
    /// <c>classification_report</c> with <c>labels=range(ClassCount)</c> and <c>zero_division=0</c>). A binary network
    /// (one logit or one probability) reports the two classes 0 and 1.
    /// </summary>
    /// <exception cref="ArgumentException">The dataset has no labels, no rows, or not the network's number of features.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside the network's classes.</exception>
    public static ClassificationReport Classification(IClassifierNetwork net, Dataset data)
    {
        CheckCompatible(net, data, nameof(data));
        DataChecks.Targets(net, data, nameof(data));
        int[] labels = data.Labels;
        var matrix = new int[net.ClassCount, net.ClassCount];
        for (int i = 0; i < data.Count; i++)
            matrix[labels[i], net.Predict(data.Row(i))]++;
        return new ClassificationReport(matrix);
    }

    /// <summary>
    /// Mean squared and absolute errors and R² of the network's <c>Forward</c> outputs against
    /// <see cref="Dataset.Targets"/>. With <paramref name="standardizer"/> (one fitted with target statistics, see
    /// <see cref="Standardizer.Fit(Dataset, bool)"/>), outputs and targets are first mapped back to original units
    /// (<see cref="Standardizer.InvertTargets"/>), so a network trained on standardized targets is reported in the
    /// units of the data.
    /// </summary>
    /// <exception cref="ArgumentException">The dataset has no rows, not the network's number of features, not one target per
    /// output, or the standardizer has no target statistics or not one per output.</exception>
    public static RegressionReport Regression(INetwork net, Dataset data, Standardizer? standardizer = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) throw new ArgumentException("The dataset has no rows.", nameof(data));
        data.CheckFeatureCount(net, nameof(data));
        if (data.TargetCount != net.OutputSize)
            throw new ArgumentException(
                $"The network has {net.OutputSize} outputs, but the dataset has {data.TargetCount} targets per row.", nameof(data));
        var predicted = new float[data.Count * net.OutputSize];
        ForwardAll(net, data, predicted);
        float[] actual = data.Targets;
        if (standardizer is not null)
        {
            actual = (float[])actual.Clone();
            standardizer.InvertTargets(predicted);
            standardizer.InvertTargets(actual);
        }
        return new RegressionReport(predicted, actual, net.OutputSize);
    }

    /// <summary>An output buffer for <see cref="MeanLoss"/> on <paramref name="data"/>, allocated once per fit.</summary>
    internal static float[] EvaluationBuffer(INetwork net, Dataset data) => new float[Math.Min(data.Count, ChunkRows) * net.OutputSize];

    /// <summary>The mean loss (see <see cref="Loss"/>) of a checked dataset, with <paramref name="outputs"/> as scratch; allocates nothing.</summary>
    internal static float MeanLoss(INetwork net, Dataset data, float[] outputs)
    {
        int n = data.Count, f = data.FeatureCount, o = net.OutputSize, chunk = outputs.Length / o;
        LossFunction loss = net.Loss;
        int[]? labels = loss == LossFunction.CrossEntropy ? data.Labels : null;
        float[]? targets = labels is null ? data.Targets : null;
        double total = 0;
        for (int first = 0; first < n; first += chunk)
        {
            int rows = Math.Min(chunk, n - first);
            Span<float> y = outputs.AsSpan(0, rows * o);
            net.Forward(data.Features.AsSpan(first * f, rows * f), y);
            ReadOnlySpan<float> t = targets is null ? default : targets.AsSpan(first * o, rows * o);
            float mean = loss switch
            {
                LossFunction.CrossEntropy => Losses.CrossEntropy(y, labels.AsSpan(first, rows), default, rows, o),
                LossFunction.BCEWithLogits => Losses.BCEWithLogits(y, t, default),
                LossFunction.BCE => Losses.BCE(y, t, default),
                LossFunction.MSE => Losses.MSE(y, t, default),
                _ => throw new ArgumentException($"The loss {loss} cannot be evaluated.", nameof(net)),
            };
            // Each chunk's mean weighted by its rows: the mean over the whole dataset (every row has OutputSize values).
            total += (double)mean * rows;
        }
        return (float)(total / n);
    }

    /// <summary>Inference for every row of <paramref name="data"/> into <paramref name="outputs"/>, a chunk of rows at a time.</summary>
    internal static void ForwardAll(INetwork net, Dataset data, Span<float> outputs)
    {
        int n = data.Count, f = data.FeatureCount, o = net.OutputSize;
        for (int first = 0; first < n; first += ChunkRows)
        {
            int rows = Math.Min(ChunkRows, n - first);
            net.Forward(data.Features.AsSpan(first * f, rows * f), outputs.Slice(first * o, rows * o));
        }
    }

    /// <summary>Throws unless <paramref name="net"/> can be scored on <paramref name="data"/>.</summary>
    internal static void CheckCompatible(IClassifierNetwork net, Dataset data, string paramName)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(data, paramName);
        if (!data.HasLabels) throw new ArgumentException("Accuracy needs class labels, but the dataset has float targets.", paramName);
        if (data.Count == 0) throw new ArgumentException("The dataset has no rows.", paramName);
        data.CheckFeatureCount(net, paramName);
    }
}
