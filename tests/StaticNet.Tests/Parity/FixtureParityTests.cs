using System.Text.Json;
using StaticNet.Kernels;
using StaticNet.Tests.Support;
using Xunit;

namespace StaticNet.Tests.Parity;

/// <summary>
/// Every PyTorch fixture case through a network declared with attributes: eval and train forward, loss, gradients,
/// BatchNorm buffers, and each optimizer run step by step (README procedure: L1 term, clipping, then the step).
/// </summary>
[Trait("Category", "Numeric")]
public sealed class FixtureParityTests
{
    private static readonly Dictionary<string, Func<INetwork>> Networks = new()
    {
        ["seed_digits_mlp"] = () => new SeedDigitsNet(),
        ["activations_regression"] = () => new ActivationsRegressionNet(),
        ["batchnorm_mlp"] = () => new BatchNormNet(),
        ["binary_logits"] = () => new BinaryLogitsNet(),
        ["binary_sigmoid"] = () => new BinarySigmoidNet(),
        ["deep_sigmoid_vanishing"] = () => new DeepSigmoidNet(),
        ["dropout_eval"] = () => new DropoutEvalNet(),
        ["layernorm_mlp"] = () => new LayerNormNet(),
        ["softmax_probs"] = () => new SoftmaxProbsNet(),
        ["conv2d_digits"] = () => new Conv2dDigitsNet(),
        ["conv2d_stride_avgpool"] = () => new Conv2dStrideAvgPoolNet(),
        ["conv2d_batchnorm"] = () => new Conv2dBatchNormNet(),
        ["conv1d_sequence"] = () => new Conv1dSequenceNet(),
        ["maxpool_ties"] = () => new MaxPoolTiesNet(),
    };

    public static TheoryData<string> Cases => new(Networks.Keys);

    /// <summary>The cases with a <c>train</c> block: all but those with dropout, whose PyTorch masks cannot be reproduced.</summary>
    public static TheoryData<string> TrainCases => new(TrainCaseNames);

    private static IEnumerable<string> TrainCaseNames => Networks.Keys.Where(name => Fixture.Load(name).Root.TryGetProperty("train", out _));

