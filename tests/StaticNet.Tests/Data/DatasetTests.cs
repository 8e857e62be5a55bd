using Xunit;

namespace StaticNet.Tests.Data;

public sealed class DatasetTests
{
    [Fact]
    public void Features_must_be_whole_rows()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset(new float[10], new int[3], 3, 2));
        Assert.Equal("features", e.ParamName);
        Assert.Contains("rows of 3 features", e.Message);
        Assert.Contains("has 10 values", e.Message);
    }

    [Fact]
    public void Labels_must_have_one_per_row()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset(new float[6], new int[3], 3, 2));
        Assert.Equal("labels", e.ParamName);
        Assert.Contains("Expected 2 labels", e.Message);
        Assert.Contains("got 3", e.Message);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    public void Labels_must_be_class_indices(int bad)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset(new float[9], [0, 2, bad], 3, 3));
        Assert.Contains("row 2", e.Message);
        Assert.Contains("3 classes", e.Message);
    }

    [Fact]
    public void Targets_must_have_target_count_per_row()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset(new float[6], new float[3], 3, 2));
        Assert.Equal("targets", e.ParamName);
        Assert.Contains("Expected 4 targets", e.Message);
        Assert.Contains("got 3", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset(new float[6], new float[0], 3, 0));
    }

    [Fact]
    public void Classification_targets_are_the_labels_as_floats()
    {
        var data = new Dataset(new float[6], [1, 0, 1], 2, 2);
        Assert.Equal([1f, 0f, 1f], data.Targets);
        Assert.Equal(1, data.TargetCount);
    }

    [Fact]
    public void Regression_dataset_has_targets_and_no_labels()
    {
        var data = new Dataset([1, 2, 3, 4], [0.5f, 1.5f, 2.5f, 3.5f], 2, 2);
        Assert.False(data.HasLabels);
        Assert.Equal(2, data.Count);
        Assert.Equal(2, data.TargetCount);
        Assert.Equal(0, data.ClassCount);
        Assert.Equal([0.5f, 1.5f, 2.5f, 3.5f], data.Targets);
        Assert.Throws<InvalidOperationException>(() => data.Labels);
    }

    [Fact]
    public void Row_is_a_view_of_the_features()
    {
        var data = new Dataset([1, 2, 3, 4, 5, 6], [0, 1, 0], 2, 2);
        Assert.Equal([3f, 4f], data.Row(1).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Row(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Row(-1));
    }

    [Fact]
    public void Subset_copies_rows_in_the_given_order()
    {
        Dataset data = IdData.Labelled(5, 3);
        Dataset subset = data.Subset([4, 0, 4]);
        Assert.Equal([4, 0, 4], IdData.Ids(subset));
        Assert.Equal([1, 0, 1], subset.Labels);
        subset.Features[0] = 100;
        Assert.Equal(4, data.Row(4)[0]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => data.Subset([1, 5]));
        Assert.Contains("Row 5", e.Message);

        Dataset regression = IdData.Regression(5, 3, targetCount: 2).Subset([2, 1]);
        Assert.Equal([2f, 2f, 1f, 1f], regression.Targets);
    }

    // ---- Split ----

    [Fact]
    public void Digits_split_has_sklearn_sizes_and_stratified_class_counts()
    {
        Dataset digits = Datasets.LoadDigits();
        (Dataset train, Dataset test) = digits.Split(0.2, seed: 42);
        Assert.Equal(360, test.Count); // sklearn: ceil(0.2 × 1797)
        Assert.Equal(1437, train.Count);
        int[] all = ClassCounts(digits), inTest = ClassCounts(test), inTrain = ClassCounts(train);
        for (int c = 0; c < 10; c++)
        {
            Assert.InRange(inTest[c], all[c] * 360.0 / 1797 - 1, all[c] * 360.0 / 1797 + 1);
            Assert.Equal(all[c], inTest[c] + inTrain[c]);
        }
    }

    [Fact]
    public void Split_puts_every_row_in_exactly_one_set_with_its_label()
    {
        int[] digitLabels = Datasets.LoadDigits().Labels;
        Dataset data = IdData.Labelled(1797, 10, labelOf: i => digitLabels[i]);
        foreach (bool stratify in new[] { true, false })
        {
            (Dataset train, Dataset test) = data.Split(0.2, seed: 1, stratify);
            int[] ids = [.. IdData.Ids(train), .. IdData.Ids(test)];
            Assert.Equal(Enumerable.Range(0, 1797), ids.Order());
            Assert.All(Enumerable.Range(0, test.Count), j => Assert.Equal(digitLabels[IdData.Ids(test)[j]], test.Labels[j]));
            Assert.Equal(360, test.Count);
            // Shuffled, not grouped by class or in file order.
            Assert.NotEqual(IdData.Ids(test).Order(), IdData.Ids(test));
        }
    }

    [Fact]
    public void Split_is_deterministic_for_a_seed()
    {
        Dataset data = IdData.Labelled(200, 4);
        Assert.Equal(IdData.Ids(data.Split(0.3, 7).Test), IdData.Ids(data.Split(0.3, 7).Test));
        Assert.NotEqual(IdData.Ids(data.Split(0.3, 7).Test), IdData.Ids(data.Split(0.3, 8).Test));
        Assert.Equal(IdData.Ids(data.Split(0.3, 7, false).Test), IdData.Ids(data.Split(0.3, 7, false).Test));
    }

    [Theory]
    [InlineData(100, 0.25, 25)]
    [InlineData(3, 0.5, 2)]
    [InlineData(10, 0.01, 1)]
    public void Split_test_size_is_the_ceiling(int count, double fraction, int expectedTest)
    {
        (Dataset train, Dataset test) = IdData.Labelled(count, 2).Split(fraction, 0);
        Assert.Equal(expectedTest, test.Count);
        Assert.Equal(count - expectedTest, train.Count);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Split_rejects_fractions_outside_0_1(double fraction)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => IdData.Labelled(10, 2).Split(fraction, 0));
        Assert.Equal("testFraction", e.ParamName);
    }

    [Fact]
    public void Split_rejects_an_empty_training_set()
    {
        var e = Assert.Throws<ArgumentException>(() => IdData.Labelled(2, 2).Split(0.9, 0));
        Assert.Contains("no training row", e.Message);
    }

    [Fact]
    public void Regression_split_ignores_stratify()
    {
        (Dataset train, Dataset test) = IdData.Regression(50, 3, targetCount: 2).Split(0.2, 0);
        Assert.Equal(10, test.Count);
        Assert.Equal(40, train.Count);
        Assert.All(Enumerable.Range(0, test.Count), j => Assert.Equal(IdData.Ids(test)[j] % 3, test.Targets[2 * j + 1]));
    }

    // ---- KFold ----

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void KFold_validates_every_row_exactly_once(bool stratify)
    {
        Dataset data = IdData.Labelled(103, 4, labelOf: i => i % 7 == 0 ? 3 : i % 3);
        var folds = data.KFold(5, seed: 3, stratify);
        Assert.Equal(5, folds.Count);
        Assert.Equal(Enumerable.Range(0, 103), folds.SelectMany(f => IdData.Ids(f.Validation)).Order());
        foreach ((Dataset train, Dataset validation) in folds)
        {
            Assert.InRange(validation.Count, 20, 21);
            int[] ids = IdData.Ids(train);
            Assert.Equal(ids.Order(), ids); // dataset order
            Assert.Equal(Enumerable.Range(0, 103), ids.Concat(IdData.Ids(validation)).Order());
        }
        if (stratify)
            for (int c = 0; c < 4; c++)
            {
                int[] perFold = folds.Select(f => ClassCounts(f.Validation)[c]).ToArray();
                Assert.True(perFold.Max() - perFold.Min() <= 1, $"class {c}: {string.Join(", ", perFold)}");
            }
    }

    [Fact]
    public void KFold_is_deterministic_for_a_seed()
    {
        Dataset data = IdData.Labelled(60, 3);
        Assert.Equal(IdData.Ids(data.KFold(4, 1)[0].Validation), IdData.Ids(data.KFold(4, 1)[0].Validation));
        Assert.NotEqual(IdData.Ids(data.KFold(4, 1)[0].Validation), IdData.Ids(data.KFold(4, 2)[0].Validation));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(11)]
    public void KFold_rejects_k_outside_2_to_count(int k) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => IdData.Labelled(10, 2).KFold(k, 0));

    private static int[] ClassCounts(Dataset data)
    {
        var counts = new int[data.ClassCount];
        foreach (int label in data.Labels) counts[label]++;
        return counts;
    }
}

