using Xunit;

namespace StaticNet.Tests.Data;

public sealed class StandardizerTests
{
    private static readonly Dataset Train = new([1, 10, 3, 10, 5, 10], [0, 1, 0], 2, 2);

    [Fact]
    public void Statistics_are_mean_and_population_std_with_1_for_constant_features()
    {
        Standardizer s = Standardizer.Fit(Train);
        Assert.Equal([3.0, 10.0], s.Mean);
        Assert.Equal(Math.Sqrt(8.0 / 3), s.Scale[0], 12);
        Assert.Equal(1.0, s.Scale[1]);
    }

    [Fact]
    public void Apply_uses_the_fitted_statistics_and_copies()
    {
        Standardizer s = Standardizer.Fit(Train);
        Dataset train = s.Apply(Train);
        float z = (float)(2 / Math.Sqrt(8.0 / 3));
        Assert.Equal([-z, 0, 0, 0, z, 0], train.Features);
        Assert.Equal(Train.Labels, train.Labels);
        Assert.NotSame(Train.Labels, train.Labels);
        Assert.Equal(1, Train.Features[0]); // source untouched

        // Another dataset is transformed with the training statistics, not its own.
        Dataset test = s.Apply(new Dataset([7, 12], [1], 2, 2));
        Assert.Equal([(float)(4 / Math.Sqrt(8.0 / 3)), 2f], test.Features);
    }

    [Fact]
    public void Apply_rejects_another_feature_count()
    {
        Standardizer s = Standardizer.Fit(Train);
        var e = Assert.Throws<ArgumentException>(() => s.Apply(new Dataset(new float[3], [0], 3, 2)));
        Assert.Contains("2 features", e.Message);
        Assert.Throws<ArgumentException>(() => s.Apply(new float[3].AsSpan()));
    }

    [Fact]
    public void Standardized_digits_train_set_has_zero_mean()
    {
        (Dataset train, _) = Datasets.LoadDigits().Split(0.2, 0);
        Dataset standardized = Standardizer.Fit(train).Apply(train);
        for (int j = 0; j < 64; j++)
        {
            double mean = Enumerable.Range(0, standardized.Count).Average(i => standardized.Row(i)[j]);
            Assert.InRange(mean, -1e-5, 1e-5);
        }
    }
}
