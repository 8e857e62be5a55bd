using StaticNet.Tests.Parity;
using Xunit;

namespace StaticNet.Tests.Training;

/// <summary>Metrics.Loss (inference semantics, mean reduction, no penalties) and the validation loss the trainer records.</summary>
public sealed class ValidationLossTests
{
    private static readonly (Dataset Train, Dataset Test) Digits = Datasets.LoadDigits().Split(0.2, seed: 1);

    /// <summary>Standardized breast cancer data, as binary networks want it.</summary>
    private static (Dataset Train, Dataset Test) BreastCancer()
    {
        var (train, test) = Datasets.LoadBreastCancer().Split(0.3, seed: 2);
        Standardizer s = Standardizer.Fit(train);
        return (s.Apply(train), s.Apply(test));
    }

    /// <summary>Runs a fit and, after every epoch, compares the recorded validation loss with Metrics.Loss on the same parameters.</summary>
    private static void AssertValidationLossIsMetricsLoss(INetwork net, Func<TrainingOptions, TrainingHistory> fit, Dataset validation)
    {
        var measured = new List<float>();
        var recorded = new List<float>();
        TrainingHistory history = fit(new TrainingOptions
        {
            Epochs = 4,
            BatchSize = 50,
            Validation = validation,
            OnEpochEnd = e =>
            {
                recorded.Add(e.ValidationLoss!.Value);
                measured.Add(Metrics.Loss(net, validation));
            },
        });
        Assert.Equal(measured, recorded);
        Assert.Equal(measured, history.ValidationLosses);
        Assert.True(measured[^1] < measured[0], $"the network learned: {string.Join(", ", measured)}");
    }

    [Fact]
    public void Validation_loss_equals_Metrics_Loss_for_every_loss()
    {
        var digits = new SeedDigitsL1Net(1);
        AssertValidationLossIsMetricsLoss(digits, o => Trainer.Fit(digits, new Adam(1e-3f), Digits.Train, o), Digits.Test);
        var (train, test) = BreastCancer();
        var logits = new BinaryLogitsNet(1);
        AssertValidationLossIsMetricsLoss(logits, o => Trainer.Fit(logits, new Adam(1e-3f), train, o), test);
        var sigmoid = new BinarySigmoidNet(1);
        AssertValidationLossIsMetricsLoss(sigmoid, o => Trainer.Fit(sigmoid, new Adam(1e-3f), train, o), test);

        // A regressor: validation is accepted for every trainable network; it has a loss but no accuracy.
        var (dTrain, dTest) = Datasets.LoadDiabetes().Split(0.2, seed: 3);
        Standardizer scaler = Standardizer.Fit(dTrain, scaleTargets: true);
        var regressor = new ActivationsRegressionNet(1);
        AssertValidationLossIsMetricsLoss(regressor, o => Trainer.Fit(regressor, new Adam(1e-2f), scaler.Apply(dTrain), o), scaler.Apply(dTest));
        var history = Trainer.Fit(new ActivationsRegressionNet(1), new Adam(1e-2f), scaler.Apply(dTrain),
            new TrainingOptions { Epochs = 2, Validation = scaler.Apply(dTest) });
        Assert.Equal(2, history.ValidationLosses.Count);
        Assert.Empty(history.ValidationAccuracies);
    }

    [Fact]
    public void Cross_entropy_loss_is_the_mean_negative_log_softmax_of_Forward()
    {
        var net = new SeedDigitsNet(4);
        Dataset test = Digits.Test;
        var logits = new float[test.Count * 10];
        net.Forward(test.Features, logits);
        double total = 0;
        for (int i = 0; i < test.Count; i++)
        {
            ReadOnlySpan<float> z = logits.AsSpan(i * 10, 10);
            double max = z.ToArray().Max(), sum = z.ToArray().Sum(v => Math.Exp(v - max));
            total += max + Math.Log(sum) - z[test.Labels[i]];
        }
        Assert.Equal(total / test.Count, Metrics.Loss(net, test), 1e-5);
    }

    [Fact]
    public void Mse_and_bce_losses_are_the_means_over_every_output()
    {
        var (train, _) = BreastCancer();
        var sigmoid = new BinarySigmoidNet(3);
        var p = new float[train.Count];
        sigmoid.Forward(train.Features, p);
        double bce = Enumerable.Range(0, train.Count).Average(i =>
            -(train.Labels[i] * Math.Max(Math.Log(p[i]), -100) + (1 - train.Labels[i]) * Math.Max(Math.Log(1 - p[i]), -100)));
        Assert.Equal(bce, Metrics.Loss(sigmoid, train), 1e-5);

        var regression = new Dataset(Enumerable.Range(0, 30 * 6).Select(i => (float)Math.Sin(i)).ToArray(),
            Enumerable.Range(0, 30 * 2).Select(i => (float)Math.Cos(i)).ToArray(), 6, 2);
        var gelu = new GeluRegressionNet(2);
        var y = new float[60];
        gelu.Forward(regression.Features, y);
        double mse = Enumerable.Range(0, 60).Average(i => Math.Pow(y[i] - regression.Targets[i], 2));
        Assert.Equal(mse, Metrics.Loss(gelu, regression), 1e-6);
    }

    [Fact]
    public void Metrics_Loss_leaves_out_the_layers_penalties()
    {
        // No dropout or BatchNorm, so the train-mode forward equals Forward: ComputeGradients' loss is Metrics.Loss plus the L1 penalty.
        var net = new SeedDigitsL1Net(2);
        Dataset test = Digits.Test;
        float withPenalty = net.ComputeGradients(test.Features, test.Labels);
        double penalty = 1e-4 * SeedDigitsL1Net.ParameterLayout.Where(t => t.Shape.Count == 2)
            .Sum(t => net.Parameters.Slice(t.Offset, t.Length).ToArray().Sum(w => Math.Abs((double)w)));
        Assert.True(penalty > 1e-3, $"penalty {penalty}");
        Assert.Equal(withPenalty - penalty, Metrics.Loss(net, test), 1e-4);
    }

    [Fact]
    public void Metrics_Loss_uses_inference_semantics()
    {
        // Dropout is off and BatchNorm uses its running statistics: the same loss twice, and not the train-mode loss.
        var net = new EveryLayerWithDropoutNet(3);
        var rng = new Rng(5);
        var data = new Dataset(Enumerable.Range(0, 40 * 9).Select(_ => rng.NextGaussian()).ToArray(),
            Enumerable.Range(0, 40).Select(i => i % 3).ToArray(), 9, 3);
        float[] buffers = net.Buffers.ToArray();
        float first = Metrics.Loss(net, data);
        Assert.Equal(first, Metrics.Loss(net, data));
        Assert.Equal(buffers, net.Buffers.ToArray()); // running statistics untouched
        Assert.NotEqual(first, net.ComputeGradients(data.Features, data.Labels));
    }

    [Fact]
    public void Metrics_Loss_rejects_what_it_cannot_score()
    {
        Assert.Throws<ArgumentException>(() => Metrics.Loss(new DropoutEvalNet(), Digits.Test)); // no loss
        Assert.Throws<ArgumentException>(() => Metrics.Loss(new SeedDigitsNet(), Datasets.LoadDiabetes())); // 10 features, float targets
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.Loss(new BinaryLogitsNet(), new Dataset(new float[60], [0, 3], 30, 4)));
        Assert.Contains("Label 3 at row 1", e.Message);
    }
}
