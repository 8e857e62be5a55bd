using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

/// <summary>
/// The dense (fully connected) layer's kernels, called by generated networks with compile-time sizes.
/// Weights are PyTorch's <c>[out, in]</c> row-major layout, activations row-major <c>[batch, features]</c>.
/// </summary>
/// <remarks>
/// One kernel serves every layer: the generated code passes constant sizes and the calls are inlined, so the JIT
/// sees constant loop bounds, while the code exists once and is tested once (emitting a copy per layer made the
/// generated files large and the JIT slower for no measured gain). Each entry point picks the widest accelerated
/// vector that fits the row (512 → 256 → 128 → scalar); the checks are JIT-time constants.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Dense
{
    /// <summary><c>y[s, o] = act(b[o] + Σᵢ x[s, i]·W[o, i])</c>, with act = ReLU when <paramref name="relu"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y,
        int batch, int inSize, int outSize, bool relu)
    {
        CheckSizes(x.Length, batch * inSize, weight.Length, inSize * outSize, bias.Length, outSize, y.Length, batch * outSize);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float wr = ref MemoryMarshal.GetReference(weight);
        ref float br = ref MemoryMarshal.GetReference(bias);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated && inSize >= Vector512<float>.Count)
            ForwardCore<Simd512, Vector512<float>>(ref xr, ref wr, ref br, ref yr, batch, inSize, outSize, relu);
        else if (Vector256.IsHardwareAccelerated && inSize >= Vector256<float>.Count)
            ForwardCore<Simd256, Vector256<float>>(ref xr, ref wr, ref br, ref yr, batch, inSize, outSize, relu);
        else if (Vector128.IsHardwareAccelerated && inSize >= Vector128<float>.Count)
            ForwardCore<Simd128, Vector128<float>>(ref xr, ref wr, ref br, ref yr, batch, inSize, outSize, relu);
        else
            ForwardScalar(ref xr, ref wr, ref br, ref yr, batch, inSize, outSize, relu);
    }

    /// <summary>
    /// Overwrites <c>dW[o, i] = Σₛ dy[s, o]·x[s, i]</c> and <c>db[o] = Σₛ dy[s, o]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BackwardParameters(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dWeight, Span<float> dBias,
        int batch, int inSize, int outSize)
    {
        CheckSizes(x.Length, batch * inSize, dWeight.Length, inSize * outSize, dBias.Length, outSize, dy.Length, batch * outSize);
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dwr = ref MemoryMarshal.GetReference(dWeight);
        if (Vector512.IsHardwareAccelerated && inSize >= Vector512<float>.Count)
            BackwardWeightCore<Simd512, Vector512<float>>(ref dyr, ref xr, ref dwr, batch, inSize, outSize);
        else if (Vector256.IsHardwareAccelerated && inSize >= Vector256<float>.Count)
            BackwardWeightCore<Simd256, Vector256<float>>(ref dyr, ref xr, ref dwr, batch, inSize, outSize);
        else if (Vector128.IsHardwareAccelerated && inSize >= Vector128<float>.Count)
            BackwardWeightCore<Simd128, Vector128<float>>(ref dyr, ref xr, ref dwr, batch, inSize, outSize);
        else
            BackwardWeightScalar(ref dyr, ref xr, ref dwr, batch, inSize, outSize);

        // db is a column sum of dy: small (batch × out), so a plain loop.
        for (int o = 0; o < outSize; o++)
        {
            float sum = 0f;
            for (int s = 0; s < batch; s++) sum += Unsafe.Add(ref dyr, s * outSize + o);
            dBias[o] = sum;
        }
    }

    /// <summary>Overwrites <c>dx[s, i] = Σₒ dy[s, o]·W[o, i]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> weight, Span<float> dx,
        int batch, int inSize, int outSize)
    {
        CheckSizes(dx.Length, batch * inSize, weight.Length, inSize * outSize, outSize, outSize, dy.Length, batch * outSize);
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float wr = ref MemoryMarshal.GetReference(weight);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        if (Vector512.IsHardwareAccelerated && inSize >= Vector512<float>.Count)
            BackwardInputCore<Simd512, Vector512<float>>(ref dyr, ref wr, ref dxr, batch, inSize, outSize);
        else if (Vector256.IsHardwareAccelerated && inSize >= Vector256<float>.Count)
            BackwardInputCore<Simd256, Vector256<float>>(ref dyr, ref wr, ref dxr, batch, inSize, outSize);
        else if (Vector128.IsHardwareAccelerated && inSize >= Vector128<float>.Count)
            BackwardInputCore<Simd128, Vector128<float>>(ref dyr, ref wr, ref dxr, batch, inSize, outSize);
        else
            BackwardInputScalar(ref dyr, ref wr, ref dxr, batch, inSize, outSize);
    }

    private static void CheckSizes(int x, int xExpected, int w, int wExpected, int b, int bExpected, int y, int yExpected)
    {
        // Spans may be longer than needed (scratch buffers); shorter would read or write out of bounds.
        if (x < xExpected || w < wExpected || b < bExpected || y < yExpected)
            throw new ArgumentException(
                $"Dense kernel spans too short: input {x}/{xExpected}, weight {w}/{wExpected}, bias {b}/{bExpected}, output {y}/{yExpected}.");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Activate(float value, bool relu) => relu ? MathF.Max(value, 0f) : value;

    private static void ForwardCore<TSimd, TVec>(ref float x, ref float w, ref float b, ref float y,
        int batch, int inSize, int outSize, bool relu)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int s = 0;
        // Four samples per pass over a weight row: each weight vector is loaded once for four FMAs.
        for (; s + 4 <= batch; s += 4)
        {
            ref float x0 = ref Unsafe.Add(ref x, s * inSize);
            ref float y0 = ref Unsafe.Add(ref y, s * outSize);
            for (int o = 0; o < outSize; o++)
            {
                Dot4<TSimd, TVec>(ref Unsafe.Add(ref w, o * inSize), ref x0, ref Unsafe.Add(ref x0, inSize),
                    ref Unsafe.Add(ref x0, 2 * inSize), ref Unsafe.Add(ref x0, 3 * inSize), inSize,
                    out float d0, out float d1, out float d2, out float d3);
                float bo = Unsafe.Add(ref b, o);
                Unsafe.Add(ref y0, o) = Activate(d0 + bo, relu);
                Unsafe.Add(ref y0, outSize + o) = Activate(d1 + bo, relu);
                Unsafe.Add(ref y0, 2 * outSize + o) = Activate(d2 + bo, relu);
                Unsafe.Add(ref y0, 3 * outSize + o) = Activate(d3 + bo, relu);
            }
        }
        // Remaining samples one at a time, four weight rows per pass over the sample.
        for (; s < batch; s++)
        {
            ref float xs = ref Unsafe.Add(ref x, s * inSize);
            ref float ys = ref Unsafe.Add(ref y, s * outSize);
            int o = 0;
            for (; o + 4 <= outSize; o += 4)
            {
                ref float wo = ref Unsafe.Add(ref w, o * inSize);
                Dot4<TSimd, TVec>(ref xs, ref wo, ref Unsafe.Add(ref wo, inSize), ref Unsafe.Add(ref wo, 2 * inSize),
                    ref Unsafe.Add(ref wo, 3 * inSize), inSize, out float d0, out float d1, out float d2, out float d3);
                Unsafe.Add(ref ys, o) = Activate(d0 + Unsafe.Add(ref b, o), relu);
                Unsafe.Add(ref ys, o + 1) = Activate(d1 + Unsafe.Add(ref b, o + 1), relu);
                Unsafe.Add(ref ys, o + 2) = Activate(d2 + Unsafe.Add(ref b, o + 2), relu);
                Unsafe.Add(ref ys, o + 3) = Activate(d3 + Unsafe.Add(ref b, o + 3), relu);
            }
            for (; o < outSize; o++)
                Unsafe.Add(ref ys, o) = Activate(Dot<TSimd, TVec>(ref xs, ref Unsafe.Add(ref w, o * inSize), inSize) + Unsafe.Add(ref b, o), relu);
        }
    }

    /// <summary>Four dot products that share one operand (<paramref name="shared"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dot4<TSimd, TVec>(ref float shared, ref float r0, ref float r1, ref float r2, ref float r3, int n,
        out float d0, out float d1, out float d2, out float d3)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        TVec a0 = TSimd.Zero, a1 = TSimd.Zero, a2 = TSimd.Zero, a3 = TSimd.Zero;
        nint i = 0;
        for (; i <= n - TSimd.Width; i += TSimd.Width)
        {
            TVec v = TSimd.Load(ref shared, i);
            a0 = TSimd.MulAdd(v, TSimd.Load(ref r0, i), a0);
            a1 = TSimd.MulAdd(v, TSimd.Load(ref r1, i), a1);
            a2 = TSimd.MulAdd(v, TSimd.Load(ref r2, i), a2);
            a3 = TSimd.MulAdd(v, TSimd.Load(ref r3, i), a3);
        }
        d0 = TSimd.Sum(a0); d1 = TSimd.Sum(a1); d2 = TSimd.Sum(a2); d3 = TSimd.Sum(a3);
        for (; i < n; i++) // scalar tail
        {
            float v = Unsafe.Add(ref shared, i);
            d0 += v * Unsafe.Add(ref r0, i);
            d1 += v * Unsafe.Add(ref r1, i);
            d2 += v * Unsafe.Add(ref r2, i);
            d3 += v * Unsafe.Add(ref r3, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot<TSimd, TVec>(ref float a, ref float b, int n)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        TVec acc = TSimd.Zero;
        nint i = 0;
        for (; i <= n - TSimd.Width; i += TSimd.Width)
            acc = TSimd.MulAdd(TSimd.Load(ref a, i), TSimd.Load(ref b, i), acc);
        float sum = TSimd.Sum(acc);
        for (; i < n; i++) sum += Unsafe.Add(ref a, i) * Unsafe.Add(ref b, i);
        return sum;
    }

    private static void BackwardWeightCore<TSimd, TVec>(ref float dy, ref float x, ref float dw, int batch, int inSize, int outSize)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width;
        for (int o = 0; o < outSize; o++)
        {
            ref float dwo = ref Unsafe.Add(ref dw, o * inSize);
            ref float dyo = ref Unsafe.Add(ref dy, o);
            nint i = 0;
            // Four vectors of the weight row stay in registers while the batch streams past.
            for (; i <= inSize - 4 * width; i += 4 * width)
            {
                TVec a0 = TSimd.Zero, a1 = TSimd.Zero, a2 = TSimd.Zero, a3 = TSimd.Zero;
                for (int s = 0; s < batch; s++)
                {
                    TVec g = TSimd.Broadcast(Unsafe.Add(ref dyo, s * outSize));
                    ref float xs = ref Unsafe.Add(ref x, s * inSize + i);
                    a0 = TSimd.MulAdd(g, TSimd.Load(ref xs, 0), a0);
                    a1 = TSimd.MulAdd(g, TSimd.Load(ref xs, width), a1);
                    a2 = TSimd.MulAdd(g, TSimd.Load(ref xs, 2 * width), a2);
                    a3 = TSimd.MulAdd(g, TSimd.Load(ref xs, 3 * width), a3);
                }
                TSimd.Store(a0, ref dwo, i);
                TSimd.Store(a1, ref dwo, i + width);
                TSimd.Store(a2, ref dwo, i + 2 * width);
                TSimd.Store(a3, ref dwo, i + 3 * width);
            }
            for (; i <= inSize - width; i += width)
            {
                TVec a = TSimd.Zero;
                for (int s = 0; s < batch; s++)
                    a = TSimd.MulAdd(TSimd.Broadcast(Unsafe.Add(ref dyo, s * outSize)), TSimd.Load(ref x, s * inSize + i), a);
                TSimd.Store(a, ref dwo, i);
            }
            for (; i < inSize; i++)
            {
                float a = 0f;
                for (int s = 0; s < batch; s++) a += Unsafe.Add(ref dyo, s * outSize) * Unsafe.Add(ref x, s * inSize + (int)i);
                Unsafe.Add(ref dwo, i) = a;
            }
        }
    }

    private static void BackwardInputCore<TSimd, TVec>(ref float dy, ref float w, ref float dx, int batch, int inSize, int outSize)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width;
        for (int s = 0; s < batch; s++)
        {
            ref float dys = ref Unsafe.Add(ref dy, s * outSize);
            ref float dxs = ref Unsafe.Add(ref dx, s * inSize);
            nint i = 0;
            for (; i <= inSize - 4 * width; i += 4 * width)
            {
                TVec a0 = TSimd.Zero, a1 = TSimd.Zero, a2 = TSimd.Zero, a3 = TSimd.Zero;
                for (int o = 0; o < outSize; o++)
                {
                    TVec g = TSimd.Broadcast(Unsafe.Add(ref dys, o));
                    ref float wo = ref Unsafe.Add(ref w, o * inSize + i);
                    a0 = TSimd.MulAdd(g, TSimd.Load(ref wo, 0), a0);
                    a1 = TSimd.MulAdd(g, TSimd.Load(ref wo, width), a1);
                    a2 = TSimd.MulAdd(g, TSimd.Load(ref wo, 2 * width), a2);
                    a3 = TSimd.MulAdd(g, TSimd.Load(ref wo, 3 * width), a3);
                }
                TSimd.Store(a0, ref dxs, i);
                TSimd.Store(a1, ref dxs, i + width);
                TSimd.Store(a2, ref dxs, i + 2 * width);
                TSimd.Store(a3, ref dxs, i + 3 * width);
            }
            for (; i <= inSize - width; i += width)
            {
                TVec a = TSimd.Zero;
                for (int o = 0; o < outSize; o++)
                    a = TSimd.MulAdd(TSimd.Broadcast(Unsafe.Add(ref dys, o)), TSimd.Load(ref w, o * inSize + i), a);
                TSimd.Store(a, ref dxs, i);
            }
            for (; i < inSize; i++)
            {
                float a = 0f;
                for (int o = 0; o < outSize; o++) a += Unsafe.Add(ref dys, o) * Unsafe.Add(ref w, o * inSize + (int)i);
                Unsafe.Add(ref dxs, i) = a;
            }
        }
    }

    private static void ForwardScalar(ref float x, ref float w, ref float b, ref float y, int batch, int inSize, int outSize, bool relu)
    {
        for (int s = 0; s < batch; s++)
            for (int o = 0; o < outSize; o++)
            {
                float sum = 0f;
                for (int i = 0; i < inSize; i++) sum += Unsafe.Add(ref x, s * inSize + i) * Unsafe.Add(ref w, o * inSize + i);
                Unsafe.Add(ref y, s * outSize + o) = Activate(sum + Unsafe.Add(ref b, o), relu);
            }
    }

    private static void BackwardWeightScalar(ref float dy, ref float x, ref float dw, int batch, int inSize, int outSize)
    {
        for (int o = 0; o < outSize; o++)
            for (int i = 0; i < inSize; i++)
            {
                float sum = 0f;
                for (int s = 0; s < batch; s++) sum += Unsafe.Add(ref dy, s * outSize + o) * Unsafe.Add(ref x, s * inSize + i);
                Unsafe.Add(ref dw, o * inSize + i) = sum;
            }
    }

    private static void BackwardInputScalar(ref float dy, ref float w, ref float dx, int batch, int inSize, int outSize)
    {
        for (int s = 0; s < batch; s++)
            for (int i = 0; i < inSize; i++)
            {
                float sum = 0f;
                for (int o = 0; o < outSize; o++) sum += Unsafe.Add(ref dy, s * outSize + o) * Unsafe.Add(ref w, o * inSize + i);
                Unsafe.Add(ref dx, s * inSize + i) = sum;
            }
    }
}
