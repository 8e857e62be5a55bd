using Xunit;

namespace StaticNet.Tests.Parity;

/// <summary><c>PredictProbabilities</c>, <c>INetwork.Loss</c> and the binary-target check of every output kind.</summary>
public sealed class ProbabilityTests
{
    private static float[] Input(int size, int seed)
    {
        var rng = new Rng(seed);
        var input = new float[size];
        for (int i = 0; i < size; i++) input[i] = rng.NextUniform(-3, 3);
        return input;
    }

    [Fact]
    public void Cross_entropy_probabilities_are_the_softmax_of_the_logits()
    {
        var net = new SeedDigitsNet(3);
        float[] input = Input(64, 1);
        var logits = new float[10];
        net.Forward(input, logits);
        var probabilities = new float[10];
        net.PredictProbabilities(input, probabilities);
        double max = logits.Max(), sum = logits.Sum(z => Math.Exp(z - max));
        for (int c = 0; c < 10; c++) Assert.Equal(Math.Exp(logits[c] - max) / sum, probabilities[c], 1e-6);
        Assert.Equal(net.Predict(input), Array.IndexOf(probabilities, probabilities.Max()));
    }

    [Fact]
    public void Binary_probabilities_are_one_minus_p_and_p()
    {
        var logitNet = new BinaryLogitsNet(2);
        float[] input = Input(30, 2);
        var output = new float[1];
        var probabilities = new float[2];
        logitNet.Forward(input, output);
        logitNet.PredictProbabilities(input, probabilities);
        double p = 1 / (1 + Math.Exp(-output[0]));
        Assert.Equal(p, probabilities[1], 1e-6);
        Assert.Equal(1 - p, probabilities[0], 1e-6);

        var sigmoidNet = new BinarySigmoidNet(2);
        sigmoidNet.Forward(input, output);
        sigmoidNet.PredictProbabilities(input, probabilities);
        Assert.Equal(output[0], probabilities[1]);
        Assert.Equal(1f - output[0], probabilities[0]);
    }

    [Fact]
    public void Softmax_network_probabilities_are_its_outputs()
    {
        var net = new SoftmaxProbsNet(4);
        float[] input = Input(64, 3);
        var output = new float[10];
        var probabilities = new float[10];
        net.Forward(input, output);
        net.PredictProbabilities(input, probabilities);
        Assert.Equal(output, probabilities);
    }

    [Fact]
    public void Probability_span_of_the_wrong_length_names_both_lengths()
    {
        var ex = Assert.Throws<ArgumentException>(() => new BinaryLogitsNet().PredictProbabilities(new float[30], new float[1]));
        Assert.Contains("2", ex.Message);
        Assert.Contains("1", ex.Message);
        Assert.Equal("probabilities", ex.ParamName);
    }

    [Fact]
    public void Networks_report_their_loss()
    {
        Assert.Equal(LossFunction.CrossEntropy, ((INetwork)new SeedDigitsNet()).Loss);
        Assert.Equal(LossFunction.BCEWithLogits, ((INetwork)new BinaryLogitsNet()).Loss);
        Assert.Equal(LossFunction.BCE, ((INetwork)new BinarySigmoidNet()).Loss);
        Assert.Equal(LossFunction.MSE, ((INetwork)new ActivationsRegressionNet()).Loss);
        Assert.Equal(LossFunction.None, ((INetwork)new SoftmaxProbsNet()).Loss);
    }

    [Theory]
    [InlineData(2f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    public void Binary_targets_outside_zero_one_are_rejected_before_any_change(float bad)
    {
        var net = new BinaryLogitsNet(5);
        float[] before = net.Parameters.ToArray();
        net.Gradients.Fill(7f);
        var targets = new float[] { 0f, 1f, bad };
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => net.ComputeGradients(new float[90], targets));
        Assert.Contains("index 2", ex.Message);
        Assert.Equal("targets", ex.ParamName);
        Assert.True(net.Gradients.ToArray().All(g => g == 7f));
        Assert.Equal(before, net.Parameters.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => new BinarySigmoidNet().ComputeGradients(new float[90], targets));
        // Soft targets inside [0, 1] are allowed, as in PyTorch.
        Assert.True(float.IsFinite(net.ComputeGradients(new float[90], [0f, 0.25f, 1f])));
    }
}
