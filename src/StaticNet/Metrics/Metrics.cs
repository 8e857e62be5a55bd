namespace StaticNet;

/// <summary>Classification metrics of a network on a labelled dataset.</summary>
public static class Metrics
{
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
