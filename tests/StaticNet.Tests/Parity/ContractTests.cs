using StaticNet.Tests.Support;
using Xunit;

namespace StaticNet.Tests.Parity;

/// <summary>The generated contract's behaviour at its edges: determinism, bad input, no allocation.</summary>
public sealed class ContractTests
{
    [Fact]
    public void Constants_describe_the_declaration()
    {
        Assert.Equal(64, SeedDigitsNet.InputSize);
        Assert.Equal(10, SeedDigitsNet.OutputSize);
        Assert.Equal(64 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10, SeedDigitsNet.ParameterCount);
        var net = new SeedDigitsNet();
        Assert.Equal(SeedDigitsNet.ParameterCount, net.Parameters.Length);
        Assert.Equal(SeedDigitsNet.ParameterCount, net.Gradients.Length);
        Assert.Equal(0, net.Buffers.Length);
        INetwork asInterface = net;
        Assert.Equal(64, asInterface.InputSize);
        Assert.Same(SeedDigitsNet.ParameterLayout, asInterface.ParameterLayout);
    }

    [Fact]
    public void Initialisation_is_deterministic_and_follows_nn_Linear_bounds()
    {
        Assert.True(new SeedDigitsNet().Parameters.SequenceEqual(new SeedDigitsNet(0).Parameters));
        Assert.True(new SeedDigitsNet(7).Parameters.SequenceEqual(new SeedDigitsNet(7).Parameters));
        Assert.False(new SeedDigitsNet(7).Parameters.SequenceEqual(new SeedDigitsNet(8).Parameters));

        var net = new SeedDigitsNet(1);
        foreach (ParameterInfo info in SeedDigitsNet.ParameterLayout)
        {
            int fanIn = info.Name.StartsWith("0.") ? 64 : info.Name.StartsWith("2.") ? 32 : 16;
            float bound = 1f / MathF.Sqrt(fanIn);
            ReadOnlySpan<float> values = net.Parameters.Slice(info.Offset, info.Length);
            foreach (float v in values) Assert.InRange(v, -bound, bound);
            if (info.Length >= 100) Assert.True(values.ToArray().Max() > 0.8f * bound && values.ToArray().Min() < -0.8f * bound, info.Name);
        }
    }

    [Fact]
    public void Wrong_span_lengths_name_expected_and_actual()
    {
        var net = new SeedDigitsNet();
        var ex = Assert.Throws<ArgumentException>(() => net.Forward(new float[63], new float[10]));
        Assert.Contains("64", ex.Message);
        Assert.Contains("63", ex.Message);
        Assert.Equal("inputs", ex.ParamName);

        ex = Assert.Throws<ArgumentException>(() => net.Forward(new float[128], new float[10]));
        Assert.Contains("20", ex.Message);
        Assert.Contains("10", ex.Message);
        Assert.Equal("outputs", ex.ParamName);

        ex = Assert.Throws<ArgumentException>(() => net.Predict(new float[65]));
        Assert.Contains("65", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => net.ComputeGradients(new float[128], new int[3]));
        Assert.Contains("2", ex.Message);
        Assert.Contains("3", ex.Message);
        Assert.Equal("targets", ex.ParamName);

        ex = Assert.Throws<ArgumentException>(() => net.ComputeGradients(new float[128], new int[2], new float[5]));
        Assert.Equal("outputs", ex.ParamName);
    }

    [Fact]
    public void Out_of_range_label_names_index_and_class_count_and_changes_nothing()
    {
        var net = new SeedDigitsNet();
        float[] before = net.Gradients.ToArray();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => net.ComputeGradients(new float[3 * 64], [1, 10, 2]));
        Assert.Contains("10", ex.Message);
        Assert.Contains("index 1", ex.Message);
        Assert.Equal("targets", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => net.ComputeGradients(new float[64], [-1]));
        Assert.True(before.AsSpan().SequenceEqual(net.Gradients));
    }

    [Fact]
    public void Hot_paths_allocate_nothing_after_warm_up()
    {
        var net = new SeedDigitsNet();
        var inputs = new float[32 * 64];
        var outputs = new float[32 * 10];
        var targets = new int[32];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = i % 17;
        for (int i = 0; i < targets.Length; i++) targets[i] = i % 10;
        var big = new float[1797 * 64];
        var bigOut = new float[1797 * 10];

        void Run()
        {
            net.Forward(inputs.AsSpan(0, 64), outputs.AsSpan(0, 10));
            net.Forward(inputs, outputs);
            net.Forward(big, bigOut);
            net.Predict(inputs.AsSpan(0, 64));
            net.ComputeGradients(inputs, targets);
            net.ComputeGradients(inputs.AsSpan(0, 5 * 64), targets.AsSpan(0, 5), outputs.AsSpan(0, 50)); // smaller batch reuses the workspace
        }

        Run();
        Assert.Equal(0, Allocations.Of(Run, 20));
    }

    [Fact]
    public void Cnn_hot_paths_allocate_nothing_after_warm_up()
    {
        var net = new Conv2dBatchNormNet();
        var inputs = new float[1797 * 64];
        var outputs = new float[1797 * 10];
        var targets = new int[1797];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = i % 17;
        for (int i = 0; i < targets.Length; i++) targets[i] = i % 10;
        Conv2dBatchNormNet.Frozen frozen = net.Freeze();
        var adam = new Adam(1e-3f);

        void Run()
        {
            net.Forward(inputs.AsSpan(0, 64), outputs.AsSpan(0, 10));
            net.Forward(inputs, outputs);
            frozen.Forward(inputs.AsSpan(0, 64), outputs.AsSpan(0, 10));
            frozen.Forward(inputs, outputs);
            net.TrainStep(inputs.AsSpan(0, 32 * 64), targets.AsSpan(0, 32), adam);
            net.ComputeGradients(inputs, targets);
        }

        Run();
        Assert.Equal(0, Allocations.Of(Run, 5));
    }

    [Fact]
    public void Forward_is_safe_to_call_concurrently()
    {
        var net = new SeedDigitsNet(4);
        var inputs = new float[50 * 64];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (i * 7) % 17;
        var expected = new float[50 * 10];
        net.Forward(inputs, expected);
        Parallel.For(0, 64, _ =>
        {
            var mine = new float[50 * 10];
            for (int r = 0; r < 20; r++)
            {
                net.Forward(inputs, mine);
                Assert.True(expected.AsSpan().SequenceEqual(mine));
            }
        });
    }

    [Fact]
    public void ToString_summarises_the_modules_like_torchinfo()
    {
        string[] lines = new BatchNormNet().ToString().Split('\n');
        Assert.Equal("BatchNormNet", lines[0]);
        Assert.Equal(["#", "Module", "Output", "shape", "Parameters"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["Input", "[64]"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["0", "Linear", "[32]", "2,080"], lines[3].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["1", "BatchNorm1d", "[32]", "64"], lines[4].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["2", "ReLU", "[32]", "0"], lines[5].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["3", "Linear", "[10]", "330"], lines[6].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("Loss: CrossEntropyLoss", lines[7]);
        Assert.Equal("Total parameters: 2,474; buffers: 64", lines[8]);
    }
}
