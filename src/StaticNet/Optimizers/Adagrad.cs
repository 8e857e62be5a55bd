namespace StaticNet;

/// <summary>
/// Adagrad with learning-rate decay, L2 weight decay and an initial accumulator value, exactly as PyTorch 1.13's
/// <c>torch.optim.Adagrad</c>:
/// <code>
/// g   = g + λ·p
/// clr = lr / (1 + (t−1)·lr_decay)
/// sum = sum + g²                  (sum starts at initial_accumulator_value)
/// p   = p − clr·g / (√sum + eps)
/// </code>
/// </summary>
public sealed class Adagrad : IStatefulOptimizer
{
    private readonly OptimizerCore _core;
    private readonly double _learningRateDecay, _weightDecay, _epsilon;

    /// <summary>Creates the optimizer. The defaults are PyTorch's.</summary>
    /// <param name="learningRate">Step size lr ≥ 0.</param>
    /// <param name="learningRateDecay">Decay of the step size over steps, ≥ 0.</param>
    /// <param name="weightDecay">L2 penalty λ ≥ 0 added to the gradient.</param>
    /// <param name="initialAccumulatorValue">Starting value of the squared-gradient sum, ≥ 0.</param>
    /// <param name="epsilon">Added to the root, ≥ 0.</param>
    public Adagrad(float learningRate = 1e-2f, float learningRateDecay = 0f, float weightDecay = 0f,
        float initialAccumulatorValue = 0f, float epsilon = 1e-10f)
    {
        _learningRateDecay = HyperParameter.ToDouble(HyperParameter.NonNegative(learningRateDecay, nameof(learningRateDecay)));
        _weightDecay = HyperParameter.ToDouble(HyperParameter.NonNegative(weightDecay, nameof(weightDecay)));
        InitialAccumulatorValue = HyperParameter.NonNegative(initialAccumulatorValue, nameof(initialAccumulatorValue));
        _epsilon = HyperParameter.ToDouble(HyperParameter.NonNegative(epsilon, nameof(epsilon)));
        _core = new OptimizerCore(nameof(Adagrad), learningRate, ["sum"], initialAccumulatorValue);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or not finite.</exception>
    public float LearningRate { get => _core.LearningRateSingle; set => _core.LearningRateSingle = value; }

    /// <summary>Decay of the step size: step t uses lr / (1 + (t−1)·decay).</summary>
    public float LearningRateDecay => (float)_learningRateDecay;

    /// <summary>L2 penalty λ added to the gradient.</summary>
    public float WeightDecay => (float)_weightDecay;

    /// <summary>Starting value of the squared-gradient sum.</summary>
    public float InitialAccumulatorValue { get; }

    /// <summary>Term added to the root.</summary>
    public float Epsilon => (float)_epsilon;

    /// <summary>Number of steps taken.</summary>
    public long StepCount => _core.StepCount;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The spans differ in length, or differ from the length of the first step.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        _core.BeginStep(parameters, gradients);
        double clr = _core.LearningRate / (1 + (_core.StepCount - 1) * _learningRateDecay);
        Elementwise.Run(new Kernel((float)clr, (float)_weightDecay, (float)_epsilon), parameters, gradients, _core.Buffer(0));
    }

    /// <inheritdoc />
    public OptimizerState GetState() => _core.GetState();

    /// <inheritdoc />
    public void SetState(OptimizerState state) => _core.SetState(state);

    /// <summary>Buffer: s0 = sum.</summary>
    private readonly record struct Kernel(float Clr, float WeightDecay, float Epsilon) : Elementwise.IKernel
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Apply<T>(ref float p, ref float g, ref float sum, ref float s1, ref float s2, nuint i)
            where T : struct, Elementwise.ILanes<T>
        {
            T param = T.Load(ref p, i), grad = T.Load(ref g, i);
            if (WeightDecay != 0f) grad += T.Create(WeightDecay) * param;
            T total = T.FlushSubnormal(T.Load(ref sum, i) + grad * grad); // state flushed where subnormal (see Elementwise)
            T.Store(total, ref sum, i);
            T.Store(param - T.Create(Clr) * grad / (T.Sqrt(total) + T.Create(Epsilon)), ref p, i);
        }
    }
}
