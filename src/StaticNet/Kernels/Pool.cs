using System.Buffers;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace StaticNet.Kernels;

/// <summary>
/// MaxPool and AvgPool kernels (1-d and 2-d) on PyTorch's row-major <c>[batch, channels, H, W]</c> (or
/// <c>[batch, channels, L]</c>) layout: square kernel, the stride as given (the generator resolves PyTorch's default,
/// stride = kernel), no padding, floor mode, so the output size is <c>floor((n − k)/s) + 1</c> per axis and trailing
/// rows or columns that no window reads get gradient 0.
/// </summary>
/// <remarks>
/// <para>
/// Max pooling follows PyTorch's CPU kernel (<c>cpu_max_pool</c>): scanning the window row by row, left to right, the
/// running maximum is replaced by a later value that is strictly greater, or is NaN (<c>if ((val &gt; maxval) ||
/// std::isnan(val))</c>). So the gradient goes to the FIRST maximum in scan order, and a NaN wins: the output is NaN and,
/// since every NaN replaces the running maximum, the gradient goes to the window's LAST NaN (its only NaN, usually).
/// The backward pass stores no indices: it finds that element again from the pooled value y, as the first element
/// equal to y or, when y is NaN, the last NaN. The forward pass combines with the same rule (<see cref="ISimd{TVec}.MaxInOrder"/>,
/// three instructions on x64 where an IEEE max takes seven); its vector paths combine a window's columns before its
/// rows, so a zero maximum may differ from PyTorch's in its sign, and nothing else.
/// </para>
/// <para>
/// Average pooling divides the window's sum by the kernel's element count. 1-d is 2-d with height 1.
/// </para>
/// <para>
/// The common 2-wide windows at stride 2 (2 × 2 pools, 1-d pools of 2) have their own paths: the forward pass combines
/// each output row's input rows, then separates even and odd columns with lane shuffles (<see cref="IPairs{TVec}"/>)
/// across all outputs at once; the max backward works on whole vectors of windows, along a row, two rows per vector
/// when a row is half a vector, or on gathered rows. Other windows: the forward pass is vectorised along the input
/// row (the k input rows combined column by column, then the k shifted copies of that row, every s-th value kept);
/// the max backward finds each window's element with a bit mask; the average backward spreads each output row's
/// shares into one row and adds it to the k input rows with vectors.
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
    /// OVERWRITES dx: each dy[n, c, y, x] goes to the element of its window that PyTorch's index names (the first one,
    /// in scan order, equal to the pooled y[n, c, y, x]; the last NaN when y is NaN), summed where windows overlap; 0
    /// elsewhere. <paramref name="y"/> must be <see cref="MaxForward2d"/>'s output for <paramref name="x"/> (a window
    /// holding no such element passes no gradient).
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
        // PyTorch's scan: b (met after a) replaces a where it is greater or NaN. In scan order (the scalar path) this is
        // PyTorch's value bit for bit; the vector paths combine columns before rows, which can differ only in the sign of a
        // zero maximum met as both −0 and +0 (and, on ARM64, in which NaN is kept).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Combine<TSimd, TVec>(TVec a, TVec b) where TSimd : struct, ISimd<TVec> where TVec : struct => TSimd.MaxInOrder(a, b);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Combine(float a, float b) => b > a || float.IsNaN(b) ? b : a;
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
        int read = s.ReadWidth, outputs = s.Batch * s.Channels * s.OutputPlane;
        if (s.KernelWidth == 2 && s.StrideWidth == 2 && s.KernelHeight == s.StrideHeight && s.KernelHeight <= 2)
        {
            // 2-wide windows at stride 2 (2 × 2 pools and 1-d pools of 2): vectors across every output, not per row.
            if (Vector512.IsHardwareAccelerated && outputs >= Vector512<float>.Count) { ForwardPairs<TOp, Simd512, Pairs512, Vector512<float>>(x, y, s); return; }
            if (Vector256.IsHardwareAccelerated && outputs >= Vector256<float>.Count) { ForwardPairs<TOp, Simd256, Pairs256, Vector256<float>>(x, y, s); return; }
            if (Vector128.IsHardwareAccelerated && outputs >= Vector128<float>.Count) { ForwardPairs<TOp, Simd128, Pairs128, Vector128<float>>(x, y, s); return; }
        }
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

    /// <summary>
    /// 2-wide windows at stride 2, with k rows (k = s ≤ 2): for a chunk of planes, each output row's k input rows are
    /// combined column by column into <c>v</c> (2·outW columns: the ones the windows read), so the chunk's v is one flat
    /// run of adjacent column pairs whose combined pairs are, in order, the chunk's outputs: <c>y[i] = v[2i] ⊕ v[2i + 1]</c>,
    /// whole vectors at a time (even and odd lanes separated by <typeparamref name="TPairs"/>), then a scalar tail.
    /// A 1-d pool over even lengths reads x itself as v.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardPairs<TOp, TSimd, TPairs, TVec>(ReadOnlySpan<float> x, Span<float> y, in PoolShape s)
        where TOp : struct, IPoolOp where TSimd : struct, ISimd<TVec> where TPairs : struct, IPairs<TVec> where TVec : struct
    {
        int kh = s.KernelHeight, inW = s.InWidth, outH = s.OutHeight, outW = s.OutWidth, planes = s.Batch * s.Channels;
        int run = 2 * outW, planeRun = outH * run; // floats of v per output row and per plane
        bool direct = kh == 1 && inW == run;      // x's planes are already v
        int chunk = direct ? planes : Math.Clamp(PairsChunk / planeRun, 1, planes);
        int length = direct ? 0 : chunk * planeRun;
        float[]? rented = null;
        Span<float> scratch = length <= MaxStackScratch ? stackalloc float[length] : (rented = ArrayPool<float>.Shared.Rent(length));
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        TVec count = TSimd.Broadcast(kh * 2);
        float scalarCount = kh * 2;
        int width = TSimd.Width;
        if (kh == 2 && inW == run && s.InHeight == 2 * outH && (run % width == 0 || 2 * run == width))
        {
            OnePass<TOp, TSimd, TPairs, TVec>(ref xr, ref yr, planes * s.OutputPlane, run);
            if (rented is not null) ArrayPool<float>.Shared.Return(rented);
            return;
        }
        for (int p0 = 0; p0 < planes; p0 += chunk)
        {
            int planesHere = Math.Min(chunk, planes - p0);
            ref float v = ref direct ? ref Unsafe.Add(ref xr, p0 * s.InputPlane) : ref MemoryMarshal.GetReference(scratch);
            if (!direct) CombineRows<TOp>(ref Unsafe.Add(ref xr, p0 * s.InputPlane), ref v, planesHere, s);
            int n = planesHere * s.OutputPlane, i = 0;
            ref float yc = ref Unsafe.Add(ref yr, p0 * s.OutputPlane);
            for (; i + width <= n; i += width)
            {
                TPairs.Unzip(TSimd.Load(ref v, 2 * i), TSimd.Load(ref v, 2 * i + width), out TVec even, out TVec odd);
                TVec a = TOp.Combine<TSimd, TVec>(even, odd);
                if (TOp.Average) a = TSimd.Divide(a, count);
                TSimd.Store(a, ref yc, i);
            }
            for (; i < n; i++)
            {
                float a = TOp.Combine(Unsafe.Add(ref v, 2 * i), Unsafe.Add(ref v, 2 * i + 1));
                Unsafe.Add(ref yc, i) = TOp.Average ? a / scalarCount : a;
            }
        }
        if (rented is not null) ArrayPool<float>.Shared.Return(rented);
    }

    /// <summary>
    /// <see cref="ForwardPairs"/> in one pass where x is nothing but (top, bottom) pairs of rows of <paramref name="run"/>
    /// floats (2 × 2 windows over whole planes of even sizes): each output vector's two vectors of combined rows are
    /// made in registers (<see cref="Flat"/>'s arithmetic), not stored and read back (the digits CNN's pools, 1,797 samples, Zen 4: 100 → 68 µs and 49 → 38 µs).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OnePass<TOp, TSimd, TPairs, TVec>(ref float x, ref float y, int total, int run)
        where TOp : struct, IPoolOp where TSimd : struct, ISimd<TVec> where TPairs : struct, IPairs<TVec> where TVec : struct
    {
        int width = TSimd.Width, i = 0;
        TVec count = TSimd.Broadcast(4f);
        nint top = 0; // where the pair of rows of the next combined vector starts in x
        int j = 0;    // and its first column (whole pairs per vector when 2·run = width)
        for (; i + width <= total; i += width)
        {
            TVec first = Next(ref x, ref top, ref j, run), second = Next(ref x, ref top, ref j, run);
            TPairs.Unzip(first, second, out TVec even, out TVec odd);
            TVec a = TOp.Combine<TSimd, TVec>(even, odd);
            if (TOp.Average) a = TSimd.Divide(a, count);
            TSimd.Store(a, ref y, i);
        }
        for (; i < total; i++)
        {
            // Output i: combined-row columns 2i, 2i + 1, in pair 2i / run.
            ref float pair = ref Unsafe.Add(ref x, 2 * i / run * 2 * run + 2 * i % run);
            float a = TOp.Combine(TOp.Combine(pair, Unsafe.Add(ref pair, run)), TOp.Combine(Unsafe.Add(ref pair, 1), Unsafe.Add(ref pair, run + 1)));
            Unsafe.Add(ref y, i) = TOp.Average ? a / 4f : a;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static TVec Next(ref float x, ref nint top, ref int j, int run)
        {
            int width = TSimd.Width;
            if (2 * run == width)
            {
                TPairs.Halves(TSimd.Load(ref x, top), TSimd.Load(ref x, top + width), out TVec rows, out TVec below);
                top += 2 * width;
                return TOp.Combine<TSimd, TVec>(rows, below);
            }
            TVec v = TOp.Combine<TSimd, TVec>(TSimd.Load(ref x, top + j), TSimd.Load(ref x, top + run + j));
            j += width;
            if (j == run)
            {
                j = 0;
                top += 2 * run;
            }
            return v;
        }
    }

    /// <summary>Floats of combined rows per chunk of <see cref="ForwardPairs"/> (16 KB: stays in L1 between its two passes).</summary>
    private const int PairsChunk = 4096;

    /// <summary>
    /// The first pass of <see cref="ForwardPairs"/> over <paramref name="planes"/> planes: each output row's k (1 or 2)
    /// input rows combined over the 2·outW columns the windows read, into consecutive rows of v. The vector width is
    /// chosen once for all rows (they are short: choosing per row cost as much as combining).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CombineRows<TOp>(ref float x, ref float v, int planes, in PoolShape s) where TOp : struct, IPoolOp
    {
        int n = 2 * s.OutWidth;
        // Rows of half a vector combine in pairs of windows' rows per vector when they are read whole (see Flat).
        int flat = s.KernelHeight == 2 && s.InWidth == n ? 2 * n : int.MaxValue;
        if (Vector512.IsHardwareAccelerated && (n >= Vector512<float>.Count || flat == Vector512<float>.Count)) CombineRows<TOp, Simd512, Pairs512, Vector512<float>>(ref x, ref v, planes, s);
        else if (Vector256.IsHardwareAccelerated && (n >= Vector256<float>.Count || flat == Vector256<float>.Count)) CombineRows<TOp, Simd256, Pairs256, Vector256<float>>(ref x, ref v, planes, s);
        else if (Vector128.IsHardwareAccelerated && (n >= Vector128<float>.Count || flat == Vector128<float>.Count)) CombineRows<TOp, Simd128, Pairs128, Vector128<float>>(ref x, ref v, planes, s);
        else
            for (int p = 0; p < planes; p++)
                for (int oy = 0; oy < s.OutHeight; oy++)
                {
                    ref float top = ref Unsafe.Add(ref x, p * s.InputPlane + oy * s.KernelHeight * s.InWidth);
                    ref float to = ref Unsafe.Add(ref v, (p * s.OutHeight + oy) * n);
                    for (int j = 0; j < n; j++)
                        Unsafe.Add(ref to, j) = s.KernelHeight == 1 ? Unsafe.Add(ref top, j) : TOp.Combine(Unsafe.Add(ref top, j), Unsafe.Add(ref top, s.InWidth + j));
                }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CombineRows<TOp, TSimd, TPairs, TVec>(ref float x, ref float v, int planes, in PoolShape s)
        where TOp : struct, IPoolOp where TSimd : struct, ISimd<TVec> where TPairs : struct, IPairs<TVec> where TVec : struct
    {
        int width = TSimd.Width, n = 2 * s.OutWidth, kh = s.KernelHeight, outH = s.OutHeight;
        nint inW = s.InWidth, rowStep = kh * s.InWidth;
        if (kh == 2 && inW == n && (n % width == 0 || 2 * n == width))
        {
            // Each plane's rows that windows read are whole: (top, bottom) pairs of n floats one after another, and when
            // the planes hold no unread last row, over all the planes at once.
            bool whole = s.InHeight == 2 * outH;
            int groups = whole ? 1 : planes, pairs = whole ? planes * outH : outH;
            for (int g = 0; g < groups; g++)
                Flat<TOp, TSimd, TPairs, TVec>(ref Unsafe.Add(ref x, g * s.InputPlane), ref Unsafe.Add(ref v, g * outH * n), pairs, n);
            return;
        }
        ref float to = ref v;
        for (int p = 0; p < planes; p++)
        {
            ref float top = ref Unsafe.Add(ref x, p * s.InputPlane);
            for (int oy = 0; oy < outH; oy++)
            {
                // Whole vectors, the last one ending at n (overlapping: recomputed values, nothing read past the row).
                for (int j = 0; j < n; j += width)
                {
                    int at = Math.Min(j, n - width);
                    TVec a = TSimd.Load(ref top, at);
                    if (kh == 2) a = TOp.Combine<TSimd, TVec>(a, TSimd.Load(ref top, inW + at));
                    TSimd.Store(a, ref to, at);
                }
                top = ref Unsafe.Add(ref top, rowStep);
                to = ref Unsafe.Add(ref to, n);
            }
        }
    }

    /// <summary>
    /// <c>v[p·n + j] = top[p·2n + j] ⊕ top[p·2n + n + j]</c> for <paramref name="pairs"/> adjacent pairs of rows, n a
    /// multiple of the width, or half of it: then one vector holds a pair, and two pairs' halves regroup into their top
    /// and bottom rows (8 × 8 → 4 × 4 pools on AVX2 were a 128-bit operation per row).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Flat<TOp, TSimd, TPairs, TVec>(ref float top, ref float v, int pairs, int n)
        where TOp : struct, IPoolOp where TSimd : struct, ISimd<TVec> where TPairs : struct, IPairs<TVec> where TVec : struct
    {
        int width = TSimd.Width, p = 0;
        if (2 * n == width)
        {
            for (; p + 2 <= pairs; p += 2)
            {
                TPairs.Halves(TSimd.Load(ref top, p * width), TSimd.Load(ref top, (p + 1) * width), out TVec rows, out TVec below);
                TSimd.Store(TOp.Combine<TSimd, TVec>(rows, below), ref v, p * n);
            }
            for (; p < pairs; p++)
                for (int j = 0; j < n; j++)
                    Unsafe.Add(ref v, p * n + j) = TOp.Combine(Unsafe.Add(ref top, p * width + j), Unsafe.Add(ref top, p * width + n + j));
            return;
        }
        for (; p < pairs; p++)
            for (int j = 0; j < n; j += width)
                TSimd.Store(TOp.Combine<TSimd, TVec>(TSimd.Load(ref top, 2 * p * n + j), TSimd.Load(ref top, 2 * p * n + n + j)), ref v, p * n + j);
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
        if (s.KernelWidth == 2 && s.StrideWidth == 2 && s.KernelHeight == s.StrideHeight && s.KernelHeight <= 2)
        {
            // 2-wide windows at stride 2. Per width, widest first: along each output row when a row holds a vector; two
            // rows per vector when a row is half of one; otherwise, with the widest vector, across all outputs (rows gathered).
            int width = s.OutWidth, rows = s.Batch * s.Channels * s.OutHeight;
            if (Vector512.IsHardwareAccelerated)
            {
                if (width >= Vector512<float>.Count) { MaxBackwardPairs<Simd512, Pairs512, Vector512<float>>(x, y, dy, dx, s); return; }
                if (2 * width == Vector512<float>.Count && rows >= 2) { MaxBackwardPairsHalf<Simd512, Pairs512, Vector512<float>>(x, y, dy, dx, s); return; }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                if (width >= Vector256<float>.Count) { MaxBackwardPairs<Simd256, Pairs256, Vector256<float>>(x, y, dy, dx, s); return; }
                if (2 * width == Vector256<float>.Count && rows >= 2) { MaxBackwardPairsHalf<Simd256, Pairs256, Vector256<float>>(x, y, dy, dx, s); return; }
            }
            if (Vector128.IsHardwareAccelerated)
            {
                if (width >= Vector128<float>.Count) { MaxBackwardPairs<Simd128, Pairs128, Vector128<float>>(x, y, dy, dx, s); return; }
                if (2 * width == Vector128<float>.Count && rows >= 2) { MaxBackwardPairsHalf<Simd128, Pairs128, Vector128<float>>(x, y, dy, dx, s); return; }
            }
            if (Vector512.IsHardwareAccelerated && outputs >= Vector512<float>.Count) { MaxBackwardPairsFlat<Simd512, Pairs512, Vector512<float>>(x, y, dy, dx, s); return; }
            if (Vector256.IsHardwareAccelerated && outputs >= Vector256<float>.Count) { MaxBackwardPairsFlat<Simd256, Pairs256, Vector256<float>>(x, y, dy, dx, s); return; }
            if (Vector128.IsHardwareAccelerated && outputs >= Vector128<float>.Count) { MaxBackwardPairsFlat<Simd128, Pairs128, Vector128<float>>(x, y, dy, dx, s); return; }
        }
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
                        ? Chosen(ref Unsafe.Add(ref xp, start), Unsafe.Add(ref yr, o), offsets, elements)
                        : ChosenLarge(ref Unsafe.Add(ref xp, start), Unsafe.Add(ref yr, o), inW, kh, kw);
                    if (at >= 0) Unsafe.Add(ref dxp, start + at) += Unsafe.Add(ref gr, o);
                }
        }
    }

    /// <summary>
    /// Max-pool backward for 2-wide windows at stride 2 with k = s ≤ 2 rows, vectors of outputs along a row: the
    /// window's elements (top-left, top-right, bottom-left, bottom-right: even and odd lanes of the k rows) each take
    /// what is left of dy where they match y, in scan order (so the first maximum gets it) and, for the lanes where y
    /// is NaN, in reverse order (so the last NaN gets it); then the element gradients are interleaved back into the
    /// rows. Every element a window reads is written (0 or the gradient); rows and columns no window reads are cleared
    /// first. The last vector may overlap the previous one (the same values are written twice).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxBackwardPairs<TSimd, TPairs, TVec>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, in PoolShape s)
        where TSimd : struct, ISimd<TVec> where TPairs : struct, IPairs<TVec> where TVec : struct
    {
        int kh = s.KernelHeight, inW = s.InWidth, outH = s.OutHeight, outW = s.OutWidth, planes = s.Batch * s.Channels, width = TSimd.Width;
        if (outH * kh != s.InHeight || 2 * outW != inW) dx[..(planes * s.InputPlane)].Clear();
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float gr = ref MemoryMarshal.GetReference(dy);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        for (int plane = 0; plane < planes; plane++)
            for (int oy = 0; oy < outH; oy++)
            {
                int row = plane * s.InputPlane + oy * kh * inW, o = (plane * outH + oy) * outW;
                ref float top = ref Unsafe.Add(ref xr, row);
                ref float dTop = ref Unsafe.Add(ref dxr, row);
                for (int i0 = 0; i0 < outW; i0 += width)
                {
                    int i = Math.Min(i0, outW - width);
                    // One-row windows have no bottom row: its references then alias the top row, unread and unwritten.
                    int bottom = kh == 2 ? inW + 2 * i : 2 * i;
                    PairsGradient<TSimd, TPairs, TVec>(ref Unsafe.Add(ref top, 2 * i), ref Unsafe.Add(ref top, 2 * i + width),
                        ref Unsafe.Add(ref top, bottom), ref Unsafe.Add(ref top, bottom + width),
                        ref Unsafe.Add(ref yr, o + i), ref Unsafe.Add(ref gr, o + i),
                        ref Unsafe.Add(ref dTop, 2 * i), ref Unsafe.Add(ref dTop, 2 * i + width),
                        ref Unsafe.Add(ref dTop, bottom), ref Unsafe.Add(ref dTop, bottom + width), kh);
                }
            }
    }

    /// <summary>
    /// <see cref="MaxBackwardPairs"/> for output rows of half a vector (4 outputs with 256 bits, 2 with 128: the digits
    /// CNN's pools): two output rows per vector, each row's 2·outW input columns one vector load, so nothing is
    /// gathered. An odd last row pairs with the row before it (computed twice, the same values written).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxBackwardPairsHalf<TSimd, TPairs, TVec>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, in PoolShape s)
        where TSimd : struct, ISimd<TVec> where TPairs : struct, IPairs<TVec> where TVec : struct
    {
        int kh = s.KernelHeight, inW = s.InWidth, outH = s.OutHeight, outW = s.OutWidth, rows = s.Batch * s.Channels * outH;
        if (outH * kh != s.InHeight || 2 * outW != inW) dx[..(s.Batch * s.Channels * s.InputPlane)].Clear();
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float gr = ref MemoryMarshal.GetReference(dy);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        int rowStep = kh * inW, below = kh == 2 ? inW : 0; // one-row windows: the bottom references alias the top row, unused
        for (int r0 = 0; r0 < rows; r0 += 2)
        {
            int r = Math.Min(r0, rows - 2);
            int a = RowStart(r, outH, s.InputPlane, rowStep), b = RowStart(r + 1, outH, s.InputPlane, rowStep);
            PairsGradient<TSimd, TPairs, TVec>(ref Unsafe.Add(ref xr, a), ref Unsafe.Add(ref xr, b), ref Unsafe.Add(ref xr, a + below), ref Unsafe.Add(ref xr, b + below),
                ref Unsafe.Add(ref yr, r * outW), ref Unsafe.Add(ref gr, r * outW),
                ref Unsafe.Add(ref dxr, a), ref Unsafe.Add(ref dxr, b), ref Unsafe.Add(ref dxr, a + below), ref Unsafe.Add(ref dxr, b + below), kh);
        }
    }

    /// <summary>
    /// <see cref="MaxBackwardPairs"/> for output rows narrower than a vector: chunks of output rows have their top and
    /// bottom input rows (the 2·outW columns read) gathered into two contiguous buffers, which are then one flat run of
    /// windows side by side, in output order; the gradients come back the same way. 1-d pools over even lengths read x
    /// and write dx in place. Outputs past the last whole vector take the scalar rule.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxBackwardPairsFlat<TSimd, TPairs, TVec>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, in PoolShape s)
        where TSimd : struct, ISimd<TVec> where TPairs : struct, IPairs<TVec> where TVec : struct
    {
        int kh = s.KernelHeight, inW = s.InWidth, outH = s.OutHeight, outW = s.OutWidth, width = TSimd.Width;
        int run = 2 * outW, rows = s.Batch * s.Channels * outH;
        bool direct = kh == 1 && inW == run;
        if (outH * kh != s.InHeight || run != inW) dx[..(s.Batch * s.Channels * s.InputPlane)].Clear();
        // Four buffers (top, bottom, and their gradients) of chunk rows each.
        int chunk = direct ? rows : Math.Clamp(MaxStackScratch / (4 * run), 1, rows);
        int length = direct ? 0 : 4 * chunk * run;
        float[]? rented = null;
        Span<float> scratch = length <= MaxStackScratch ? stackalloc float[length] : (rented = ArrayPool<float>.Shared.Rent(length));
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float gr = ref MemoryMarshal.GetReference(dy);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        ref float buffers = ref MemoryMarshal.GetReference(scratch);
        int rowStep = kh * inW;
        for (int r0 = 0; r0 < rows; r0 += chunk)
        {
            int count = Math.Min(chunk, rows - r0), n = count * outW;
            ref float top = ref direct ? ref Unsafe.Add(ref xr, r0 * run) : ref buffers;
            ref float dTop = ref direct ? ref Unsafe.Add(ref dxr, r0 * run) : ref Unsafe.Add(ref buffers, 2 * chunk * run);
            // One-row windows have no bottom row: its references then alias the top row, unread and unwritten.
            ref float bottom = ref kh == 2 ? ref Unsafe.Add(ref buffers, chunk * run) : ref top;
            ref float dBottom = ref kh == 2 ? ref Unsafe.Add(ref buffers, 3 * chunk * run) : ref dTop;
            if (!direct)
                for (int r = 0; r < count; r++)
                {
                    ref float from = ref Unsafe.Add(ref xr, RowStart(r0 + r, outH, s.InputPlane, rowStep));
                    Runs.Copy(ref from, ref Unsafe.Add(ref top, r * run), run);
                    if (kh == 2) Runs.Copy(ref Unsafe.Add(ref from, inW), ref Unsafe.Add(ref bottom, r * run), run);
                }
            ref float ym = ref Unsafe.Add(ref yr, r0 * outW);
            ref float g = ref Unsafe.Add(ref gr, r0 * outW);
            int i = 0;
            for (; i + width <= n; i += width)
                PairsGradient<TSimd, TPairs, TVec>(ref Unsafe.Add(ref top, 2 * i), ref Unsafe.Add(ref top, 2 * i + width),
                    ref Unsafe.Add(ref bottom, 2 * i), ref Unsafe.Add(ref bottom, 2 * i + width), ref Unsafe.Add(ref ym, i), ref Unsafe.Add(ref g, i),
                    ref Unsafe.Add(ref dTop, 2 * i), ref Unsafe.Add(ref dTop, 2 * i + width),
                    ref Unsafe.Add(ref dBottom, 2 * i), ref Unsafe.Add(ref dBottom, 2 * i + width), kh);
            for (; i < n; i++)
                PairsGradient(ref Unsafe.Add(ref top, 2 * i), ref Unsafe.Add(ref bottom, 2 * i), Unsafe.Add(ref ym, i), Unsafe.Add(ref g, i),
                    ref Unsafe.Add(ref dTop, 2 * i), ref Unsafe.Add(ref dBottom, 2 * i), kh);
            if (!direct)
                for (int r = 0; r < count; r++)
                {
                    ref float to = ref Unsafe.Add(ref dxr, RowStart(r0 + r, outH, s.InputPlane, rowStep));
                    Runs.Copy(ref Unsafe.Add(ref dTop, r * run), ref to, run);
                    if (kh == 2) Runs.Copy(ref Unsafe.Add(ref dBottom, r * run), ref Unsafe.Add(ref to, inW), run);
                }
        }
        if (rented is not null) ArrayPool<float>.Shared.Return(rented);
    }

    /// <summary>Where output row <paramref name="row"/> (counted over all planes) starts reading x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RowStart(int row, int outH, int inputPlane, int rowStep)
    {
        int plane = row / outH;
        return plane * inputPlane + (row - plane * outH) * rowStep;
    }

    /// <summary>
    /// One vector of 2-wide windows (k = 1 or 2 rows), whose inputs come in two halves of one vector each (adjacent,
    /// or two output rows' inputs): each element, in scan order, takes what is left of dy where it matches y (the first
    /// maximum gets it) and, where y is NaN, in reverse order (the last NaN gets it); the element gradients are
    /// interleaved back into the same places.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void PairsGradient<TSimd, TPairs, TVec>(ref float top0, ref float top1, ref float bottom0, ref float bottom1,
        ref float y, ref float dy, ref float dTop0, ref float dTop1, ref float dBottom0, ref float dBottom1, int kh)
        where TSimd : struct, ISimd<TVec> where TPairs : struct, IPairs<TVec> where TVec : struct
    {
        TVec max = TSimd.Load(ref y, 0), g = TSimd.Load(ref dy, 0);
        TVec nan = TPairs.IsNaN(max);
        TPairs.Unzip(TSimd.Load(ref top0, 0), TSimd.Load(ref top1, 0), out TVec x00, out TVec x01);
        TVec m00 = TPairs.Matches(x00, max), m01 = TPairs.Matches(x01, max);
        if (kh == 1)
        {
            TVec rest = g, back = g;
            TVec g00 = Take<TSimd, TVec>(m00, ref rest), g01 = Take<TSimd, TVec>(m01, ref rest);
            TVec b01 = Take<TSimd, TVec>(m01, ref back), b00 = Take<TSimd, TVec>(m00, ref back);
            TPairs.Zip(TSimd.ConditionalSelect(nan, b00, g00), TSimd.ConditionalSelect(nan, b01, g01), out TVec low, out TVec high);
            TSimd.Store(low, ref dTop0, 0);
            TSimd.Store(high, ref dTop1, 0);
        }
        else
        {
            TPairs.Unzip(TSimd.Load(ref bottom0, 0), TSimd.Load(ref bottom1, 0), out TVec x10, out TVec x11);
            TVec m10 = TPairs.Matches(x10, max), m11 = TPairs.Matches(x11, max);
            TVec rest = g, back = g;
            TVec g00 = Take<TSimd, TVec>(m00, ref rest), g01 = Take<TSimd, TVec>(m01, ref rest);
            TVec g10 = Take<TSimd, TVec>(m10, ref rest), g11 = Take<TSimd, TVec>(m11, ref rest);
            TVec b11 = Take<TSimd, TVec>(m11, ref back), b10 = Take<TSimd, TVec>(m10, ref back);
            TVec b01 = Take<TSimd, TVec>(m01, ref back), b00 = Take<TSimd, TVec>(m00, ref back);
            TPairs.Zip(TSimd.ConditionalSelect(nan, b00, g00), TSimd.ConditionalSelect(nan, b01, g01), out TVec low, out TVec high);
            TSimd.Store(low, ref dTop0, 0);
            TSimd.Store(high, ref dTop1, 0);
            TPairs.Zip(TSimd.ConditionalSelect(nan, b10, g10), TSimd.ConditionalSelect(nan, b11, g11), out low, out high);
            TSimd.Store(low, ref dBottom0, 0);
            TSimd.Store(high, ref dBottom1, 0);
        }
    }

    /// <summary>The scalar form of <see cref="PairsGradient{TSimd, TPairs, TVec}"/> for one window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PairsGradient(ref float top, ref float bottom, float max, float dy, ref float dTop, ref float dBottom, int kh)
    {
        Span<float> window = [top, Unsafe.Add(ref top, 1), kh == 2 ? bottom : 0f, kh == 2 ? Unsafe.Add(ref bottom, 1) : 0f];
        int elements = 2 * kh, chosen = -1;
        if (float.IsNaN(max))
        {
            for (int t = 0; t < elements; t++) if (float.IsNaN(window[t])) chosen = t;
        }
        else
        {
            for (int t = elements - 1; t >= 0; t--) if (window[t] == max) chosen = t;
        }
        dTop = chosen == 0 ? dy : 0f;
        Unsafe.Add(ref dTop, 1) = chosen == 1 ? dy : 0f;
        if (kh == 2)
        {
            dBottom = chosen == 2 ? dy : 0f;
            Unsafe.Add(ref dBottom, 1) = chosen == 3 ? dy : 0f;
        }
    }

    /// <summary>The gradient left in <paramref name="rest"/> where <paramref name="match"/> is set (and taken out of rest), else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Take<TSimd, TVec>(TVec match, ref TVec rest)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        TVec taken = TSimd.ConditionalSelect(match, rest, TSimd.Zero);
        rest = TSimd.ConditionalSelect(match, TSimd.Zero, rest);
        return taken;
    }

    /// <summary>
    /// The offset (within the window) of the element of a ≤ 64-element window that gets the gradient: the first, in
    /// scan order, equal to <paramref name="max"/>, or the last NaN when max is NaN; −1 if none. A bit mask of all
    /// candidates and its lowest (highest) set bit: no data-dependent branch per element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Chosen(ref float window, float max, ReadOnlySpan<int> offsets, int elements)
    {
        ulong mask = 0;
        if (float.IsNaN(max))
        {
            for (int t = 0; t < elements; t++) mask |= (float.IsNaN(Unsafe.Add(ref window, offsets[t])) ? 1UL : 0UL) << t;
            return mask == 0 ? -1 : offsets[63 - BitOperations.LeadingZeroCount(mask)];
        }
        for (int t = 0; t < elements; t++) mask |= (Unsafe.Add(ref window, offsets[t]) == max ? 1UL : 0UL) << t;
        return mask == 0 ? -1 : offsets[BitOperations.TrailingZeroCount(mask)];
    }

    /// <summary><see cref="Chosen"/> for windows of more than 64 elements: a scan (stopping at the first match when max is a number).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ChosenLarge(ref float window, float max, int inW, int kh, int kw)
    {
        bool nan = float.IsNaN(max);
        int chosen = -1;
        for (int i = 0; i < kh; i++)
            for (int j = 0; j < kw; j++)
            {
                float value = Unsafe.Add(ref window, i * inW + j);
                if (nan && float.IsNaN(value)) chosen = i * inW + j;
                else if (!nan && value == max) return i * inW + j;
            }
        return chosen;
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
                for (int i = 0; i < kh; i++) Runs.AddTo(ref g, ref Unsafe.Add(ref top, i * inW), read);
            }
        }
        if (rented is not null) ArrayPool<float>.Shared.Return(rented);
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

