using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

// The loops of the normalisation kernels, vectorised across features (a column block of BatchNorm, a row of LayerNorm)
// with a scalar tail. Sums still end in double: a float vector collects at most PartialRows rows (BatchNorm) or one
// row's features (LayerNorm), then each lane is added into a double accumulator. Each helper picks the widest
// accelerated vector that fits the span; with none (or a span narrower than a vector) it runs its scalar form.
public static partial class Normalization
{
    /// <summary>Rows a float partial sum collects before it is added into the double column accumulators.</summary>
    private const int PartialRows = 8;

    /// <summary>sums[j] += Σₛ a[s, f0 + j], or Σₛ (a[s, f0 + j] − shift[j])² when <paramref name="shift"/> is not empty.</summary>
    private static void AddColumns(ReadOnlySpan<float> a, int batch, int features, int f0, ReadOnlySpan<float> shift, Span<double> sums)
    {
        int w = sums.Length, j = 0;
        ref float ar = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), f0);
        if (Vector512.IsHardwareAccelerated && w >= Vector512<float>.Count)
            j = AddColumns<Simd512, Vector512<float>>(ref ar, batch, features, w, shift, sums);
        else if (Vector256.IsHardwareAccelerated && w >= Vector256<float>.Count)
            j = AddColumns<Simd256, Vector256<float>>(ref ar, batch, features, w, shift, sums);
        else if (Vector128.IsHardwareAccelerated && w >= Vector128<float>.Count)
            j = AddColumns<Simd128, Vector128<float>>(ref ar, batch, features, w, shift, sums);
        for (; j < w; j++)
        {
            double sum = 0;
            for (int s = 0; s < batch; s++)
            {
                double v = Unsafe.Add(ref ar, s * features + j);
                if (!shift.IsEmpty) v = (v - shift[j]) * (v - shift[j]);
                sum += v;
            }
            sums[j] += sum;
        }
    }

    /// <summary>The whole vectors of <see cref="AddColumns(ReadOnlySpan{float}, int, int, int, ReadOnlySpan{float}, Span{double})"/>; returns the columns done.</summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int AddColumns<TSimd, TVec>(ref float a, int batch, int features, int w, ReadOnlySpan<float> shift, Span<double> sums)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width, j = 0;
        bool squares = !shift.IsEmpty;
        Span<float> lanes = stackalloc float[width];
        ref float lane = ref MemoryMarshal.GetReference(lanes);
        for (; j + width <= w; j += width)
        {
            TVec mu = squares ? TSimd.Load(ref MemoryMarshal.GetReference(shift), j) : TSimd.Zero;
            for (int s0 = 0; s0 < batch; s0 += PartialRows)
            {
                int s1 = Math.Min(batch, s0 + PartialRows);
                TVec partial = TSimd.Zero;
                for (int s = s0; s < s1; s++)
                {
                    TVec v = TSimd.Load(ref a, (nint)s * features + j);
                    if (squares)
                    {
                        v = TSimd.Subtract(v, mu);
                        v = TSimd.Multiply(v, v);
                    }
                    partial = TSimd.Add(partial, v);
                }
                TSimd.Store(partial, ref lane, 0);
                for (int k = 0; k < width; k++) sums[j + k] += Unsafe.Add(ref lane, k);
            }
        }
        return j;
    }

    /// <summary>For the columns [f0, f0 + w) of every row: y = act(x·scale + shift) elementwise, per-column scale and shift.</summary>
    private static void ScaleShiftColumns(ReadOnlySpan<float> x, Span<float> y, int batch, int features, int f0,
        ReadOnlySpan<float> scale, ReadOnlySpan<float> shift)
    {
        int w = scale.Length, j = 0;
        ref float xr = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), f0);
        ref float yr = ref Unsafe.Add(ref MemoryMarshal.GetReference(y), f0);
        if (Vector512.IsHardwareAccelerated && w >= Vector512<float>.Count)
            j = ScaleShiftColumns<Simd512, Vector512<float>>(ref xr, ref yr, batch, features, scale, shift);
        else if (Vector256.IsHardwareAccelerated && w >= Vector256<float>.Count)
            j = ScaleShiftColumns<Simd256, Vector256<float>>(ref xr, ref yr, batch, features, scale, shift);
        else if (Vector128.IsHardwareAccelerated && w >= Vector128<float>.Count)
            j = ScaleShiftColumns<Simd128, Vector128<float>>(ref xr, ref yr, batch, features, scale, shift);
        for (; j < w; j++)
            for (int s = 0; s < batch; s++)
                Unsafe.Add(ref yr, s * features + j) = MathF.FusedMultiplyAdd(Unsafe.Add(ref xr, s * features + j), scale[j], shift[j]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ScaleShiftColumns<TSimd, TVec>(ref float x, ref float y, int batch, int features,
        ReadOnlySpan<float> scale, ReadOnlySpan<float> shift)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width, w = scale.Length, j = 0;
        for (; j + width <= w; j += width)
        {
            TVec a = TSimd.Load(ref MemoryMarshal.GetReference(scale), j), c = TSimd.Load(ref MemoryMarshal.GetReference(shift), j);
            for (int s = 0; s < batch; s++)
            {
                nint at = (nint)s * features + j;
                TSimd.Store(TSimd.MulAdd(TSimd.Load(ref x, at), a, c), ref y, at);
            }
        }
        return j;
    }

    /// <summary>
    /// For the columns [f0, f0 + w) of every row: x̂ = (x − μ)·invStd, saved, and y = γ·x̂ + β (BatchNorm in training;
    /// x and y may be the same span).
    /// </summary>
    private static void NormalizeColumns(ReadOnlySpan<float> x, Span<float> xHat, Span<float> y, int batch, int features, int f0,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta)
    {
        int w = mean.Length, j = 0;
        ref float xr = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), f0);
        ref float hr = ref Unsafe.Add(ref MemoryMarshal.GetReference(xHat), f0);
        ref float yr = ref Unsafe.Add(ref MemoryMarshal.GetReference(y), f0);
        if (Vector512.IsHardwareAccelerated && w >= Vector512<float>.Count)
            j = NormalizeColumns<Simd512, Vector512<float>>(ref xr, ref hr, ref yr, batch, features, mean, invStd, gamma, beta);
        else if (Vector256.IsHardwareAccelerated && w >= Vector256<float>.Count)
            j = NormalizeColumns<Simd256, Vector256<float>>(ref xr, ref hr, ref yr, batch, features, mean, invStd, gamma, beta);
        else if (Vector128.IsHardwareAccelerated && w >= Vector128<float>.Count)
            j = NormalizeColumns<Simd128, Vector128<float>>(ref xr, ref hr, ref yr, batch, features, mean, invStd, gamma, beta);
        for (; j < w; j++)
            for (int s = 0; s < batch; s++)
            {
                int at = s * features + j;
                float h = (Unsafe.Add(ref xr, at) - mean[j]) * invStd[j];
                Unsafe.Add(ref hr, at) = h;
                Unsafe.Add(ref yr, at) = MathF.FusedMultiplyAdd(h, gamma[j], beta[j]);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int NormalizeColumns<TSimd, TVec>(ref float x, ref float xHat, ref float y, int batch, int features,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width, w = mean.Length, j = 0;
        for (; j + width <= w; j += width)
        {
            TVec mu = TSimd.Load(ref MemoryMarshal.GetReference(mean), j), inv = TSimd.Load(ref MemoryMarshal.GetReference(invStd), j);
            TVec g = TSimd.Load(ref MemoryMarshal.GetReference(gamma), j), b = TSimd.Load(ref MemoryMarshal.GetReference(beta), j);
            for (int s = 0; s < batch; s++)
            {
                nint at = (nint)s * features + j;
                TVec h = TSimd.Multiply(TSimd.Subtract(TSimd.Load(ref x, at), mu), inv);
                TSimd.Store(h, ref xHat, at);
                TSimd.Store(TSimd.MulAdd(h, g, b), ref y, at);
            }
        }
        return j;
    }

    /// <summary>Σₛ dy and Σₛ dy·x̂ over the batch for the columns [f0, f0 + sd.Length), in double (overwritten).</summary>
    private static void ColumnSums(ReadOnlySpan<float> dy, ReadOnlySpan<float> xHat, int batch, int features, int f0,
        Span<double> sd, Span<double> sdx)
    {
        int w = sd.Length, j = 0;
        sd.Clear();
        sdx.Clear();
        ref float gr = ref Unsafe.Add(ref MemoryMarshal.GetReference(dy), f0);
        ref float hr = ref Unsafe.Add(ref MemoryMarshal.GetReference(xHat), f0);
        if (Vector512.IsHardwareAccelerated && w >= Vector512<float>.Count)
            j = ColumnSums<Simd512, Vector512<float>>(ref gr, ref hr, batch, features, sd, sdx);
        else if (Vector256.IsHardwareAccelerated && w >= Vector256<float>.Count)
            j = ColumnSums<Simd256, Vector256<float>>(ref gr, ref hr, batch, features, sd, sdx);
        else if (Vector128.IsHardwareAccelerated && w >= Vector128<float>.Count)
            j = ColumnSums<Simd128, Vector128<float>>(ref gr, ref hr, batch, features, sd, sdx);
        for (; j < w; j++)
            for (int s = 0; s < batch; s++)
            {
                float g = Unsafe.Add(ref gr, s * features + j);
                sd[j] += g;
                sdx[j] += (double)g * Unsafe.Add(ref hr, s * features + j);
            }
    }

    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ColumnSums<TSimd, TVec>(ref float dy, ref float xHat, int batch, int features, Span<double> sd, Span<double> sdx)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width, w = sd.Length, j = 0;
        Span<float> lanes = stackalloc float[2 * width];
        ref float lane = ref MemoryMarshal.GetReference(lanes);
        for (; j + width <= w; j += width)
        {
            for (int s0 = 0; s0 < batch; s0 += PartialRows)
            {
                int s1 = Math.Min(batch, s0 + PartialRows);
                TVec a = TSimd.Zero, b = TSimd.Zero;
                for (int s = s0; s < s1; s++)
                {
                    nint at = (nint)s * features + j;
                    TVec g = TSimd.Load(ref dy, at);
                    a = TSimd.Add(a, g);
                    b = TSimd.MulAdd(g, TSimd.Load(ref xHat, at), b);
                }
                TSimd.Store(a, ref lane, 0);
                TSimd.Store(b, ref lane, width);
                for (int k = 0; k < width; k++)
                {
                    sd[j + k] += Unsafe.Add(ref lane, k);
                    sdx[j + k] += Unsafe.Add(ref lane, width + k);
                }
            }
        }
        return j;
    }

    /// <summary>For the columns [f0, f0 + w) of every row: dy ← (dy − m + x̂·k)·c (the BatchNorm input gradient).</summary>
    private static void BackwardColumns(Span<float> dy, ReadOnlySpan<float> xHat, int batch, int features, int f0,
        ReadOnlySpan<float> m, ReadOnlySpan<float> k, ReadOnlySpan<float> c)
    {
        int w = m.Length, j = 0;
        ref float gr = ref Unsafe.Add(ref MemoryMarshal.GetReference(dy), f0);
        ref float hr = ref Unsafe.Add(ref MemoryMarshal.GetReference(xHat), f0);
        if (Vector512.IsHardwareAccelerated && w >= Vector512<float>.Count)
            j = BackwardColumns<Simd512, Vector512<float>>(ref gr, ref hr, batch, features, m, k, c);
        else if (Vector256.IsHardwareAccelerated && w >= Vector256<float>.Count)
            j = BackwardColumns<Simd256, Vector256<float>>(ref gr, ref hr, batch, features, m, k, c);
        else if (Vector128.IsHardwareAccelerated && w >= Vector128<float>.Count)
            j = BackwardColumns<Simd128, Vector128<float>>(ref gr, ref hr, batch, features, m, k, c);
        for (; j < w; j++)
            for (int s = 0; s < batch; s++)
            {
                int at = s * features + j;
                Unsafe.Add(ref gr, at) = MathF.FusedMultiplyAdd(Unsafe.Add(ref hr, at), k[j], Unsafe.Add(ref gr, at) - m[j]) * c[j];
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int BackwardColumns<TSimd, TVec>(ref float dy, ref float xHat, int batch, int features,
        ReadOnlySpan<float> m, ReadOnlySpan<float> k, ReadOnlySpan<float> c)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width, w = m.Length, j = 0;
        for (; j + width <= w; j += width)
        {
            TVec mv = TSimd.Load(ref MemoryMarshal.GetReference(m), j), kv = TSimd.Load(ref MemoryMarshal.GetReference(k), j);
            TVec cv = TSimd.Load(ref MemoryMarshal.GetReference(c), j);
            for (int s = 0; s < batch; s++)
            {
                nint at = (nint)s * features + j;
                TVec g = TSimd.MulAdd(TSimd.Load(ref xHat, at), kv, TSimd.Subtract(TSimd.Load(ref dy, at), mv));
                TSimd.Store(TSimd.Multiply(g, cv), ref dy, at);
            }
        }
        return j;
    }

    /// <summary>
    /// LayerNorm's rows with the widest accelerated vector that fits a row; returns false (nothing done) when none does,
    /// and the caller runs the scalar form. See <see cref="LayerNorm"/> for the arguments.
    /// </summary>
    private static bool LayerNormRows(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> xHat, Span<float> invStd, int batch, int features, float epsilon)
    {
        if (Vector512.IsHardwareAccelerated && features >= Vector512<float>.Count)
            LayerNormRows<Simd512, Vector512<float>>(x, y, gamma, beta, xHat, invStd, batch, features, epsilon);
        else if (Vector256.IsHardwareAccelerated && features >= Vector256<float>.Count)
            LayerNormRows<Simd256, Vector256<float>>(x, y, gamma, beta, xHat, invStd, batch, features, epsilon);
        else if (Vector128.IsHardwareAccelerated && features >= Vector128<float>.Count)
            LayerNormRows<Simd128, Vector128<float>>(x, y, gamma, beta, xHat, invStd, batch, features, epsilon);
        else
            return false;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LayerNormRows<TSimd, TVec>(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> xHat, Span<float> invStd, int batch, int features, float epsilon)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width;
        bool saveXHat = !xHat.IsEmpty;
        ref float gr = ref MemoryMarshal.GetReference(gamma);
        ref float br = ref MemoryMarshal.GetReference(beta);
        for (int s = 0; s < batch; s++)
        {
            ref float row = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), s * features);
            ref float yRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(y), s * features);
            ref float hRow = ref saveXHat ? ref Unsafe.Add(ref MemoryMarshal.GetReference(xHat), s * features) : ref yRow;
            double mean = RowSum<TSimd, TVec>(ref row, features, 0f, squares: false) / features;
            float mu = (float)mean;
            // Two passes, as BatchNorm: no cancellation when |μ| ≫ σ.
            double variance = RowSum<TSimd, TVec>(ref row, features, mu, squares: true) / features;
            float inv = (float)(1.0 / Math.Sqrt(variance + epsilon));
            if (!invStd.IsEmpty) invStd[s] = inv;
            TVec muV = TSimd.Broadcast(mu), invV = TSimd.Broadcast(inv);
            int j = 0;
            for (; j + width <= features; j += width)
            {
                TVec h = TSimd.Multiply(TSimd.Subtract(TSimd.Load(ref row, j), muV), invV);
                if (saveXHat) TSimd.Store(h, ref hRow, j);
                TSimd.Store(TSimd.MulAdd(h, TSimd.Load(ref gr, j), TSimd.Load(ref br, j)), ref yRow, j);
            }
            for (; j < features; j++)
            {
                float h = (Unsafe.Add(ref row, j) - mu) * inv;
                if (saveXHat) Unsafe.Add(ref hRow, j) = h;
                Unsafe.Add(ref yRow, j) = MathF.FusedMultiplyAdd(h, Unsafe.Add(ref gr, j), Unsafe.Add(ref br, j));
            }
        }
    }

    /// <summary>Σ row[j], or Σ (row[j] − shift)² when <paramref name="squares"/>, in double from float partial sums of 8 vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static double RowSum<TSimd, TVec>(ref float row, int features, float shift, bool squares)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width, j = 0;
        TVec shiftV = TSimd.Broadcast(shift);
        double total = 0;
        while (j + width <= features)
        {
            TVec partial = TSimd.Zero;
            int end = Math.Min(features - width, j + 7 * width);
            for (; j <= end; j += width)
            {
                TVec v = TSimd.Load(ref row, j);
                if (squares)
                {
                    v = TSimd.Subtract(v, shiftV);
                    v = TSimd.Multiply(v, v);
                }
                partial = TSimd.Add(partial, v);
            }
            total += TSimd.Sum(partial);
        }
        for (; j < features; j++)
        {
            double v = Unsafe.Add(ref row, j);
            total += squares ? (v - shift) * (v - shift) : v;
        }
        return total;
    }

    /// <summary>
    /// The input gradient of LayerNorm's rows (see <see cref="LayerNormBackward"/>) with the widest accelerated vector that
    /// fits a row; returns false (nothing done) when none does.
    /// </summary>
    private static bool LayerNormBackwardRows(Span<float> dy, ReadOnlySpan<float> xHat, ReadOnlySpan<float> invStd, ReadOnlySpan<float> gamma,
        int batch, int features)
    {
        if (Vector512.IsHardwareAccelerated && features >= Vector512<float>.Count)
            LayerNormBackwardRows<Simd512, Vector512<float>>(dy, xHat, invStd, gamma, batch, features);
        else if (Vector256.IsHardwareAccelerated && features >= Vector256<float>.Count)
            LayerNormBackwardRows<Simd256, Vector256<float>>(dy, xHat, invStd, gamma, batch, features);
        else if (Vector128.IsHardwareAccelerated && features >= Vector128<float>.Count)
            LayerNormBackwardRows<Simd128, Vector128<float>>(dy, xHat, invStd, gamma, batch, features);
        else
            return false;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LayerNormBackwardRows<TSimd, TVec>(Span<float> dy, ReadOnlySpan<float> xHat, ReadOnlySpan<float> invStd,
        ReadOnlySpan<float> gamma, int batch, int features)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width;
        ref float gamr = ref MemoryMarshal.GetReference(gamma);
        for (int s = 0; s < batch; s++)
        {
            ref float g = ref Unsafe.Add(ref MemoryMarshal.GetReference(dy), s * features);
            ref float h = ref Unsafe.Add(ref MemoryMarshal.GetReference(xHat), s * features);
            // g = γ·dy in place, with Σ g and Σ g·x̂ in double from float partial sums of 8 vectors.
            double sg = 0, sgx = 0;
            int j = 0;
            while (j + width <= features)
            {
                TVec a = TSimd.Zero, b = TSimd.Zero;
                int end = Math.Min(features - width, j + 7 * width);
                for (; j <= end; j += width)
                {
                    TVec gv = TSimd.Multiply(TSimd.Load(ref g, j), TSimd.Load(ref gamr, j));
                    TSimd.Store(gv, ref g, j);
                    a = TSimd.Add(a, gv);
                    b = TSimd.MulAdd(gv, TSimd.Load(ref h, j), b);
                }
                sg += TSimd.Sum(a);
                sgx += TSimd.Sum(b);
            }
            for (; j < features; j++)
            {
                float gv = Unsafe.Add(ref g, j) * Unsafe.Add(ref gamr, j);
                Unsafe.Add(ref g, j) = gv;
                sg += gv;
                sgx += (double)gv * Unsafe.Add(ref h, j);
            }
            // dx = (g − mean(g) + x̂·(−mean(g·x̂)))·invStd
            float m = (float)(sg / features), k = (float)(-sgx / features), inv = invStd[s];
            TVec mV = TSimd.Broadcast(m), kV = TSimd.Broadcast(k), invV = TSimd.Broadcast(inv);
            for (j = 0; j + width <= features; j += width)
                TSimd.Store(TSimd.Multiply(TSimd.MulAdd(TSimd.Load(ref h, j), kV, TSimd.Subtract(TSimd.Load(ref g, j), mV)), invV), ref g, j);
            for (; j < features; j++)
                Unsafe.Add(ref g, j) = MathF.FusedMultiplyAdd(Unsafe.Add(ref h, j), k, Unsafe.Add(ref g, j) - m) * inv;
        }
    }
}
