using StaticNet.Tests.Parity;
using Xunit;

namespace StaticNet.Tests.Training;

/// <summary>ClassificationReport and RegressionReport against hand-computed cases (scikit-learn's definitions).</summary>
public sealed class ReportTests
{
    // Rows are actual classes. Class 2 is never predicted (precision 0 by zero_division=0) and never predicted right.
    private static readonly int[,] ThreeClasses = { { 5, 1, 0 }, { 2, 3, 0 }, { 1, 1, 0 } };

    [Fact]
    public void Per_class_and_average_figures_match_a_hand_computation()
    {
        var report = new ClassificationReport(ThreeClasses);
        Assert.Equal(3, report.ClassCount);
        Assert.Equal(13, report.Total);
        Assert.Equal(8 / 13.0, report.Accuracy, 12);
        Assert.Equal([6, 5, 2], report.Support);
        Assert.Equal([5 / 8.0, 3 / 5.0, 0], report.Precision);
        Assert.Equal([5 / 6.0, 3 / 5.0, 0], report.Recall);
        Assert.Equal(10 / 14.0, report.F1[0], 12);
        Assert.Equal(0.6, report.F1[1], 12);
        Assert.Equal(0, report.F1[2]);
        Assert.Equal((5 / 8.0 + 3 / 5.0) / 3, report.MacroPrecision, 12);
        Assert.Equal((5 / 6.0 + 3 / 5.0) / 3, report.MacroRecall, 12);
        Assert.Equal((10 / 14.0 + 0.6) / 3, report.MacroF1, 12);
        Assert.Equal((6 * 10 / 14.0 + 5 * 0.6) / 13, report.WeightedF1, 12);
        Assert.Equal((6 * 5 / 8.0 + 5 * 3 / 5.0) / 13, report.WeightedPrecision, 12);
        Assert.Equal(report.Accuracy, report.WeightedRecall, 12);
        Assert.Equal(ThreeClasses, report.ConfusionMatrix);
    }

    [Fact]
    public void A_class_without_support_scores_zero_recall_and_F1()
    {
        // Class 1 has no rows but is predicted once: precision 0/1, recall 0/0 → 0, F1 0.
        var report = new ClassificationReport(new[,] { { 3, 1 }, { 0, 0 } });
        Assert.Equal([1.0, 0], report.Precision);
        Assert.Equal([0.75, 0], report.Recall);
        Assert.Equal(6 / 7.0, report.F1[0], 12);
        Assert.Equal(0, report.F1[1]);
        Assert.Equal([4, 0], report.Support);
        Assert.Equal(3 / 7.0, report.MacroF1, 12);
        Assert.Equal(6 / 7.0, report.WeightedF1, 12);

        var empty = new ClassificationReport(new int[2, 2]);
        Assert.Equal(0, empty.Accuracy);
        Assert.Equal(0, empty.WeightedF1);
    }

    [Fact]
    public void Text_is_laid_out_like_scikit_learns_classification_report()
    {
        // The strings scikit-learn's formatting code prints for these figures.
        Assert.Equal(
            "              precision    recall  f1-score   support\n\n" +
            "           0       0.62      0.83      0.71         6\n" +
            "           1       0.60      0.60      0.60         5\n" +
            "           2       0.00      0.00      0.00         2\n\n" +
            "    accuracy                           0.62        13\n" +
            "   macro avg       0.41      0.48      0.44        13\n" +
            "weighted avg       0.52      0.62      0.56        13\n",
            new ClassificationReport(ThreeClasses).ToString());
        Assert.Equal(
            "                   precision    recall  f1-score   support\n\n" +
            "              cat     0.6250    0.8333    0.7143         6\n" +
            "              dog     0.6000    0.6000    0.6000         5\n" +
            "hamster-long-name     0.0000    0.0000    0.0000         2\n\n" +
            "         accuracy                         0.6154        13\n" +
            "        macro avg     0.4083    0.4778    0.4381        13\n" +
            "     weighted avg     0.5192    0.6154    0.5604        13\n",
            new ClassificationReport(ThreeClasses).ToString(4, ["cat", "dog", "hamster-long-name"]));
        Assert.Throws<ArgumentException>(() => new ClassificationReport(ThreeClasses).ToString(2, ["a", "b"]));
    }

