using StaticNet.Tests.Data;
using StaticNet.Tests.Parity;
using Xunit;

namespace StaticNet.Tests.Training;

/// <summary>Bad data caught before training, divergence, cancellation, DropLast and augmentation.</summary>
public sealed class TrainerSafetyTests
{
    private static readonly Dataset Digits = Datasets.LoadDigits().Subset(Enumerable.Range(0, 200).ToArray());

    private static Dataset WithValue(Dataset data, int index, float value)
    {
        var features = (float[])data.Features.Clone();
        features[index] = value;
        return new Dataset(features, (int[])data.Labels.Clone(), data.FeatureCount, data.ClassCount);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    public void A_feature_that_is_not_finite_is_rejected_before_training(float bad, string shown)
    {
        var net = new SeedDigitsNet(1);
        float[] before = net.Parameters.ToArray();
        var e = Assert.Throws<ArgumentException>(() => Trainer.Fit(net, new Adam(), WithValue(Digits, 130 * 64 + 7, bad)));
        Assert.Contains("Row 130, feature 7", e.Message);
        Assert.Contains(shown, e.Message);
        Assert.Equal("train", e.ParamName);
        Assert.Equal(before, net.Parameters.ToArray());

        var v = Assert.Throws<ArgumentException>(() =>
            Trainer.Fit(net, new Adam(), Digits, new TrainingOptions { Validation = WithValue(Digits, 3, bad) }));
        Assert.Equal("options.Validation", v.ParamName);
        Assert.Contains("Row 0, feature 3", v.Message);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void Labels_outside_the_networks_classes_are_rejected_before_training()
    {
        // A dataset that declares 12 classes, given to a 10-class network.
        int[] labels = Digits.Labels.Select((l, i) => i == 57 ? 11 : l).ToArray();
        var twelve = new Dataset(Digits.Features, labels, 64, 12);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Fit(new SeedDigitsNet(), new Adam(), twelve));
        Assert.Contains("Label 11 at row 57", e.Message);
        Assert.Contains("10 classes", e.Message);
        Assert.Equal(11, e.ActualValue);

        // A 10-class dataset given to a one-output binary network: it would "train" to a negative loss.
        var tenClasses = new Dataset(new float[40 * 30], Enumerable.Range(0, 40).Select(i => i % 10).ToArray(), 30, 10);
        var net = new BinaryLogitsNet(1);
        float[] before = net.Parameters.ToArray();
        var b = Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Fit(net, new Adam(), tenClasses));
        Assert.Contains("Label 2 at row 2", b.Message);
        Assert.Contains("binary", b.Message);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Theory]
    [InlineData(2f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    public void Binary_cross_entropy_targets_outside_0_1_are_rejected(float bad)
    {
        var targets = Enumerable.Range(0, 20).Select(i => (float)(i % 2)).ToArray();
        targets[13] = bad;
        var data = new Dataset(new float[20 * 30], targets, 30, 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Fit(new BinaryLogitsNet(), new Adam(), data));
        Assert.Contains("row 13", e.Message);
        Assert.Contains("[0, 1]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Fit(new BinarySigmoidNet(), new Adam(), data));
        // The generated ComputeGradients checks it too.
        Assert.Throws<ArgumentOutOfRangeException>(() => new BinaryLogitsNet().ComputeGradients(data.Features, targets));
    }

    [Fact]
    public void Regression_targets_that_are_not_finite_are_rejected()
    {
        var targets = new float[10];
        targets[4] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() =>
            Trainer.Fit(new ActivationsRegressionNet(), new Adam(), new Dataset(new float[100], targets, 10, 1)));
        Assert.Contains("row 4", e.Message);
    }

    /// <summary>Copies of the parameters, buffers and dropout generator state after every completed step.</summary>
    private sealed class Snapshots(INetwork net)
    {
        public float[] Parameters = net.Parameters.ToArray();
        public float[] Buffers = net.Buffers.ToArray();
        public RngState? Dropout = net.DropoutRandom?.GetState();
        public int Steps;

        public void Take(BatchResult _)
        {
            Parameters = net.Parameters.ToArray();
            Buffers = net.Buffers.ToArray();
            Dropout = net.DropoutRandom?.GetState();
            Steps++;
        }
    }

    [Fact]
    public void Divergence_is_thrown_before_the_step_and_leaves_the_last_good_step()
    {
        // Raw diabetes features (up to a few hundred) and a far too high learning rate: the MSE loss overflows within a few steps.
        Dataset diabetes = Datasets.LoadDiabetes();
        var net = new ActivationsRegressionNet(1);
        var seen = new Snapshots(net);
        var e = Assert.Throws<TrainingDivergedException>(() =>
            Trainer.Fit(net, new Sgd(10f), diabetes, new TrainingOptions { Epochs = 50, BatchSize = 16, OnBatchEnd = seen.Take }));
        Assert.True(seen.Steps >= 1, "at least one good step before the divergence");
        int perEpoch = (diabetes.Count + 15) / 16;
        Assert.Equal(seen.Steps, (e.Epoch - 1) * perEpoch + e.Batch - 1);
        Assert.Equal(seen.Parameters, net.Parameters.ToArray());
        Assert.All(net.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));
        Assert.Contains($"epoch {e.Epoch}, batch {e.Batch}", e.Message);
    }

    [Fact]
    public void A_diverged_step_puts_back_BatchNorm_statistics_and_the_dropout_generator()
    {
        // An augmenter that plants a NaN in the 7th batch: that forward pass has already updated the running statistics
        // (BatchNorm) and drawn masks (dropout) when the loss turns out NaN.
        int calls = 0;
        BatchAugmenter poison = (features, _, _) => { if (++calls == 7) features[5] = float.NaN; };
        var data = new Dataset(Enumerable.Range(0, 64 * 9).Select(i => (float)Math.Sin(i)).ToArray(),
            Enumerable.Range(0, 64).Select(i => i % 3).ToArray(), 9, 3);
        var net = new EveryLayerWithDropoutNet(2);
        var seen = new Snapshots(net);
        var e = Assert.Throws<TrainingDivergedException>(() => Trainer.Fit(net, new Adam(1e-2f), data,
            new TrainingOptions { Epochs = 5, BatchSize = 16, Augment = poison, OnBatchEnd = seen.Take }));
        Assert.Equal((2, 3), (e.Epoch, e.Batch));
        Assert.True(float.IsNaN(e.Loss));
        Assert.Equal(6, seen.Steps);
        Assert.Equal(seen.Parameters, net.Parameters.ToArray());
        Assert.Equal(seen.Buffers, net.Buffers.ToArray());
        Assert.Equal(seen.Dropout, ((INetwork)net).DropoutRandom!.GetState());
    }

    [Fact]
    public void Cancellation_stops_within_one_batch_after_the_last_completed_step()
    {
        var cts = new CancellationTokenSource();
        var net = new SeedDigitsNet(2);
        var seen = new Snapshots(net);
        void CancelAtSecondEpochThirdBatch(BatchResult b)
        {
            seen.Take(b);
            if (b is { Epoch: 2, Batch: 3 }) cts.Cancel();
        }
        Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Fit(net, new Adam(), Digits,
            new TrainingOptions { Epochs = 10, BatchSize = 32, OnBatchEnd = CancelAtSecondEpochThirdBatch }, cts.Token));
        Assert.Equal(7 + 3, seen.Steps); // 7 batches in the first epoch, 3 in the second, and no more
        Assert.Equal(seen.Parameters, net.Parameters.ToArray());

        var untouched = new SeedDigitsNet(2);
        float[] before = untouched.Parameters.ToArray();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            Trainer.Fit(untouched, new Adam(), Digits, new TrainingOptions(), new CancellationToken(canceled: true)));
        Assert.Equal(before, untouched.Parameters.ToArray());
    }

    [Fact]
    public void DropLast_lets_BatchNorm_train_when_the_last_batch_would_hold_one_row()
    {
        Dataset rows65 = Digits.Subset(Enumerable.Range(0, 65).ToArray());
        var net = new BatchNormNet(1);
        float[] before = net.Parameters.ToArray();
        var e = Assert.Throws<ArgumentException>(() => Trainer.Fit(net, new Adam(), rows65, new TrainingOptions { BatchSize = 32 }));
        Assert.Contains("DropLast", e.Message);
        Assert.Equal(before, net.Parameters.ToArray());

        var batches = new List<BatchResult>();
        TrainingHistory history = Trainer.Fit(net, new Adam(1e-2f), rows65,
            new TrainingOptions { Epochs = 20, BatchSize = 32, DropLast = true, OnBatchEnd = batches.Add });
        Assert.Equal(40, batches.Count);
        Assert.All(batches, b => Assert.Equal(2, b.BatchesPerEpoch));
        Assert.All(history.Losses, l => Assert.True(float.IsFinite(l)));
        Assert.True(history.Losses[^1] < history.Losses[0], string.Join(", ", history.Losses));
        Assert.Equal((batches[0].Loss + (double)batches[1].Loss) / 2, history.Losses[0], 1e-6);
        Assert.Throws<ArgumentException>(() => Trainer.Fit(new BatchNormNet(), new Adam(), rows65, new TrainingOptions { BatchSize = 1 }));
    }

    [Fact]
    public void DropLast_leaves_out_the_partial_batch_each_epoch()
    {
        var net = new RecordingNetwork<int>(2, 1, 3);
        Trainer.Fit(net, new PlainSgd(0), IdData.Labelled(70, 3), new TrainingOptions { Epochs = 2, BatchSize = 32, DropLast = true });
        Assert.Equal([32, 32, 32, 32], net.BatchSizes);
        Assert.Equal(64, net.RowIds.Take(64).Distinct().Count());
        Assert.NotEqual(net.RowIds.Take(64).Order(), net.RowIds.Skip(64).Order()); // other rows are left out in another epoch

        var full = new RecordingNetwork<int>(2, 1, 3);
        Trainer.Fit(full, new PlainSgd(0), IdData.Labelled(70, 3), new TrainingOptions { Epochs = 1, BatchSize = 0, DropLast = true });
        Assert.Equal([70], full.BatchSizes); // a full batch is never dropped
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_augmenter_works_on_a_copy_and_never_touches_the_dataset(bool shuffle)
    {
        Dataset data = IdData.Labelled(50, 3, featureCount: 3);
        float[] original = data.Features.ToArray();
        var generators = new HashSet<Rng>(ReferenceEqualityComparer.Instance);
        var net = new RecordingNetwork<int>(3, 1, 3);
        // Adds 1000 to every value but the row id, so the network sees augmented rows of the right ids.
        BatchAugmenter shift = (features, featureCount, random) =>
        {
            Assert.Equal(3, featureCount);
            generators.Add(random);
            for (int i = 0; i < features.Length; i++) if (i % featureCount != 0) features[i] += 1000;
        };
        var seen = new List<float>();
        var recorder = new AugmentedFeatures(net, seen);
        Trainer.Fit(recorder, new PlainSgd(0), data, new TrainingOptions { Epochs = 2, BatchSize = 16, Shuffle = shuffle, Augment = shift });
        Assert.Equal(original, data.Features);
        Assert.Single(generators);
        Assert.Equal(0, net.MismatchedTargets);
        Assert.Equal(2 * 50 * 2, seen.Count);
        Assert.All(seen, v => Assert.True(v >= 1000 - 50, $"{v} was not augmented"));
    }

    /// <summary>Passes batches on to a recording network and keeps every non-id feature it was trained on.</summary>
    private sealed class AugmentedFeatures(RecordingNetwork<int> inner, List<float> seen) : ITrainableNetwork<int>
    {
        public int InputSize => inner.InputSize;
        public int OutputSize => inner.OutputSize;
        public int ParameterCount => inner.ParameterCount;
        public Span<float> Parameters => inner.Parameters;
        public Span<float> Gradients => inner.Gradients;
        public Span<float> Buffers => inner.Buffers;
        public IReadOnlyList<ParameterInfo> ParameterLayout => inner.ParameterLayout;
        public IReadOnlyList<ParameterInfo> BufferLayout => inner.BufferLayout;
        public void Forward(ReadOnlySpan<float> inputs, Span<float> outputs) => inner.Forward(inputs, outputs);

        public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets, Span<float> outputs = default)
        {
            for (int i = 0; i < inputs.Length; i++) if (i % InputSize != 0) seen.Add(inputs[i]);
            return inner.ComputeGradients(inputs, targets, outputs);
        }

        public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets, IOptimizer optimizer) => throw new NotSupportedException();
    }

    [Fact]
    public void A_seeded_fit_with_a_random_augmenter_is_reproducible()
    {
        BatchAugmenter noise = (features, _, random) => { for (int i = 0; i < features.Length; i++) features[i] += random.NextUniform(-1, 1); };
        float[] Run(int seed)
        {
            var net = new SeedDigitsNet(3);
            Trainer.Fit(net, new Adam(), Digits, new TrainingOptions { Epochs = 2, Seed = seed, Augment = noise });
            return net.Parameters.ToArray();
        }
        Assert.Equal(Run(4), Run(4));
        Assert.NotEqual(Run(4), Run(5));
        var plain = new SeedDigitsNet(3);
        Trainer.Fit(plain, new Adam(), Digits, new TrainingOptions { Epochs = 2, Seed = 4 });
        Assert.NotEqual(plain.Parameters.ToArray(), Run(4));
    }
}
