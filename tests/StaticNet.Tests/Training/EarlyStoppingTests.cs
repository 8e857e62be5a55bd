using StaticNet.Tests.Parity;
using Xunit;

namespace StaticNet.Tests.Training;

/// <summary>Validation loss, early stopping and the best epoch, against a hand loop over TrainStep and Metrics.Loss.</summary>
public sealed class EarlyStoppingTests
{
    // A small training set and a larger validation set, with a high learning rate: the validation loss turns up early.
    private static readonly Dataset Digits = Datasets.LoadDigits();
    private static readonly Dataset Train = Digits.Subset(Enumerable.Range(0, 96).ToArray());
    private static readonly Dataset Validation = Digits.Subset(Enumerable.Range(96, 300).ToArray());

    private sealed record HandRun(float[] ValidationLosses, int BestEpoch, float[] BestParameters, float[] BestBuffers, float[] LastParameters);

    /// <summary>What a user writes without the trainer's early stopping: TrainStep over unshuffled batches of 32, then Metrics.Loss.</summary>
    private static HandRun HandLoop(BatchNormNet net, int patience, float minDelta, int maxEpochs)
    {
        var adam = new Adam(2e-2f);
        var losses = new List<float>();
        float best = float.PositiveInfinity;
        int bestEpoch = 0, since = 0;
        float[] bestParameters = [], bestBuffers = [];
        for (int epoch = 1; epoch <= maxEpochs; epoch++)
        {
            for (int first = 0; first < Train.Count; first += 32)
            {
                int size = Math.Min(32, Train.Count - first);
                net.TrainStep(Train.Features.AsSpan(first * 64, size * 64), Train.Labels.AsSpan(first, size), adam);
            }
            float loss = Metrics.Loss(net, Validation);
            losses.Add(loss);
            if (loss < best - minDelta)
            {
                (best, bestEpoch, since) = (loss, epoch, 0);
                bestParameters = net.Parameters.ToArray();
                bestBuffers = net.Buffers.ToArray();
            }
            else if (++since >= patience) break;
        }
        return new HandRun(losses.ToArray(), bestEpoch, bestParameters, bestBuffers, net.Parameters.ToArray());
    }

    private static TrainingOptions Options(int patience, float minDelta = 0, bool restore = true) => new()
    {
        Epochs = 200,
        BatchSize = 32,
        Shuffle = false,
        Validation = Validation,
        EarlyStoppingPatience = patience,
        EarlyStoppingMinDelta = minDelta,
        RestoreBestParameters = restore,
    };

    [Fact]
    public void Early_stopping_restores_the_parameters_and_buffers_of_the_best_epoch_exactly()
    {
        HandRun hand = HandLoop(new BatchNormNet(5), patience: 3, minDelta: 0, maxEpochs: 200);
        var net = new BatchNormNet(5);
        TrainingHistory history = Trainer.Fit(net, new Adam(2e-2f), Train, Options(patience: 3));

        Assert.True(history.StoppedEarly, $"the case must stop early; validation losses {string.Join(", ", history.ValidationLosses)}");
        Assert.Equal(hand.ValidationLosses, history.ValidationLosses);
        Assert.Equal(hand.ValidationLosses.Length, history.EpochsRun);
        Assert.Equal(history.EpochsRun, history.Losses.Count);
        Assert.Equal(hand.BestEpoch, history.BestEpoch);
        Assert.Equal(history.BestEpoch + 3, history.EpochsRun);
        Assert.True(history.BestEpoch > 1, "the best epoch is not the first: something trained");
        Assert.Equal(history.ValidationLosses.Min(), history.ValidationLosses[history.BestEpoch - 1]);
        Assert.Equal(hand.BestParameters, net.Parameters.ToArray());
        Assert.Equal(hand.BestBuffers, net.Buffers.ToArray());
        Assert.NotEqual(hand.LastParameters, net.Parameters.ToArray());
        Assert.Equal(Metrics.Loss(net, Validation), history.ValidationLosses[history.BestEpoch - 1]);
    }

    [Fact]
    public void Without_restoring_the_parameters_are_those_of_the_last_epoch()
    {
        HandRun hand = HandLoop(new BatchNormNet(5), patience: 3, minDelta: 0, maxEpochs: 200);
        var net = new BatchNormNet(5);
        TrainingHistory history = Trainer.Fit(net, new Adam(2e-2f), Train, Options(patience: 3, restore: false));
        Assert.True(history.StoppedEarly);
        Assert.Equal(hand.BestEpoch, history.BestEpoch);
        Assert.Equal(hand.LastParameters, net.Parameters.ToArray());
    }

    [Fact]
    public void Min_delta_counts_only_larger_improvements()
    {
        HandRun hand = HandLoop(new BatchNormNet(5), patience: 2, minDelta: 0.05f, maxEpochs: 200);
        var net = new BatchNormNet(5);
        TrainingHistory history = Trainer.Fit(net, new Adam(2e-2f), Train, Options(patience: 2, minDelta: 0.05f));
        Assert.Equal(hand.ValidationLosses, history.ValidationLosses);
        Assert.Equal(hand.BestEpoch, history.BestEpoch);
        Assert.Equal(hand.BestParameters, net.Parameters.ToArray());

        // A delta larger than any loss: only the first epoch improves (on +∞), and patience runs out after it.
        TrainingHistory huge = Trainer.Fit(new BatchNormNet(5), new Adam(2e-2f), Train, Options(patience: 2, minDelta: 1e6f));
        Assert.Equal(1, huge.BestEpoch);
        Assert.Equal(3, huge.EpochsRun);
        Assert.True(huge.StoppedEarly);
    }

    [Fact]
    public void Without_patience_every_epoch_runs_and_the_best_epoch_is_the_lowest_validation_loss()
    {
        var net = new BatchNormNet(5);
        TrainingHistory history = Trainer.Fit(net, new Adam(2e-2f), Train,
            new TrainingOptions { Epochs = 15, BatchSize = 32, Shuffle = false, Validation = Validation });
        Assert.Equal(15, history.EpochsRun);
        Assert.False(history.StoppedEarly);
        int lowest = history.ValidationLosses.ToList().IndexOf(history.ValidationLosses.Min()) + 1;
        Assert.Equal(lowest, history.BestEpoch);
        Assert.Equal(Metrics.Loss(net, Validation), history.ValidationLosses[^1]); // not restored without patience

        TrainingHistory plain = Trainer.Fit(new BatchNormNet(5), new Adam(2e-2f), Train, new TrainingOptions { Epochs = 4 });
        Assert.Equal(4, plain.BestEpoch); // the last epoch without validation
        Assert.Empty(plain.ValidationLosses);
        Assert.Empty(plain.ValidationAccuracies);
        Assert.Equal(0, Trainer.Fit(new BatchNormNet(5), new Adam(), Train, new TrainingOptions { Epochs = 0 }).BestEpoch);
    }

    [Fact]
    public void Patience_needs_validation_and_sane_values()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Trainer.Fit(new BatchNormNet(), new Adam(), Train, new TrainingOptions { EarlyStoppingPatience = 3 }));
        Assert.Contains("Validation", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Trainer.Fit(new BatchNormNet(), new Adam(), Train, new TrainingOptions { Validation = Validation, EarlyStoppingPatience = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Trainer.Fit(new BatchNormNet(), new Adam(), Train, new TrainingOptions { Validation = Validation, EarlyStoppingMinDelta = -0.1f }));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Trainer.Fit(new BatchNormNet(), new Adam(), Train, new TrainingOptions { Validation = Validation, EarlyStoppingMinDelta = float.NaN }));
    }
}
