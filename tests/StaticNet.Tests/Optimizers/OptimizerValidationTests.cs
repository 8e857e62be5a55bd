using Xunit;
namespace StaticNet.Tests.Optimizers;

public class OptimizerValidationTests
{
    public static TheoryData<string> Names => OptimizerCases.Names;

    [Theory]
    [MemberData(nameof(Names))]
    public void Spans_of_different_length_are_rejected_naming_both_lengths(string name)
    {
        var optimizer = OptimizerCases.All[name].Create();
        var ex = Assert.Throws<ArgumentException>(() => optimizer.Step(new float[37], new float[36]));
        Assert.Contains("37", ex.Message);
        Assert.Contains("36", ex.Message);
        Assert.Equal(0, optimizer.GetState().Step); // nothing happened
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_later_step_with_another_length_is_rejected_naming_expected_and_actual(string name)
    {
        var optimizer = OptimizerCases.All[name].Create();
        optimizer.Step(new float[37], new float[37]);
        var ex = Assert.Throws<ArgumentException>(() => optimizer.Step(new float[12], new float[12]));
        Assert.Contains("expected length 37", ex.Message);
        Assert.Contains("actual length 12", ex.Message);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void No_allocation_after_the_first_steps(string name)
    {
        var optimizer = OptimizerCases.All[name].Create();
        var (p, gradients) = OptimizerCases.Data(1001, steps: 2);
        for (int i = 0; i < 20; i++) optimizer.Step(p, gradients[i % 2]);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            optimizer.Step(p, gradients[i % 2]);
            if (i % 10 == 0) optimizer.LearningRate *= 0.99f;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    public static TheoryData<string, Action> BadHyperParameters => new()
    {
        { "learningRate", () => new Sgd(-0.1f) },
        { "learningRate", () => new Sgd(float.NaN) },
        { "momentum", () => new Sgd(0.1f, momentum: -0.9f) },
        { "weightDecay", () => new Sgd(0.1f, weightDecay: -1e-4f) },
        { "learningRate", () => new Adam(-1e-3f) },
        { "beta1", () => new Adam(beta1: 1f) },
        { "beta1", () => new Adam(beta1: -0.1f) },
        { "beta2", () => new Adam(beta2: 1.5f) },
        { "epsilon", () => new Adam(epsilon: -1e-8f) },
        { "weightDecay", () => new Adam(weightDecay: -0.01f) },
        { "learningRate", () => new AdamW(float.PositiveInfinity) },
        { "beta2", () => new AdamW(beta2: 1f) },
        { "weightDecay", () => new AdamW(weightDecay: -0.01f) },
        { "learningRate", () => new RmsProp(-0.01f) },
        { "alpha", () => new RmsProp(alpha: -0.5f) },
        { "epsilon", () => new RmsProp(epsilon: -1f) },
        { "momentum", () => new RmsProp(momentum: -0.1f) },
        { "weightDecay", () => new RmsProp(weightDecay: -0.1f) },
        { "learningRate", () => new Adagrad(-0.01f) },
        { "learningRateDecay", () => new Adagrad(learningRateDecay: -1f) },
        { "initialAccumulatorValue", () => new Adagrad(initialAccumulatorValue: -1f) },
        { "epsilon", () => new Adagrad(epsilon: -1e-10f) },
        { "value", () => new Adam().LearningRate = -1f },
        { "value", () => new Sgd(0.1f).LearningRate = float.NaN },
    };

    [Theory]
    [MemberData(nameof(BadHyperParameters))]
    public void Bad_hyper_parameters_are_rejected_with_the_parameter_name(string parameter, Action create)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(create);
        Assert.Equal(parameter, ex.ParamName);
    }

    [Theory]
    [InlineData(0f, 0f)]
    [InlineData(0.9f, 0.1f)]
    public void Nesterov_needs_momentum_and_no_dampening(float momentum, float dampening)
    {
        var ex = Assert.Throws<ArgumentException>(() => new Sgd(0.1f, momentum, dampening, nesterov: true));
        Assert.Equal("nesterov", ex.ParamName);
    }

    [Fact]
    public void Defaults_are_PyTorchs()
    {
        var adam = new Adam();
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay, adam.AmsGrad));
        var adamW = new AdamW();
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-8f, 1e-2f, false), (adamW.LearningRate, adamW.Beta1, adamW.Beta2, adamW.Epsilon, adamW.WeightDecay, adamW.AmsGrad));
        var rms = new RmsProp();
        Assert.Equal((1e-2f, 0.99f, 1e-8f, 0f, 0f, false), (rms.LearningRate, rms.Alpha, rms.Epsilon, rms.WeightDecay, rms.Momentum, rms.Centered));
        var adagrad = new Adagrad();
        Assert.Equal((1e-2f, 0f, 0f, 0f, 1e-10f), (adagrad.LearningRate, adagrad.LearningRateDecay, adagrad.WeightDecay, adagrad.InitialAccumulatorValue, adagrad.Epsilon));
        var sgd = new Sgd(0.1f);
        Assert.Equal((0.1f, 0f, 0f, false, 0f), (sgd.LearningRate, sgd.Momentum, sgd.Dampening, sgd.Nesterov, sgd.WeightDecay));
        Assert.Equal(0, sgd.StepCount);
    }
}
