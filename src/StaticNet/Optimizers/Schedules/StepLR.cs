namespace StaticNet;

/// <summary>Multiplies the learning rate by γ every <see cref="StepSize"/> epochs: lr = base·γ^⌊epoch/stepSize⌋ (PyTorch's <c>StepLR</c>).</summary>
public sealed class StepLR : ClosedFormSchedule
{
    private readonly double _gamma;

    /// <summary>Creates the schedule; the base learning rate is the optimizer's current one.</summary>
    /// <param name="optimizer">The optimizer whose learning rate is set.</param>
    /// <param name="stepSize">Epochs between decays, ≥ 1.</param>
    /// <param name="gamma">Decay factor, ≥ 0.</param>
    public StepLR(IOptimizer optimizer, int stepSize, float gamma = 0.1f) : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepSize, 1);
        StepSize = stepSize;
        _gamma = HyperParameter.ToDouble(HyperParameter.NonNegative(gamma, nameof(gamma)));
    }

    /// <summary>Epochs between decays.</summary>
    public int StepSize { get; }

    /// <summary>Decay factor γ.</summary>
    public float Gamma => (float)_gamma;

    /// <inheritdoc />
    protected override double LearningRateAt(double baseLearningRate, int epoch) => baseLearningRate * Math.Pow(_gamma, epoch / StepSize);
}
