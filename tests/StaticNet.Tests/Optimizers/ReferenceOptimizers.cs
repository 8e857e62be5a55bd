namespace StaticNet.Tests.Optimizers;

/// <summary>
/// Independent double-precision optimizers written straight from the formulas of
/// shared/fixtures/README.md ("Optimizer formulas (PyTorch 1.13, single-tensor code path)"), one element at a time.
/// </summary>
internal interface IReferenceOptimizer
{
    void Step(double[] p, double[] g);
}

internal sealed class SgdReference(double lr, double momentum = 0, double dampening = 0, bool nesterov = false, double weightDecay = 0)
    : IReferenceOptimizer
{
    private double[]? _buf;

    public void Step(double[] p, double[] g)
    {
        bool first = _buf is null;
        _buf ??= new double[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            double d = g[i] + weightDecay * p[i];
            if (momentum != 0)
            {
                _buf[i] = first ? d : momentum * _buf[i] + (1 - dampening) * d;
                d = nesterov ? d + momentum * _buf[i] : _buf[i];
            }
            p[i] -= lr * d;
        }
    }
}

/// <summary>Adam (coupled L2) or, with <paramref name="decoupled"/>, AdamW.</summary>
internal sealed class AdamReference(double lr, double beta1, double beta2, double eps, double weightDecay, bool decoupled, bool amsgrad)
    : IReferenceOptimizer
{
    private double[]? _m, _v, _vMax;
    private int _t;

    public void Step(double[] p, double[] g)
    {
        _m ??= new double[p.Length];
        _v ??= new double[p.Length];
        _vMax ??= new double[p.Length];
        _t++;
        for (int i = 0; i < p.Length; i++)
        {
            double grad = g[i];
            if (decoupled) p[i] *= 1 - lr * weightDecay;
            else grad += weightDecay * p[i];
            _m[i] = beta1 * _m[i] + (1 - beta1) * grad;
            _v[i] = beta2 * _v[i] + (1 - beta2) * grad * grad;
            _vMax[i] = Math.Max(_vMax[i], _v[i]);
            double v = amsgrad ? _vMax[i] : _v[i];
            p[i] -= lr / (1 - Math.Pow(beta1, _t)) * _m[i] / (Math.Sqrt(v) / Math.Sqrt(1 - Math.Pow(beta2, _t)) + eps);
        }
    }
}

internal sealed class RmsPropReference(double lr, double alpha, double eps, double weightDecay, double momentum, bool centered)
    : IReferenceOptimizer
{
    private double[]? _sq, _ga, _buf;

    public void Step(double[] p, double[] g)
    {
        _sq ??= new double[p.Length];
        _ga ??= new double[p.Length];
        _buf ??= new double[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            double grad = g[i] + weightDecay * p[i];
            _sq[i] = alpha * _sq[i] + (1 - alpha) * grad * grad;
            double avg;
            if (centered)
            {
                _ga[i] = alpha * _ga[i] + (1 - alpha) * grad;
                avg = Math.Sqrt(_sq[i] - _ga[i] * _ga[i]) + eps;
            }
            else
            {
                avg = Math.Sqrt(_sq[i]) + eps;
            }
            if (momentum > 0)
            {
                _buf[i] = momentum * _buf[i] + grad / avg;
                p[i] -= lr * _buf[i];
            }
            else
            {
                p[i] -= lr * grad / avg;
            }
        }
    }
}

internal sealed class AdagradReference(double lr, double lrDecay, double weightDecay, double initialAccumulator, double eps)
    : IReferenceOptimizer
{
    private double[]? _sum;
    private int _t;

    public void Step(double[] p, double[] g)
    {
        if (_sum is null)
        {
            _sum = new double[p.Length];
            Array.Fill(_sum, initialAccumulator);
        }
        _t++;
        double clr = lr / (1 + (_t - 1) * lrDecay);
        for (int i = 0; i < p.Length; i++)
        {
            double grad = g[i] + weightDecay * p[i];
            _sum[i] += grad * grad;
            p[i] -= clr * grad / (Math.Sqrt(_sum[i]) + eps);
        }
    }
}
