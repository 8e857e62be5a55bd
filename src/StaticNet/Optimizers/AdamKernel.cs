using System.Runtime.CompilerServices;
namespace StaticNet;

/// <summary>
/// The per-element update shared by <see cref="Adam"/> (coupled L2) and <see cref="AdamW"/> (decoupled decay), in the
/// order of PyTorch 1.13's single-tensor code:
/// <code>
/// AdamW: p = p·(1 − lr·λ)          Adam: g = g + λ·p
/// m = β1·m + (1−β1)·g
/// v = β2·v + (1−β2)·g·g
/// vmax = max(vmax, v)               (amsgrad only; then vmax replaces v below)
/// p = p − step_size·m / (√v / √(1−β2^t) + eps)      with step_size = lr / (1−β1^t)
/// </code>
/// The scalars are computed in double and rounded to float, as PyTorch does.
/// Buffers: s0 = exp_avg (m), s1 = exp_avg_sq (v), s2 = max_exp_avg_sq (amsgrad only).
/// </summary>
internal readonly record struct AdamKernel(
    float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2, float StepSize, float BiasCorrection2Sqrt,
    float Epsilon, float CoupledDecay, float DecoupledFactor, bool AmsGrad) : Elementwise.IKernel
{
    /// <summary>Buffer names in kernel order.</summary>
    public static string?[] BufferNames(bool amsgrad) => ["exp_avg", "exp_avg_sq", amsgrad ? "max_exp_avg_sq" : null];

    /// <summary>Computes the step's scalars in double (step <paramref name="t"/> ≥ 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static AdamKernel Create(double lr, double beta1, double beta2, double eps, double weightDecay, bool decoupled, bool amsgrad, long t)
    {
        double biasCorrection1 = 1 - Math.Pow(beta1, t);
        double biasCorrection2 = 1 - Math.Pow(beta2, t);
        return new AdamKernel(
            (float)beta1, (float)(1 - beta1), (float)beta2, (float)(1 - beta2),
            StepSize: (float)(lr / biasCorrection1), BiasCorrection2Sqrt: (float)Math.Sqrt(biasCorrection2), (float)eps,
            CoupledDecay: decoupled ? 0f : (float)weightDecay,
            DecoupledFactor: decoupled ? (float)(1 - lr * weightDecay) : 1f, amsgrad);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]

    public void Apply<T>(ref float p, ref float g, ref float m, ref float v, ref float vMax, nuint i)
        where T : struct, Elementwise.ILanes<T>
    {
        T param = T.Load(ref p, i), grad = T.Load(ref g, i);
        if (DecoupledFactor != 1f) param *= T.Create(DecoupledFactor);
        if (CoupledDecay != 0f) grad += T.Create(CoupledDecay) * param;
        // State flushed where subnormal (see Elementwise).
        T expAvg = T.FlushSubnormal(T.Load(ref m, i) * T.Create(Beta1) + T.Create(OneMinusBeta1) * grad);
        T expAvgSq = T.FlushSubnormal(T.Load(ref v, i) * T.Create(Beta2) + T.Create(OneMinusBeta2) * grad * grad);
        T.Store(expAvg, ref m, i);
        T.Store(expAvgSq, ref v, i);
        if (AmsGrad)
        {
            expAvgSq = T.Max(T.Load(ref vMax, i), expAvgSq);
            T.Store(expAvgSq, ref vMax, i);
        }
        T denominator = T.Sqrt(expAvgSq) / T.Create(BiasCorrection2Sqrt) + T.Create(Epsilon);
        T.Store(param - T.Create(StepSize) * expAvg / denominator, ref p, i);
    }
}
