using System.Runtime.CompilerServices;
using System.ComponentModel;
using System.Numerics.Tensors;

namespace StaticNet.Kernels;

/// <summary>
/// BatchNorm1d and LayerNorm kernels on row-major <c>[batch, features]</c> spans, PyTorch 1.13 semantics: biased
/// variance for normalising, BatchNorm's running variance updated with the unbiased one, momentum as the weight of the
/// new value. Means, variances and gradient sums are accumulated in double; elementwise work is float and vectorised.
/// </summary>
/// <remarks>
/// BatchNorm statistics are per feature (a column of the row-major batch). They are gathered row by row into small
/// double accumulators for a block of <see cref="Block"/> features on the stack, so memory is read in order and no
/// kernel allocates. Spans may be longer than needed (scratch buffers); shorter ones throw.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class Normalization
{
    /// <summary>Features per block of stack accumulators (BatchNorm) — 64 doubles are 512 bytes.</summary>
    private const int Block = 64;

    /// <summary>
    /// Training-mode BatchNorm1d: μ and the biased σ² per feature over the batch; saves x̂ = (x − μ)/√(σ² + ε)
    /// <c>[batch, features]</c> and invStd = 1/√(σ² + ε) <c>[features]</c> for the backward pass; y = γ·x̂ + β;
    /// runningMean ← (1 − m)·runningMean + m·μ and runningVar ← (1 − m)·runningVar + m·σ²·N/(N − 1).
    /// x and y may be the same span (x̂ must be its own).
    /// </summary>
    /// <exception cref="ArgumentException">When <paramref name="batch"/> &lt; 2, as in PyTorch: the batch variance of one sample is meaningless.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BatchNormTrain(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> runningMean, Span<float> runningVar, Span<float> xHat, Span<float> invStd,
        int batch, int features, float epsilon, float momentum)
    {
        if (batch < 2)
            throw new ArgumentException(
                $"BatchNorm needs more than one sample per batch in training (got a batch of {batch}); PyTorch raises too. " +
                "Use batches of at least 2 samples, or evaluation mode.", nameof(batch));
        CheckSizes(batch, features, x.Length, y.Length, xHat.Length);
        CheckPerFeature(features, gamma.Length, beta.Length, runningMean.Length, runningVar.Length, invStd.Length);

        Span<double> sum = stackalloc double[Block];
        Span<double> squares = stackalloc double[Block];
        Span<float> mean = stackalloc float[Block];
        double n = batch;
        double unbiased = n / (n - 1);
        for (int f0 = 0; f0 < features; f0 += Block)
        {
            int w = Math.Min(Block, features - f0);
            Span<double> s1 = sum[..w], s2 = squares[..w];
            s1.Clear();
            s2.Clear();
            AddColumns(x, batch, features, f0, default, s1);
            for (int j = 0; j < w; j++)
            {
                s1[j] /= n;
                mean[j] = (float)s1[j];
            }
            // Two passes (mean, then squared deviations) rather than Σx² − μ²: no cancellation when |μ| ≫ σ.
            AddColumns(x, batch, features, f0, mean[..w], s2);
            for (int j = 0; j < w; j++)
            {
                int f = f0 + j;
                double variance = s2[j] / n;
                invStd[f] = (float)(1.0 / Math.Sqrt(variance + epsilon));
                runningMean[f] = (float)((1.0 - momentum) * runningMean[f] + (double)momentum * s1[j]);
                runningVar[f] = (float)((1.0 - momentum) * runningVar[f] + (double)momentum * variance * unbiased);
            }
            NormalizeColumns(x, xHat, y, batch, features, f0, mean[..w], invStd.Slice(f0, w), gamma.Slice(f0, w), beta.Slice(f0, w));
        }
    }

    /// <summary>
    /// Evaluation-mode BatchNorm1d with the running statistics: y = γ·(x − runningMean)/√(runningVar + ε) + β, evaluated
    /// as PyTorch does, y = x·α + (β − runningMean·α) with α = γ/√(runningVar + ε) per feature. x and y may be the same span.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BatchNormEval(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, int batch, int features, float epsilon)
    {
        CheckSizes(batch, features, x.Length, y.Length, batch * features);
        CheckPerFeature(features, gamma.Length, beta.Length, runningMean.Length, runningVar.Length, features);

        Span<float> scale = stackalloc float[Block];
        Span<float> shift = stackalloc float[Block];
        for (int f0 = 0; f0 < features; f0 += Block)
        {
            int w = Math.Min(Block, features - f0);
            for (int j = 0; j < w; j++)
            {
                int f = f0 + j;
                double alpha = gamma[f] / Math.Sqrt((double)runningVar[f] + epsilon);
                scale[j] = (float)alpha;
                shift[j] = (float)(beta[f] - runningMean[f] * alpha);
            }
            ScaleShiftColumns(x, y, batch, features, f0, scale[..w], shift[..w]);
        }
    }

    /// <summary>
    /// Training-mode BatchNorm1d backward from the saved x̂ and invStd. OVERWRITES dGamma = Σₛ dy·x̂ and dBeta = Σₛ dy
    /// per feature, and turns dy into dx = γ·invStd/N·(N·dy − Σₛ dy − x̂·Σₛ dy·x̂), evaluated as
    /// (dy − mean(dy) − x̂·mean(dy·x̂))·γ·invStd.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BatchNormBackward(Span<float> dy, ReadOnlySpan<float> xHat, ReadOnlySpan<float> invStd, ReadOnlySpan<float> gamma,
        Span<float> dGamma, Span<float> dBeta, int batch, int features)
    {
        CheckSizes(batch, features, dy.Length, xHat.Length, batch * features);
        CheckPerFeature(features, gamma.Length, invStd.Length, dGamma.Length, dBeta.Length, features);

        Span<double> sumDy = stackalloc double[Block];
        Span<double> sumDyXHat = stackalloc double[Block];
        Span<float> meanDy = stackalloc float[Block];
        Span<float> minusMeanDyXHat = stackalloc float[Block];
        Span<float> scale = stackalloc float[Block];
        for (int f0 = 0; f0 < features; f0 += Block)
        {
            int w = Math.Min(Block, features - f0);
            Span<double> sd = sumDy[..w], sdx = sumDyXHat[..w];
            ColumnSums(dy, xHat, batch, features, f0, sd, sdx);
            for (int j = 0; j < w; j++)
            {
                int f = f0 + j;
                dBeta[f] = (float)sd[j];
                dGamma[f] = (float)sdx[j];
                meanDy[j] = (float)(sd[j] / batch);
                minusMeanDyXHat[j] = (float)(-sdx[j] / batch);
                scale[j] = (float)((double)gamma[f] * invStd[f]);
            }
            BackwardColumns(dy, xHat, batch, features, f0, meanDy[..w], minusMeanDyXHat[..w], scale[..w]);
        }
    }

    /// <summary>
    /// LayerNorm over the features of each row: μ and the biased σ² of the row, x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β.
    /// Saves x̂ <c>[batch, features]</c> into <paramref name="xHat"/> and 1/√(σ² + ε) <c>[batch]</c> into
    /// <paramref name="invStd"/> for the backward pass; pass an empty span for either to skip saving it (inference).
    /// x and y may be the same span. Train and eval are the same computation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LayerNorm(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> xHat, Span<float> invStd, int batch, int features, float epsilon)
    {
        bool saveXHat = !xHat.IsEmpty, saveInvStd = !invStd.IsEmpty;
        CheckSizes(batch, features, x.Length, y.Length, saveXHat ? xHat.Length : batch * features);
        CheckPerFeature(features, gamma.Length, beta.Length, features, features, features);
        if (saveInvStd && invStd.Length < batch)
            throw new ArgumentException($"Expected at least {batch} floats for the saved inverse deviations, got {invStd.Length}.", nameof(invStd));
        if (LayerNormRows(x, y, gamma, beta, xHat, invStd, batch, features, epsilon)) return;

        for (int s = 0; s < batch; s++)
        {
            ReadOnlySpan<float> row = x.Slice(s * features, features);
            double mean = 0;
            for (int f = 0; f < row.Length; f++) mean += row[f];
            mean /= features;
            double squares = 0;
            for (int f = 0; f < row.Length; f++)
            {
                double d = row[f] - mean;
                squares += d * d;
            }
            float inv = (float)(1.0 / Math.Sqrt(squares / features + epsilon));
            if (saveInvStd) invStd[s] = inv;
            Span<float> yRow = y.Slice(s * features, features);
            // Without a place to save x̂, it is built in y itself (in place is fine: each element is read before it is written).
            Span<float> xh = saveXHat ? xHat.Slice(s * features, features) : yRow;
            TensorPrimitives.Subtract(row, (float)mean, xh);
            TensorPrimitives.Multiply(xh, inv, xh);
            TensorPrimitives.MultiplyAdd(xh, gamma[..features], beta[..features], yRow);
        }
    }

    /// <summary>
    /// LayerNorm backward from the saved x̂ and invStd. OVERWRITES dGamma = Σₛ dy·x̂ and dBeta = Σₛ dy per feature, and
    /// turns dy into dx = invStd·(g − mean(g) − x̂·mean(g·x̂)) per row, with g = γ·dy and means over the row's features.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LayerNormBackward(Span<float> dy, ReadOnlySpan<float> xHat, ReadOnlySpan<float> invStd, ReadOnlySpan<float> gamma,
        Span<float> dGamma, Span<float> dBeta, int batch, int features)
    {
        CheckSizes(batch, features, dy.Length, xHat.Length, batch * features);
        CheckPerFeature(features, gamma.Length, dGamma.Length, dBeta.Length, features, features);
        if (invStd.Length < batch)
            throw new ArgumentException($"Expected at least {batch} saved inverse deviations, got {invStd.Length}.", nameof(invStd));

        // Parameter gradients first: they need dy before it becomes dx. Column sums, in blocks of double accumulators.
        Span<double> sumDy = stackalloc double[Block];
        Span<double> sumDyXHat = stackalloc double[Block];
        for (int f0 = 0; f0 < features; f0 += Block)
        {
            int w = Math.Min(Block, features - f0);
            Span<double> sd = sumDy[..w], sdx = sumDyXHat[..w];
            ColumnSums(dy, xHat, batch, features, f0, sd, sdx);
            for (int j = 0; j < w; j++)
            {
                dBeta[f0 + j] = (float)sd[j];
                dGamma[f0 + j] = (float)sdx[j];
            }
        }

        if (LayerNormBackwardRows(dy, xHat, invStd, gamma, batch, features)) return;
        ReadOnlySpan<float> gam = gamma[..features];
        for (int s = 0; s < batch; s++)
        {
            Span<float> g = dy.Slice(s * features, features);
            ReadOnlySpan<float> xh = xHat.Slice(s * features, features);
            TensorPrimitives.Multiply(g, gam, g); // g = γ·dy
            double sg = 0, sgx = 0;
            for (int f = 0; f < g.Length; f++)
            {
                sg += g[f];
                sgx += (double)g[f] * xh[f];
            }
            TensorPrimitives.Subtract(g, (float)(sg / features), g);
            TensorPrimitives.MultiplyAdd(xh, (float)(-sgx / features), g, g);
            TensorPrimitives.Multiply(g, invStd[s], g);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckSizes(int batch, int features, int a, int b, int c)
    {
        if (batch < 0 || features <= 0)
            throw new ArgumentOutOfRangeException(nameof(features), $"Expected batch ≥ 0 and features > 0, got {batch} × {features}.");
        int n = batch * features;
        if (a < n || b < n || c < n)
            throw new ArgumentException($"Normalization spans too short for {batch} × {features} = {n} floats: {a}, {b}, {c}.");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckPerFeature(int features, int a, int b, int c, int d, int e)
    {
        if (a < features || b < features || c < features || d < features || e < features)
            throw new ArgumentException($"Per-feature spans (γ, β, statistics, gradients) too short for {features} features: {a}, {b}, {c}, {d}, {e}.");
    }
}