    [Fact]
    public void Bad_matrices_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new ClassificationReport(new int[2, 3]));
        Assert.Throws<ArgumentException>(() => new ClassificationReport(new int[0, 0]));
        var e = Assert.Throws<ArgumentException>(() => new ClassificationReport(new[,] { { 1, -1 }, { 0, 2 } }));
        Assert.Contains("[0, 1]", e.Message);
    }

    [Fact]
    public void Metrics_Classification_counts_the_networks_predictions()
    {
        (Dataset train, Dataset test) = Datasets.LoadDigits().Split(0.2, seed: 0);
        var net = new SeedDigitsNet(1);
        Trainer.Fit(net, new Adam(1e-2f), train, new TrainingOptions { Epochs = 3 });
        ClassificationReport report = Metrics.Classification(net, test);
        Assert.Equal(Metrics.ConfusionMatrix(net, test), report.ConfusionMatrix);
        Assert.Equal(Metrics.Accuracy(net, test), report.Accuracy, 12);
        Assert.Equal(test.Labels.GroupBy(l => l).OrderBy(g => g.Key).Select(g => g.Count()), report.Support);
    }

    [Fact]
    public void A_binary_network_reports_the_classes_0_and_1()
    {
        var (train, test) = Datasets.LoadBreastCancer().Split(0.3, seed: 1);
        Standardizer s = Standardizer.Fit(train);
        var net = new BinaryLogitsNet(2);
        Trainer.Fit(net, new Adam(1e-2f), s.Apply(train), new TrainingOptions { Epochs = 5 });
        Dataset scaled = s.Apply(test);
        ClassificationReport report = Metrics.Classification(net, scaled);
        Assert.Equal(2, report.ClassCount);
        var expected = new int[2, 2];
        for (int i = 0; i < scaled.Count; i++) expected[scaled.Labels[i], net.Predict(scaled.Row(i))]++;
        Assert.Equal(expected, report.ConfusionMatrix);
        Assert.True(report.F1[1] > 0.9, report.ToString());

        var tenClasses = new Dataset(new float[30 * 3], [0, 1, 5], 30, 10);
        Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.Classification(net, tenClasses));
    }

    [Fact]
    public void Regression_figures_match_a_hand_computation()
    {
        var report = new RegressionReport([1, 2, 3, 4], [1, 3, 2, 6], 1);
        Assert.Equal(4, report.Count);
        Assert.Equal(1.5, report.MeanSquaredError, 12);
        Assert.Equal(Math.Sqrt(1.5), report.RootMeanSquaredError, 12);
        Assert.Equal(1.0, report.MeanAbsoluteError, 12);
        Assert.Equal(1 - 6 / 14.0, report.R2, 12); // ȳ = 3, Σ(y − ȳ)² = 14

        // Two outputs, uniform average; the second target is constant: R² 1 when predicted exactly, else 0.
        var exact = new RegressionReport([1, 5, 2, 5, 3, 5, 4, 5], [1, 5, 3, 5, 2, 5, 6, 5], 2);
        Assert.Equal((1 - 6 / 14.0 + 1) / 2, exact.R2, 12);
        Assert.Equal(0.75, exact.MeanSquaredError, 12);
        var off = new RegressionReport([1, 5, 2, 5, 3, 5, 4, 6], [1, 5, 3, 5, 2, 5, 6, 5], 2);
        Assert.Equal((1 - 6 / 14.0) / 2, off.R2, 12);
        Assert.Equal((1.5 + 0.25) / 2, off.MeanSquaredError, 12);
        Assert.Equal((Math.Sqrt(1.5) + 0.5) / 2, off.RootMeanSquaredError, 12);
        Assert.Equal((1 + 0.25) / 2, off.MeanAbsoluteError, 12);
        Assert.Contains("R2", off.ToString());

        Assert.Throws<ArgumentException>(() => new RegressionReport([1, 2], [1, 2, 3], 1));
        Assert.Throws<ArgumentException>(() => new RegressionReport([1, 2, 3], [1, 2, 3], 2));
        Assert.Throws<ArgumentException>(() => new RegressionReport([], [], 1));
    }

    [Fact]
    public void Metrics_Regression_reports_in_original_units_with_the_standardizer()
    {
        var (train, test) = Datasets.LoadDiabetes().Split(0.2, seed: 4);
        Standardizer s = Standardizer.Fit(train, scaleTargets: true);
        var net = new ActivationsRegressionNet(3);
        Trainer.Fit(net, new Adam(1e-2f), s.Apply(train), new TrainingOptions { Epochs = 20 });
        Dataset scaled = s.Apply(test);

        var predicted = new float[test.Count];
        net.Forward(scaled.Features, predicted);
        RegressionReport standardized = Metrics.Regression(net, scaled);
        Assert.Equal(new RegressionReport(predicted, scaled.Targets, 1).MeanAbsoluteError, standardized.MeanAbsoluteError, 12);

        s.InvertTargets(predicted);
        var expected = new RegressionReport(predicted, test.Targets, 1);
        RegressionReport original = Metrics.Regression(net, scaled, s);
        Assert.Equal(expected.MeanAbsoluteError, original.MeanAbsoluteError, 3);
        Assert.Equal(expected.R2, original.R2, 5);
        Assert.Equal(standardized.R2, original.R2, 4); // R² does not depend on the units
        Assert.True(original.MeanAbsoluteError > 10 * standardized.MeanAbsoluteError, "original units are tens, standardized below 1");
        Assert.Throws<InvalidOperationException>(() => Metrics.Regression(net, scaled, Standardizer.Fit(train)));
    }
}