/// <summary>
/// One 2 × 2 window per pair of lanes, for the convolution that pools its output in registers (<see cref="Conv.Forward2dMaxPool"/>):
/// the same combining order as <see cref="Pool.MaxForward2d"/>'s (rows, then columns), so the same bits.
/// </summary>
internal static class PooledLanes
{
    /// <summary>Rows 2q (<paramref name="top"/>) and 2q + 1 (<paramref name="bottom"/>), a vector each: their pooled row, half a vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreRows<TSimd, TVec>(TVec top, TVec bottom, ref float destination)
        where TSimd : struct, ISimd<TVec> where TVec : struct =>
        StoreColumns(TSimd.MaxInOrder(top, bottom), ref destination);

    /// <summary>
    /// Adjacent lanes combined and stored: max(v[2i], v[2i + 1]) in order, for i under half the width. Vectors change
    /// type by <c>(T)(object)</c>, which the JIT erases (taking their address would keep the caller's accumulators in memory).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreColumns<TVec>(TVec v, ref float destination) where TVec : struct
    {
        if (typeof(TVec) == typeof(Vector512<float>)) Pairs512.StoreColumns((Vector512<float>)(object)v, ref destination);
        else if (typeof(TVec) == typeof(Vector256<float>)) Pairs256.StoreColumns((Vector256<float>)(object)v, ref destination);
        else Pairs128.StoreColumns((Vector128<float>)(object)v, ref destination);
    }
}

