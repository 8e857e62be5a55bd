using System.Buffers;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

/// <summary>
/// MaxPool and AvgPool kernels (1-d and 2-d) on PyTorch's row-major <c>[batch, channels, H, W]</c> (or
/// <c>[batch, channels, L]</c>) layout: square kernel, the stride as given (the generator resolves PyTorch's default,
/// stride = kernel), no padding, floor mode, so the output size is <c>floor((n − k)/s) + 1</c> per axis and trailing
/// rows or columns that no window reads get gradient 0.
/// </summary>
/// <remarks>
/// <para>
/// Max pooling follows PyTorch's CPU kernel: the running maximum is replaced only by a later value that is strictly
/// greater or NaN, so a NaN in a window wins and the gradient goes to the FIRST maximum in scan order (row by row, left
/// to right), the first NaN if there is one. The backward pass stores no indices: it finds that element again as the
/// first one in scan order equal to the pooled value y (or NaN when y is NaN), which is the same element. The forward
/// value is the window's IEEE maximum (NaN if any element is NaN; a zero maximum may differ from PyTorch's only in its
/// sign), so it does not depend on the order in which the window is combined.
/// </para>
/// <para>
/// Average pooling divides the window's sum by the kernel's element count. The forward pass (both kinds) is vectorised
/// along the input row: per output row, the k input rows are combined column by column into one row, then the k
/// shifted copies of that row are combined, and every s-th value is kept. 1-d is 2-d with height 1.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Pool
{
    /// <summary>Floats after each scratch row: the horizontal pass reads and writes up to one vector minus one float past it.</summary>
    private const int Slack = 16;

    /// <summary>Scratch floats above which a kernel rents from <see cref="ArrayPool{T}"/> instead of using the stack.</summary>
    private const int MaxStackScratch = 8192;

    /// <summary><c>y[n, c, y, x] = max</c> over rows y·s … y·s + k − 1 and columns x·s … x·s + k − 1 of x[n, c] (NaN wins).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MaxForward2d(ReadOnlySpan<float> x, Span<float> y, int batch, int channels, int inHeight, int inWidth, int kernel, int stride) =>
        Forward<MaxOp>(x, y, new PoolShape(batch, channels, inHeight, inWidth, kernel, kernel, stride, stride));

    /// <summary>
    /// OVERWRITES dx: each dy[n, c, y, x] goes to the first element of its window, in scan order, that equals the pooled
    /// y[n, c, y, x] (or is NaN when y is NaN), summed where windows overlap; 0 elsewhere. <paramref name="y"/> must be
    /// <see cref="MaxForward2d"/>'s output for <paramref name="x"/> (a window holding no such element passes no gradient).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MaxBackward2d(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
        int batch, int channels, int inHeight, int inWidth, int kernel, int stride) =>
        MaxBackward(x, y, dy, dx, new PoolShape(batch, channels, inHeight, inWidth, kernel, kernel, stride, stride));

    /// <summary><c>y[n, c, y, x]</c> = the mean of the k² elements of the window (the sum divided by k²).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AvgForward2d(ReadOnlySpan<float> x, Span<float> y, int batch, int channels, int inHeight, int inWidth, int kernel, int stride) =>
        Forward<SumOp>(x, y, new PoolShape(batch, channels, inHeight, inWidth, kernel, kernel, stride, stride));

    /// <summary>OVERWRITES dx: every element of a window receives dy/k² of it, summed where windows overlap; 0 where no window reads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AvgBackward2d(ReadOnlySpan<float> dy, Span<float> dx, int batch, int channels, int inHeight, int inWidth, int kernel, int stride) =>
        AvgBackward(dy, dx, new PoolShape(batch, channels, inHeight, inWidth, kernel, kernel, stride, stride));

    /// <summary>MaxPool1d: <see cref="MaxForward2d"/> on <c>[batch, channels, 1, L]</c> with a <c>1 × kernel</c> window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MaxForward1d(ReadOnlySpan<float> x, Span<float> y, int batch, int channels, int inLength, int kernel, int stride) =>
        Forward<MaxOp>(x, y, new PoolShape(batch, channels, 1, inLength, 1, kernel, 1, stride));

    /// <summary>MaxPool1d backward: <see cref="MaxBackward2d"/> on <c>[batch, channels, 1, L]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MaxBackward1d(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
        int batch, int channels, int inLength, int kernel, int stride) =>
        MaxBackward(x, y, dy, dx, new PoolShape(batch, channels, 1, inLength, 1, kernel, 1, stride));

    /// <summary>AvgPool1d: the mean of the k elements of each window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AvgForward1d(ReadOnlySpan<float> x, Span<float> y, int batch, int channels, int inLength, int kernel, int stride) =>
        Forward<SumOp>(x, y, new PoolShape(batch, channels, 1, inLength, 1, kernel, 1, stride));

    /// <summary>AvgPool1d backward: <see cref="AvgBackward2d"/> on <c>[batch, channels, 1, L]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AvgBackward1d(ReadOnlySpan<float> dy, Span<float> dx, int batch, int channels, int inLength, int kernel, int stride) =>
        AvgBackward(dy, dx, new PoolShape(batch, channels, 1, inLength, 1, kernel, 1, stride));

    // ---- forward ----

    /// <summary>How a window's elements combine: max (then kept) or sum (then divided by the count).</summary>
    private interface IPoolOp
    {
        static abstract bool Average { get; }
        static abstract TVec Combine<TSimd, TVec>(TVec a, TVec b) where TSimd : struct, ISimd<TVec> where TVec : struct;
        static abstract float Combine(float a, float b);
    }

    private readonly struct MaxOp : IPoolOp
    {
        public static bool Average => false;
        // IEEE maximum (NaN if either is NaN): both forms agree, and the result does not depend on the combining order.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Combine<TSimd, TVec>(TVec a, TVec b) where TSimd : struct, ISimd<TVec> where TVec : struct => TSimd.Max(a, b);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Combine(float a, float b) => MathF.Max(a, b);
    }

    private readonly struct SumOp : IPoolOp
    {
        public static bool Average => true;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Combine<TSimd, TVec>(TVec a, TVec b) where TSimd : struct, ISimd<TVec> where TVec : struct => TSimd.Add(a, b);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Combine(float a, float b) => a + b;
    }

    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Forward<TOp>(ReadOnlySpan<float> x, Span<float> y, in PoolShape s) where TOp : struct, IPoolOp
    {
        CheckSizes(x.Length, s.Batch * s.Channels * s.InputPlane, y.Length, s.Batch * s.Channels * s.OutputPlane, "x", "y");
        int read = s.ReadWidth;
        // The widest accelerated vector that fits the columns the windows read; narrower rows run the scalar loop.
        if (Vector512.IsHardwareAccelerated && read >= Vector512<float>.Count) ForwardRows<TOp, Simd512, Vector512<float>>(x, y, s);
        else if (Vector256.IsHardwareAccelerated && read >= Vector256<float>.Count) ForwardRows<TOp, Simd256, Vector256<float>>(x, y, s);
        else if (Vector128.IsHardwareAccelerated && read >= Vector128<float>.Count) ForwardRows<TOp, Simd128, Vector128<float>>(x, y, s);
        else ForwardScalar<TOp>(x, y, s);
    }

    /// <summary>
    /// Per output row: <c>v[w] = ⊕ᵢ x[y·s + i, w]</c> (vertical, w &lt; the columns read), <c>h[w] = ⊕ⱼ v[w + j]</c>
    /// (horizontal, vectors reading into v's zeroed slack), then y[x] = h[x·s] (divided by k² for the average).
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardRows<TOp, TSimd, TVec>(ReadOnlySpan<float> x, Span<float> y, in PoolShape s)
        where TOp : struct, IPoolOp where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width, read = s.ReadWidth, inW = s.InWidth, kh = s.KernelHeight, kw = s.KernelWidth;
        int outH = s.OutHeight, outW = s.OutWidth, sw = s.StrideWidth, rowStep = s.StrideHeight * inW;
        int span = (outW - 1) * sw + 1; // the horizontal pass's starting columns
        int rowLength = read + Slack;
        float[]? rented = null;
        Span<float> scratch = 2 * rowLength <= MaxStackScratch ? stackalloc float[2 * rowLength] : (rented = ArrayPool<float>.Shared.Rent(2 * rowLength));
        scratch[..(2 * rowLength)].Clear(); // the slack read past v is zero (never NaN or subnormal garbage)
        ref float v = ref MemoryMarshal.GetReference(scratch);
        ref float h = ref Unsafe.Add(ref v, rowLength);
        TVec count = TSimd.Broadcast(kh * kw);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int planes = s.Batch * s.Channels;
        for (int plane = 0; plane < planes; plane++)
        {
            ref float xp = ref Unsafe.Add(ref xr, plane * s.InputPlane);
            ref float yp = ref Unsafe.Add(ref yr, plane * s.OutputPlane);
            for (int oy = 0; oy < outH; oy++)
            {
                ref float top = ref Unsafe.Add(ref xp, oy * rowStep);
                // Vertical: whole vectors, the last one ending at `read` (overlapping: recomputed values, nothing read past the row).
                for (int w0 = 0; w0 < read; w0 += width)
                {
                    int at = Math.Min(w0, read - width);
                    TVec a = TSimd.Load(ref top, at);
                    for (int i = 1; i < kh; i++) a = TOp.Combine<TSimd, TVec>(a, TSimd.Load(ref top, i * inW + at));
                    TSimd.Store(a, ref v, at);
                }
                // Horizontal: lanes past `span` combine slack and are never kept.
                for (int w0 = 0; w0 < span; w0 += width)
                {
                    TVec a = TSimd.Load(ref v, w0);
                    for (int j = 1; j < kw; j++) a = TOp.Combine<TSimd, TVec>(a, TSimd.Load(ref v, w0 + j));
                    if (TOp.Average) a = TSimd.Divide(a, count);
                    TSimd.Store(a, ref h, w0);
                }
                ref float yRow = ref Unsafe.Add(ref yp, oy * outW);
                if (sw == 1)
                    MemoryMarshal.CreateReadOnlySpan(ref h, outW).CopyTo(MemoryMarshal.CreateSpan(ref yRow, outW));
                else
                    for (int ox = 0; ox < outW; ox++) Unsafe.Add(ref yRow, ox) = Unsafe.Add(ref h, ox * sw);
            }
        }
        if (rented is not null) ArrayPool<float>.Shared.Return(rented);
    }

    /// <summary>Each window in scan order (the scalar path: no vector hardware, or rows narrower than a vector).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardScalar<TOp>(ReadOnlySpan<float> x, Span<float> y, in PoolShape s) where TOp : struct, IPoolOp
    {
        int inW = s.InWidth, kh = s.KernelHeight, kw = s.KernelWidth, outH = s.OutHeight, outW = s.OutWidth;
        float count = kh * kw;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int planes = s.Batch * s.Channels;
        for (int plane = 0; plane < planes; plane++)
        {
            ref float xp = ref Unsafe.Add(ref xr, plane * s.InputPlane);
            ref float yp = ref Unsafe.Add(ref yr, plane * s.OutputPlane);
            for (int oy = 0; oy < outH; oy++)
                for (int ox = 0; ox < outW; ox++)
                {
                    ref float window = ref Unsafe.Add(ref xp, oy * s.StrideHeight * inW + ox * s.StrideWidth);
                    float a = window;
                    for (int i = 0; i < kh; i++)
                        for (int j = i == 0 ? 1 : 0; j < kw; j++) a = TOp.Combine(a, Unsafe.Add(ref window, i * inW + j));
                    Unsafe.Add(ref yp, oy * outW + ox) = TOp.Average ? a / count : a;
                }
        }
    }

    // ---- backward ----

    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, in PoolShape s)
    {
        int inputs = s.Batch * s.Channels * s.InputPlane, outputs = s.Batch * s.Channels * s.OutputPlane;
        CheckSizes(x.Length, inputs, dx.Length, inputs, "x", "dx");
        CheckSizes(y.Length, outputs, dy.Length, outputs, "y", "dy");
        dx[..inputs].Clear();
        int inW = s.InWidth, kh = s.KernelHeight, kw = s.KernelWidth, outH = s.OutHeight, outW = s.OutWidth;
        int elements = kh * kw;
        // Offsets within the window of its first 64 elements in scan order: a match mask's first bit indexes them.
        Span<int> offsets = stackalloc int[64];
        for (int t = 0; t < Math.Min(elements, 64); t++) offsets[t] = t / kw * inW + t % kw;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float gr = ref MemoryMarshal.GetReference(dy);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        int planes = s.Batch * s.Channels;
        for (int plane = 0; plane < planes; plane++)
        {
            ref float xp = ref Unsafe.Add(ref xr, plane * s.InputPlane);
            ref float dxp = ref Unsafe.Add(ref dxr, plane * s.InputPlane);
            int o = plane * s.OutputPlane;
            for (int oy = 0; oy < outH; oy++)
                for (int ox = 0; ox < outW; ox++, o++)
                {
                    int start = oy * s.StrideHeight * inW + ox * s.StrideWidth;
                    int at = elements <= 64
                        ? FirstMatch(ref Unsafe.Add(ref xp, start), Unsafe.Add(ref yr, o), offsets, elements)
                        : FirstMatchLarge(ref Unsafe.Add(ref xp, start), Unsafe.Add(ref yr, o), inW, kh, kw);
                    if (at >= 0) Unsafe.Add(ref dxp, start + at) += Unsafe.Add(ref gr, o);
                }
        }
    }

    /// <summary>
    /// The offset (within the window) of the first of its ≤ 64 elements, in scan order, equal to <paramref name="max"/>
    /// (NaN matches NaN), or −1. A bit mask of all matches and its lowest bit: no data-dependent branch per element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static int FirstMatch(ref float window, float max, ReadOnlySpan<int> offsets, int elements)
    {
        ulong mask = 0;
        if (float.IsNaN(max))
            for (int t = 0; t < elements; t++) mask |= (float.IsNaN(Unsafe.Add(ref window, offsets[t])) ? 1UL : 0UL) << t;
        else
            for (int t = 0; t < elements; t++) mask |= (Unsafe.Add(ref window, offsets[t]) == max ? 1UL : 0UL) << t;
        return mask == 0 ? -1 : offsets[BitOperations.TrailingZeroCount(mask)];
    }

    /// <summary><see cref="FirstMatch"/> for windows of more than 64 elements: a scan that stops at the first match.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int FirstMatchLarge(ref float window, float max, int inW, int kh, int kw)
    {
        bool nan = float.IsNaN(max);
        for (int i = 0; i < kh; i++)
            for (int j = 0; j < kw; j++)
            {
                float value = Unsafe.Add(ref window, i * inW + j);
                if (nan ? float.IsNaN(value) : value == max) return i * inW + j;
            }
        return -1;
    }

    /// <summary>
    /// Per output row: <c>g[w] = Σ over the windows x with x·s ≤ w &lt; x·s + k of dy[y, x]/k²</c> (scalar, one pass over
    /// the row's windows), then added to each of the k input rows of those windows with whole vectors and a scalar tail.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AvgBackward(ReadOnlySpan<float> dy, Span<float> dx, in PoolShape s)
    {
        int inputs = s.Batch * s.Channels * s.InputPlane, outputs = s.Batch * s.Channels * s.OutputPlane;
        CheckSizes(dy.Length, outputs, dx.Length, inputs, "dy", "dx");
        dx[..inputs].Clear();
        int read = s.ReadWidth, inW = s.InWidth, kh = s.KernelHeight, kw = s.KernelWidth, outH = s.OutHeight, outW = s.OutWidth;
        int sw = s.StrideWidth, rowStep = s.StrideHeight * inW;
        float count = kh * kw;
        float[]? rented = null;
        Span<float> scratch = read <= MaxStackScratch ? stackalloc float[read] : (rented = ArrayPool<float>.Shared.Rent(read));
        ref float g = ref MemoryMarshal.GetReference(scratch);
        ref float gr = ref MemoryMarshal.GetReference(dy);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        int planes = s.Batch * s.Channels;
        for (int plane = 0; plane < planes; plane++)
        {
            ref float dxp = ref Unsafe.Add(ref dxr, plane * s.InputPlane);
            ref float gp = ref Unsafe.Add(ref gr, plane * s.OutputPlane);
            for (int oy = 0; oy < outH; oy++)
            {
                scratch[..read].Clear();
                ref float gRow = ref Unsafe.Add(ref gp, oy * outW);
                for (int ox = 0; ox < outW; ox++)
                {
                    // PyTorch spreads grad_output / divide_factor over the window.
                    float share = Unsafe.Add(ref gRow, ox) / count;
                    ref float at = ref Unsafe.Add(ref g, ox * sw);
                    for (int j = 0; j < kw; j++) Unsafe.Add(ref at, j) += share;
                }
                ref float top = ref Unsafe.Add(ref dxp, oy * rowStep);
                for (int i = 0; i < kh; i++) AddTo(ref g, ref Unsafe.Add(ref top, i * inW), read);
            }
        }
        if (rented is not null) ArrayPool<float>.Shared.Return(rented);
    }

    /// <summary><c>dst[i] += src[i]</c> for exactly n floats (whole vectors, then a scalar tail: adds are not idempotent).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo(ref float src, ref float dst, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count) i = AddTo<Simd512, Vector512<float>>(ref src, ref dst, n);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count) i = AddTo<Simd256, Vector256<float>>(ref src, ref dst, n);
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count) i = AddTo<Simd128, Vector128<float>>(ref src, ref dst, n);
        for (; i < n; i++) Unsafe.Add(ref dst, i) += Unsafe.Add(ref src, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static int AddTo<TSimd, TVec>(ref float src, ref float dst, int n)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width, i = 0;
        for (; i + width <= n; i += width) TSimd.Store(TSimd.Add(TSimd.Load(ref dst, i), TSimd.Load(ref src, i)), ref dst, i);
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckSizes(int a, int aExpected, int b, int bExpected, string aName, string bName)
    {
        if (a < aExpected || b < bExpected) ThrowSizes(a, aExpected, b, bExpected, aName, bName);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowSizes(int a, int aExpected, int b, int bExpected, string aName, string bName) =>
        throw new ArgumentException($"Pool kernel spans too short (floats given/needed): {aName} {a}/{aExpected}, {bName} {b}/{bExpected}.");
}

/// <summary>The sizes of one pooling call (1-d: height 1, a 1-high window, stride 1 along it), validated once.</summary>
internal readonly struct PoolShape
{
    public readonly int Batch, Channels, InHeight, InWidth, KernelHeight, KernelWidth, StrideHeight, StrideWidth, OutHeight, OutWidth;

    public PoolShape(int batch, int channels, int inHeight, int inWidth, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth)
    {
        if (batch < 0 || channels <= 0 || inHeight <= 0 || inWidth <= 0)
            throw new ArgumentOutOfRangeException(nameof(channels),
                $"Expected batch ≥ 0 and positive channels and input sizes, got batch {batch}, {channels} channels, input {inHeight} × {inWidth}.");
        if (kernelHeight <= 0 || kernelWidth <= 0 || strideHeight <= 0 || strideWidth <= 0)
            throw new ArgumentOutOfRangeException(nameof(kernelWidth),
                $"Expected a positive kernel and stride, got kernel {kernelHeight} × {kernelWidth}, stride {strideHeight} × {strideWidth}.");
        if (kernelHeight > inHeight || kernelWidth > inWidth)
            throw new ArgumentException($"The pooling window ({kernelHeight} × {kernelWidth}) is larger than the input ({inHeight} × {inWidth}).", nameof(kernelWidth));
        Batch = batch; Channels = channels; InHeight = inHeight; InWidth = inWidth;
        KernelHeight = kernelHeight; KernelWidth = kernelWidth; StrideHeight = strideHeight; StrideWidth = strideWidth;
        OutHeight = Conv.OutputSize(inHeight, kernelHeight, strideHeight, 0);
        OutWidth = Conv.OutputSize(inWidth, kernelWidth, strideWidth, 0);
    }

    public int InputPlane => InHeight * InWidth;
    public int OutputPlane => OutHeight * OutWidth;
    /// <summary>Columns of a row that some window reads: (outW − 1)·s + k.</summary>
    public int ReadWidth => (OutWidth - 1) * StrideWidth + KernelWidth;
}
