using StaticNet.Tests.Data;
using Xunit;

namespace StaticNet.Tests.Training;

public sealed class TrainerTests
{
    private static (Dataset Train, Dataset Test) Digits() => Datasets.LoadDigits().Split(0.2, seed: 0);

    [Fact]
    public void Loss_decreases_and_the_model_learns_digits()
    {
        (Dataset train, Dataset test) = Digits();
        var net = new LogisticRegression(64, 10);
        TrainingHistory history = Trainer.Fit(net, new PlainSgd(1e-3f), train, new TrainingOptions { Epochs = 8, Validation = test });
        Assert.Equal(8, history.Losses.Count);
        Assert.InRange(history.Losses[0], 0.1f, 2.5f);
        for (int e = 1; e < 8; e++) Assert.True(history.Losses[e] < history.Losses[e - 1], $"epoch {e + 1}: {string.Join(", ", history.Losses)}");
        Assert.True(Metrics.Accuracy(net, test) > 0.9, $"test accuracy {Metrics.Accuracy(net, test)}");
        Assert.Equal(Metrics.Accuracy(net, test), history.ValidationAccuracies[^1]);
        Assert.True(history.Elapsed > TimeSpan.Zero);
    }

    [Theory]
    [InlineData(32, new[] { 32, 32, 32, 4 })] // the last batch is partial (drop_last=False)
    [InlineData(25, new[] { 25, 25, 25, 25 })]
    [InlineData(0, new[] { 100 })] // full batch
    [InlineData(500, new[] { 100 })] // more than the rows: full batch
    public void One_TrainStep_per_batch(int batchSize, int[] perEpoch)
    {
        var net = new RecordingNetwork<int>(2, 1, 3);
        var history = Trainer.Fit(net, new PlainSgd(0), IdData.Labelled(100, 3), new TrainingOptions { Epochs = 3, BatchSize = batchSize });
        Assert.Equal(perEpoch.Concat(perEpoch).Concat(perEpoch), net.BatchSizes);
        Assert.Equal(0, net.MismatchedTargets);
        Assert.Equal(3, history.Losses.Count);
        Assert.Empty(history.ValidationAccuracies);
    }

    [Fact]
    public void Epoch_loss_weights_each_batch_by_its_size()
    {
        // The recording network's loss is its batch's mean label, so the weighted mean is the dataset's mean label (0.99);
        // a plain mean of the 4 batch means (the last one of 4 rows) would differ.
        var net = new RecordingNetwork<int>(2, 1, 3);
        var history = Trainer.Fit(net, new PlainSgd(0), IdData.Labelled(100, 3), new TrainingOptions { Epochs = 2, Shuffle = false });
        Assert.Equal(0.99f, history.Losses[0], 1e-6f);
        Assert.Equal(0.99f, history.Losses[1], 1e-6f);
    }

    [Fact]
    public void Shuffle_false_keeps_dataset_order()
    {
        var net = new RecordingNetwork<int>(2, 1, 3);
        Trainer.Fit(net, new PlainSgd(0), IdData.Labelled(50, 3), new TrainingOptions { Epochs = 2, BatchSize = 8, Shuffle = false });
        Assert.Equal(Enumerable.Range(0, 50).Concat(Enumerable.Range(0, 50)), net.RowIds);
    }

    [Fact]
    public void Full_batch_is_in_dataset_order_even_with_shuffle()
    {
        var net = new RecordingNetwork<int>(2, 1, 3);
        Trainer.Fit(net, new PlainSgd(0), IdData.Labelled(50, 3), new TrainingOptions { Epochs = 2, BatchSize = 0, Shuffle = true });
        Assert.Equal(Enumerable.Range(0, 50).Concat(Enumerable.Range(0, 50)), net.RowIds);
    }

    [Fact]
    public void Shuffle_visits_every_row_once_per_epoch_in_a_new_order()
    {
        var net = new RecordingNetwork<int>(2, 1, 3);
        Trainer.Fit(net, new PlainSgd(0), IdData.Labelled(50, 3), new TrainingOptions { Epochs = 2, BatchSize = 8 });
        int[] first = net.RowIds.Take(50).ToArray(), second = net.RowIds.Skip(50).ToArray();
        Assert.Equal(Enumerable.Range(0, 50), first.Order());
        Assert.Equal(Enumerable.Range(0, 50), second.Order());
        Assert.NotEqual(Enumerable.Range(0, 50), first);
        Assert.NotEqual(first, second);
        Assert.Equal(0, net.MismatchedTargets);
    }

    [Fact]
    public void A_seed_gives_the_same_order_and_another_seed_another()
    {
        List<int> Order(int seed)
        {
            var net = new RecordingNetwork<int>(2, 1, 3);
            Trainer.Fit(net, new PlainSgd(0), IdData.Labelled(40, 3), new TrainingOptions { Epochs = 2, BatchSize = 16, Seed = seed });
            return net.RowIds;
        }
        Assert.Equal(Order(5), Order(5));
        Assert.NotEqual(Order(5), Order(6));
    }

    [Fact]
    public void A_seed_gives_bitwise_identical_training()
    {
        (Dataset train, _) = Digits();
        (float[] Parameters, IReadOnlyList<float> Losses) Run()
        {
            var net = new LogisticRegression(64, 10);
            var history = Trainer.Fit(net, new PlainSgd(1e-3f), train, new TrainingOptions { Epochs = 2, Seed = 9 });
            return (net.Parameters.ToArray(), history.Losses);
        }
        var (a, b) = (Run(), Run());
        Assert.Equal(a.Parameters, b.Parameters);
        Assert.Equal(a.Losses, b.Losses);
    }

