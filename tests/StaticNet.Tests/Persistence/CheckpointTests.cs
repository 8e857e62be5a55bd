using StaticNet.Tests.Parity;
using System.Globalization;
using System.Text.Json;
using Xunit;
using static StaticNet.Tests.Persistence.SafetensorsFiles;
using static StaticNet.Tests.Persistence.SafetensorsTests;

namespace StaticNet.Tests.Persistence;

public sealed class CheckpointTests : IDisposable
{
    private const int Batch = 32;
    private static readonly Dataset Digits = Datasets.LoadDigits();
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static IStatefulOptimizer CreateOptimizer(string optimizer) => optimizer switch
    {
        "adam" => new Adam(1e-2f),
        "sgd-momentum" => new Sgd(0.05f, momentum: 0.9f),
        _ => throw new ArgumentOutOfRangeException(nameof(optimizer)),
    };

    /// <summary>Step <paramref name="t"/> on batch t of the digits; the rate is halved before step 2, as a schedule would.</summary>
    private static void Train(ITrainableNetwork<int> net, IOptimizer optimizer, int from, int to)
    {
        for (int t = from; t < to; t++)
        {
            if (t == 2) optimizer.LearningRate *= 0.5f;
            net.TrainStep(Digits.Features.AsSpan(t * Batch * 64, Batch * 64), Digits.Labels.AsSpan(t * Batch, Batch), optimizer);
        }
    }

    /// <summary>
    /// A run interrupted by a checkpoint and resumed in a network of another seed equals the uninterrupted run: for
    /// BatchNorm the running statistics, for dropout the state of the mask generator must come from the file.
    /// </summary>
    [Theory]
    [InlineData("batchnorm", "adam")]
    [InlineData("batchnorm", "sgd-momentum")]
    [InlineData("dropout", "adam")]
    public void Resumed_training_equals_the_uninterrupted_run_bit_for_bit(string network, string optimizer)
    {
        ITrainableNetwork<int> Create(int seed) => network == "dropout" ? new DropoutDigitsNet(seed) : new BatchNormNet(seed);

        var uninterrupted = Create(seed: 1);
        Train(uninterrupted, CreateOptimizer(optimizer), 0, 6);

        var first = Create(seed: 1);
        IStatefulOptimizer firstOptimizer = CreateOptimizer(optimizer);
        Train(first, firstOptimizer, 0, 3);
        string path = _folder.File("run.ckpt.safetensors");
        Checkpoint.Save(path, first, firstOptimizer);

        var resumed = Create(seed: 2);
        IStatefulOptimizer resumedOptimizer = CreateOptimizer(optimizer);
        Checkpoint.Load(path, resumed, resumedOptimizer);
        Assert.Equal(first.DropoutRandom?.GetState(), resumed.DropoutRandom?.GetState());
        Train(resumed, resumedOptimizer, 3, 6);

        Assert.Equal(Bits(uninterrupted.Parameters), Bits(resumed.Parameters));
        Assert.Equal(Bits(uninterrupted.Buffers), Bits(resumed.Buffers));
        Assert.Equal(new[] { path }, Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void Optimizer_state_is_stored_as_tensors_and_metadata()
    {
        var net = new BatchNormNet(seed: 3);
        var adam = new Adam(1e-2f);
        Train(net, adam, 0, 3);
        string path = _folder.File("ckpt.safetensors");
        Checkpoint.Save(path, net, adam);

        var (_, header) = Header(File.ReadAllBytes(path));
        JsonElement metadata = header.GetProperty("__metadata__");
        Assert.Equal("Adam", metadata.GetProperty("optimizer").GetString());
        Assert.Equal("3", metadata.GetProperty("optimizer.step").GetString());
        Assert.Equal(adam.LearningRate.ToString("R", CultureInfo.InvariantCulture), metadata.GetProperty("optimizer.lr").GetString());
        foreach (string buffer in new[] { "optimizer.exp_avg", "optimizer.exp_avg_sq" })
        {
            JsonElement entry = header.GetProperty(buffer);
            Assert.Equal("F32", entry.GetProperty("dtype").GetString());
            Assert.Equal(new[] { BatchNormNet.ParameterCount }, entry.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        }

        // A plain network load ignores the optimizer entries.
        var loaded = new BatchNormNet(seed: 4);
        Safetensors.Load(loaded, path);
        Assert.Equal(Bits(net.Parameters), Bits(loaded.Parameters));
        Assert.Equal(Bits(net.Buffers), Bits(loaded.Buffers));
    }

    [Fact]
    public void Checkpoint_without_optimizer_state_rejects_an_optimizer_and_changes_nothing()
    {
        string path = _folder.File("net-only.safetensors");
        Checkpoint.Save(path, new BatchNormNet(seed: 5));
        var net = new BatchNormNet(seed: 6);
        var adam = new Adam();
        uint[] before = Bits(net.Parameters);

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, net, adam));
        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains("no optimizer state", error.Message);
        Assert.Equal(before, Bits(net.Parameters));
        Assert.Equal(0, adam.StepCount);

        Checkpoint.Load(path, net); // the network alone loads
        Assert.Equal(Bits(new BatchNormNet(seed: 5).Parameters), Bits(net.Parameters));
    }

    [Fact]
    public void State_of_another_optimizer_type_is_rejected_and_changes_nothing()
    {
        var net = new BatchNormNet(seed: 7);
        var adam = new Adam(1e-2f);
        Train(net, adam, 0, 1);
        string path = _folder.File("adam.safetensors");
        Checkpoint.Save(path, net, adam);

        var other = new BatchNormNet(seed: 8);
        uint[] before = Bits(other.Parameters);
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, other, new Sgd(0.1f, momentum: 0.9f)));
        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains("Adam", error.Message);
        Assert.Equal(before, Bits(other.Parameters));
    }
}

/// <summary>A digits classifier with dropout, whose masks a checkpoint must carry on.</summary>
[Network]
[Input(64)]
[Dense(32), ReLU]
[Dropout(0.5f)]
[Dense(10)]
[CrossEntropyLoss]
public sealed partial class DropoutDigitsNet;
