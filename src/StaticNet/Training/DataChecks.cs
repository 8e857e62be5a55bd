using System.Globalization;
using System.Numerics.Tensors;

namespace StaticNet;

/// <summary>
/// The checks a dataset passes before a network trains or is scored on it, so that bad data fails at once with the row
/// and value named, not as a NaN or an exception in the middle of training.
/// </summary>
internal static class DataChecks
{
    /// <summary>
    /// Throws unless the dataset has rows, the network's features, labels (<paramref name="classIndices"/>) or one
    /// target per output, the targets the network's loss accepts, and finite features.
    /// </summary>
    public static void ForTraining(INetwork net, Dataset data, string paramName, bool classIndices)
    {
        ArgumentNullException.ThrowIfNull(data, paramName);
        if (data.Count == 0) throw new ArgumentException("The dataset has no rows.", paramName);
        data.CheckFeatureCount(net, paramName);
        if (classIndices && !data.HasLabels)
            throw new ArgumentException("A class-index network needs class labels, but the dataset has float targets.", paramName);
        if (!classIndices && data.TargetCount != net.OutputSize)
            throw new ArgumentException(
                $"The network has {net.OutputSize} outputs, but the dataset has {data.TargetCount} targets per row.", paramName);
        Targets(net, data, paramName);
        FiniteFeatures(data, paramName);
    }

    /// <summary>Throws, naming the first bad row and feature (0-based), unless every feature is a finite number.</summary>
    public static void FiniteFeatures(Dataset data, string paramName)
    {
        float[] features = data.Features;
        if (TensorPrimitives.IsFiniteAll<float>(features)) return;
        int i = 0;
        while (float.IsFinite(features[i])) i++;
        throw new ArgumentException(
            $"Row {i / data.FeatureCount}, feature {i % data.FeatureCount} is {Text(features[i])}: features must be finite numbers " +
            "(a missing value? impute or drop the row).", paramName);
    }

    /// <summary>
    /// Throws unless every target is one the network's loss accepts: labels among its classes, binary cross-entropy
    /// targets in [0, 1], other float targets finite.
    /// </summary>
    public static void Targets(INetwork net, Dataset data, string paramName)
    {
        bool binaryLoss = net.Loss is LossFunction.BCE or LossFunction.BCEWithLogits;
        if (data.HasLabels)
        {
            // A binary network (one logit or probability) has the classes 0 and 1.
            int classes = net is IClassifierNetwork classifier ? classifier.ClassCount
                : net.Loss == LossFunction.CrossEntropy ? net.OutputSize
                : binaryLoss ? 2 : int.MaxValue;
            int[] labels = data.Labels;
            for (int row = 0; row < labels.Length; row++)
                if ((uint)labels[row] >= (uint)classes)
                    throw new ArgumentOutOfRangeException(paramName, labels[row],
                        $"Label {labels[row]} at row {row} is outside the network's {classes} classes [0, {classes})" +
                        (net.OutputSize == 1 ? " (a binary network: one output for the classes 0 and 1)." : "."));
            return;
        }
        float[] targets = data.Targets;
        int perRow = data.TargetCount;
        for (int i = 0; i < targets.Length; i++)
        {
            float t = targets[i];
            if (binaryLoss && !(t >= 0f && t <= 1f))
                throw new ArgumentOutOfRangeException(paramName, t,
                    $"Target {Text(t)} at row {i / perRow}, column {i % perRow} is outside [0, 1]; binary cross-entropy targets are probabilities of class 1.");
            if (!float.IsFinite(t))
                throw new ArgumentException($"Target {Text(t)} at row {i / perRow}, column {i % perRow} is not a finite number.", paramName);
        }
    }

    private static string Text(float value) => value.ToString(CultureInfo.InvariantCulture);
}
