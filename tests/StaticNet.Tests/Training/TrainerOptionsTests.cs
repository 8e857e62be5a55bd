using StaticNet.Tests.Parity;
using Xunit;

namespace StaticNet.Tests.Training;

/// <summary>Gradient clipping and learning-rate schedules inside <see cref="Trainer.Fit(ITrainableNetwork{int}, IOptimizer, Dataset, TrainingOptions?)"/>.</summary>
public sealed class TrainerOptionsTests
{
    private static readonly Dataset Small = Datasets.LoadDigits().Subset(Enumerable.Range(0, 64).ToArray());

    [Fact]
    public void ClipNorm_clips_between_backward_and_the_step()
    {
        var fitted = new SeedDigitsNet(3);
        Trainer.Fit(fitted, new Adam(1e-2f), Small, new TrainingOptions { Epochs = 3, BatchSize = 0, ClipNorm = 0.5f });

        var manual = new SeedDigitsNet(3);
        var adam = new Adam(1e-2f);
        float lastNorm = 0;
        for (int epoch = 0; epoch < 3; epoch++)
        {
            manual.ComputeGradients(Small.Features, Small.Labels);
            lastNorm = GradientClipping.ClipByNorm(manual.Gradients, 0.5f);
            adam.Step(manual.Parameters, manual.Gradients);
        }
        Assert.True(lastNorm > 0.5f, "the test must exercise clipping");
        Assert.True(fitted.Parameters.SequenceEqual(manual.Parameters));

        var unclipped = new SeedDigitsNet(3);
        Trainer.Fit(unclipped, new Adam(1e-2f), Small, new TrainingOptions { Epochs = 3, BatchSize = 0 });
        Assert.False(unclipped.Parameters.SequenceEqual(fitted.Parameters));
    }

    [Fact]
    public void Schedule_is_stepped_once_per_epoch()
    {
        var adam = new Adam(1e-3f);
        var schedule = new StepLR(adam, stepSize: 1, gamma: 0.5f);
        var rates = new List<float>();
        Trainer.Fit(new SeedDigitsNet(), adam, Small, new TrainingOptions
        {
            Epochs = 3,
            BatchSize = 16,
            Schedule = schedule,
            OnEpochEnd = _ => rates.Add(adam.LearningRate),
        });
        Assert.Equal(new[] { 5e-4f, 2.5e-4f, 1.25e-4f }, rates);
        Assert.Equal(3, schedule.Epoch);
    }

    [Fact]
    public void Plateau_schedule_sees_the_epoch_loss()
    {
        var sgd = new Sgd(1e-7f); // learns next to nothing: the loss stays on a plateau
        var schedule = new ReduceLROnPlateau(sgd, factor: 0.5f, patience: 1);
        Trainer.Fit(new SeedDigitsNet(), sgd, Small, new TrainingOptions { Epochs = 4, BatchSize = 0, Schedule = schedule });
        Assert.True(sgd.LearningRate < 1e-7f, $"lr {sgd.LearningRate}");
    }

    [Fact]
    public void Non_positive_ClipNorm_is_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Trainer.Fit(new SeedDigitsNet(), new Adam(), Small, new TrainingOptions { ClipNorm = 0f }));
}
