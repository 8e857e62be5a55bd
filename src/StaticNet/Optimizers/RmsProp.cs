namespace StaticNet;

/// <summary>
/// RMSprop with optional centering, momentum and L2 weight decay, exactly as PyTorch 1.13's <c>torch.optim.RMSprop</c>:
/// <code>
/// g  = g + λ·p
/// sq = α·sq + (1−α)·g²
/// centered: ga = α·ga + (1−α)·g;  avg = √(sq − ga²) + eps      else  avg = √sq + eps
/// μ &gt; 0:   buf = μ·buf + g/avg;  p = p − lr·buf                 else  p = p − lr·g/avg
/// </code>
/// No bias correction; eps is outside the square root (TensorFlow puts it inside), and α defaults to 0.99.
/// </summary>
public sealed class RmsProp : IStatefulOptimizer
{
    private readonly OptimizerCore _core;
    private readonly double _alpha, _epsilon, _weightDecay, _momentum;

    /// <summary>Creates the optimizer. The defaults are PyTorch's.</summary>
    /// <param name="learningRate">Step size lr ≥ 0.</param>
    /// <param name="alpha">Smoothing constant α in [0, 1] (PyTorch checks only α ≥ 0; α &gt; 1 makes the average negative).</param>
    /// <param name="epsilon">Added to the root, ≥ 0.</param>
    /// <param name="weightDecay">L2 penalty λ ≥ 0 added to the gradient.</param>
    /// <param name="momentum">Momentum factor μ ≥ 0; 0 disables momentum.</param>
    /// <param name="centered">Normalise by the estimated variance (subtract the squared mean gradient).</param>
    public RmsProp(float learningRate = 1e-2f, float alpha = 0.99f, float epsilon = 1e-8f, float weightDecay = 0f,
        float momentum = 0f, bool centered = false)
    {
        _alpha = HyperParameter.ToDouble(HyperParameter.UnitInterval(alpha, nameof(alpha)));
        _epsilon = HyperParameter.ToDouble(HyperParameter.NonNegative(epsilon, nameof(epsilon)));
        _weightDecay = HyperParameter.ToDouble(HyperParameter.NonNegative(weightDecay, nameof(weightDecay)));
        _momentum = HyperParameter.ToDouble(HyperParameter.NonNegative(momentum, nameof(momentum)));
        Centered = centered;
        _core = new OptimizerCore(nameof(RmsProp), learningRate,
            ["square_avg", momentum > 0f ? "momentum_buffer" : null, centered ? "grad_avg" : null]);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or not finite.</exception>
    public float LearningRate { get => _core.LearningRateSingle; set => _core.LearningRateSingle = value; }

    /// <summary>Smoothing constant α of the squared-gradient average.</summary>
    public float Alpha => (float)_alpha;

    /// <summary>Term added to the root.</summary>
    public float Epsilon => (float)_epsilon;

    /// <summary>L2 penalty λ added to the gradient.</summary>
    public float WeightDecay => (float)_weightDecay;

    /// <summary>Momentum factor μ.</summary>
    public float Momentum => (float)_momentum;

    /// <summary>Whether the centered variant is used.</summary>
    public bool Centered { get; }

    /// <summary>Number of steps taken.</summary>
    public long StepCount => _core.StepCount;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The spans differ in length, or differ from the length of the first step.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        _core.BeginStep(parameters, gradients);
        var kernel = new Kernel((float)_core.LearningRate, (float)_alpha, (float)(1 - _alpha), (float)_epsilon,
            (float)_weightDecay, (float)_momentum, Centered);
        Elementwise.Run(kernel, parameters, gradients, _core.Buffer(0), _core.Buffer(1), _core.Buffer(2));
    }

    /// <inheritdoc />
    public OptimizerState GetState() => _core.GetState();

    /// <inheritdoc />
    public void SetState(OptimizerState state) => _core.SetState(state);

    /// <summary>Buffers: s0 = square_avg, s1 = momentum_buffer (μ &gt; 0), s2 = grad_avg (centered).</summary>
    private readonly record struct Kernel(float Lr, float Alpha, float OneMinusAlpha, float Epsilon, float WeightDecay,
        float Momentum, bool Centered) : Elementwise.IKernel
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Apply<T>(ref float p, ref float g, ref float squareAvg, ref float momentumBuffer, ref float gradAvg, nuint i)
            where T : struct, Elementwise.ILanes<T>
        {
            T param = T.Load(ref p, i), grad = T.Load(ref g, i);
            if (WeightDecay != 0f) grad += T.Create(WeightDecay) * param;
            // State flushed where subnormal (see Elementwise).
            T sq = T.FlushSubnormal(T.Load(ref squareAvg, i) * T.Create(Alpha) + T.Create(OneMinusAlpha) * grad * grad);
            T.Store(sq, ref squareAvg, i);
            if (Centered)
            {
                T ga = T.FlushSubnormal(T.Load(ref gradAvg, i) * T.Create(Alpha) + T.Create(OneMinusAlpha) * grad);
                T.Store(ga, ref gradAvg, i);
                sq -= ga * ga;
            }
            T avg = T.Sqrt(sq) + T.Create(Epsilon);
            if (Momentum > 0f)
            {
                T buf = T.FlushSubnormal(T.Load(ref momentumBuffer, i) * T.Create(Momentum) + grad / avg);
                T.Store(buf, ref momentumBuffer, i);
                T.Store(param - T.Create(Lr) * buf, ref p, i);
            }
            else
            {
                T.Store(param - T.Create(Lr) * grad / avg, ref p, i);
            }
        }
    }
}
