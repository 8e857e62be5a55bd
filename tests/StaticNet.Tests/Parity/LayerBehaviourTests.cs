using StaticNet.Tests.Support;
using Xunit;

namespace StaticNet.Tests.Parity;

/// <summary>Dropout, initializers and the every-layer networks' contract: what the fixtures cannot show.</summary>
public sealed class LayerBehaviourTests
{
    [Fact]
    public void Dropout_keeps_half_scales_by_two_and_only_while_training()
    {
        var net = new WideDropoutNet(1);
        var input = Enumerable.Repeat(1f, WideDropoutNet.InputSize).ToArray();
        float[] target = [10f];
        net.ComputeGradients(input, target);
        // With x = 1: dW[i] = dOut · mask[i] and db = dOut, so dW[i] / db is the mask value.
        float db = net.Gradients[WideDropoutNet.InputSize];
        Assert.NotEqual(0f, db);
        int kept = 0;
        for (int i = 0; i < WideDropoutNet.InputSize; i++)
        {
            float mask = net.Gradients[i] / db;
            Assert.True(mask == 0f || Math.Abs(mask - 2f) < 1e-5f, $"mask[{i}] = {mask}");
            if (mask != 0f) kept++;
        }
        Assert.InRange(kept / (double)WideDropoutNet.InputSize, 0.48, 0.52);

        // Forward never drops or scales: the output is the plain affine map.
        var output = new float[1];
        net.Forward(input, output);
        double expected = net.Parameters[WideDropoutNet.InputSize];
        for (int i = 0; i < WideDropoutNet.InputSize; i++) expected += net.Parameters[i];
        Assert.Equal(expected, output[0], 3);
        var again = new float[1];
        net.Forward(input, again);
        Assert.Equal(output[0], again[0]);
    }

    [Fact]
    public void Dropout_masks_are_reproducible_from_the_seed_and_change_between_steps()
    {
        var input = Enumerable.Repeat(1f, WideDropoutNet.InputSize).ToArray();
        float[] target = [1f];
        var a = new WideDropoutNet(5);
        var b = new WideDropoutNet(5);
        a.ComputeGradients(input, target);
        b.ComputeGradients(input, target);
        Assert.True(a.Gradients.SequenceEqual(b.Gradients));
        float[] first = a.Gradients.ToArray();
        a.ComputeGradients(input, target);
        Assert.False(a.Gradients.SequenceEqual(first));
    }

    public static TheoryData<int, string, double> Initializers => new()
    {
        // layer index, name, expected weight variance
        { 0, "Default", 1.0 / (3 * 400) },
        { 1, "XavierUniform", 2.0 / (300 + 301) },
        { 2, "XavierNormal", 2.0 / (301 + 302) },
        { 3, "HeUniform", 2.0 / 302 },
        { 4, "HeNormal", 2.0 / 303 },
        { 5, "Zeros", 0 },
    };

    [Theory]
    [MemberData(nameof(Initializers))]
    public void Initializer_matches_its_formula(int layer, string name, double variance)
    {
        var net = new InitializerNet(11);
        ParameterInfo weight = InitializerNet.ParameterLayout[2 * layer];
        ParameterInfo bias = InitializerNet.ParameterLayout[2 * layer + 1];
        double[] w = net.Parameters.Slice(weight.Offset, weight.Length).ToArray().Select(v => (double)v).ToArray();
        double mean = w.Average(), sampleVariance = w.Sum(v => (v - mean) * (v - mean)) / (w.Length - 1);
        if (variance == 0)
        {
            Assert.All(w, v => Assert.Equal(0, v));
            Assert.True(net.Parameters.Slice(bias.Offset, bias.Length).ToArray().All(v => v == 0), $"{name} bias");
            return;
        }
        Assert.True(Math.Abs(mean) < 4 * Math.Sqrt(variance / w.Length), $"{name}: mean {mean}");
        Assert.True(Math.Abs(sampleVariance / variance - 1) < 0.03, $"{name}: variance {sampleVariance}, expected {variance}");
        // Biases keep nn.Linear's default U(±1/√fan_in) whatever the weight scheme.
        float bound = 1f / MathF.Sqrt(weight.Shape[1]);
        foreach (float v in net.Parameters.Slice(bias.Offset, bias.Length)) Assert.InRange(v, -bound, bound);
    }

