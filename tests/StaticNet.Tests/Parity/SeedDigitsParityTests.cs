using StaticNet.Tests.Support;
using Xunit;

namespace StaticNet.Tests.Parity;

/// <summary>The reference digits MLP against PyTorch 1.13: forward, loss and gradients.</summary>
[Trait("Category", "Numeric")]
public sealed class SeedDigitsParityTests
{
    private static readonly Fixture Case = Fixture.Load("seed_digits_mlp");

    private static SeedDigitsNet Loaded()
    {
        var net = new SeedDigitsNet();
        Case.Parameters.CopyTo(net.Parameters);
        return net;
    }

    [Fact]
    public void Layout_matches_named_parameters()
    {
        var expected = Case.ParameterNames;
        Assert.Equal(expected.Count, SeedDigitsNet.ParameterLayout.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            ParameterInfo actual = SeedDigitsNet.ParameterLayout[i];
            Assert.Equal(expected[i].Name, actual.Name);
            Assert.Equal(expected[i].Offset, actual.Offset);
            Assert.Equal(expected[i].Length, actual.Length);
            Assert.Equal(expected[i].Shape, actual.Shape);
        }
        Assert.Equal(SeedDigitsNet.ParameterCount, Case.Parameters.Length);
    }

    [Fact]
    public void Forward_matches_eval_output()
    {
        var net = Loaded();
        var output = new float[Case.Batch * SeedDigitsNet.OutputSize];
        net.Forward(Case.Input, output);
        Close.All(Case.EvalOutput, output, 1e-4, 1e-5, "eval output");
    }

    [Fact]
    public void ComputeGradients_matches_train_output_loss_and_gradients()
    {
        var net = Loaded();
        var output = new float[Case.Batch * SeedDigitsNet.OutputSize];
        net.Gradients.Fill(123f); // must be overwritten, not accumulated into
        float loss = net.ComputeGradients(Case.Input, Case.ClassTargets, output);
        Close.All(Fixture.Floats(Case.Train.GetProperty("output")), output, 1e-4, 1e-5, "train output");
        Close.Value(Case.Train.GetProperty("loss").GetDouble(), loss, 1e-4, 1e-5, "loss");
        Close.All(Fixture.Floats(Case.Train.GetProperty("gradients")), net.Gradients, 1e-4, 1e-5, "gradients");
    }

    [Fact]
    public void Predict_is_the_argmax_of_Forward()
    {
        var net = Loaded();
        float[] input = Case.Input;
        var output = new float[SeedDigitsNet.OutputSize];
        for (int s = 0; s < Case.Batch; s++)
        {
            ReadOnlySpan<float> row = input.AsSpan(s * SeedDigitsNet.InputSize, SeedDigitsNet.InputSize);
            net.Forward(row, output);
            int argmax = Array.IndexOf(output, output.Max());
            Assert.Equal(argmax, net.Predict(row));
        }
    }

    [Fact]
    public void Forward_of_a_large_batch_equals_Forward_per_sample()
    {
        // 37 samples: several inference tiles and a partial one, and the 4-sample blocks plus remainders.
        var net = new SeedDigitsNet(3);
        var rng = new Rng(5);
        var inputs = new float[37 * SeedDigitsNet.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = rng.NextUniform(0, 16);
        var batched = new float[37 * SeedDigitsNet.OutputSize];
        net.Forward(inputs, batched);
        var single = new float[SeedDigitsNet.OutputSize];
        for (int s = 0; s < 37; s++)
        {
            net.Forward(inputs.AsSpan(s * 64, 64), single);
            Close.All(single, batched.AsSpan(s * 10, 10), 1e-5, 1e-5, $"sample {s}");
        }
    }
}
