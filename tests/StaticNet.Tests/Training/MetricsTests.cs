using StaticNet.Tests.Data;
using Xunit;

namespace StaticNet.Tests.Training;

public sealed class MetricsTests
{
    // The recording network predicts row id % 3; labels here are chosen per row.
    private static readonly int[] Labels = [0, 1, 1, 0, 2, 2, 2, 0, 1];
    private static readonly Dataset Data = IdData.Labelled(9, 3, labelOf: i => Labels[i]);
    private static readonly RecordingNetwork<int> Net = new(2, 1, 3);

    [Fact]
    public void Accuracy_is_the_fraction_predicted_right()
    {
        int correct = Enumerable.Range(0, 9).Count(i => i % 3 == Labels[i]);
        Assert.Equal(correct / 9.0, Metrics.Accuracy(Net, Data));
    }

    [Fact]
    public void Confusion_matrix_is_actual_by_predicted()
    {
        int[,] matrix = Metrics.ConfusionMatrix(Net, Data);
        Assert.Equal(3, matrix.GetLength(0));
        Assert.Equal(3, matrix.GetLength(1));
        var expected = new int[3, 3];
        for (int i = 0; i < 9; i++) expected[Labels[i], i % 3]++;
        Assert.Equal(expected, matrix);
        Assert.Equal(9, matrix.Cast<int>().Sum());
    }

    [Fact]
    public void Unusable_datasets_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => Metrics.Accuracy(Net, IdData.Regression(4, 3, 1)));
        Assert.Throws<ArgumentException>(() => Metrics.Accuracy(Net, IdData.Labelled(4, 3, featureCount: 3)));
        Assert.Throws<ArgumentException>(() => Metrics.ConfusionMatrix(Net, new Dataset([], Array.Empty<int>(), 2, 3)));
    }
}