    [Fact]
    public void Every_layer_kind_allocates_nothing_after_warm_up()
    {
        var net = new EveryLayerWithDropoutNet(2);
        var rng = new Rng(3);
        var inputs = new float[8 * 9];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = rng.NextUniform(-1, 1);
        int[] targets = [0, 1, 2, 0, 1, 2, 0, 1];
        var outputs = new float[8 * 3];
        var adam = new Adam();
        void Run()
        {
            net.Forward(inputs, outputs);
            net.Predict(inputs.AsSpan(0, 9));
            net.ComputeGradients(inputs, targets, outputs);
            net.TrainStep(inputs.AsSpan(0, 4 * 9), targets.AsSpan(0, 4), adam);
        }
        Run();
        Assert.Equal(0, Allocations.Of(Run, 10));
    }

    [Fact]
    public void BatchNorm_forward_uses_running_statistics_and_training_updates_them()
    {
        var net = new EveryLayerWithDropoutNet(2);
        ParameterInfo runningVar = EveryLayerWithDropoutNet.BufferLayout[1];
        Assert.Equal("3.running_var", runningVar.Name);
        Assert.True(net.Buffers.Slice(runningVar.Offset, runningVar.Length).ToArray().All(v => v == 1f));
        var inputs = new float[4 * 9];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = i % 5;
        var before = new float[4 * 3];
        net.Forward(inputs, before);
        float[] buffers = net.Buffers.ToArray();
        var again = new float[4 * 3];
        net.Forward(inputs, again);
        Assert.Equal(before, again);
        Assert.True(buffers.AsSpan().SequenceEqual(net.Buffers)); // Forward never touches the statistics
        net.ComputeGradients(inputs, [0, 1, 2, 0]);
        Assert.False(buffers.AsSpan().SequenceEqual(net.Buffers));
        net.Forward(inputs, again);
        Assert.NotEqual(before, again);
    }

    [Fact]
    public void Predict_thresholds_binary_networks_at_one_half()
    {
        var logits = new BinaryLogitsNet(1);
        var probabilities = new BinarySigmoidNet(1);
        var rng = new Rng(9);
        var input = new float[30];
        var output = new float[1];
        for (int trial = 0; trial < 50; trial++)
        {
            for (int i = 0; i < input.Length; i++) input[i] = rng.NextUniform(-3, 3);
            logits.Forward(input, output);
            Assert.Equal(output[0] > 0 ? 1 : 0, logits.Predict(input));
            probabilities.Forward(input, output);
            Assert.Equal(output[0] > 0.5f ? 1 : 0, probabilities.Predict(input));
        }
        Assert.Equal(2, BinaryLogitsNet.ClassCount);
        Assert.Equal(10, SoftmaxProbsNet.ClassCount);
    }

    [Fact]
    public void Regression_and_inference_only_networks_get_only_their_members()
    {
        Assert.False(typeof(IClassifierNetwork).IsAssignableFrom(typeof(ActivationsRegressionNet)));
        Assert.Null(typeof(ActivationsRegressionNet).GetMethod("Predict"));
        Assert.True(typeof(ITrainableNetwork<float>).IsAssignableFrom(typeof(ActivationsRegressionNet)));
        Assert.Null(typeof(SoftmaxProbsNet).GetMethod("ComputeGradients"));
        Assert.Null(typeof(SoftmaxProbsNet).GetMethod("TrainStep"));
        Assert.True(typeof(IClassifierNetwork).IsAssignableFrom(typeof(SoftmaxProbsNet)));
        Assert.False(typeof(IClassifierNetwork).IsAssignableFrom(typeof(MultiLabelNet)));
    }
}