    public static TheoryData<string, string> OptimizerRuns
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string name in Networks.Keys)
                foreach (JsonElement run in Fixture.Load(name).Optimizers)
                    data.Add(name, run.GetProperty("label").GetString()!);
            return data;
        }
    }

    private static INetwork Loaded(Fixture f)
    {
        INetwork net = Networks[f.Name]();
        Assert.Equal(f.Parameters.Length, net.ParameterCount);
        for (int i = 0; i < f.ParameterNames.Count; i++)
        {
            Assert.Equal(f.ParameterNames[i].Name, net.ParameterLayout[i].Name);
            Assert.Equal(f.ParameterNames[i].Shape, net.ParameterLayout[i].Shape);
            Assert.Equal(f.ParameterNames[i].Offset, net.ParameterLayout[i].Offset);
        }
        f.Parameters.CopyTo(net.Parameters);
        if (f.Root.TryGetProperty("buffers", out JsonElement buffers))
        {
            float[] values = Fixture.Buffers(buffers);
            Assert.Equal(values.Length, net.Buffers.Length);
            values.CopyTo(net.Buffers);
        }
        return net;
    }

    /// <summary>Train-mode forward and backward for whichever target type the network takes.</summary>
    private static float ComputeGradients(INetwork net, Fixture f, Span<float> outputs) => net switch
    {
        ITrainableNetwork<int> classifier => classifier.ComputeGradients(f.Input, f.ClassTargets, outputs),
        ITrainableNetwork<float> regressor => regressor.ComputeGradients(f.Input, f.FloatTargets, outputs),
        _ => throw new InvalidOperationException($"{net.GetType().Name} has no loss."),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Eval_forward_matches(string name)
    {
        Fixture f = Fixture.Load(name);
        INetwork net = Loaded(f);
        var output = new float[f.EvalOutput.Length];
        net.Forward(f.Input, output);
        Close.All(f.EvalOutput, output, 1e-4, 1e-5, $"{name} eval output");
        var frozen = (IInferenceNetwork)net.GetType().GetMethod("Freeze")!.Invoke(net, null)!;
        Array.Clear(output);
        frozen.Forward(f.Input, output);
        Close.All(f.EvalOutput, output, 1e-4, 1e-5, $"{name} eval output of the frozen snapshot");
    }

    [Fact]
    public void Only_the_dropout_case_has_no_train_block()
    {
        Assert.Equal(["dropout_eval"], Networks.Keys.Except(TrainCaseNames));
        Assert.Contains(Fixture.Load("dropout_eval").Root.GetProperty("layers").EnumerateArray(), l => l.GetProperty("type").GetString() == "dropout");
    }

    [Theory]
    [MemberData(nameof(TrainCases))]
    public void Train_forward_loss_gradients_and_buffers_match(string name)
    {
        Fixture f = Fixture.Load(name);
        JsonElement train = f.Train;
        INetwork net = Loaded(f);
        float[] expectedOutput = Fixture.Floats(train.GetProperty("output"));
        var output = new float[expectedOutput.Length];
        if (!train.TryGetProperty("loss", out JsonElement loss))
        {
            net.Forward(f.Input, output); // no loss: train mode equals eval mode
            Close.All(expectedOutput, output, 1e-4, 1e-5, $"{name} train output");
            return;
        }
        net.Gradients.Fill(float.NaN);
        float actualLoss = ComputeGradients(net, f, output);
        Close.All(expectedOutput, output, 1e-4, 1e-5, $"{name} train output");
        Close.Value(loss.GetDouble(), actualLoss, 1e-4, 1e-5, $"{name} loss");
        Close.All(Fixture.Floats(train.GetProperty("gradients")), net.Gradients, 1e-4, 1e-5, $"{name} gradients");
        if (train.TryGetProperty("buffers_after", out JsonElement buffersAfter))
            Close.All(Fixture.Buffers(buffersAfter), net.Buffers, 1e-4, 1e-5, $"{name} buffers after one train forward");
    }

    [Theory]
    [MemberData(nameof(OptimizerRuns))]
    public void Optimizer_run_matches(string name, string label)
    {
        Fixture f = Fixture.Load(name);
        JsonElement run = f.Optimizers.Single(o => o.GetProperty("label").GetString() == label);
        INetwork net = Loaded(f);
        IOptimizer optimizer = OptimizerFactory.Create(run);
        float l1 = (float)run.GetProperty("l1").GetDouble();
        float? clip = run.GetProperty("clip_grad_norm").ValueKind == JsonValueKind.Null ? null : (float)run.GetProperty("clip_grad_norm").GetDouble();
        float[] losses = Fixture.Floats(run.GetProperty("losses"));
        for (int step = 0; step < losses.Length; step++)
        {
            float loss = ComputeGradients(net, f, default);
            if (l1 > 0)
                foreach (ParameterInfo info in net.ParameterLayout.Where(p => p.Name.EndsWith(".weight") && p.Shape.Count == 2))
                    loss += Losses.Penalty(net.Parameters.Slice(info.Offset, info.Length), net.Gradients.Slice(info.Offset, info.Length), l1, 0f);
            Close.Value(losses[step], loss, 1e-4, 1e-5, $"{name}/{label} loss at step {step}");
            if (clip is float maxNorm)
            {
                float norm = GradientClipping.ClipByNorm(net.Gradients, maxNorm);
                Close.Value(run.GetProperty("grad_norms_before_clip")[step].GetDouble(), norm, 1e-4, 1e-5, $"{name}/{label} norm at step {step}");
            }
            optimizer.Step(net.Parameters, net.Gradients);
        }

        var skip = new HashSet<string>(run.TryGetProperty("noise_dominated", out JsonElement noisy)
            ? noisy.EnumerateArray().Select(e => e.GetString()!) : []);
        float[] expected = Fixture.Floats(run.GetProperty("parameters_after"));
        foreach (ParameterInfo info in net.ParameterLayout.Where(p => !skip.Contains(p.Name)))
            Close.All(expected.AsSpan(info.Offset, info.Length), net.Parameters.Slice(info.Offset, info.Length), 0, 1e-4, $"{name}/{label} {info.Name} after {losses.Length} steps");
        if (run.TryGetProperty("buffers_after", out JsonElement buffersAfter))
        {
            float[] expectedBuffers = Fixture.Buffers(buffersAfter);
            foreach (ParameterInfo info in net.BufferLayout.Where(p => !skip.Contains(p.Name)))
                Close.All(expectedBuffers.AsSpan(info.Offset, info.Length), net.Buffers.Slice(info.Offset, info.Length), 0, 1e-4, $"{name}/{label} {info.Name}");
        }
    }

    [Fact]
    public void Declared_L1_penalty_equals_the_fixture_procedure()
    {
        Fixture f = Fixture.Load("seed_digits_mlp");
        JsonElement run = f.Optimizers.Single(o => o.GetProperty("label").GetString() == "sgd_l1");
        Assert.Equal(1e-4, run.GetProperty("l1").GetDouble());
        var net = new SeedDigitsL1Net();
        f.Parameters.CopyTo(net.Parameters);
        var sgd = new Sgd((float)run.GetProperty("lr").GetDouble());
        float[] losses = Fixture.Floats(run.GetProperty("losses"));
        for (int step = 0; step < losses.Length; step++)
            Close.Value(losses[step], net.TrainStep(f.Input, f.ClassTargets, sgd), 1e-4, 1e-5, $"loss at step {step}");
        Close.All(Fixture.Floats(run.GetProperty("parameters_after")), net.Parameters, 0, 1e-4, "parameters after");
    }

    [Fact]
    public void Vanishing_gradients_show_in_the_deep_sigmoid_network()
    {
        Fixture f = Fixture.Load("deep_sigmoid_vanishing");
        INetwork net = Loaded(f);
        ComputeGradients(net, f, default);
        foreach (JsonProperty layer in f.Root.GetProperty("layer_grad_norms").EnumerateObject())
        {
            ParameterInfo info = net.ParameterLayout.Single(p => p.Name == layer.Name);
            double norm = Math.Sqrt(net.Gradients.Slice(info.Offset, info.Length).ToArray().Sum(g => (double)g * g));
            Close.Value(layer.Value.GetDouble(), norm, 1e-3, 1e-9, $"|grad {layer.Name}|");
        }
        Assert.True(f.Root.GetProperty("last_layer_grad_norm").GetDouble() / f.Root.GetProperty("first_layer_grad_norm").GetDouble() > 1e4);
    }

    [Fact]
    public void Full_digits_training_follows_the_reference_loss_curve()
    {
        Fixture f = Fixture.Load("full_digits_training");
        Dataset digits = Datasets.LoadDigits();
        var net = new SeedDigitsNet();
        f.Parameters.CopyTo(net.Parameters);
        var adam = new Adam(1e-3f);
        var losses = new List<float>();
        for (int epoch = 0; epoch < f.Root.GetProperty("epochs").GetInt32(); epoch++)
            losses.Add(net.TrainStep(digits.Features, digits.Labels, adam));
        foreach (JsonProperty point in f.Root.GetProperty("loss_curve").EnumerateObject())
            Close.Value(point.Value.GetDouble(), losses[int.Parse(point.Name)], 0.02, 0, $"loss at epoch {point.Name}");
        int correct = 0;
        for (int i = 0; i < digits.Count; i++)
            if (net.Predict(digits.Features.AsSpan(i * 64, 64)) == digits.Labels[i]) correct++;
        Assert.InRange((double)correct / digits.Count - f.Root.GetProperty("final_train_accuracy").GetDouble(), -0.01, 0.01);
    }

    [Fact]
    public void Full_batch_cnn_training_follows_the_reference_loss_curve()
    {
        Fixture f = Fixture.Load("cnn_digits_training");
        Dataset digits = Datasets.LoadDigits();
        var net = new Conv2dDigitsNet();
        Assert.Equal(Conv2dDigitsNet.ParameterCount, f.Parameters.Length);
        f.Parameters.CopyTo(net.Parameters);
        var adam = new Adam(1e-3f);
        var losses = new List<float>();
        for (int epoch = 0; epoch < f.Root.GetProperty("epochs").GetInt32(); epoch++)
            losses.Add(net.TrainStep(digits.Features, digits.Labels, adam));
        foreach (JsonProperty point in f.Root.GetProperty("loss_curve").EnumerateObject())
            Close.Value(point.Value.GetDouble(), losses[int.Parse(point.Name)], 0.02, 0, $"loss at epoch {point.Name}");
        Assert.InRange(Metrics.Accuracy(net, digits) - f.Root.GetProperty("final_train_accuracy").GetDouble(), -0.01, 0.01);
    }
}
