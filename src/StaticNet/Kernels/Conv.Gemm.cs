using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

// The convolution's matrix products: C = A·B (+ a bias per row, then an optional ReLU), overwritten, with A broadcast
// element by element (any strides) and B, C row-major with vectors along their rows. This is the dense backward's
// broadcast GEMM with smaller register blocks: its 8 rows × 2 vectors need 16 accumulators + 2 B vectors + 1 broadcast,
// more than the 16 vector registers of AVX2 and SSE, and the JIT spills four accumulators to the stack every iteration
// (measured on AVX2, Zen 4: the digits CNN's second convolution, 1,797 samples, 1.00 ms of products with those blocks,
// 0.66 ms with these). A block of 6 rows × 2 vectors needs 15 registers and keeps 12 FMA chains in flight; 4 rows × 2
// vectors (8 chains, still enough for a 4-cycle FMA latency) serve row counts that are multiples of 4 but not of 6.
// Each block shape is compiled as its own method: inlined into one, the JIT spilled the loop counter every iteration.
public static partial class Conv
{
    /// <summary>
    /// Overwrites <c>C[r, j] = act(bias[r] + Σₖ A[r, k]·B[k, j])</c> for r &lt; <paramref name="rows"/>, j &lt; <paramref name="n"/>,
    /// with A read at <c>a[r·aRow + k·aDepth]</c>, B and C row-major (row strides <paramref name="bStride"/>,
    /// <paramref name="cStride"/>); no bias when <paramref name="hasBias"/> is false, act = ReLU when <paramref name="relu"/>.
    /// Columns from n on are neither read nor written; C must not overlap A or B (blocks may be computed twice).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Gemm(ref float a, nint aRow, nint aDepth, ref float b, nint bStride, ref float c, nint cStride,
        int rows, int depth, int n, ref float bias, bool hasBias, bool relu)
    {
        if (GemmWidth(n) == 0) GemmScalar(ref a, aRow, aDepth, ref b, bStride, ref c, cStride, rows, depth, n, ref bias, hasBias, relu);
        else Dispatch(ref a, aRow, aDepth, new BRows(ref b, bStride), ref c, cStride, rows, depth, n, ref bias, hasBias, relu);
    }

    /// <summary>
    /// <see cref="Gemm"/> with B read where it lies, not unrolled: its row k starts <paramref name="steps"/>[0] + … +
    /// steps[k − 1] floats after <paramref name="b"/>, in segments of <paramref name="segment"/> columns (the vector width
    /// <see cref="GemmWidth"/>, or half of it), <paramref name="pitch"/> floats apart. For a convolution whose output rows
    /// are one vector or half of one wide, B is the padded input itself: row k is tap k's offset, segment y is output
    /// row y (<paramref name="pitch"/> = one padded row per stride). Needs whole vectors of columns.
    /// </summary>
    /// <remarks>
    /// <para>The product runs for <paramref name="samples"/> samples in one call, sample s reading B from
    /// <paramref name="b"/> + s·<paramref name="bSample"/> and writing C from <paramref name="c"/> + s·<paramref name="cSample"/>:
    /// each register block loops over the samples, so the bands and blocks are set up once per call, not once per sample.</para>
    /// <para>With <paramref name="pool"/>, C is not stored but max-pooled 2 × 2 (after the ReLU), as <see cref="Pool.MaxForward2d"/>
    /// would pool it: C's rows are then maps of an even number of rows one vector wide, and each row of C becomes a
    /// quarter as many floats, <paramref name="cStride"/> apart.</para>
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void GemmGathered(ref float a, nint aRow, nint aDepth, ref float b, ReadOnlySpan<nint> steps, int segment, nint pitch,
        ref float c, nint cStride, int rows, int depth, int n, ref float bias, bool hasBias, bool relu, bool pool, int samples, nint bSample, nint cSample)
    {
        int width = GemmWidth(n);
        if (width == 0 || n % width != 0 || (segment != width && 2 * segment != width) || steps.Length < depth || (pool && (segment != width || n % (2 * width) != 0)))
            throw new ArgumentException($"A gathered B needs {depth} row steps, whole vectors of columns and segments of one or half a vector; to pool, an even number of whole-vector segments ({n} columns, segments of {segment}, vectors of {width}).");
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "A gathered product needs at least one sample.");
        Dispatch(ref a, aRow, aDepth, new BRows(ref b, ref MemoryMarshal.GetReference(steps), pitch, segment != width, pool, samples, bSample, cSample),
            ref c, cStride, rows, depth, n, ref bias, hasBias, relu);
    }

    /// <summary>The vector width (floats) that <see cref="Gemm"/> runs n columns with: the widest accelerated one that fits; 0 for scalar.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int GemmWidth(int n) =>
        Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count ? Vector512<float>.Count
        : Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count ? Vector256<float>.Count
        : Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count ? Vector128<float>.Count : 0;

    /// <summary>
    /// Where B's rows and column vectors are: rows <see cref="Stride"/> apart and columns contiguous (row-major), or, with
    /// <see cref="Steps"/>, rows at the running sum of the steps and vectors <see cref="Pitch"/> apart.
    /// </summary>
    private readonly ref struct BRows
    {
        public readonly ref float Start;
        public readonly ref nint Steps;
        public readonly nint Stride, Pitch;
        /// <summary>Each vector is two segments of half its width: <see cref="Pitch"/> apart, the next vector 2·Pitch on.</summary>
        public readonly bool Halves;
        /// <summary>C is max-pooled 2 × 2 in registers (see <see cref="GemmGathered"/>): column j of C is stored at j / 4.</summary>
        public readonly bool Pool;
        /// <summary>The samples of one call (1 when B is row-major), and the floats from one sample's B and C to the next one's.</summary>
        public readonly int Samples;
        public readonly nint SampleB, SampleC;

        public BRows(ref float start, nint stride)
        {
            Start = ref start;
            Steps = ref Unsafe.NullRef<nint>();
            Stride = stride;
            Samples = 1;
        }

        public BRows(ref float start, ref nint steps, nint pitch, bool halves, bool pool, int samples, nint sampleB, nint sampleC)
        {
            Start = ref start;
            Steps = ref steps;
            Pitch = pitch;
            Halves = halves;
            Pool = pool;
            Samples = samples;
            SampleB = sampleB;
            SampleC = sampleC;
        }

        public bool Gathered => !Unsafe.IsNullRef(ref Steps);

        /// <summary>Where column <paramref name="j"/> (a multiple of the width when gathered) starts in row 0.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public nint Column(int j, int width) => Gathered ? j / width * Next(width) : j;

        /// <summary>The distance from a vector of columns to the next one.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public nint Next(int width) => !Gathered ? width : Halves ? 2 * Pitch : Pitch;

        /// <summary>The distance from a vector's first half to its second (0: whole vectors).</summary>
        public nint Half => Halves ? Pitch : 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dispatch(ref float a, nint aRow, nint aDepth, in BRows b, ref float c, nint cStride,
        int rows, int depth, int n, ref float bias, bool hasBias, bool relu)
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
            Gemm<Simd512, Vector512<float>>(ref a, aRow, aDepth, b, ref c, cStride, rows, depth, n, ref bias, hasBias, relu);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
            Gemm<Simd256, Vector256<float>>(ref a, aRow, aDepth, b, ref c, cStride, rows, depth, n, ref bias, hasBias, relu);
        else
            Gemm<Simd128, Vector128<float>>(ref a, aRow, aDepth, b, ref c, cStride, rows, depth, n, ref bias, hasBias, relu);
    }

    /// <summary>
    /// Row bands of 6, then what remains in one band of 4 (or 6) ending at the last row, overlapping the previous band
    /// when fewer rows remain (C is overwritten, so rows computed twice get the same values). Row counts under 12 that
    /// are multiples of 4 but not of 6 (8 output channels) take bands of 4 throughout; 16 takes 6 + 6 + 4.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gemm<TSimd, TVec>(ref float a, nint aRow, nint aDepth, in BRows b, ref float c, nint cStride,
        int rows, int depth, int n, ref float bias, bool hasBias, bool relu)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        if (rows < 4)
        {
            GemmRows<TSimd, TVec, Rows>(ref a, aRow, aDepth, b, ref c, cStride, rows, depth, n, ref bias, hasBias, relu);
            return;
        }
        int r = 0;
        if (rows % 6 == 0 || rows % 4 != 0 || rows >= 12)
            for (; rows - r >= 6; r += 6)
                GemmRows<TSimd, TVec, Rows6>(ref Unsafe.Add(ref a, r * aRow), aRow, aDepth, b, ref Unsafe.Add(ref c, r * cStride), cStride,
                    6, depth, n, ref Unsafe.Add(ref bias, hasBias ? r : 0), hasBias, relu);
        if (rows - r == 5 && rows >= 6)
        {
            r = rows - 6;
            GemmRows<TSimd, TVec, Rows6>(ref Unsafe.Add(ref a, r * aRow), aRow, aDepth, b, ref Unsafe.Add(ref c, r * cStride), cStride,
                6, depth, n, ref Unsafe.Add(ref bias, hasBias ? r : 0), hasBias, relu);
            return;
        }
        for (; r < rows; r += 4)
        {
            int r0 = Math.Min(r, rows - 4);
            GemmRows<TSimd, TVec, Rows4>(ref Unsafe.Add(ref a, r0 * aRow), aRow, aDepth, b, ref Unsafe.Add(ref c, r0 * cStride), cStride,
                4, depth, n, ref Unsafe.Add(ref bias, hasBias ? r0 : 0), hasBias, relu);
        }
    }

    /// <summary>A band's height: a constant (<see cref="Rows6"/>, <see cref="Rows4"/>) or 0 for the run-time count of <see cref="Rows"/>.</summary>
    private interface IRows
    {
        static abstract int Height { get; }
    }

    private readonly struct Rows6 : IRows { public static int Height => 6; }
    private readonly struct Rows4 : IRows { public static int Height => 4; }
    private readonly struct Rows : IRows { public static int Height => 0; }

    /// <summary>One band of rows: column blocks of 2 vectors, then 1, the last ending at n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void GemmRows<TSimd, TVec, TRows>(ref float a, nint aRow, nint aDepth, in BRows b, ref float c, nint cStride,
        int height, int depth, int n, ref float bias, bool hasBias, bool relu)
        where TSimd : struct, ISimd<TVec> where TVec : struct where TRows : struct, IRows
    {
        int width = TSimd.Width, j = 0;
        nint next = b.Next(width), bStride = b.Stride, half = b.Half;
        bool pool = b.Pool;
        int quarter = pool ? 2 : 0; // pooled, column j lands at j / 4 (a shift: a division per block cost more than the pooling)
        ref nint steps = ref b.Steps;
        int samples = b.Samples;
        nint sampleB = b.SampleB, sampleC = b.SampleC;
        for (; j + 2 * width <= n; j += 2 * width)
            GemmBlock<TSimd, TVec, TRows>(ref a, aRow, aDepth, ref Unsafe.Add(ref b.Start, b.Column(j, width)), bStride, ref steps, next, half,
                ref Unsafe.Add(ref c, j >> quarter), cStride, height, 2, depth, ref bias, hasBias, relu, pool, samples, sampleB, sampleC);
        if (j < n)
        {
            // One or two more vectors, the last ending at n (overlapping the previous block when n is not a multiple of the width).
            int last = n - width;
            if (last > j)
                GemmBlock<TSimd, TVec, TRows>(ref a, aRow, aDepth, ref Unsafe.Add(ref b.Start, b.Column(j, width)), bStride, ref steps, next, half,
                    ref Unsafe.Add(ref c, j >> quarter), cStride, height, 1, depth, ref bias, hasBias, relu, pool, samples, sampleB, sampleC);
            GemmBlock<TSimd, TVec, TRows>(ref a, aRow, aDepth, ref Unsafe.Add(ref b.Start, b.Column(last, width)), bStride, ref steps, next, half,
                ref Unsafe.Add(ref c, last >> quarter), cStride, height, 1, depth, ref bias, hasBias, relu, pool, samples, sampleB, sampleC);
        }
    }

    /// <summary>
    /// One register block: <c>TRows.Height</c> (or, when that is 0, <paramref name="height"/> &lt; 4) rows ×
    /// <paramref name="vectors"/> (1 or 2) vectors. Not inlined: compiled alone per block shape, the loop keeps its
    /// pointers and counter in registers (inlined into the band loop, the JIT spilled the counter every iteration).
    /// B's rows are <paramref name="bStride"/> apart, or <paramref name="steps"/> apart when it is not null; its second
    /// vector is <paramref name="next"/> floats after the first; with <paramref name="half"/> ≠ 0 each vector is two halves that far apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GemmBlock<TSimd, TVec, TRows>(ref float a, nint aRow, nint aDepth, ref float b, nint bStride, ref nint steps, nint next, nint half,
        ref float c, nint cStride, int height, int vectors, int depth, ref float bias, bool hasBias, bool relu, bool pool, int samples, nint sampleB, nint sampleC)
        where TSimd : struct, ISimd<TVec> where TVec : struct where TRows : struct, IRows
    {
        // One method per way of reading B, each with a body per vector count, so that every branch in the loop is on a
        // constant (all six bodies in one method passed the JIT's limit of tracked locals: the accumulators went to memory).
        if (Unsafe.IsNullRef(ref steps)) BlockRows<TSimd, TVec, TRows>(ref a, aRow, aDepth, ref b, bStride, ref c, cStride, height, vectors, depth, ref bias, hasBias, relu);
        else if (half == 0) BlockGathered<TSimd, TVec, TRows>(ref a, aRow, aDepth, ref b, ref steps, next, ref c, cStride, height, vectors, depth, ref bias, hasBias, relu, pool, samples, sampleB, sampleC);
        else BlockHalves<TSimd, TVec, TRows>(ref a, aRow, aDepth, ref b, ref steps, next, half, ref c, cStride, height, vectors, depth, ref bias, hasBias, relu, pool, samples, sampleB, sampleC);
    }

    /// <summary>A block with B row-major, rows <paramref name="bStride"/> apart.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void BlockRows<TSimd, TVec, TRows>(ref float a, nint aRow, nint aDepth, ref float b, nint bStride,
        ref float c, nint cStride, int height, int vectors, int depth, ref float bias, bool hasBias, bool relu)
        where TSimd : struct, ISimd<TVec> where TVec : struct where TRows : struct, IRows
    {
        if (TRows.Height != 0) height = TRows.Height;
        if (vectors > 1) GemmBlock<TSimd, TVec>(ref a, aRow, aDepth, ref b, bStride, ref Unsafe.NullRef<nint>(), false, TSimd.Width, false, 0, ref c, cStride, height, 2, depth, ref bias, hasBias, relu, false);
        else GemmBlock<TSimd, TVec>(ref a, aRow, aDepth, ref b, bStride, ref Unsafe.NullRef<nint>(), false, TSimd.Width, false, 0, ref c, cStride, height, 1, depth, ref bias, hasBias, relu, false);
    }

    /// <summary>A block with B gathered (<see cref="GemmGathered"/>), whole vectors, for each sample of the call.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void BlockGathered<TSimd, TVec, TRows>(ref float a, nint aRow, nint aDepth, ref float b, ref nint steps, nint next,
        ref float c, nint cStride, int height, int vectors, int depth, ref float bias, bool hasBias, bool relu, bool pool, int samples, nint sampleB, nint sampleC)
        where TSimd : struct, ISimd<TVec> where TVec : struct where TRows : struct, IRows
    {
        if (TRows.Height != 0) height = TRows.Height;
        for (int s = 0; s < samples; s++, b = ref Unsafe.Add(ref b, sampleB), c = ref Unsafe.Add(ref c, sampleC))
        {
            if (vectors > 1) GemmBlock<TSimd, TVec>(ref a, aRow, aDepth, ref b, 0, ref steps, true, next, false, 0, ref c, cStride, height, 2, depth, ref bias, hasBias, relu, pool);
            else GemmBlock<TSimd, TVec>(ref a, aRow, aDepth, ref b, 0, ref steps, true, next, false, 0, ref c, cStride, height, 1, depth, ref bias, hasBias, relu, pool);
        }
    }

    /// <summary>A block with B gathered, each vector two half-vector segments <paramref name="half"/> apart, for each sample of the call.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void BlockHalves<TSimd, TVec, TRows>(ref float a, nint aRow, nint aDepth, ref float b, ref nint steps, nint next, nint half,
        ref float c, nint cStride, int height, int vectors, int depth, ref float bias, bool hasBias, bool relu, bool pool, int samples, nint sampleB, nint sampleC)
        where TSimd : struct, ISimd<TVec> where TVec : struct where TRows : struct, IRows
    {
        if (TRows.Height != 0) height = TRows.Height;
        for (int s = 0; s < samples; s++, b = ref Unsafe.Add(ref b, sampleB), c = ref Unsafe.Add(ref c, sampleC))
        {
            if (vectors > 1) GemmBlock<TSimd, TVec>(ref a, aRow, aDepth, ref b, 0, ref steps, true, next, true, half, ref c, cStride, height, 2, depth, ref bias, hasBias, relu, pool);
            else GemmBlock<TSimd, TVec>(ref a, aRow, aDepth, ref b, 0, ref steps, true, next, true, half, ref c, cStride, height, 1, depth, ref bias, hasBias, relu, pool);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void GemmBlock<TSimd, TVec>(ref float a, nint aRow, nint aDepth, ref float b, nint bStride, ref nint steps, bool gathered, nint next,
        bool halves, nint half, ref float c, nint cStride, int height, int vectors, int depth, ref float bias, bool hasBias, bool relu, bool pool)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        TVec c00, c10 = default, c20 = default, c30 = default, c40 = default, c50 = default;
        if (hasBias)
        {
            c00 = TSimd.Broadcast(bias);
            if (height > 1) c10 = TSimd.Broadcast(Unsafe.Add(ref bias, 1));
            if (height > 2) c20 = TSimd.Broadcast(Unsafe.Add(ref bias, 2));
            if (height > 3) c30 = TSimd.Broadcast(Unsafe.Add(ref bias, 3));
            if (height > 4) c40 = TSimd.Broadcast(Unsafe.Add(ref bias, 4));
            if (height > 5) c50 = TSimd.Broadcast(Unsafe.Add(ref bias, 5));
        }
        else
        {
            c00 = c10 = c20 = c30 = c40 = c50 = TSimd.Zero;
        }
        TVec c01 = c00, c11 = c10, c21 = c20, c31 = c30, c41 = c40, c51 = c50;
        // Rows 3 to 5 of A read from a base of their own, so that each row is one address mode (a base plus 0, 1 or 2
        // strides); B's halves are one address mode each too, and every test in the loop is on a constant. (The digits
        // CNN's second convolution on AVX2: 31 instructions per depth for 12 FMAs, from 33 and a branch; it runs at the
        // FMA peak either way, so the time did not move.)
        ref float ak = ref a, a3 = ref Unsafe.Add(ref a, 3 * aRow);
        ref float bk = ref b;
        nint end = depth, nextHalf = next + half;
        for (nint k = 0; k < end; k++)
        {
            TVec b0 = halves ? TSimd.LoadHalves(ref bk, 0, half) : TSimd.Load(ref bk, 0);
            TVec b1 = vectors < 2 ? default : halves ? TSimd.LoadHalves(ref bk, next, nextHalf) : TSimd.Load(ref bk, next);
            TVec g = TSimd.Broadcast(ak);
            c00 = TSimd.MulAdd(g, b0, c00); if (vectors > 1) c01 = TSimd.MulAdd(g, b1, c01);
            if (height > 1)
            {
                g = TSimd.Broadcast(Unsafe.Add(ref ak, aRow));
                c10 = TSimd.MulAdd(g, b0, c10); if (vectors > 1) c11 = TSimd.MulAdd(g, b1, c11);
            }
            if (height > 2)
            {
                g = TSimd.Broadcast(Unsafe.Add(ref ak, 2 * aRow));
                c20 = TSimd.MulAdd(g, b0, c20); if (vectors > 1) c21 = TSimd.MulAdd(g, b1, c21);
            }
            if (height > 3)
            {
                g = TSimd.Broadcast(a3);
                c30 = TSimd.MulAdd(g, b0, c30); if (vectors > 1) c31 = TSimd.MulAdd(g, b1, c31);
            }
            if (height > 4)
            {
                g = TSimd.Broadcast(Unsafe.Add(ref a3, aRow));
                c40 = TSimd.MulAdd(g, b0, c40); if (vectors > 1) c41 = TSimd.MulAdd(g, b1, c41);
            }
            if (height > 5)
            {
                g = TSimd.Broadcast(Unsafe.Add(ref a3, 2 * aRow));
                c50 = TSimd.MulAdd(g, b0, c50); if (vectors > 1) c51 = TSimd.MulAdd(g, b1, c51);
            }
            ak = ref Unsafe.Add(ref ak, aDepth);
            if (height > 3) a3 = ref Unsafe.Add(ref a3, aDepth);
            bk = ref Unsafe.Add(ref bk, gathered ? Unsafe.Add(ref steps, k) : bStride);
        }
        if (pool)
        {
            // Pooled in registers (a branch per block, not per depth): each row's two vectors, output rows 2q and 2q + 1,
            // become its pooled row q.
            PoolRow<TSimd, TVec>(c00, c01, ref c, relu);
            if (height > 1) PoolRow<TSimd, TVec>(c10, c11, ref Unsafe.Add(ref c, cStride), relu);
            if (height > 2) PoolRow<TSimd, TVec>(c20, c21, ref Unsafe.Add(ref c, 2 * cStride), relu);
            if (height > 3) PoolRow<TSimd, TVec>(c30, c31, ref Unsafe.Add(ref c, 3 * cStride), relu);
            if (height > 4) PoolRow<TSimd, TVec>(c40, c41, ref Unsafe.Add(ref c, 4 * cStride), relu);
            if (height > 5) PoolRow<TSimd, TVec>(c50, c51, ref Unsafe.Add(ref c, 5 * cStride), relu);
            return;
        }
        StoreRow<TSimd, TVec>(c00, c01, ref c, vectors, relu);
        if (height > 1) StoreRow<TSimd, TVec>(c10, c11, ref Unsafe.Add(ref c, cStride), vectors, relu);
        if (height > 2) StoreRow<TSimd, TVec>(c20, c21, ref Unsafe.Add(ref c, 2 * cStride), vectors, relu);
        if (height > 3) StoreRow<TSimd, TVec>(c30, c31, ref Unsafe.Add(ref c, 3 * cStride), vectors, relu);
        if (height > 4) StoreRow<TSimd, TVec>(c40, c41, ref Unsafe.Add(ref c, 4 * cStride), vectors, relu);
        if (height > 5) StoreRow<TSimd, TVec>(c50, c51, ref Unsafe.Add(ref c, 5 * cStride), vectors, relu);
    }

    /// <summary>One row of C's block, pooled: its two vectors are output rows 2q and 2q + 1, their pooled row half a vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PoolRow<TSimd, TVec>(TVec top, TVec bottom, ref float c, bool relu)
        where TSimd : struct, ISimd<TVec> where TVec : struct =>
        PooledLanes.StoreRows<TSimd, TVec>(relu ? TSimd.Relu(top) : top, relu ? TSimd.Relu(bottom) : bottom, ref c);

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void StoreRow<TSimd, TVec>(TVec v0, TVec v1, ref float c, int vectors, bool relu)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        TSimd.Store(relu ? TSimd.Relu(v0) : v0, ref c, 0);
        if (vectors > 1) TSimd.Store(relu ? TSimd.Relu(v1) : v1, ref c, TSimd.Width);
    }

    /// <summary>The scalar form of <see cref="Gemm"/>: each row of C from its bias (or 0), accumulated over k, B read in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GemmScalar(ref float a, nint aRow, nint aDepth, ref float b, nint bStride, ref float c, nint cStride,
        int rows, int depth, int n, ref float bias, bool hasBias, bool relu)
    {
        for (int r = 0; r < rows; r++)
        {
            ref float cr = ref Unsafe.Add(ref c, r * cStride);
            float start = hasBias ? Unsafe.Add(ref bias, r) : 0f;
            for (int j = 0; j < n; j++) Unsafe.Add(ref cr, j) = start;
            for (int k = 0; k < depth; k++)
            {
                float ark = Unsafe.Add(ref a, r * aRow + k * aDepth);
                ref float bk = ref Unsafe.Add(ref b, k * bStride);
                for (int j = 0; j < n; j++) Unsafe.Add(ref cr, j) += ark * Unsafe.Add(ref bk, j);
            }
            if (relu)
                for (int j = 0; j < n; j++) Unsafe.Add(ref cr, j) = MathF.Max(Unsafe.Add(ref cr, j), 0f);
        }
    }
}