public sealed class SplitThreeTests
{
    private static int[] ClassCounts(Dataset data) =>
        Enumerable.Range(0, data.ClassCount).Select(c => data.Labels.Count(l => l == c)).ToArray();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_three_sets_are_disjoint_and_cover_every_row(bool stratify)
    {
        int[] digitLabels = Datasets.LoadDigits().Labels;
        Dataset data = IdData.Labelled(1797, 10, labelOf: i => digitLabels[i]);
        var (train, validation, test) = data.SplitThree(0.15, 0.2, seed: 3, stratify);
        Assert.Equal(360, test.Count); // ceil(0.2 × 1797)
        Assert.Equal(270, validation.Count); // ceil(0.15 × 1797)
        Assert.Equal(1797 - 630, train.Count);
        int[] ids = [.. IdData.Ids(train), .. IdData.Ids(validation), .. IdData.Ids(test)];
        Assert.Equal(Enumerable.Range(0, 1797), ids.Order());
        Assert.All(Enumerable.Range(0, validation.Count), j => Assert.Equal(digitLabels[IdData.Ids(validation)[j]], validation.Labels[j]));
    }

    [Fact]
    public void Each_class_gets_its_share_of_every_set()
    {
        Dataset digits = Datasets.LoadDigits();
        var (train, validation, test) = digits.SplitThree(0.2, 0.2, seed: 5);
        int[] all = ClassCounts(digits);
        foreach (var (set, share) in new[] { (validation, 0.2), (test, 0.2), (train, 0.6) })
        {
            int[] counts = ClassCounts(set);
            for (int c = 0; c < 10; c++) Assert.InRange(counts[c], all[c] * share - 1.5, all[c] * share + 1.5);
        }
    }

