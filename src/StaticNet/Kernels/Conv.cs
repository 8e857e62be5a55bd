using System.Buffers;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNet.Kernels;

/// <summary>
/// Conv1d and Conv2d kernels: PyTorch's cross-correlation (the kernel is not flipped) over the input zero-padded by
/// <c>padding</c> on every side, output size <c>floor((n + 2·padding − kernel)/stride) + 1</c> per axis. Layouts are
/// PyTorch's row-major, channels first, each sample contiguous: x <c>[batch, inC, H, W]</c> (<c>[batch, inC, L]</c>),
/// weight <c>[outC, inC, k, k]</c> (<c>[outC, inC, k]</c>), bias <c>[outC]</c>, y <c>[batch, outC, outH, outW]</c>.
/// </summary>
/// <remarks>
/// <para>
/// im2col + GEMM: per sample the padded input is unrolled into <c>col[(c, i, j), (y, x)]</c> (one row per kernel tap,
/// one column per output position), and <c>y = act(b + W·col)</c> is one broadcast GEMM (<see cref="Gemm"/>) whose
/// vectors run along the output positions, so it writes PyTorch's <c>[outC, outH·outW]</c> layout directly. Measured
/// at the sizes that matter (the digits CNN's two convolutions, 1, 32 and 1,797 samples; AVX2, Zen 4), it was 2.8 to 4.6
/// times as fast as a direct convolution with vectors over the output channels (the same FMAs, but gathered inputs
/// and transposed stores). The backward pass
/// uses the same unrolling: <c>dWᵀ = col·dyᵀ</c> over chunks of samples (no horizontal reductions); dx is, with stride
/// 1, the forward convolution of dy with the flipped kernel, and otherwise <c>dcol = Wᵀ·dy</c> folded back (col2im).
/// </para>
/// <para>
/// 1-d is 2-d with height 1: one core with separate kernel sizes, strides and paddings per axis. Scratch comes from
/// the stack up to <see cref="MaxStackScratch"/> floats and from <see cref="ArrayPool{T}.Shared"/> above (returned), so
/// no call allocates after warm-up and concurrent calls share nothing. Spans may be longer than needed.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class Conv
{
    /// <summary>Scratch floats above which a kernel rents from <see cref="ArrayPool{T}"/> instead of using the stack (64 KB).</summary>
    private const int MaxStackScratch = 16384;

    /// <summary>
    /// Floats after every unrolled row and after the padded input: a vector copy may write up to one vector minus one
    /// float past a row (the next row segment, or this slack, is written or ignored afterwards) and read as far past the
    /// padded input.
    /// </summary>
    private const int Slack = 16;

    /// <summary>
    /// Conv2d forward: <c>y[n, o, y, x] = act(b[o] + Σ_c Σ_i Σ_j W[o, c, i, j]·xpad[n, c, y·s + i, x·s + j])</c>, with
    /// act = ReLU when <paramref name="relu"/> (the following ReLU fused).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Forward2d(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y,
        int batch, int inChannels, int inHeight, int inWidth, int outChannels, int kernel, int stride, int padding, bool relu) =>
        Forward(x, weight, bias, y, new ConvShape(batch, inChannels, inHeight, inWidth, outChannels, kernel, kernel, stride, stride, padding, padding), relu);

    /// <summary>
    /// <see cref="Forward2d"/> then <c>MaxPool2d(2)</c>: <c>y[n, o, u, v]</c> = the maximum of the 2 × 2 window at (2u, 2v)
    /// of the convolution's output (after the ReLU when <paramref name="relu"/>), y <c>[batch, outC, outH / 2, outW / 2]</c>
    /// (PyTorch's floor mode); the same values, bit for bit, as the two kernels one after the other. The inference passes
    /// call it for a convolution followed by that pool: where the product reads B from the padded input (see
    /// <see cref="ForwardGathered"/> with output rows of one vector) and the map's sizes are even, the output is pooled
    /// in registers, never stored (the digits CNN's first convolution and pool on AVX2: 365 → 317 µs for 1,797 samples);
    /// otherwise the convolution goes to scratch, then the pool.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward2dMaxPool(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y,
        int batch, int inChannels, int inHeight, int inWidth, int outChannels, int kernel, int stride, int padding, bool relu)
    {
        var s = new ConvShape(batch, inChannels, inHeight, inWidth, outChannels, kernel, kernel, stride, stride, padding, padding);
        if (s.OutHeight < 2 || s.OutWidth < 2)
            throw new ArgumentException($"The pooling window (2 × 2) is larger than the convolution's output ({s.OutHeight} × {s.OutWidth}).", nameof(kernel));
        int pooled = outChannels * (s.OutHeight / 2) * (s.OutWidth / 2);
        CheckSizes(x.Length, batch * s.InputSize, weight.Length, s.WeightSize, bias.Length, outChannels, y.Length, batch * pooled);
        if (batch == 0) return;
        ref float xr = ref MemoryMarshal.GetReference(x), wr = ref MemoryMarshal.GetReference(weight), br = ref MemoryMarshal.GetReference(bias);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Gathers(s) && s.OutWidth == GemmWidth(s.Positions) && s.OutHeight % 2 == 0 && s.OutWidth % 2 == 0)
        {
            // Output rows of one vector: a pair of them is a register block's two vectors, pooled before any store.
            ForwardGathered(ref xr, ref wr, ref br, hasBias: true, ref yr, s, relu, pool: true);
            return;
        }
        // Otherwise (rows of half a vector too: pooling two rows per vector in registers measured slower than the pool's
        // own pass) the convolution into scratch, then the pool.
        int maps = batch * s.OutputSize;
        float[]? rented = null;
        Span<float> scratch = maps <= MaxStackScratch ? stackalloc float[maps] : (rented = ArrayPool<float>.Shared.Rent(maps));
        Forward(x, weight, bias, scratch[..maps], s, relu);
        Pool.MaxForward2d(scratch[..maps], y, batch, outChannels, s.OutHeight, s.OutWidth, 2, 2);
        if (rented is not null) ArrayPool<float>.Shared.Return(rented);
    }

    /// <summary>Conv1d forward: <see cref="Forward2d"/> on <c>[batch, inC, 1, L]</c> with a <c>1 × kernel</c> kernel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Forward1d(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y,
        int batch, int inChannels, int inLength, int outChannels, int kernel, int stride, int padding, bool relu) =>
        Forward(x, weight, bias, y, new ConvShape(batch, inChannels, 1, inLength, outChannels, 1, kernel, 1, stride, 0, padding), relu);

    /// <summary>
    /// Conv2d backward from dy (the gradient w.r.t. y, after any fused ReLU's backward). OVERWRITES
    /// <c>dW[o, c, i, j] = Σ_{n,y,x} dy[n, o, y, x]·xpad[n, c, y·s + i, x·s + j]</c> and <c>db[o] = Σ_{n,y,x} dy[n, o, y, x]</c>;
    /// when <paramref name="dx"/> is not empty, also overwrites it with the gradient w.r.t. x (an empty span skips it:
    /// the first layer needs none).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Backward2d(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> weight,
        Span<float> dWeight, Span<float> dBias, Span<float> dx,
        int batch, int inChannels, int inHeight, int inWidth, int outChannels, int kernel, int stride, int padding) =>
        Backward(dy, x, weight, dWeight, dBias, dx, new ConvShape(batch, inChannels, inHeight, inWidth, outChannels, kernel, kernel, stride, stride, padding, padding));

    /// <summary>Conv1d backward: <see cref="Backward2d"/> on <c>[batch, inC, 1, L]</c> with a <c>1 × kernel</c> kernel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Backward1d(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> weight,
        Span<float> dWeight, Span<float> dBias, Span<float> dx,
        int batch, int inChannels, int inLength, int outChannels, int kernel, int stride, int padding) =>
        Backward(dy, x, weight, dWeight, dBias, dx, new ConvShape(batch, inChannels, 1, inLength, outChannels, 1, kernel, 1, stride, 0, padding));

    /// <summary>PyTorch's output size along one axis, <c>floor((size + 2·padding − kernel)/stride) + 1</c> (pools: padding 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int OutputSize(int size, int kernel, int stride, int padding) => (size + 2 * padding - kernel) / stride + 1;

    // ---- forward ----

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y,
        in ConvShape s, bool relu)
    {
        CheckSizes(x.Length, s.Batch * s.InputSize, weight.Length, s.WeightSize, bias.Length, s.OutChannels, y.Length, s.Batch * s.OutputSize);
        Forward(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(weight), ref MemoryMarshal.GetReference(bias), hasBias: true,
            ref MemoryMarshal.GetReference(y), s, relu);
    }

    /// <summary>The forward pass on checked spans (also the stride-1 input gradient, with no bias).</summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Forward(ref float xr, ref float wr, ref float br, bool hasBias, ref float yr, in ConvShape s, bool relu)
    {
        int inSize = s.InputSize, outSize = s.OutputSize, positions = s.Positions, taps = s.Taps;
        if (s.Batch == 0) return;
        if (Gathers(s))
        {
            ForwardGathered(ref xr, ref wr, ref br, hasBias, ref yr, s, relu);
            return;
        }
        int padLength = s.PaddedInputSize + Slack;
        int colStride = positions + Slack;
        int length = padLength + taps * colStride;
        float[]? rented = null;
        Span<float> scratch = length <= MaxStackScratch ? stackalloc float[length] : (rented = ArrayPool<float>.Shared.Rent(length));
        // The borders (and the slack) stay zero: each sample overwrites only the interior.
        scratch[..padLength].Clear();
        ref float padded = ref MemoryMarshal.GetReference(scratch);
        ref float col = ref Unsafe.Add(ref padded, padLength);
        for (int n = 0; n < s.Batch; n++)
        {
            Pad(ref Unsafe.Add(ref xr, n * inSize), ref padded, s, 1, 0);
            Im2Col(ref padded, ref col, colStride, s);
            // y_n[o, p] = act(b[o] + Σ_t W[o, t]·col[t, p]): W broadcast (row o at o·taps), vectors along the positions.
            Gemm(ref wr, taps, 1, ref col, colStride, ref Unsafe.Add(ref yr, n * outSize), positions, s.OutChannels, taps, positions,
                ref br, hasBias, relu);
        }
        if (rented is not null) ArrayPool<float>.Shared.Return(rented);
    }

    /// <summary>Taps (inC·k·k) up to which an output row of one vector reads B from the padded input (a step per tap on the stack).</summary>
    private const int MaxGatheredTaps = 1024;

    /// <summary>Whether <see cref="ForwardGathered"/> serves the shape: width stride 1, output rows of one vector or half of one, whole vectors.</summary>
    private static bool Gathers(in ConvShape s)
    {
        int width = GemmWidth(s.Positions);
        return s.StrideWidth == 1 && width > 0 && s.Positions % width == 0 && (s.OutWidth == width || 2 * s.OutWidth == width) && s.Taps <= MaxGatheredTaps;
    }

    /// <summary>
    /// The forward pass where each output row is one vector (8 × 8 maps on AVX2, 4 × 4 on 128-bit SIMD) and the width
    /// stride is 1: tap (c, i, j) of output row y is then padded row c, y·s + i, from column j, so the product reads B
    /// straight from the padded sample (<see cref="GemmGathered"/>), and nothing is unrolled. Measured on the digits CNN's
    /// first convolution (AVX2, Zen 4): the unrolling had taken a third of its time.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardGathered(ref float xr, ref float wr, ref float br, bool hasBias, ref float yr, in ConvShape s, bool relu, bool pool = false)
    {
        // Pooled (Forward2dMaxPool), each row of y is a quarter as long.
        int inSize = s.InputSize, positions = s.Positions, taps = s.Taps, row = pool ? positions / 4 : positions, outSize = s.OutChannels * row;
        // Samples padded side by side (as many as the stack scratch holds), one product call for them all.
        int padLength = s.PaddedInputSize + Slack, chunk = Math.Clamp(MaxStackScratch / padLength, 1, s.Batch), length = chunk * padLength;
        float[]? rented = null;
        Span<float> padded = length <= MaxStackScratch ? stackalloc float[length] : (rented = ArrayPool<float>.Shared.Rent(length));
        padded = padded[..length];
        padded.Clear();
        // From tap (c, i, j) to the next, in the padded sample: c·plane + i·row + j.
        Span<nint> steps = stackalloc nint[taps];
        int t = 0;
        nint previous = 0;
        for (int c = 0; c < s.InChannels; c++)
            for (int i = 0; i < s.KernelHeight; i++)
                for (int j = 0; j < s.KernelWidth; j++)
                {
                    nint offset = c * s.PaddedPlane + i * s.PaddedWidth + j;
                    if (t > 0) steps[t - 1] = offset - previous;
                    previous = offset;
                    t++;
                }
        steps[taps - 1] = 0;
        nint pitch = s.StrideHeight * s.PaddedWidth;
        ref float pad = ref MemoryMarshal.GetReference(padded);
        for (int n0 = 0; n0 < s.Batch; n0 += chunk)
        {
            int count = Math.Min(chunk, s.Batch - n0);
            Pad(ref Unsafe.Add(ref xr, n0 * inSize), ref pad, s, count, padLength);
            GemmGathered(ref wr, taps, 1, ref pad, steps, s.OutWidth, pitch, ref Unsafe.Add(ref yr, n0 * outSize), row, s.OutChannels, taps, positions,
                ref br, hasBias, relu, pool, count, padLength, outSize);
        }
        if (rented is not null) ArrayPool<float>.Shared.Return(rented);
    }

    /// <summary>
    /// Copies <paramref name="samples"/> consecutive samples into the interiors of their zero-bordered padded copies
    /// <c>[inC, H + 2·ph, W + 2·pw]</c>, <paramref name="sampleStride"/> floats apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pad(ref float x, ref float padded, in ConvShape s, int samples, nint sampleStride)
    {
        int plane = s.InHeight * s.InWidth, w = s.InWidth;
        if (s.PadWidth > 0)
        {
            // Row by row, with the vector width chosen once (the rows are short: choosing per row cost as much as copying).
            if (Vector512.IsHardwareAccelerated && w >= Vector512<float>.Count) { PadRows<Simd512, Vector512<float>>(ref x, ref padded, s, samples, sampleStride); return; }
            if (Vector256.IsHardwareAccelerated && w >= Vector256<float>.Count) { PadRows<Simd256, Vector256<float>>(ref x, ref padded, s, samples, sampleStride); return; }
            if (Vector128.IsHardwareAccelerated && w >= Vector128<float>.Count) { PadRows<Simd128, Vector128<float>>(ref x, ref padded, s, samples, sampleStride); return; }
        }
        for (int n = 0; n < samples; n++)
        {
            ref float xn = ref Unsafe.Add(ref x, n * s.InputSize), pn = ref Unsafe.Add(ref padded, n * sampleStride);
            if (s.PadWidth == 0)
            {
                // Whole rows are contiguous in both: one copy per channel (or one for the sample).
                if (s.PadHeight == 0) Runs.Copy(ref xn, ref pn, s.InChannels * plane);
                else
                    for (int c = 0; c < s.InChannels; c++)
                        Runs.Copy(ref Unsafe.Add(ref xn, c * plane), ref Unsafe.Add(ref pn, c * s.PaddedPlane + s.PadHeight * s.PaddedWidth), plane);
                continue;
            }
            for (int c = 0; c < s.InChannels; c++)
                for (int u = 0; u < s.InHeight; u++)
                {
                    ref float src = ref Unsafe.Add(ref xn, (c * s.InHeight + u) * w);
                    ref float dst = ref Unsafe.Add(ref pn, c * s.PaddedPlane + (u + s.PadHeight) * s.PaddedWidth + s.PadWidth);
                    for (int v = 0; v < w; v++) Unsafe.Add(ref dst, v) = Unsafe.Add(ref src, v);
                }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PadRows<TSimd, TVec>(ref float x, ref float padded, in ConvShape s, int samples, nint sampleStride)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int w = s.InWidth, height = s.InHeight, planes = s.InChannels;
        nint step = s.PaddedWidth, plane = s.PaddedPlane;
        bool whole = w == TSimd.Width;
        ref float src = ref x;
        ref float interior = ref Unsafe.Add(ref padded, s.PadHeight * step + s.PadWidth);
        for (int n = 0; n < samples; n++, interior = ref Unsafe.Add(ref interior, sampleStride))
        {
            ref float dst = ref interior;
            for (int c = 0; c < planes; c++, dst = ref Unsafe.Add(ref dst, plane))
            {
                // Pointers bumped, not rows multiplied out: the rows are short (a row of one vector, as the digits CNN's
                // maps on AVX2 and 128-bit, is a load and a store).
                ref float row = ref dst;
                int u = 0;
                if (whole)
                    for (; u + 2 <= height; u += 2, src = ref Unsafe.Add(ref src, 2 * w), row = ref Unsafe.Add(ref row, 2 * step))
                    {
                        TSimd.Store(TSimd.Load(ref src, 0), ref row, 0);
                        TSimd.Store(TSimd.Load(ref src, w), ref row, step);
                    }
                for (; u < height; u++, src = ref Unsafe.Add(ref src, w), row = ref Unsafe.Add(ref row, step))
                {
                    if (whole) TSimd.Store(TSimd.Load(ref src, 0), ref row, 0);
                    else Runs.Copy<TSimd, TVec>(ref src, ref row, w);
                }
            }
        }
    }

    /// <summary>
    /// Unrolls the padded sample: <c>col[t·colStride + y·outW + x] = xpad[c, y·sh + i, x·sw + j]</c> for the tap
    /// t = (c, i, j). With stride 1 along the width each (tap, output row) is a contiguous run of the padded row, copied
    /// with whole vectors in increasing address order (the spill of one run is overwritten by the next, or lands in the
    /// row's slack); wider strides gather with a scalar loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Im2Col(ref float padded, ref float col, int colStride, in ConvShape s)
    {
        if (s.StrideWidth == 1)
        {
            if (s.OutWidth == 4 && Vector256.IsHardwareAccelerated)
            {
                Im2ColRuns4(ref padded, ref col, colStride, s);
                return;
            }
            // The narrowest accelerated vector that covers a run (fewest copies, least spill).
            if (Vector512.IsHardwareAccelerated && s.OutWidth > 8) { Im2ColRuns<Simd512, Vector512<float>>(ref padded, ref col, colStride, s); return; }
            if (Vector256.IsHardwareAccelerated && s.OutWidth > 4) { Im2ColRuns<Simd256, Vector256<float>>(ref padded, ref col, colStride, s); return; }
            if (Vector128.IsHardwareAccelerated) { Im2ColRuns<Simd128, Vector128<float>>(ref padded, ref col, colStride, s); return; }
        }
        Im2ColScalar(ref padded, ref col, colStride, s);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Im2ColRuns<TSimd, TVec>(ref float padded, ref float col, int colStride, in ConvShape s)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width, outW = s.OutWidth, outH = s.OutHeight, rowStep = s.StrideHeight * s.PaddedWidth;
        ref float dst = ref col;
        for (int c = 0; c < s.InChannels; c++)
            for (int i = 0; i < s.KernelHeight; i++)
            {
                ref float rowI = ref Unsafe.Add(ref padded, c * s.PaddedPlane + i * s.PaddedWidth);
                for (int j = 0; j < s.KernelWidth; j++)
                {
                    ref float src = ref Unsafe.Add(ref rowI, j);
                    ref float from = ref src, to = ref dst;
                    if (outW <= width)
                    {
                        // Small maps (the common case): one vector per output row.
                        for (int y = 0; y < outH; y++)
                        {
                            TSimd.Store(TSimd.Load(ref from, 0), ref to, 0);
                            from = ref Unsafe.Add(ref from, rowStep);
                            to = ref Unsafe.Add(ref to, outW);
                        }
                    }
                    else
                    {
                        for (int y = 0; y < outH; y++)
                        {
                            for (int x0 = 0; x0 < outW; x0 += width) TSimd.Store(TSimd.Load(ref from, x0), ref to, x0);
                            from = ref Unsafe.Add(ref from, rowStep);
                            to = ref Unsafe.Add(ref to, outW);
                        }
                    }
                    dst = ref Unsafe.Add(ref dst, colStride);
                }
            }
    }

    /// <summary>
    /// Runs of 4 (4-wide output rows, as the digits CNN's second convolution): two runs per 256-bit store, halving the
    /// stores, which bound the unrolling.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Im2ColRuns4(ref float padded, ref float col, int colStride, in ConvShape s)
    {
        int outH = s.OutHeight;
        nint rowStep = s.StrideHeight * s.PaddedWidth;
        ref float dst = ref col;
        if (outH == 4 && s.KernelHeight == 3 && s.KernelWidth == 3)
        {
            // 4 × 4 outputs of a 3 × 3 kernel (the digits CNN's second convolution): every offset a constant but the
            // padded row width, no loop but the channels'.
            nint pw = s.PaddedWidth, plane = s.PaddedPlane, stride = colStride;
            ref float channel = ref padded;
            for (int c = s.InChannels; c > 0; c--)
            {
                Run4x4(ref channel, rowStep, ref dst);
                Run4x4(ref Unsafe.Add(ref channel, 1), rowStep, ref Unsafe.Add(ref dst, stride));
                Run4x4(ref Unsafe.Add(ref channel, 2), rowStep, ref Unsafe.Add(ref dst, 2 * stride));
                Run4x4(ref Unsafe.Add(ref channel, pw), rowStep, ref Unsafe.Add(ref dst, 3 * stride));
                Run4x4(ref Unsafe.Add(ref channel, pw + 1), rowStep, ref Unsafe.Add(ref dst, 4 * stride));
                Run4x4(ref Unsafe.Add(ref channel, pw + 2), rowStep, ref Unsafe.Add(ref dst, 5 * stride));
                Run4x4(ref Unsafe.Add(ref channel, 2 * pw), rowStep, ref Unsafe.Add(ref dst, 6 * stride));
                Run4x4(ref Unsafe.Add(ref channel, 2 * pw + 1), rowStep, ref Unsafe.Add(ref dst, 7 * stride));
                Run4x4(ref Unsafe.Add(ref channel, 2 * pw + 2), rowStep, ref Unsafe.Add(ref dst, 8 * stride));
                channel = ref Unsafe.Add(ref channel, plane);
                dst = ref Unsafe.Add(ref dst, 9 * stride);
            }
            return;
        }
        for (int c = 0; c < s.InChannels; c++)
            for (int i = 0; i < s.KernelHeight; i++)
            {
                ref float rowI = ref Unsafe.Add(ref padded, c * s.PaddedPlane + i * s.PaddedWidth);
                for (int j = 0; j < s.KernelWidth; j++)
                {
                    ref float from = ref Unsafe.Add(ref rowI, j);
                    if (outH == 4)
                    {
                        // 4 × 4 outputs (the digits CNN): the loop's overhead was most of the unrolling's time.
                        Vector256.Create(Vector128.LoadUnsafe(ref from), Vector128.LoadUnsafe(ref from, (nuint)rowStep)).StoreUnsafe(ref dst);
                        Vector256.Create(Vector128.LoadUnsafe(ref from, (nuint)(2 * rowStep)), Vector128.LoadUnsafe(ref from, (nuint)(3 * rowStep))).StoreUnsafe(ref dst, 8);
                        dst = ref Unsafe.Add(ref dst, colStride);
                        continue;
                    }
                    int y = 0;
                    for (; y + 2 <= outH; y += 2)
                    {
                        Vector256.Create(Vector128.LoadUnsafe(ref from), Vector128.LoadUnsafe(ref from, (nuint)rowStep)).StoreUnsafe(ref dst, (nuint)(y * 4));
                        from = ref Unsafe.Add(ref from, 2 * rowStep);
                    }
                    if (y < outH) Vector128.LoadUnsafe(ref from).StoreUnsafe(ref dst, (nuint)(y * 4));
                    dst = ref Unsafe.Add(ref dst, colStride);
                }
            }
    }

    /// <summary>One tap's 4 × 4 outputs: four runs of 4, rows <paramref name="rowStep"/> apart, in two 256-bit stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Run4x4(ref float from, nint rowStep, ref float dst)
    {
        Vector256.Create(Vector128.LoadUnsafe(ref from), Vector128.LoadUnsafe(ref from, (nuint)rowStep)).StoreUnsafe(ref dst);
        Vector256.Create(Vector128.LoadUnsafe(ref from, (nuint)(2 * rowStep)), Vector128.LoadUnsafe(ref from, (nuint)(3 * rowStep))).StoreUnsafe(ref dst, 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Im2ColScalar(ref float padded, ref float col, int colStride, in ConvShape s)
    {
        int outW = s.OutWidth, sw = s.StrideWidth, rowStep = s.StrideHeight * s.PaddedWidth;
        ref float dst = ref col;
        for (int c = 0; c < s.InChannels; c++)
            for (int i = 0; i < s.KernelHeight; i++)
                for (int j = 0; j < s.KernelWidth; j++)
                {
                    ref float src = ref Unsafe.Add(ref padded, c * s.PaddedPlane + i * s.PaddedWidth + j);
                    for (int y = 0; y < s.OutHeight; y++)
                    {
                        ref float from = ref Unsafe.Add(ref src, y * rowStep);
                        ref float to = ref Unsafe.Add(ref dst, y * outW);
                        for (int x = 0; x < outW; x++) Unsafe.Add(ref to, x) = Unsafe.Add(ref from, x * sw);
                    }
                    dst = ref Unsafe.Add(ref dst, colStride);
                }
    }

    // ---- backward ----

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> weight,
        Span<float> dWeight, Span<float> dBias, Span<float> dx, in ConvShape s)
    {
        int inputs = s.Batch * s.InputSize, outputs = s.Batch * s.OutputSize;
        int weights = s.WeightSize, outC = s.OutChannels;
        if (dy.Length < outputs || x.Length < inputs || weight.Length < weights || dWeight.Length < weights || dBias.Length < outC ||
            (!dx.IsEmpty && dx.Length < inputs))
            ThrowBackwardSizes(dy.Length, outputs, x.Length, inputs, weight.Length, weights, dWeight.Length, dBias.Length, outC, dx.Length);
        BiasGradient(dy, dBias, s);
        WeightGradient(dy, x, dWeight, s);
        if (!dx.IsEmpty) InputGradient(dy, weight, dx, s);
    }

    /// <summary><c>db[o] = Σ_{n,p} dy[n, o, p]</c>: each run of positions summed in float vectors, the runs in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BiasGradient(ReadOnlySpan<float> dy, Span<float> dBias, in ConvShape s)
    {
        int positions = s.Positions, outC = s.OutChannels;
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        for (int o = 0; o < outC; o++)
        {
            double sum = 0;
            for (int n = 0; n < s.Batch; n++) sum += RunSum(ref Unsafe.Add(ref dyr, (n * outC + o) * positions), positions);
            dBias[o] = (float)sum;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double RunSum(ref float run, int n)
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count) return RunSum<Simd512, Vector512<float>>(ref run, n);
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count) return RunSum<Simd256, Vector256<float>>(ref run, n);
        if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count) return RunSum<Simd128, Vector128<float>>(ref run, n);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += Unsafe.Add(ref run, i);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static double RunSum<TSimd, TVec>(ref float run, int n)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width, i = 0;
        TVec acc = TSimd.Zero;
        for (; i + width <= n; i += width) acc = TSimd.Add(acc, TSimd.Load(ref run, i));
        double sum = TSimd.Sum(acc);
        for (; i < n; i++) sum += Unsafe.Add(ref run, i);
        return sum;
    }

    /// <summary>
    /// dWᵀ[t, o] = Σ_{n,p} col_n[t, p]·dy[n, o, p], as one broadcast GEMM per chunk of samples: the chunk's unrolled
    /// inputs side by side (<c>col[t, (n, p)]</c>, broadcast) times dy transposed to <c>[(n, p), o]</c> (vectors along the
    /// output channels), so the sum over samples and positions is the GEMM's depth and needs no horizontal reduction.
    /// Chunks bound the scratch; their products are added. Then dW = (dWᵀ)ᵀ.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradient(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dWeight, in ConvShape s)
    {
        int taps = s.Taps, positions = s.Positions, outC = s.OutChannels, inSize = s.InputSize, outSize = s.OutputSize;
        int weights = s.WeightSize;
        if (s.Batch == 0)
        {
            dWeight[..weights].Clear();
            return;
        }
        int padLength = s.PaddedInputSize + Slack;
        int fixedLength = padLength + 2 * weights + taps * Slack;
        int perSample = taps * positions + positions * outC;
        int chunk = Math.Clamp((MaxStackScratch - fixedLength) / perSample, 1, s.Batch);
        int colStride = chunk * positions + Slack;
        int length = padLength + taps * colStride + chunk * positions * outC + 2 * weights;
        float[]? rented = null;
        Span<float> scratch = length <= MaxStackScratch ? stackalloc float[length] : (rented = ArrayPool<float>.Shared.Rent(length));
        scratch[..padLength].Clear();
        ref float padded = ref MemoryMarshal.GetReference(scratch);
        ref float col = ref Unsafe.Add(ref padded, padLength);
        ref float dyT = ref Unsafe.Add(ref col, taps * colStride);
        Span<float> dwT = scratch.Slice(padLength + taps * colStride + chunk * positions * outC, weights);
        Span<float> partial = scratch.Slice(padLength + taps * colStride + chunk * positions * outC + weights, weights);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        for (int n0 = 0; n0 < s.Batch; n0 += chunk)
        {
            int count = Math.Min(chunk, s.Batch - n0);
            for (int t = 0; t < count; t++)
            {
                int n = n0 + t;
                Pad(ref Unsafe.Add(ref xr, n * inSize), ref padded, s, 1, 0);
                // Samples in increasing order: a run's vector spill lands on the next sample's columns, written later.
                Im2Col(ref padded, ref Unsafe.Add(ref col, t * positions), colStride, s);
                Transposes.Matrix(ref Unsafe.Add(ref dyr, n * outSize), outC, positions, ref Unsafe.Add(ref dyT, t * positions * outC));
            }
            Span<float> target = n0 == 0 ? dwT : partial;
            Gemm(ref col, colStride, 1, ref dyT, outC, ref MemoryMarshal.GetReference(target), outC, taps, count * positions, outC,
                ref Unsafe.NullRef<float>(), hasBias: false, relu: false);
            if (n0 > 0) Add(partial, dwT);
        }
        Transposes.Matrix(ref MemoryMarshal.GetReference(dwT), taps, outC, ref MemoryMarshal.GetReference(dWeight));
        if (rented is not null) ArrayPool<float>.Shared.Return(rented);
    }

    /// <summary>
    /// dx. With stride 1 (and padding below the kernel) it is itself a convolution, run by the forward pass:
    /// <c>dx[n, c, u, v] = Σ_o Σ_i Σ_j dy_pad[n, o, u + i, v + j]·W[o, c, k − 1 − i, k − 1 − j]</c>, dy zero-padded by
    /// k − 1 − p, the kernel flipped and its channel axes swapped; otherwise col2im (<see cref="InputGradientCol2Im"/>).
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InputGradient(ReadOnlySpan<float> dy, ReadOnlySpan<float> weight, Span<float> dx, in ConvShape s)
    {
        int kh = s.KernelHeight, kw = s.KernelWidth;
        if (s.StrideHeight != 1 || s.StrideWidth != 1 || s.PadHeight >= kh || s.PadWidth >= kw)
        {
            InputGradientCol2Im(dy, weight, dx, s);
            return;
        }
        int inC = s.InChannels, outC = s.OutChannels, weights = s.WeightSize, kernel = kh * kw;
        float[]? rented = null;
        Span<float> flipped = weights <= MaxStackScratch ? stackalloc float[weights] : (rented = ArrayPool<float>.Shared.Rent(weights));
        // flipped[c, o, i, j] = W[o, c, kh − 1 − i, kw − 1 − j]: a [inC, outC, kh, kw] weight.
        for (int o = 0; o < outC; o++)
            for (int c = 0; c < inC; c++)
            {
                ReadOnlySpan<float> from = weight.Slice((o * inC + c) * kernel, kernel);
                Span<float> to = flipped.Slice((c * outC + o) * kernel, kernel);
                for (int t = 0; t < kernel; t++) to[t] = from[kernel - 1 - t];
            }
        var transposed = new ConvShape(s.Batch, outC, s.OutHeight, s.OutWidth, inC, kh, kw, 1, 1, kh - 1 - s.PadHeight, kw - 1 - s.PadWidth);
        Forward(ref MemoryMarshal.GetReference(dy), ref MemoryMarshal.GetReference(flipped), ref Unsafe.NullRef<float>(), hasBias: false,
            ref MemoryMarshal.GetReference(dx), transposed, relu: false);
        if (rented is not null) ArrayPool<float>.Shared.Return(rented);
    }

    /// <summary>
    /// dx for any stride: per sample <c>dcol[t, p] = Σ_o W[o, t]·dy[n, o, p]</c> (W read transposed by strides), then
    /// every column added back where im2col read it (col2im) into a zeroed padded gradient, whose interior is dx.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InputGradientCol2Im(ReadOnlySpan<float> dy, ReadOnlySpan<float> weight, Span<float> dx, in ConvShape s)
    {
        int taps = s.Taps, positions = s.Positions, inSize = s.InputSize, outSize = s.OutputSize;
        bool padded = s.PadHeight > 0 || s.PadWidth > 0;
        // Without padding the padded gradient is dx itself.
        int padLength = padded ? s.PaddedInputSize : 0;
        int length = taps * positions + padLength;
        float[]? rented = null;
        Span<float> scratch = length <= MaxStackScratch ? stackalloc float[length] : (rented = ArrayPool<float>.Shared.Rent(length));
        ref float dcol = ref MemoryMarshal.GetReference(scratch);
        Span<float> dxPadded = scratch.Slice(taps * positions, padLength);
        ref float wr = ref MemoryMarshal.GetReference(weight);
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        for (int n = 0; n < s.Batch; n++)
        {
            Gemm(ref wr, 1, taps, ref Unsafe.Add(ref dyr, n * outSize), positions, ref dcol, positions, taps, s.OutChannels, positions,
                ref Unsafe.NullRef<float>(), hasBias: false, relu: false);
            Span<float> target = padded ? dxPadded : dx.Slice(n * inSize, inSize);
            target.Clear();
            Col2Im(ref dcol, ref MemoryMarshal.GetReference(target), s);
            if (padded) Crop(ref MemoryMarshal.GetReference(dxPadded), ref MemoryMarshal.GetReference(dx.Slice(n * inSize, inSize)), s);
        }
        if (rented is not null) ArrayPool<float>.Shared.Return(rented);
    }

    /// <summary>The adjoint of <see cref="Im2Col"/>: <c>xpad[c, y·sh + i, x·sw + j] += dcol[t, y·outW + x]</c> (exact lengths: adds are not idempotent).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Col2Im(ref float dcol, ref float padded, in ConvShape s)
    {
        int outW = s.OutWidth, sw = s.StrideWidth, rowStep = s.StrideHeight * s.PaddedWidth;
        ref float src = ref dcol;
        for (int c = 0; c < s.InChannels; c++)
            for (int i = 0; i < s.KernelHeight; i++)
                for (int j = 0; j < s.KernelWidth; j++)
                {
                    ref float dst = ref Unsafe.Add(ref padded, c * s.PaddedPlane + i * s.PaddedWidth + j);
                    for (int y = 0; y < s.OutHeight; y++)
                    {
                        ref float to = ref Unsafe.Add(ref dst, y * rowStep);
                        ref float from = ref Unsafe.Add(ref src, y * outW);
                        if (sw == 1)
                            Runs.AddTo(ref from, ref to, outW);
                        else
                            for (int x = 0; x < outW; x++) Unsafe.Add(ref to, x * sw) += Unsafe.Add(ref from, x);
                    }
                    src = ref Unsafe.Add(ref src, s.Positions);
                }
    }

    /// <summary>Copies the interior of the padded gradient into dx.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Crop(ref float padded, ref float dx, in ConvShape s)
    {
        int plane = s.InHeight * s.InWidth;
        for (int c = 0; c < s.InChannels; c++)
        {
            ref float src = ref Unsafe.Add(ref padded, c * s.PaddedPlane + s.PadHeight * s.PaddedWidth + s.PadWidth);
            ref float dst = ref Unsafe.Add(ref dx, c * plane);
            if (s.PadWidth == 0)
            {
                Runs.Copy(ref src, ref dst, plane);
                continue;
            }
            for (int u = 0; u < s.InHeight; u++)
                Runs.Copy(ref Unsafe.Add(ref src, u * s.PaddedWidth), ref Unsafe.Add(ref dst, u * s.InWidth), s.InWidth);
        }
    }

    // ---- small helpers ----

    /// <summary><c>sum[i] += values[i]</c>.</summary>
    private static void Add(ReadOnlySpan<float> values, Span<float> sum) =>
        Runs.AddTo(ref MemoryMarshal.GetReference(values), ref MemoryMarshal.GetReference(sum), values.Length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckSizes(int x, int xExpected, int w, int wExpected, int b, int bExpected, int y, int yExpected)
    {
        // Spans may be longer than needed (scratch buffers); shorter would read or write out of bounds.
        if (x < xExpected || w < wExpected || b < bExpected || y < yExpected)
            ThrowSizes(x, xExpected, w, wExpected, b, bExpected, y, yExpected);
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowSizes(int x, int xExpected, int w, int wExpected, int b, int bExpected, int y, int yExpected) =>
        throw new ArgumentException(
            $"Conv forward spans too short (floats given/needed): x {x}/{xExpected}, weight {w}/{wExpected}, bias {b}/{bExpected}, y {y}/{yExpected}.");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBackwardSizes(int dy, int outputs, int x, int inputs, int w, int weights, int dw, int db, int outC, int dx) =>
        throw new ArgumentException(
            $"Conv backward spans too short (floats given/needed): dy {dy}/{outputs}, x {x}/{inputs}, weight {w}/{weights}, " +
            $"dWeight {dw}/{weights}, dBias {db}/{outC}, dx {dx}/{inputs} (or empty).");
}

/// <summary>
/// The sizes of one convolution call, per axis (1-d is height 1 with a 1-high kernel, stride 1 and no padding along
/// it), validated once: positive sizes, kernel no larger than the padded input.
/// </summary>
internal readonly struct ConvShape
{
    public readonly int Batch, InChannels, InHeight, InWidth, OutChannels;
    public readonly int KernelHeight, KernelWidth, StrideHeight, StrideWidth, PadHeight, PadWidth;
    public readonly int OutHeight, OutWidth;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ConvShape(int batch, int inChannels, int inHeight, int inWidth, int outChannels,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int padHeight, int padWidth)
    {
        if (batch < 0 || inChannels <= 0 || inHeight <= 0 || inWidth <= 0 || outChannels <= 0)
            throw new ArgumentOutOfRangeException(nameof(inChannels),
                $"Expected batch ≥ 0 and positive channels and input sizes, got batch {batch}, {inChannels} → {outChannels} channels, input {inHeight} × {inWidth}.");
        if (kernelHeight <= 0 || kernelWidth <= 0 || strideHeight <= 0 || strideWidth <= 0 || padHeight < 0 || padWidth < 0)
            throw new ArgumentOutOfRangeException(nameof(kernelWidth),
                $"Expected a positive kernel and stride and a padding ≥ 0, got kernel {kernelHeight} × {kernelWidth}, stride {strideHeight} × {strideWidth}, padding {padHeight} × {padWidth}.");
        if (kernelHeight > inHeight + 2 * padHeight || kernelWidth > inWidth + 2 * padWidth)
            throw new ArgumentException(
                $"The kernel ({kernelHeight} × {kernelWidth}) is larger than the padded input ({inHeight + 2 * padHeight} × {inWidth + 2 * padWidth}).", nameof(kernelWidth));
        Batch = batch; InChannels = inChannels; InHeight = inHeight; InWidth = inWidth; OutChannels = outChannels;
        KernelHeight = kernelHeight; KernelWidth = kernelWidth; StrideHeight = strideHeight; StrideWidth = strideWidth;
        PadHeight = padHeight; PadWidth = padWidth;
        OutHeight = Conv.OutputSize(inHeight, kernelHeight, strideHeight, padHeight);
        OutWidth = Conv.OutputSize(inWidth, kernelWidth, strideWidth, padWidth);
    }

    /// <summary>Kernel taps per output value: inC·kh·kw (the GEMM depth and the unrolled rows).</summary>
    public int Taps => InChannels * KernelHeight * KernelWidth;
    public int Positions => OutHeight * OutWidth;
    public int PaddedHeight => InHeight + 2 * PadHeight;
    public int PaddedWidth => InWidth + 2 * PadWidth;
    public int PaddedPlane => PaddedHeight * PaddedWidth;
    public int PaddedInputSize => InChannels * PaddedPlane;
    /// <summary>Floats per input sample.</summary>
    public int InputSize => InChannels * InHeight * InWidth;
    /// <summary>Floats per output sample.</summary>
    public int OutputSize => OutChannels * Positions;
    public int WeightSize => OutChannels * Taps;
}
