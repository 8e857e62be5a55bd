namespace StaticNet;

/// <summary>
/// Cosine annealing from the base learning rate to η_min over <see cref="TMax"/> epochs, with PyTorch's closed form
/// lr = η_min + (base − η_min)·(1 + cos(π·epoch/T_max))/2 (<c>CosineAnnealingLR</c>, no restarts; past T_max the
/// cosine continues, so the rate rises again).
/// </summary>
public sealed class CosineAnnealingLR : ClosedFormSchedule
{
    private readonly double _etaMin;

    /// <summary>Creates the schedule; the base learning rate is the optimizer's current one.</summary>
    /// <param name="optimizer">The optimizer whose learning rate is set.</param>
    /// <param name="tMax">Epochs of the half cosine, ≥ 1.</param>
    /// <param name="etaMin">Minimum learning rate η_min, ≥ 0.</param>
    public CosineAnnealingLR(IOptimizer optimizer, int tMax, float etaMin = 0f) : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tMax, 1);
        TMax = tMax;
        _etaMin = HyperParameter.ToDouble(HyperParameter.NonNegative(etaMin, nameof(etaMin)));
    }

    /// <summary>Epochs of the half cosine.</summary>
    public int TMax { get; }

    /// <summary>Minimum learning rate η_min.</summary>
    public float EtaMin => (float)_etaMin;

    /// <inheritdoc />
    protected override double LearningRateAt(double baseLearningRate, int epoch) =>
        _etaMin + (baseLearningRate - _etaMin) * (1 + Math.Cos(Math.PI * epoch / TMax)) / 2;
}