    [Fact]
    public void The_test_set_is_the_one_Split_gives()
    {
        Dataset data = IdData.Labelled(500, 4);
        var (train, validation, test) = data.SplitThree(0.1, 0.25, seed: 9);
        var (splitTrain, splitTest) = data.Split(0.25, seed: 9);
        Assert.Equal(IdData.Ids(splitTest), IdData.Ids(test));
        Assert.Equal(IdData.Ids(splitTrain).Order(), IdData.Ids(train).Concat(IdData.Ids(validation)).Order());
        Assert.Equal(IdData.Ids(validation), IdData.Ids(data.SplitThree(0.1, 0.25, seed: 9).Validation));
        Assert.NotEqual(IdData.Ids(validation), IdData.Ids(data.SplitThree(0.1, 0.25, seed: 10).Validation));
    }

    [Fact]
    public void Regression_data_splits_three_ways_too()
    {
        var (train, validation, test) = IdData.Regression(100, 3, targetCount: 2).SplitThree(0.2, 0.1, seed: 0);
        Assert.Equal((70, 20, 10), (train.Count, validation.Count, test.Count));
        Assert.All(Enumerable.Range(0, validation.Count), j => Assert.Equal(IdData.Ids(validation)[j] % 3, validation.Targets[2 * j]));
    }

    [Fact]
    public void Bad_fractions_are_rejected()
    {
        Dataset data = IdData.Labelled(10, 2);
        Assert.Equal("validationFraction", Assert.Throws<ArgumentOutOfRangeException>(() => data.SplitThree(0, 0.2, 0)).ParamName);
        Assert.Equal("testFraction", Assert.Throws<ArgumentOutOfRangeException>(() => data.SplitThree(0.2, 1, 0)).ParamName);
        Assert.Contains("no training row", Assert.Throws<ArgumentException>(() => data.SplitThree(0.5, 0.5, 0)).Message);
    }
}
