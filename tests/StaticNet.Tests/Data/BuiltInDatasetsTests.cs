using Xunit;

namespace StaticNet.Tests.Data;

/// <summary>The embedded breast cancer and diabetes data against values read from scikit-learn's files with awk and zcat.</summary>
public sealed class BuiltInDatasetsTests
{
    [Fact]
    public void Breast_cancer_has_569_rows_of_30_features_and_labels_0_and_1()
    {
        Dataset data = Datasets.LoadBreastCancer();
        Assert.Equal((569, 30, 2), (data.Count, data.FeatureCount, data.ClassCount));
        Assert.Equal(212, data.Labels.Count(l => l == 0)); // malignant
        Assert.Equal(357, data.Labels.Count(l => l == 1)); // benign
        Assert.Equal([17.99f, 10.38f, 122.8f, 1001f], data.Row(0)[..4].ToArray());
        Assert.Equal(0.07039f, data.Row(568)[29]);
        Assert.Equal(1, data.Labels[568]);
        Assert.Equal(8038.429, Enumerable.Range(0, 569).Sum(i => (double)data.Row(i)[0]), 3);
    }

    [Fact]
    public void Diabetes_has_442_rows_of_10_raw_features_and_one_float_target()
    {
        Dataset data = Datasets.LoadDiabetes();
        Assert.Equal((442, 10, 1), (data.Count, data.FeatureCount, data.TargetCount));
        Assert.False(data.HasLabels);
        Assert.Equal([59f, 2f, 32.1f, 101f, 157f, 93.2f, 38f, 4f, 4.8598f, 87f], data.Row(0).ToArray());
        Assert.Equal([36f, 1f, 19.6f, 71f, 250f, 133.2f, 97f, 3f, 4.5951f, 92f], data.Row(441).ToArray());
        Assert.Equal(151f, data.Targets[0]);
        Assert.Equal(57f, data.Targets[441]);
        Assert.Equal(67243.0, data.Targets.Sum(t => (double)t));
        Assert.Equal(25f, data.Targets.Min());
        Assert.Equal(346f, data.Targets.Max());
        Assert.Equal(21445.0, Enumerable.Range(0, 442).Sum(i => (double)data.Row(i)[0]));
    }

    [Fact]
    public void Each_call_returns_fresh_arrays()
    {
        Dataset a = Datasets.LoadDiabetes(), b = Datasets.LoadDiabetes();
        a.Features[0] = -1;
        a.Targets[0] = -1;
        Assert.Equal(59f, b.Features[0]);
        Assert.Equal(151f, b.Targets[0]);
        Dataset c = Datasets.LoadBreastCancer();
        c.Labels[0] = 1;
        Assert.Equal(0, Datasets.LoadBreastCancer().Labels[0]);
    }
}