/// <summary>Lane shuffles for 2-wide, stride-2 pooling, per vector width (the <see cref="ISimd{TVec}"/> operations have none).</summary>
internal interface IPairs<TVec> where TVec : struct
{
    /// <summary>Separates the even and odd lanes of the concatenation a·b: even = a₀ a₂ … b₀ b₂ …, odd = a₁ a₃ … b₁ b₃ ….</summary>
    static abstract void Unzip(TVec a, TVec b, out TVec even, out TVec odd);
    /// <summary>The lower halves of a and b (rows = a's, then b's), and their upper halves (below).</summary>
    static abstract void Halves(TVec a, TVec b, out TVec rows, out TVec below);
    /// <summary>The inverse of <see cref="Unzip"/>: low = e₀ o₀ e₁ o₁ …, high = the second halves interleaved alike.</summary>
    static abstract void Zip(TVec even, TVec odd, out TVec low, out TVec high);
    /// <summary>All-ones lanes where <paramref name="value"/> equals <paramref name="max"/>, or both are NaN.</summary>
    static abstract TVec Matches(TVec value, TVec max);
    /// <summary>Stores max(v[2i], v[2i + 1]) (in order: <see cref="ISimd{TVec}.MaxInOrder"/>) for i under half the width.</summary>
    static abstract void StoreColumns(TVec v, ref float destination);
    /// <summary>All-ones lanes where <paramref name="value"/> is NaN.</summary>
    static abstract TVec IsNaN(TVec value);
}

