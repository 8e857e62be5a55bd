using Xunit;

namespace StaticNet.Tests.Data;

/// <summary>
/// The embedded digits against values read independently from scikit-learn's digits.csv.gz (with zcat and awk) when
/// these tests were written.
/// </summary>
public sealed class DigitsTests
{
    [Fact]
    public void Has_1797_rows_of_64_features_and_10_classes()
    {
        Dataset digits = Datasets.LoadDigits();
        Assert.Equal(1797, digits.Count);
        Assert.Equal(64, digits.FeatureCount);
        Assert.Equal(10, digits.ClassCount);
        Assert.Equal(1797 * 64, digits.Features.Length);
        Assert.Equal(1797, digits.Labels.Length);
        Assert.True(digits.HasLabels);
    }

    [Fact]
    public void Rows_match_the_file()
    {
        Dataset digits = Datasets.LoadDigits();
        Assert.Equal([0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0], digits.Row(0)[..16].ToArray());
        Assert.Equal([0, 0, 0, 12, 13, 5, 0, 0], digits.Row(1)[..8].ToArray());
        Assert.Equal([0, 0, 9, 15, 14, 2, 0, 0], digits.Row(999)[..8].ToArray());
        Assert.Equal([0, 0, 10, 14, 8, 1, 0, 0], digits.Row(1796)[..8].ToArray());
        Assert.Equal([0, 1, 2], digits.Labels[..3]);
        Assert.Equal(3, digits.Labels[999]);
        Assert.Equal(8, digits.Labels[1796]);
        Assert.Equal(561718.0, digits.Features.Sum(v => (double)v));
        Assert.All(digits.Features, v => Assert.InRange(v, 0f, 16f));
    }

    [Fact]
    public void Class_counts_match_the_file()
    {
        int[] counts = new int[10];
        foreach (int label in Datasets.LoadDigits().Labels) counts[label]++;
        Assert.Equal([178, 182, 177, 183, 181, 182, 181, 179, 174, 180], counts);
    }

    [Fact]
    public void Each_call_returns_independent_arrays()
    {
        Dataset first = Datasets.LoadDigits();
        first.Features[2] = 99;
        first.Labels[0] = 7;
        Dataset second = Datasets.LoadDigits();
        Assert.Equal(5, second.Features[2]);
        Assert.Equal(0, second.Labels[0]);
    }
}
