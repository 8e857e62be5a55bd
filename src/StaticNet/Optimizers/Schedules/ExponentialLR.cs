namespace StaticNet;

/// <summary>Multiplies the learning rate by γ every epoch: lr = base·γ^epoch (PyTorch's <c>ExponentialLR</c>).</summary>
public sealed class ExponentialLR : ClosedFormSchedule
{
    private readonly double _gamma;

    /// <summary>Creates the schedule; the base learning rate is the optimizer's current one.</summary>
    /// <param name="optimizer">The optimizer whose learning rate is set.</param>
    /// <param name="gamma">Decay factor, ≥ 0.</param>
    public ExponentialLR(IOptimizer optimizer, float gamma) : base(optimizer) =>
        _gamma = HyperParameter.ToDouble(HyperParameter.NonNegative(gamma, nameof(gamma)));

    /// <summary>Decay factor γ.</summary>
    public float Gamma => (float)_gamma;

    /// <inheritdoc />
    protected override double LearningRateAt(double baseLearningRate, int epoch) => baseLearningRate * Math.Pow(_gamma, epoch);
}
