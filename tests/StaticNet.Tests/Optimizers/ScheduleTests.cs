using Xunit;
namespace StaticNet.Tests.Optimizers;

public class ScheduleTests
{
    /// <summary>The optimizer's learning rate at epochs 0, 1, 2, … (epoch 0 = right after construction).</summary>
    private static float[] Rates(ILearningRateSchedule schedule, int epochs, Func<int, float>? metric = null)
    {
        var rates = new float[epochs + 1];
        rates[0] = schedule.LearningRate;
        for (int e = 1; e <= epochs; e++)
        {
            if (metric is null) schedule.Step(); else schedule.Step(metric(e));
            Assert.Equal(e, schedule.Epoch);
            rates[e] = schedule.LearningRate;
        }
        return rates;
    }

    private static void AssertRates(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-7 * expected[i], $"epoch {i}: {actual[i]:R}, expected {expected[i]:R}");
    }

    [Fact]
    public void StepLR_decays_every_step_size_epochs()
    {
        var sgd = new Sgd(0.1f);
        var schedule = new StepLR(sgd, stepSize: 3, gamma: 0.5f);
        Assert.Equal(0, schedule.Epoch);
        AssertRates([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125], Rates(schedule, 9));
        Assert.Equal(0.0125f, sgd.LearningRate, 1e-9f);
    }

    [Fact]
    public void StepLR_default_gamma_is_a_tenth()
    {
        var schedule = new StepLR(new Adam(1f), stepSize: 1);
        AssertRates([1, 0.1, 0.01, 0.001], Rates(schedule, 3));
    }

    [Fact]
    public void ExponentialLR_multiplies_every_epoch()
    {
        var schedule = new ExponentialLR(new Adam(0.1f), gamma: 0.9f);
        AssertRates([0.1, 0.09, 0.081, 0.0729, 0.06561, 0.059049], Rates(schedule, 5));
    }

    [Fact]
    public void CosineAnnealingLR_follows_the_closed_form()
    {
        var schedule = new CosineAnnealingLR(new Adam(0.1f), tMax: 4, etaMin: 0.01f);
        // 0.01 + 0.09·(1 + cos(π·e/4))/2; past T_max the cosine rises again.
        AssertRates([0.1, 0.08681980515339464, 0.055, 0.023180194846605364, 0.01, 0.023180194846605364, 0.055, 0.08681980515339464, 0.1],
            Rates(schedule, 8));
    }

    [Fact]
    public void ReduceLROnPlateau_reduces_after_more_than_patience_bad_epochs_with_a_relative_threshold()
    {
        var schedule = new ReduceLROnPlateau(new Adam(1f), factor: 0.5f, patience: 2);
        float[] metrics = [1.0f, 0.9f, 0.95f, 0.92f, 0.91f, 0.85f, 0.86f, 0.87f, 0.88f, 0.84996f, 0.84996f, 0.84996f];
        // Epoch 5: third bad epoch → ×0.5. Epoch 9: again. Epochs 10–12: 0.84996 is below the best 0.85 but not by the
        // relative threshold 1e-4 (0.85·0.9999 = 0.849915), so they are bad epochs too and epoch 12 reduces.
        AssertRates([1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125], Rates(schedule, 12, e => metrics[e - 1]));
        Assert.Equal(0.85f, schedule.Best);
        Assert.Equal(0, schedule.BadEpochs);
    }

    [Fact]
    public void ReduceLROnPlateau_skips_reductions_smaller_than_eps()
    {
        // PyTorch only reduces when old − new > 1e-8.
        var tiny = new ReduceLROnPlateau(new Sgd(1e-8f), factor: 0.1f, patience: 0);
        AssertRates([1e-8, 1e-8, 1e-8], Rates(tiny, 2, _ => 1f));
        var small = new ReduceLROnPlateau(new Sgd(1e-7f), factor: 0.1f, patience: 0);
        AssertRates([1e-7, 1e-7, 1e-8], Rates(small, 2, _ => 1f));
    }

    [Fact]
    public void ReduceLROnPlateau_needs_a_metric()
    {
        ILearningRateSchedule schedule = new ReduceLROnPlateau(new Adam());
        Assert.Throws<InvalidOperationException>(() => schedule.Step());
        schedule.Step(0.5f); // through the interface, the metric reaches the plateau logic
        Assert.Equal(0.5f, ((ReduceLROnPlateau)schedule).Best);
    }

    [Fact]
    public void Other_schedules_ignore_the_metric_through_the_interface()
    {
        ILearningRateSchedule schedule = new StepLR(new Adam(1f), stepSize: 1, gamma: 0.5f);
        schedule.Step(123f);
        Assert.Equal(1, schedule.Epoch);
        Assert.Equal(0.5f, schedule.LearningRate);
    }

    [Fact]
    public void Schedules_work_through_the_optimizer_interface_and_reject_optimizers_without_a_learning_rate()
    {
        Assert.Throws<NotSupportedException>(() => new ExponentialLR(new NoLearningRate(), 0.5f));
        Assert.Throws<NotSupportedException>(() => new ReduceLROnPlateau(new NoLearningRate()));
    }

    [Fact]
    public void Bad_schedule_arguments_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(new Adam(), stepSize: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(new Adam(), tMax: 0));
        Assert.Equal("factor", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(new Adam(), factor: 1f)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(new Adam(), patience: -1));
        Assert.Throws<ArgumentNullException>(() => new StepLR(null!, 1));
    }

    [Fact]
    public void Stepping_a_schedule_per_epoch_does_not_allocate()
    {
        var adam = new Adam(0.1f);
        var cosine = new CosineAnnealingLR(adam, 50);
        var plateau = new ReduceLROnPlateau(adam, patience: 1);
        float[] p = new float[33], g = new float[33];
        adam.Step(p, g);
        cosine.Step();
        plateau.Step(1f);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int e = 0; e < 100; e++)
        {
            adam.Step(p, g);
            cosine.Step();
            plateau.Step(1f);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private sealed class NoLearningRate : IOptimizer
    {
        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients) { }
    }
}
