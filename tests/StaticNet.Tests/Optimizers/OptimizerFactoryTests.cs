using System.Text.Json;
using StaticNet.Tests.Support;
using Xunit;

namespace StaticNet.Tests.Optimizers;

public class OptimizerFactoryTests
{
    private static IOptimizer Create(string json) => OptimizerFactory.Create(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void Builds_Sgd_from_a_fixture_entry()
    {
        var sgd = Assert.IsType<Sgd>(Create("""
            {"label": "sgd_nesterov", "type": "sgd", "lr": 0.01, "momentum": 0.9, "dampening": 0.0, "nesterov": true,
             "weight_decay": 0.0001, "steps": 5, "clip_grad_norm": null, "l1": 0.0, "losses": [1.0]}
            """));
        Assert.Equal((0.01f, 0.9f, 0f, true, 1e-4f), (sgd.LearningRate, sgd.Momentum, sgd.Dampening, sgd.Nesterov, sgd.WeightDecay));
    }

    [Theory]
    [InlineData("adam", typeof(Adam))]
    [InlineData("adamw", typeof(AdamW))]
    public void Builds_Adam_and_AdamW(string type, Type expected)
    {
        var optimizer = Create($$"""
            {"label": "x", "type": "{{type}}", "lr": 0.002, "betas": [0.8, 0.99], "eps": 1e-06, "weight_decay": 0.05, "amsgrad": true}
            """);
        Assert.IsType(expected, optimizer);
        var settings = optimizer switch
        {
            Adam a => (a.LearningRate, a.Beta1, a.Beta2, a.Epsilon, a.WeightDecay, a.AmsGrad),
            AdamW a => (a.LearningRate, a.Beta1, a.Beta2, a.Epsilon, a.WeightDecay, a.AmsGrad),
            _ => throw new InvalidOperationException(),
        };
        Assert.Equal((0.002f, 0.8f, 0.99f, 1e-6f, 0.05f, true), settings);
    }

    [Fact]
    public void Builds_RmsProp_and_Adagrad()
    {
        var rms = Assert.IsType<RmsProp>(Create("""
            {"type": "rmsprop", "lr": 0.001, "alpha": 0.9, "eps": 1e-07, "weight_decay": 0.1, "momentum": 0.5, "centered": true}
            """));
        Assert.Equal((0.001f, 0.9f, 1e-7f, 0.1f, 0.5f, true), (rms.LearningRate, rms.Alpha, rms.Epsilon, rms.WeightDecay, rms.Momentum, rms.Centered));
        var adagrad = Assert.IsType<Adagrad>(Create("""
            {"type": "adagrad", "lr": 0.05, "lr_decay": 0.01, "weight_decay": 0.2, "initial_accumulator_value": 0.1, "eps": 1e-09}
            """));
        Assert.Equal((0.05f, 0.01f, 0.2f, 0.1f, 1e-9f),
            (adagrad.LearningRate, adagrad.LearningRateDecay, adagrad.WeightDecay, adagrad.InitialAccumulatorValue, adagrad.Epsilon));
    }

    [Fact]
    public void Missing_keys_take_PyTorchs_defaults()
    {
        var adamW = Assert.IsType<AdamW>(Create("""{"type": "adamw"}"""));
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-8f, 1e-2f, false), (adamW.LearningRate, adamW.Beta1, adamW.Beta2, adamW.Epsilon, adamW.WeightDecay, adamW.AmsGrad));
        Assert.Equal(1e-10f, Assert.IsType<Adagrad>(Create("""{"type": "adagrad"}""")).Epsilon);
        Assert.Equal(0.99f, Assert.IsType<RmsProp>(Create("""{"type": "rmsprop"}""")).Alpha);
    }

    [Fact]
    public void Rejects_unknown_types_and_Sgd_without_a_learning_rate()
    {
        Assert.Throws<NotSupportedException>(() => Create("""{"type": "lbfgs"}"""));
        Assert.Throws<ArgumentException>(() => Create("""{"type": "sgd"}"""));
    }
}
