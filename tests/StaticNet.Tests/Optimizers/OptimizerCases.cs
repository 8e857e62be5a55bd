using Xunit;
namespace StaticNet.Tests.Optimizers;

/// <summary>
/// Optimizer configurations covering every special case, each paired with its double-precision reference, and
/// deterministic test data. Hyper-parameters are chosen so that each formula detail changes the result far beyond
/// float rounding (large eps where its placement matters, β2 = 0.9 and shrinking gradients for AMSGrad, …).
/// </summary>
internal static class OptimizerCases
{
    public sealed record Case(Func<IStatefulOptimizer> Create, Func<IReferenceOptimizer> Reference);

    public static readonly IReadOnlyDictionary<string, Case> All = new Dictionary<string, Case>
    {
        ["sgd"] = new(() => new Sgd(0.05f), () => new SgdReference(0.05)),
        ["sgd_weight_decay"] = new(() => new Sgd(0.05f, weightDecay: 0.1f), () => new SgdReference(0.05, weightDecay: 0.1)),
        ["sgd_momentum"] = new(() => new Sgd(0.05f, momentum: 0.9f), () => new SgdReference(0.05, momentum: 0.9)),
        ["sgd_momentum_dampening"] = new(() => new Sgd(0.05f, momentum: 0.9f, dampening: 0.3f, weightDecay: 0.01f),
            () => new SgdReference(0.05, momentum: 0.9, dampening: 0.3, weightDecay: 0.01)),
        ["sgd_nesterov"] = new(() => new Sgd(0.05f, momentum: 0.9f, nesterov: true, weightDecay: 0.01f),
            () => new SgdReference(0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01)),
        ["adam"] = new(() => new Adam(0.05f), () => new AdamReference(0.05, 0.9, 0.999, 1e-8, 0, decoupled: false, amsgrad: false)),
        ["adam_eps_l2"] = new(() => new Adam(0.05f, 0.8f, 0.9f, 1e-2f, weightDecay: 0.1f),
            () => new AdamReference(0.05, 0.8, 0.9, 1e-2, 0.1, decoupled: false, amsgrad: false)),
        ["adam_amsgrad"] = new(() => new Adam(0.05f, 0.9f, 0.9f, 1e-3f, amsgrad: true),
            () => new AdamReference(0.05, 0.9, 0.9, 1e-3, 0, decoupled: false, amsgrad: true)),
        ["adamw"] = new(() => new AdamW(0.05f, weightDecay: 0.5f), () => new AdamReference(0.05, 0.9, 0.999, 1e-8, 0.5, decoupled: true, amsgrad: false)),
        ["adamw_amsgrad"] = new(() => new AdamW(0.05f, 0.9f, 0.9f, 1e-3f, 0.1f, amsgrad: true),
            () => new AdamReference(0.05, 0.9, 0.9, 1e-3, 0.1, decoupled: true, amsgrad: true)),
        ["rmsprop"] = new(() => new RmsProp(0.01f), () => new RmsPropReference(0.01, 0.99, 1e-8, 0, 0, centered: false)),
        ["rmsprop_centered"] = new(() => new RmsProp(0.01f, 0.9f, 1e-3f, centered: true),
            () => new RmsPropReference(0.01, 0.9, 1e-3, 0, 0, centered: true)),
        ["rmsprop_momentum"] = new(() => new RmsProp(0.01f, 0.9f, 1e-2f, weightDecay: 0.1f, momentum: 0.8f),
            () => new RmsPropReference(0.01, 0.9, 1e-2, 0.1, 0.8, centered: false)),
        ["rmsprop_centered_momentum"] = new(() => new RmsProp(0.01f, 0.9f, 1e-3f, 0.05f, 0.5f, centered: true),
            () => new RmsPropReference(0.01, 0.9, 1e-3, 0.05, 0.5, centered: true)),
        ["adagrad"] = new(() => new Adagrad(0.05f), () => new AdagradReference(0.05, 0, 0, 0, 1e-10)),
        ["adagrad_decay_accumulator"] = new(() => new Adagrad(0.05f, learningRateDecay: 0.5f, weightDecay: 0.1f, initialAccumulatorValue: 0.3f, epsilon: 1e-3f),
            () => new AdagradReference(0.05, 0.5, 0.1, 0.3, 1e-3)),
    };

    public static TheoryData<string> Names => new(All.Keys);

    /// <summary>Per-step gradient scales: large, then shrinking and growing, so AMSGrad's maximum and Adagrad's sum matter.</summary>
    private static readonly float[] Scales = [1f, 0.3f, 1.2f, 0.05f, 0.5f, 0.1f, 0.8f, 0.2f];

    /// <summary>Parameters in ±[0.5, 1.5] and one gradient array per step, in ±scale.</summary>
    public static (float[] Parameters, float[][] Gradients) Data(int length, int steps, int seed = 1)
    {
        var rng = new Rng(seed);
        float[] parameters = new float[length];
        for (int i = 0; i < length; i++)
            parameters[i] = rng.NextUniform(0.5f, 1.5f) * (rng.NextSingle() < 0.5f ? -1 : 1);
        float[][] gradients = new float[steps][];
        for (int t = 0; t < steps; t++)
        {
            gradients[t] = new float[length];
            for (int i = 0; i < length; i++) gradients[t][i] = rng.NextUniform(-1f, 1f) * Scales[t % Scales.Length];
        }
        return (parameters, gradients);
    }

    /// <summary>Runs <paramref name="steps"/> steps of <paramref name="optimizer"/> on a copy of the parameters.</summary>
    public static float[] Run(IOptimizer optimizer, float[] parameters, float[][] gradients, int from = 0, int steps = -1)
    {
        float[] p = (float[])parameters.Clone();
        for (int t = from; t < (steps < 0 ? gradients.Length : from + steps); t++) optimizer.Step(p, gradients[t]);
        return p;
    }
}