    [Fact]
    public void Callback_runs_once_per_epoch_with_1_based_numbers()
    {
        (Dataset train, Dataset test) = Digits();
        var results = new List<EpochResult>();
        var history = Trainer.Fit(new LogisticRegression(64, 10), new PlainSgd(1e-3f), train,
            new TrainingOptions { Epochs = 3, Validation = test, OnEpochEnd = results.Add });
        Assert.Equal([1, 2, 3], results.Select(r => r.Epoch));
        Assert.All(results, r => Assert.Equal(3, r.TotalEpochs));
        Assert.Equal(history.Losses, results.Select(r => r.Loss));
        Assert.Equal(history.ValidationAccuracies, results.Select(r => r.ValidationAccuracy!.Value));
        Assert.True(results[0].Elapsed <= results[1].Elapsed && results[1].Elapsed <= results[2].Elapsed);
        Assert.True(results[2].Elapsed <= history.Elapsed);
    }

    [Fact]
    public void Float_targets_overload_trains_on_Targets()
    {
        var net = new RecordingNetwork<float>(2, 2, 3);
        var history = Trainer.Fit(net, new PlainSgd(0), IdData.Regression(70, 3, targetCount: 2), new TrainingOptions { Epochs = 1, BatchSize = 32 });
        Assert.Equal([32, 32, 6], net.BatchSizes);
        Assert.Equal(0, net.MismatchedTargets);
        Assert.Equal(Enumerable.Range(0, 70).Average(i => i % 3), history.Losses[0], 1e-6);

        // A labelled dataset feeds its labels as float targets (binary networks).
        var binary = new RecordingNetwork<float>(2, 1, 2);
        Trainer.Fit(binary, new PlainSgd(0), IdData.Labelled(10, 2), new TrainingOptions { Epochs = 1 });
        Assert.Equal(0, binary.MismatchedTargets);
    }

    [Fact]
    public void The_epoch_loop_does_not_allocate()
    {
        (Dataset train, Dataset test) = Digits();
        var net = new LogisticRegression(64, 10);
        var sgd = new PlainSgd(1e-4f);
        int batches = 0;
        long Allocated(int epochs)
        {
            // Every per-batch and per-epoch feature on: validation, early stopping (patience never runs out, so every
            // improvement copies the parameters), augmentation and the batch callback.
            var options = new TrainingOptions
            {
                Epochs = epochs,
                BatchSize = 32,
                Validation = test,
                EarlyStoppingPatience = 1000,
                Augment = static (features, _, _) => features[0] += 0f,
                OnBatchEnd = _ => batches++,
            };
            long before = GC.GetAllocatedBytesForCurrentThread();
            Trainer.Fit(net, sgd, train, options);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Allocated(2); // warm up (JIT, lazy statics)
        // Three tries, the least growth kept: a gen-2 collection caused by other tests running alongside can trim the
        // shared ArrayPool between two calls, and the next rent then allocates once. A real per-epoch allocation grows
        // every try.
        long few = 0, many = long.MaxValue;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long f = Allocated(2), m = Allocated(12);
            if (m - f < many - few) (few, many) = (f, m);
        }
        Assert.Equal((2 + 3 * (2 + 12)) * 45, batches);
        // 10 more epochs × 45 batches: only the history's per-epoch float loss, float validation loss and double accuracy may grow.
        Assert.True(many - few <= 10 * (sizeof(float) + sizeof(float) + sizeof(double)) + 64, $"2 epochs allocate {few} bytes, 12 epochs {many}.");
    }

    [Fact]
    public void Mismatched_datasets_and_options_are_rejected()
    {
        var net = new LogisticRegression(3, 2);
        var data = IdData.Labelled(10, 2);
        var e = Assert.Throws<ArgumentException>(() => Trainer.Fit(net, new PlainSgd(0), data));
        Assert.Contains("takes 3 features", e.Message);
        Assert.Contains("has 2", e.Message);

        var fits = new LogisticRegression(2, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Fit(fits, new PlainSgd(0), data, new TrainingOptions { Epochs = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Fit(fits, new PlainSgd(0), data, new TrainingOptions { BatchSize = -1 }));
        Assert.Throws<ArgumentException>(() => Trainer.Fit(fits, new PlainSgd(0), IdData.Regression(10, 2, 1)));
        Assert.Throws<ArgumentException>(() =>
            Trainer.Fit(fits, new PlainSgd(0), data, new TrainingOptions { Validation = IdData.Labelled(5, 2, featureCount: 3) }));

        var e2 = Assert.Throws<ArgumentException>(() => Trainer.Fit(new RecordingNetwork<float>(2, 1, 3), new PlainSgd(0), IdData.Regression(10, 3, 2)));
        Assert.Contains("1 outputs", e2.Message);
        Assert.Contains("2 targets per row", e2.Message);
    }

    [Fact]
    public void Zero_epochs_leave_the_network_untouched()
    {
        var net = new LogisticRegression(2, 2);
        net.Parameters.Fill(0.5f);
        TrainingHistory history = Trainer.Fit(net, new PlainSgd(1), IdData.Labelled(10, 2), new TrainingOptions { Epochs = 0 });
        Assert.Empty(history.Losses);
        Assert.All(net.Parameters.ToArray(), p => Assert.Equal(0.5f, p));
    }
}
