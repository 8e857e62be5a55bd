using StaticNet.Tests.Support;
using Xunit;

namespace StaticNet.Tests.Parity;

/// <summary>
/// <c>Freeze()</c>: the snapshot computes what the network computes (packed weights, the one-sample kernel, the tiled
/// product), it is a copy, and it keeps the contract of Forward: thread-safe, checked lengths, no allocation.
/// </summary>
[Trait("Category", "Numeric")]
public sealed class FrozenTests
{
    /// <summary>Networks with every layer kind, odd widths (vector tails) and wide layers (several panels, depth blocks).</summary>
    private static readonly Dictionary<string, Func<INetwork>> Networks = new()
    {
        ["digits"] = () => new SeedDigitsNet(3),
        ["odd"] = () => new OddNet(3),
        ["odd wide"] = () => new OddWideNet(3),
        ["every layer"] = () => new EveryLayerNet(3),
        ["batch norm"] = () => new BatchNormNet(3),
        ["binary"] = () => new BinarySigmoidNet(3),
        ["wide"] = () => new WideNet(3),
        ["cnn"] = () => new Conv2dDigitsNet(3),
        ["cnn batch norm"] = () => new Conv2dBatchNormNet(3),
        ["conv1d"] = () => new Conv1dSequenceNet(3),
        ["odd conv2d"] = () => new OddConv2dNet(3),
    };

    public static TheoryData<string, int> Cases
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (string name in Networks.Keys)
                foreach (int batch in new[] { 1, 2, 7, 8, 33, 1100 })
                    data.Add(name, batch);
            return data;
        }
    }

    private static float[] Inputs(INetwork net, int batch, int seed)
    {
        var rng = new Rng(seed);
        var inputs = new float[batch * net.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = rng.NextUniform(-2f, 2f);
        return inputs;
    }

    private static IInferenceNetwork Freeze(INetwork net) =>
        (IInferenceNetwork)net.GetType().GetMethod("Freeze")!.Invoke(net, null)!;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Snapshot_computes_what_the_network_computes(string name, int batch)
    {
        INetwork net = Networks[name]();
        // Non-default running statistics, so that BatchNorm at inference is not the identity.
        for (int i = 0; i < net.Buffers.Length; i++) net.Buffers[i] = i % 2 == 0 ? 0.1f * (i % 7) : 0.5f + 0.1f * (i % 5);
        IInferenceNetwork frozen = Freeze(net);
        float[] inputs = Inputs(net, batch, batch);
        var expected = new float[batch * net.OutputSize];
        var actual = new float[batch * net.OutputSize];
        net.Forward(inputs, expected);
        frozen.Forward(inputs, actual);
        Close.All(expected, actual, 1e-5, 1e-5, $"{name}, batch {batch}");
    }

    [Fact]
    public void Snapshot_is_a_copy_that_later_changes_to_the_network_do_not_reach()
    {
        var net = new SeedDigitsNet(1);
        SeedDigitsNet.Frozen frozen = net.Freeze();
        float[] input = Inputs(net, 1, 5);
        var before = new float[10];
        frozen.Forward(input, before);
        net.Parameters.Fill(0.5f);
        var after = new float[10];
        frozen.Forward(input, after);
        Assert.Equal(before, after);
        var changed = new float[10];
        net.Forward(input, changed);
        Assert.NotEqual(before, changed); // the network's own Forward sees the new parameters at once
        var refrozen = new float[10];
        net.Freeze().Forward(input, refrozen);
        Assert.Equal(changed, refrozen);
    }

    [Fact]
    public void Predict_and_probabilities_match_the_network()
    {
        var net = new SeedDigitsNet(2);
        SeedDigitsNet.Frozen frozen = net.Freeze();
        Assert.Equal(SeedDigitsNet.ClassCount, ((IInferenceClassifier)frozen).ClassCount);
        for (int s = 0; s < 20; s++)
        {
            float[] input = Inputs(net, 1, 100 + s);
            Assert.Equal(net.Predict(input), frozen.Predict(input));
            var p = new float[10];
            var q = new float[10];
            net.PredictProbabilities(input, p);
            frozen.PredictProbabilities(input, q);
            Close.All(p, q, 1e-5, 1e-6, "probabilities");
        }
    }

    [Fact]
    public void Wrong_lengths_name_expected_and_actual()
    {
        SeedDigitsNet.Frozen frozen = new SeedDigitsNet().Freeze();
        var ex = Assert.Throws<ArgumentException>(() => frozen.Forward(new float[63], new float[10]));
        Assert.Contains("64", ex.Message);
        Assert.Contains("63", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => frozen.Forward(new float[128], new float[10]));
        Assert.Contains("20", ex.Message);
        Assert.Throws<ArgumentException>(() => frozen.Predict(new float[65]));
    }

    [Fact]
    public void Forward_allocates_nothing_after_warm_up()
    {
        WideNet.Frozen wide = new WideNet(1).Freeze();
        SeedDigitsNet.Frozen digits = new SeedDigitsNet(1).Freeze();
        float[] one = new float[WideNet.InputSize], many = new float[300 * WideNet.InputSize];
        float[] oneOut = new float[WideNet.OutputSize], manyOut = new float[300 * WideNet.OutputSize];
        float[] digitsIn = new float[1797 * 64], digitsOut = new float[1797 * 10];
        void Run()
        {
            wide.Forward(one, oneOut);
            wide.Forward(many, manyOut);
            digits.Forward(digitsIn.AsSpan(0, 64), digitsOut.AsSpan(0, 10));
            digits.Forward(digitsIn, digitsOut);
            digits.Predict(digitsIn.AsSpan(0, 64));
        }
        Run();
        Assert.Equal(0, Allocations.Of(Run, 10));
    }

    [Fact]
    public void Forward_is_safe_to_call_concurrently()
    {
        var net = new OddWideNet(4);
        OddWideNet.Frozen frozen = net.Freeze();
        float[] inputs = Inputs(net, 50, 9);
        var expected = new float[50 * OddWideNet.OutputSize];
        frozen.Forward(inputs, expected);
        Parallel.For(0, 32, i =>
        {
            var mine = new float[expected.Length];
            for (int r = 0; r < 20; r++)
            {
                if (i % 2 == 0) frozen.Forward(inputs, mine);
                else for (int s = 0; s < 50; s++) frozen.Forward(inputs.AsSpan(s * 37, 37), mine.AsSpan(s * 5, 5));
                Close.All(expected, mine, 1e-5, 1e-6, "concurrent");
            }
        });
    }
}