internal readonly struct Pairs512 : IPairs<Vector512<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreColumns(Vector512<float> v, ref float destination)
    {
        // One permute (evens low, odds high), then the halves combined at half the width.
        Vector512<float> p = Vector512.Shuffle(v, Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15));
        Simd256.MaxInOrder(p.GetLower(), p.GetUpper()).StoreUnsafe(ref destination);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Halves(Vector512<float> a, Vector512<float> b, out Vector512<float> rows, out Vector512<float> below)
    {
        rows = Vector512.Create(a.GetLower(), b.GetLower());
        below = Vector512.Create(a.GetUpper(), b.GetUpper());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Unzip(Vector512<float> a, Vector512<float> b, out Vector512<float> even, out Vector512<float> odd)
    {
        Vector512<int> split = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
        Vector512<float> pa = Vector512.Shuffle(a, split), pb = Vector512.Shuffle(b, split);
        even = Vector512.Create(pa.GetLower(), pb.GetLower());
        odd = Vector512.Create(pa.GetUpper(), pb.GetUpper());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Zip(Vector512<float> even, Vector512<float> odd, out Vector512<float> low, out Vector512<float> high)
    {
        Vector512<int> merge = Vector512.Create(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15);
        low = Vector512.Shuffle(Vector512.Create(even.GetLower(), odd.GetLower()), merge);
        high = Vector512.Shuffle(Vector512.Create(even.GetUpper(), odd.GetUpper()), merge);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Matches(Vector512<float> value, Vector512<float> max) =>
        Vector512.Equals(value, max) | (Vector512.IsNaN(value) & Vector512.IsNaN(max));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> IsNaN(Vector512<float> value) => Vector512.IsNaN(value);
}

internal readonly struct Pairs256 : IPairs<Vector256<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreColumns(Vector256<float> v, ref float destination)
    {
        // One vpermps (evens low, odds high), then the halves combined at 128 bits: 6 instructions, where unzipping v
        // with itself took 15 (measured in the digits CNN's first convolution, whose every block ends with four of these).
        Vector256<float> p = Vector256.Shuffle(v, Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7));
        Simd128.MaxInOrder(p.GetLower(), p.GetUpper()).StoreUnsafe(ref destination);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Halves(Vector256<float> a, Vector256<float> b, out Vector256<float> rows, out Vector256<float> below)
    {
        rows = Vector256.Create(a.GetLower(), b.GetLower());
        below = Vector256.Create(a.GetUpper(), b.GetUpper());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Unzip(Vector256<float> a, Vector256<float> b, out Vector256<float> even, out Vector256<float> odd)
    {
        // vpermps each (evens in the low half, odds in the high half), then the halves regrouped.
        Vector256<int> split = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
        Vector256<float> pa = Vector256.Shuffle(a, split), pb = Vector256.Shuffle(b, split);
        even = Vector256.Create(pa.GetLower(), pb.GetLower());
        odd = Vector256.Create(pa.GetUpper(), pb.GetUpper());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Zip(Vector256<float> even, Vector256<float> odd, out Vector256<float> low, out Vector256<float> high)
    {
        Vector256<int> merge = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
        low = Vector256.Shuffle(Vector256.Create(even.GetLower(), odd.GetLower()), merge);
        high = Vector256.Shuffle(Vector256.Create(even.GetUpper(), odd.GetUpper()), merge);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Matches(Vector256<float> value, Vector256<float> max) =>
        Vector256.Equals(value, max) | (Vector256.IsNaN(value) & Vector256.IsNaN(max));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> IsNaN(Vector256<float> value) => Vector256.IsNaN(value);
}

internal readonly struct Pairs128 : IPairs<Vector128<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreColumns(Vector128<float> v, ref float destination)
    {
        Unzip(v, v, out Vector128<float> even, out Vector128<float> odd);
        Simd128.StoreLowerHalf(Simd128.MaxInOrder(even, odd), ref destination);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Halves(Vector128<float> a, Vector128<float> b, out Vector128<float> rows, out Vector128<float> below)
    {
        if (Sse.IsSupported)
        {
            rows = Sse.MoveLowToHigh(a, b);
            below = Sse.MoveHighToLow(b, a);
        }
        else
        {
            rows = Vector128.Create(a.GetLower(), b.GetLower());
            below = Vector128.Create(a.GetUpper(), b.GetUpper());
        }
    }

    // Two-source shuffles where the hardware has them (the portable halves form goes through memory).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Unzip(Vector128<float> a, Vector128<float> b, out Vector128<float> even, out Vector128<float> odd)
    {
        if (Sse.IsSupported)
        {
            even = Sse.Shuffle(a, b, 0b10_00_10_00);
            odd = Sse.Shuffle(a, b, 0b11_01_11_01);
        }
        else if (AdvSimd.Arm64.IsSupported)
        {
            even = AdvSimd.Arm64.UnzipEven(a, b);
            odd = AdvSimd.Arm64.UnzipOdd(a, b);
        }
        else
        {
            even = Vector128.Create(a[0], a[2], b[0], b[2]);
            odd = Vector128.Create(a[1], a[3], b[1], b[3]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Zip(Vector128<float> even, Vector128<float> odd, out Vector128<float> low, out Vector128<float> high)
    {
        if (Sse.IsSupported)
        {
            low = Sse.UnpackLow(even, odd);
            high = Sse.UnpackHigh(even, odd);
        }
        else if (AdvSimd.Arm64.IsSupported)
        {
            low = AdvSimd.Arm64.ZipLow(even, odd);
            high = AdvSimd.Arm64.ZipHigh(even, odd);
        }
        else
        {
            low = Vector128.Create(even[0], odd[0], even[1], odd[1]);
            high = Vector128.Create(even[2], odd[2], even[3], odd[3]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Matches(Vector128<float> value, Vector128<float> max) =>
        Vector128.Equals(value, max) | (Vector128.IsNaN(value) & Vector128.IsNaN(max));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> IsNaN(Vector128<float> value) => Vector128.IsNaN(value);
}

/// <summary>The sizes of one pooling call (1-d: height 1, a 1-high window, stride 1 along it), validated once.</summary>
internal readonly struct PoolShape
{
    public readonly int Batch, Channels, InHeight, InWidth, KernelHeight, KernelWidth, StrideHeight, StrideWidth, OutHeight, OutWidth;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
