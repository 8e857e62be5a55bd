namespace StaticNet;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay, exactly as
/// PyTorch 1.13's <c>torch.optim.SGD</c>:
/// <code>
/// d = g + λ·p
/// if μ ≠ 0:  buf = d (first step, a plain copy)  or  buf = μ·buf + (1−τ)·d;   d = nesterov ? d + μ·buf : buf
/// p = p − lr·d
/// </code>
/// (not the Sutskever form with lr folded into the velocity).
/// </summary>
public sealed class Sgd : IStatefulOptimizer
{
    private readonly OptimizerCore _core;
    private readonly double _momentum, _dampening, _weightDecay;

    /// <summary>Creates the optimizer. The defaults are PyTorch's.</summary>
    /// <param name="learningRate">Step size lr ≥ 0 (PyTorch has no default).</param>
    /// <param name="momentum">Momentum factor μ ≥ 0; 0 disables momentum.</param>
    /// <param name="dampening">Dampening τ for momentum (not applied on the first step).</param>
    /// <param name="nesterov">Nesterov momentum; needs μ &gt; 0 and τ = 0.</param>
    /// <param name="weightDecay">L2 penalty λ ≥ 0, added to the gradient.</param>
    public Sgd(float learningRate, float momentum = 0f, float dampening = 0f, bool nesterov = false, float weightDecay = 0f)
    {
        _momentum = HyperParameter.ToDouble(HyperParameter.NonNegative(momentum, nameof(momentum)));
        _dampening = HyperParameter.ToDouble(HyperParameter.Finite(dampening, nameof(dampening)));
        _weightDecay = HyperParameter.ToDouble(HyperParameter.NonNegative(weightDecay, nameof(weightDecay)));
        if (nesterov && (momentum <= 0f || dampening != 0f))
            throw new ArgumentException("Nesterov momentum requires a momentum > 0 and zero dampening.", nameof(nesterov));
        Nesterov = nesterov;
        _core = new OptimizerCore(nameof(Sgd), learningRate, [momentum != 0f ? "momentum_buffer" : null]);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or not finite.</exception>
    public float LearningRate { get => _core.LearningRateSingle; set => _core.LearningRateSingle = value; }

    /// <summary>Momentum factor μ.</summary>
    public float Momentum => (float)_momentum;

    /// <summary>Dampening τ for momentum.</summary>
    public float Dampening => (float)_dampening;

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <summary>L2 penalty λ added to the gradient.</summary>
    public float WeightDecay => (float)_weightDecay;

    /// <summary>Number of steps taken.</summary>
    public long StepCount => _core.StepCount;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The spans differ in length, or differ from the length of the first step.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        _core.BeginStep(parameters, gradients);
        var kernel = new Kernel((float)_core.LearningRate, (float)_weightDecay, (float)_momentum, (float)(1 - _dampening),
            Nesterov, First: _core.StepCount == 1);
        Elementwise.Run(kernel, parameters, gradients, _core.Buffer(0));
    }

    /// <inheritdoc />
    public OptimizerState GetState() => _core.GetState();

    /// <inheritdoc />
    public void SetState(OptimizerState state) => _core.SetState(state);

    private readonly record struct Kernel(float Lr, float WeightDecay, float Momentum, float OneMinusDampening, bool Nesterov, bool First)
        : Elementwise.IKernel
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Apply<T>(ref float p, ref float g, ref float buffer, ref float s1, ref float s2, nuint i)
            where T : struct, Elementwise.ILanes<T>
        {
            T param = T.Load(ref p, i), d = T.Load(ref g, i);
            if (WeightDecay != 0f) d += T.Create(WeightDecay) * param;
            if (Momentum != 0f)
            {
                // State flushed where subnormal (see Elementwise).
                T buf = T.FlushSubnormal(First ? d : T.Load(ref buffer, i) * T.Create(Momentum) + T.Create(OneMinusDampening) * d);
                T.Store(buf, ref buffer, i);
                d = Nesterov ? d + T.Create(Momentum) * buf : buf;
            }
            T.Store(param - T.Create(Lr) * d, ref p, i);
        }
    }
}
