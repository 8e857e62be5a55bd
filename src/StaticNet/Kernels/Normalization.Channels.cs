using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

// BatchNorm over channels: BatchNorm2d on [batch, channels, H, W] and BatchNorm1d on [batch, channels, L], both seen as
// [batch, channels, positions] with positions = H·W or L. Each channel has one γ, β and pair of running statistics, and its
// m = batch·positions values form `batch` contiguous runs of `positions` floats. The arithmetic is BatchNorm1d's (above):
// double accumulators fed by float partial sums of at most 8 vectors of a run, two-pass variance, the same eval formula
// and the same backward; only the reduction runs over the channel's runs instead of a column.
public static partial class Normalization
{
    /// <summary>
    /// Training-mode BatchNorm2d / BatchNorm1d over channels: μ and the biased σ² of each channel over its
    /// m = batch·positions values; saves x̂ = (x − μ)/√(σ² + ε) <c>[batch, channels, positions]</c> and
    /// invStd = 1/√(σ² + ε) <c>[channels]</c> for the backward pass; y = γ·x̂ + β; runningMean ← (1 − momentum)·runningMean
    /// + momentum·μ and runningVar ← (1 − momentum)·runningVar + momentum·σ²·m/(m − 1). x and y may be the same span
    /// (x̂ must be its own).
    /// </summary>
    /// <exception cref="ArgumentException">When m = batch·positions &lt; 2, as in PyTorch ("Expected more than 1 value per channel when training").</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BatchNormChannelsTrain(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> runningMean, Span<float> runningVar, Span<float> xHat, Span<float> invStd,
        int batch, int channels, int positions, float epsilon, float momentum)
    {
        CheckChannelShape(batch, channels, positions);
        long values = (long)batch * positions;
        if (values < 2)
            throw new ArgumentException(
                $"BatchNorm needs more than one value per channel in training (got batch {batch} × {positions} positions = {values}); " +
                "PyTorch raises too. Use more samples (or positions) per batch, or evaluation mode.", nameof(batch));
        CheckChannelSizes(batch, channels, positions, x.Length, y.Length, xHat.Length, "x", "y", "xHat");
        CheckPerFeature(channels, gamma.Length, beta.Length, runningMean.Length, runningVar.Length, invStd.Length);

        double m = values;
        double unbiased = m / (m - 1);
        int stride = channels * positions;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float hr = ref MemoryMarshal.GetReference(xHat);
        for (int c = 0; c < channels; c++)
        {
            int first = c * positions;
            double sum = 0;
            for (int n = 0; n < batch; n++) sum += RunSum(ref Unsafe.Add(ref xr, n * stride + first), positions, 0f, squares: false);
            double mean = sum / m;
            float mu = (float)mean;
            // Two passes (mean, then squared deviations) rather than Σx² − μ²: no cancellation when |μ| ≫ σ.
            double squares = 0;
            for (int n = 0; n < batch; n++) squares += RunSum(ref Unsafe.Add(ref xr, n * stride + first), positions, mu, squares: true);
            double variance = squares / m;
            float inv = (float)(1.0 / Math.Sqrt(variance + epsilon));
            invStd[c] = inv;
            runningMean[c] = (float)((1.0 - momentum) * runningMean[c] + (double)momentum * mean);
            runningVar[c] = (float)((1.0 - momentum) * runningVar[c] + (double)momentum * variance * unbiased);
            float g = gamma[c], b = beta[c];
            for (int n = 0; n < batch; n++)
            {
                int at = n * stride + first;
                NormalizeRun(ref Unsafe.Add(ref xr, at), ref Unsafe.Add(ref hr, at), ref Unsafe.Add(ref yr, at), positions, mu, inv, g, b);
            }
        }
    }

    /// <summary>
    /// Evaluation-mode BatchNorm over channels with the running statistics, evaluated as PyTorch does (and as
    /// <see cref="BatchNormEval"/>): y = x·α + (β − runningMean·α) with α = γ/√(runningVar + ε) per channel. x and y may be
    /// the same span.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BatchNormChannelsEval(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, int batch, int channels, int positions, float epsilon)
    {
        CheckChannelShape(batch, channels, positions);
        int n0 = batch * channels * positions;
        CheckChannelSizes(batch, channels, positions, x.Length, y.Length, n0, "x", "y", "y");
        CheckPerFeature(channels, gamma.Length, beta.Length, runningMean.Length, runningVar.Length, channels);

        int stride = channels * positions;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        for (int c = 0; c < channels; c++)
        {
            double alpha = gamma[c] / Math.Sqrt((double)runningVar[c] + epsilon);
            float scale = (float)alpha, shift = (float)(beta[c] - runningMean[c] * alpha);
            for (int n = 0; n < batch; n++)
            {
                int at = n * stride + c * positions;
                ScaleShiftRun(ref Unsafe.Add(ref xr, at), ref Unsafe.Add(ref yr, at), positions, scale, shift);
            }
        }
    }

    /// <summary>
    /// Training-mode BatchNorm-over-channels backward from the saved x̂ and invStd, in place on dy like
    /// <see cref="BatchNormBackward"/>: OVERWRITES dGamma = Σ dy·x̂ and dBeta = Σ dy per channel (over its m =
    /// batch·positions values), and turns dy into dx = γ·invStd/m·(m·dy − Σ dy − x̂·Σ dy·x̂), evaluated as
    /// (dy − mean(dy) − x̂·mean(dy·x̂))·γ·invStd.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BatchNormChannelsBackward(Span<float> dy, ReadOnlySpan<float> xHat, ReadOnlySpan<float> invStd, ReadOnlySpan<float> gamma,
        Span<float> dGamma, Span<float> dBeta, int batch, int channels, int positions)
    {
        CheckChannelShape(batch, channels, positions);
        CheckChannelSizes(batch, channels, positions, dy.Length, xHat.Length, batch * channels * positions, "dy", "xHat", "xHat");
        CheckPerFeature(channels, gamma.Length, invStd.Length, dGamma.Length, dBeta.Length, channels);

        double m = (double)batch * positions;
        int stride = channels * positions;
        ref float gr = ref MemoryMarshal.GetReference(dy);
        ref float hr = ref MemoryMarshal.GetReference(xHat);
        for (int c = 0; c < channels; c++)
        {
            int first = c * positions;
            double sumDy = 0, sumDyXHat = 0;
            for (int n = 0; n < batch; n++)
                RunSums(ref Unsafe.Add(ref gr, n * stride + first), ref Unsafe.Add(ref hr, n * stride + first), positions, ref sumDy, ref sumDyXHat);
            dBeta[c] = (float)sumDy;
            dGamma[c] = (float)sumDyXHat;
            float meanDy = (float)(sumDy / m), minusMeanDyXHat = (float)(-sumDyXHat / m), scale = (float)((double)gamma[c] * invStd[c]);
            for (int n = 0; n < batch; n++)
            {
                int at = n * stride + first;
                BackwardRun(ref Unsafe.Add(ref gr, at), ref Unsafe.Add(ref hr, at), positions, meanDy, minusMeanDyXHat, scale);
            }
        }
    }

    // ---- runs (one channel of one sample), each with the widest accelerated vector that fits, and a scalar tail ----

    /// <summary>Σ run[j], or Σ (run[j] − shift)² when <paramref name="squares"/>, in double (see <see cref="RowSum"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double RunSum(ref float run, int n, float shift, bool squares)
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count) return RowSum<Simd512, Vector512<float>>(ref run, n, shift, squares);
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count) return RowSum<Simd256, Vector256<float>>(ref run, n, shift, squares);
        if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count) return RowSum<Simd128, Vector128<float>>(ref run, n, shift, squares);
        double total = 0;
        for (int j = 0; j < n; j++)
        {
            double v = Unsafe.Add(ref run, j);
            total += squares ? (v - shift) * (v - shift) : v;
        }
        return total;
    }

    /// <summary>x̂ = (x − μ)·invStd saved, y = γ·x̂ + β, over one run (x and y may be the same memory).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void NormalizeRun(ref float x, ref float xHat, ref float y, int n, float mean, float invStd, float gamma, float beta)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count) j = NormalizeRun<Simd512, Vector512<float>>(ref x, ref xHat, ref y, n, mean, invStd, gamma, beta);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count) j = NormalizeRun<Simd256, Vector256<float>>(ref x, ref xHat, ref y, n, mean, invStd, gamma, beta);
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count) j = NormalizeRun<Simd128, Vector128<float>>(ref x, ref xHat, ref y, n, mean, invStd, gamma, beta);
        // Scalar tail (in place, an overlapping vector would normalise twice).
        for (; j < n; j++)
        {
            float h = (Unsafe.Add(ref x, j) - mean) * invStd;
            Unsafe.Add(ref xHat, j) = h;
            Unsafe.Add(ref y, j) = MathF.FusedMultiplyAdd(h, gamma, beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int NormalizeRun<TSimd, TVec>(ref float x, ref float xHat, ref float y, int n, float mean, float invStd, float gamma, float beta)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width, j = 0;
        TVec mu = TSimd.Broadcast(mean), inv = TSimd.Broadcast(invStd), g = TSimd.Broadcast(gamma), b = TSimd.Broadcast(beta);
        for (; j + width <= n; j += width)
        {
            TVec h = TSimd.Multiply(TSimd.Subtract(TSimd.Load(ref x, j), mu), inv);
            TSimd.Store(h, ref xHat, j);
            TSimd.Store(TSimd.MulAdd(h, g, b), ref y, j);
        }
        return j;
    }

    /// <summary>y = x·scale + shift over one run (x and y may be the same memory).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScaleShiftRun(ref float x, ref float y, int n, float scale, float shift)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count) j = ScaleShiftRun<Simd512, Vector512<float>>(ref x, ref y, n, scale, shift);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count) j = ScaleShiftRun<Simd256, Vector256<float>>(ref x, ref y, n, scale, shift);
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count) j = ScaleShiftRun<Simd128, Vector128<float>>(ref x, ref y, n, scale, shift);
        for (; j < n; j++) Unsafe.Add(ref y, j) = MathF.FusedMultiplyAdd(Unsafe.Add(ref x, j), scale, shift);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ScaleShiftRun<TSimd, TVec>(ref float x, ref float y, int n, float scale, float shift)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width, j = 0;
        TVec a = TSimd.Broadcast(scale), c = TSimd.Broadcast(shift);
        for (; j + width <= n; j += width) TSimd.Store(TSimd.MulAdd(TSimd.Load(ref x, j), a, c), ref y, j);
        return j;
    }

    /// <summary>Adds Σ dy and Σ dy·x̂ over one run into the double accumulators (float partial sums of at most 8 vectors).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RunSums(ref float dy, ref float xHat, int n, ref double sumDy, ref double sumDyXHat)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count) j = RunSums<Simd512, Vector512<float>>(ref dy, ref xHat, n, ref sumDy, ref sumDyXHat);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count) j = RunSums<Simd256, Vector256<float>>(ref dy, ref xHat, n, ref sumDy, ref sumDyXHat);
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count) j = RunSums<Simd128, Vector128<float>>(ref dy, ref xHat, n, ref sumDy, ref sumDyXHat);
        for (; j < n; j++)
        {
            float g = Unsafe.Add(ref dy, j);
            sumDy += g;
            sumDyXHat += (double)g * Unsafe.Add(ref xHat, j);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int RunSums<TSimd, TVec>(ref float dy, ref float xHat, int n, ref double sumDy, ref double sumDyXHat)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width, j = 0;
        while (j + width <= n)
        {
            TVec a = TSimd.Zero, b = TSimd.Zero;
            int end = Math.Min(n - width, j + (PartialRows - 1) * width);
            for (; j <= end; j += width)
            {
                TVec g = TSimd.Load(ref dy, j);
                a = TSimd.Add(a, g);
                b = TSimd.MulAdd(g, TSimd.Load(ref xHat, j), b);
            }
            sumDy += TSimd.Sum(a);
            sumDyXHat += TSimd.Sum(b);
        }
        return j;
    }

    /// <summary>dy ← (dy − m + x̂·k)·scale over one run (the BatchNorm input gradient, as <c>BackwardColumns</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BackwardRun(ref float dy, ref float xHat, int n, float m, float k, float scale)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count) j = BackwardRun<Simd512, Vector512<float>>(ref dy, ref xHat, n, m, k, scale);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count) j = BackwardRun<Simd256, Vector256<float>>(ref dy, ref xHat, n, m, k, scale);
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count) j = BackwardRun<Simd128, Vector128<float>>(ref dy, ref xHat, n, m, k, scale);
        for (; j < n; j++)
            Unsafe.Add(ref dy, j) = MathF.FusedMultiplyAdd(Unsafe.Add(ref xHat, j), k, Unsafe.Add(ref dy, j) - m) * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int BackwardRun<TSimd, TVec>(ref float dy, ref float xHat, int n, float m, float k, float scale)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width, j = 0;
        TVec mv = TSimd.Broadcast(m), kv = TSimd.Broadcast(k), cv = TSimd.Broadcast(scale);
        for (; j + width <= n; j += width)
        {
            TVec g = TSimd.MulAdd(TSimd.Load(ref xHat, j), kv, TSimd.Subtract(TSimd.Load(ref dy, j), mv));
            TSimd.Store(TSimd.Multiply(g, cv), ref dy, j);
        }
        return j;
    }

    private static void CheckChannelShape(int batch, int channels, int positions)
    {
        if (batch < 0 || channels <= 0 || positions <= 0)
            throw new ArgumentOutOfRangeException(nameof(channels),
                $"Expected batch ≥ 0 and positive channels and positions, got {batch} × {channels} × {positions}.");
    }

    private static void CheckChannelSizes(int batch, int channels, int positions, int a, int b, int c, string aName, string bName, string cName)
    {
        int n = batch * channels * positions;
        if (a < n || b < n || c < n)
            throw new ArgumentException(
                $"Channel BatchNorm spans too short for {batch} × {channels} × {positions} = {n} floats: {aName} {a}, {bName} {b}, {cName} {c}.");
    }
}
