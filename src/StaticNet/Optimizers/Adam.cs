namespace StaticNet;

/// <summary>
/// Adam (Kingma &amp; Ba) with optional coupled L2 weight decay and AMSGrad, exactly as PyTorch 1.13's
/// <c>torch.optim.Adam</c>:
/// <code>
/// g = g + λ·p                     (L2 added to the gradient; see <see cref="AdamW"/> for decoupled decay)
/// m = β1·m + (1−β1)·g;   v = β2·v + (1−β2)·g²;   amsgrad: v̂ = max(v̂, v), used instead of v
/// p = p − (lr/(1−β1^t)) · m / (√v/√(1−β2^t) + eps)
/// </code>
/// eps is added to the bias-corrected √v (not TensorFlow's "epsilon hat").
/// </summary>
public sealed class Adam : IStatefulOptimizer
{
    private readonly OptimizerCore _core;
    private readonly double _beta1, _beta2, _epsilon, _weightDecay;

    /// <summary>Creates the optimizer. The defaults are PyTorch's.</summary>
    /// <param name="learningRate">Step size lr ≥ 0.</param>
    /// <param name="beta1">Decay of the first moment, in [0, 1).</param>
    /// <param name="beta2">Decay of the second moment, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator, ≥ 0.</param>
    /// <param name="weightDecay">L2 penalty λ ≥ 0 added to the gradient (coupled).</param>
    /// <param name="amsgrad">Use the running maximum of the second moment (AMSGrad).</param>
    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f,
        float weightDecay = 0f, bool amsgrad = false)
    {
        _beta1 = HyperParameter.ToDouble(HyperParameter.Beta(beta1, nameof(beta1)));
        _beta2 = HyperParameter.ToDouble(HyperParameter.Beta(beta2, nameof(beta2)));
        _epsilon = HyperParameter.ToDouble(HyperParameter.NonNegative(epsilon, nameof(epsilon)));
        _weightDecay = HyperParameter.ToDouble(HyperParameter.NonNegative(weightDecay, nameof(weightDecay)));
        AmsGrad = amsgrad;
        _core = new OptimizerCore(nameof(Adam), learningRate, AdamKernel.BufferNames(amsgrad));
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or not finite.</exception>
    public float LearningRate { get => _core.LearningRateSingle; set => _core.LearningRateSingle = value; }

    /// <summary>Decay rate β1 of the first moment.</summary>
    public float Beta1 => (float)_beta1;

    /// <summary>Decay rate β2 of the second moment.</summary>
    public float Beta2 => (float)_beta2;

    /// <summary>Term added to the denominator.</summary>
    public float Epsilon => (float)_epsilon;

    /// <summary>L2 penalty λ added to the gradient.</summary>
    public float WeightDecay => (float)_weightDecay;

    /// <summary>Whether AMSGrad is used.</summary>
    public bool AmsGrad { get; }

    /// <summary>Number of steps taken (t of the bias corrections).</summary>
    public long StepCount => _core.StepCount;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The spans differ in length, or differ from the length of the first step.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        _core.BeginStep(parameters, gradients);
        var kernel = AdamKernel.Create(_core.LearningRate, _beta1, _beta2, _epsilon, _weightDecay, decoupled: false, AmsGrad, _core.StepCount);
        Elementwise.Run(kernel, parameters, gradients, _core.Buffer(0), _core.Buffer(1), _core.Buffer(2));
    }

    /// <inheritdoc />
    public OptimizerState GetState() => _core.GetState();

    /// <inheritdoc />
    public void SetState(OptimizerState state) => _core.SetState(state);
}
