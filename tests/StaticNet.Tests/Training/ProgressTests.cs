using StaticNet.Tests.Data;
using StaticNet.Tests.Parity;
using Xunit;

namespace StaticNet.Tests.Training;

/// <summary>OnBatchEnd, Progress and the metric a schedule is stepped with.</summary>
public sealed class ProgressTests
{
    private sealed class Collect<T> : IProgress<T>
    {
        public List<T> Items { get; } = [];

        public void Report(T value) => Items.Add(value);
    }

    private sealed class RecordingSchedule : ILearningRateSchedule
    {
        public List<float> Metrics { get; } = [];
        public float LearningRate => 0;
        public int Epoch => Metrics.Count;
        public void Step() => throw new InvalidOperationException("expected a metric");
        public void Step(float metric) => Metrics.Add(metric);
    }

    [Fact]
    public void Every_batch_and_epoch_is_reported_in_order()
    {
        var batches = new List<BatchResult>();
        var epochs = new List<EpochResult>();
        var progress = new Collect<EpochResult>();
        var net = new RecordingNetwork<int>(2, 3, 3);
        TrainingHistory history = Trainer.Fit(net, new PlainSgd(0), IdData.Labelled(100, 3), new TrainingOptions
        {
            Epochs = 3,
            BatchSize = 32,
            OnBatchEnd = batches.Add,
            OnEpochEnd = epochs.Add,
            Progress = progress,
        });
        Assert.Equal(12, batches.Count);
        Assert.Equal(Enumerable.Range(1, 3).SelectMany(e => Enumerable.Repeat(e, 4)), batches.Select(b => b.Epoch));
        Assert.Equal(Enumerable.Repeat(new[] { 1, 2, 3, 4 }, 3).SelectMany(b => b), batches.Select(b => b.Batch));
        Assert.All(batches, b => Assert.Equal(4, b.BatchesPerEpoch));
        Assert.All(batches, b => Assert.Equal(3, b.TotalEpochs));
        Assert.True(batches.Zip(batches.Skip(1)).All(p => p.First.Elapsed <= p.Second.Elapsed));
        Assert.Equal(epochs, progress.Items);
        Assert.Equal(history.Losses, epochs.Select(e => e.Loss));
        // The epoch loss is the batch losses weighted by their rows (32, 32, 32, 4).
        for (int e = 0; e < 3; e++)
        {
            var b = batches.Skip(4 * e).Take(4).Select(r => (double)r.Loss).ToArray();
            Assert.Equal((32 * (b[0] + b[1] + b[2]) + 4 * b[3]) / 100, history.Losses[e], 1e-6);
        }
        Assert.All(epochs, e => Assert.Null(e.ValidationLoss));
    }

    [Fact]
    public void A_schedule_watches_the_validation_loss_when_there_is_one()
    {
        (Dataset train, Dataset test) = Datasets.LoadDigits().Split(0.2, 0);
        var schedule = new RecordingSchedule();
        TrainingHistory history = Trainer.Fit(new SeedDigitsNet(), new Adam(), train,
            new TrainingOptions { Epochs = 3, Validation = test, Schedule = schedule });
        Assert.Equal(history.ValidationLosses, schedule.Metrics);
        Assert.NotEqual(history.Losses, schedule.Metrics);

        var withoutValidation = new RecordingSchedule();
        history = Trainer.Fit(new SeedDigitsNet(), new Adam(), train, new TrainingOptions { Epochs = 3, Schedule = withoutValidation });
        Assert.Equal(history.Losses, withoutValidation.Metrics);
    }

    [Fact]
    public void Plateau_schedule_reduces_the_rate_when_the_validation_loss_stalls()
    {
        // The training loss keeps falling while the validation loss of an overfitting network rises: a plateau schedule
        // that watched the training loss would never reduce the rate.
        Dataset digits = Datasets.LoadDigits();
        Dataset train = digits.Subset(Enumerable.Range(0, 40).ToArray()), validation = digits.Subset(Enumerable.Range(40, 300).ToArray());
        var adam = new Adam(5e-2f);
        var schedule = new ReduceLROnPlateau(adam, factor: 0.5f, patience: 2);
        TrainingHistory history = Trainer.Fit(new SeedDigitsNet(1), adam, train,
            new TrainingOptions { Epochs = 40, BatchSize = 0, Validation = validation, Schedule = schedule });
        Assert.True(adam.LearningRate < 5e-2f, $"lr {adam.LearningRate}");
        Assert.Equal(history.ValidationLosses.Min(), schedule.Best);
    }
}
