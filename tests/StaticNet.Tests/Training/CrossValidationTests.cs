using StaticNet.Tests.Data;
using StaticNet.Tests.Parity;
using Xunit;

namespace StaticNet.Tests.Training;

public sealed class CrossValidationTests
{
    [Fact]
    public void Each_fold_trains_on_the_other_parts_and_the_held_out_parts_partition_the_data()
    {
        Dataset data = IdData.Labelled(30, 3);
        var nets = new List<RecordingNetwork<int>>();
        CrossValidationResult result = CrossValidation.Run(() =>
        {
            var net = new RecordingNetwork<int>(2, 3, 3);
            nets.Add(net);
            return net;
        }, () => new PlainSgd(0), data, k: 3, new TrainingOptions { Epochs = 1, BatchSize = 0 });

        Assert.Equal(3, result.Folds.Count);
        Assert.Equal(3, nets.Count);
        var heldOut = new List<int>();
        foreach (var (net, fold) in nets.Zip(result.Folds))
        {
            int[] trained = net.RowIds.ToArray(), scored = net.ForwardRowIds.Distinct().ToArray();
            Assert.Equal(10, scored.Length);
            Assert.Empty(trained.Intersect(scored));
            Assert.Equal(Enumerable.Range(0, 30), trained.Concat(scored).Order());
            Assert.Equal((20, 10), (fold.TrainCount, fold.ValidationCount));
            heldOut.AddRange(scored);
        }
        Assert.Equal(Enumerable.Range(0, 30), heldOut.Order());
        Assert.Equal([1, 2, 3], result.Folds.Select(f => f.Fold));
    }

    [Fact]
    public void Fold_scores_are_the_trained_networks_and_their_mean_and_spread()
    {
        Dataset digits = Datasets.LoadDigits().Subset(Enumerable.Range(0, 300).ToArray());
        var nets = new List<SeedDigitsNet>();
        var folds = digits.KFold(3, seed: 7);
        CrossValidationResult result = CrossValidation.Run(() =>
        {
            var net = new SeedDigitsNet(nets.Count);
            nets.Add(net);
            return net;
        }, () => new Adam(1e-2f), digits, 3, new TrainingOptions { Epochs = 5 }, seed: 7);

        for (int i = 0; i < 3; i++)
        {
            Dataset validation = folds[i].Validation;
            Assert.Equal(Metrics.Loss(nets[i], validation), result.Folds[i].ValidationLoss);
            Assert.Equal(Metrics.Accuracy(nets[i], validation), result.Folds[i].ValidationAccuracy);
            Assert.Equal(result.Folds[i].ValidationLoss, result.Folds[i].History.ValidationLosses[^1]);
            Assert.Equal(5, result.Folds[i].History.EpochsRun);
        }
        double[] accuracies = result.Folds.Select(f => f.ValidationAccuracy!.Value).ToArray();
        double mean = accuracies.Average();
        Assert.Equal(mean, result.MeanAccuracy!.Value, 12);
        Assert.Equal(Math.Sqrt(accuracies.Average(a => (a - mean) * (a - mean))), result.StdAccuracy!.Value, 12);
        Assert.Equal(result.Folds.Average(f => (double)f.ValidationLoss), result.MeanValidationLoss, 12);
        Assert.True(result.StdValidationLoss > 0);
        Assert.True(result.MeanAccuracy > 0.7, $"mean accuracy {result.MeanAccuracy}");
    }

    [Fact]
    public void A_regressor_has_losses_but_no_accuracy()
    {
        Dataset diabetes = Datasets.LoadDiabetes();
        Standardizer s = Standardizer.Fit(diabetes, scaleTargets: true);
        CrossValidationResult result = CrossValidation.Run(() => new ActivationsRegressionNet(1), () => new Adam(1e-2f), s.Apply(diabetes), 4,
            new TrainingOptions { Epochs = 3, EarlyStoppingPatience = 1 });
        Assert.Equal(4, result.Folds.Count);
        Assert.All(result.Folds, f => Assert.Null(f.ValidationAccuracy));
        Assert.Null(result.MeanAccuracy);
        Assert.Null(result.StdAccuracy);
        Assert.True(result.MeanValidationLoss is > 0 and < 2, $"{result.MeanValidationLoss}");
        // With early stopping the fold's loss is that of the restored best epoch.
        Assert.All(result.Folds, f => Assert.Equal(f.History.ValidationLosses[f.History.BestEpoch - 1], f.ValidationLoss));
    }

    [Fact]
    public void Options_that_each_fold_sets_are_rejected()
    {
        Dataset data = IdData.Labelled(30, 3);
        Assert.Throws<ArgumentException>(() => CrossValidation.Run(() => new RecordingNetwork<int>(2, 3, 3), () => new PlainSgd(0), data, 3,
            new TrainingOptions { Validation = data }));
        var sgd = new Sgd(0.1f);
        Assert.Throws<ArgumentException>(() => CrossValidation.Run(() => new RecordingNetwork<int>(2, 3, 3), () => sgd, data, 3,
            new TrainingOptions { Schedule = new StepLR(sgd, 1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => CrossValidation.Run(() => new RecordingNetwork<int>(2, 3, 3), () => new PlainSgd(0), data, 1,
            new TrainingOptions()));
        Assert.Throws<ArgumentException>(() => CrossValidation.Run(() => new DropoutEvalNet(), () => new PlainSgd(0), Datasets.LoadDigits(), 3,
            new TrainingOptions()));
    }
}
