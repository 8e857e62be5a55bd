using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace StaticNet.Kernels;

/// <summary>
/// C = init + A·B for the dense layers, in the manner of BLIS/OpenBLAS: B in panels of one or two vectors' width (packed
/// once by <see cref="PackB"/>, or read in place when its rows are contiguous), and a register tile of MR rows × one or
/// two vectors of C computed by broadcasting each value of A into FMAs with the panel's row. The loops around the tile
/// block for the caches: KC = <see cref="DepthBlock"/> values of the depth at a time (a tile of A and a slice of a B
/// panel stay in L1; <see cref="PackedDepthBlock"/> with B packed), MC = <see cref="RowBlock"/> rows of A at a time (they
/// stay in L2 while every panel of B passes).
/// </summary>
/// <remarks>
/// <para>The tile's shape is sized to the register file, so that no accumulator spills: with 16 vector registers (x64
/// AVX2 and SSE) 6 rows × 2 vectors or 12 rows × 1 vector (12 accumulators, 2 panel vectors, 1 broadcast); with 32
/// (AVX-512, ARM64 NEON) 12 rows × 2 vectors (24 accumulators). A panel of one vector serves layers no wider than a
/// vector (10 classes on AVX2 would waste 6 of 16 lanes otherwise). A is read in place, except where packing it into
/// tiles of interleaved rows measured faster (see <see cref="Run"/>).</para>
/// <para>Each tile shape is its own method (<see cref="Tiles"/>), called once per block of rows and panel. Rows of A read
/// in place that do not fill a last tile take a tile of exactly their height (measured on the digits' weight gradients,
/// Zen 4: 10 rows as 6 + 4, not 6 + a padded 6, 13 → 6.5 µs). Edge tiles (a partial last panel of C, a packed A's last
/// rows) are computed in full into a scratch tile and copied out. Each call rents its scratch, so calls are thread-safe
/// and, after warm-up, allocation-free.</para>
/// </remarks>
internal static partial class Gemm
{
    /// <summary>Depth (k) per pass.</summary>
    private const int DepthBlock = 256;

    /// <summary>
    /// Depth per pass with B packed (the forward products): deeper, so that C is loaded and stored once per tile, not
    /// once per 256 depths; the panel's slice streams from L2 (784 × 16 floats on AVX2: 50 KB). Measured on 784 → 512,
    /// Zen 4: AVX2 95 → 109 GFLOP/s for 1,000 rows and 110 → 115 for 334; 128-bit +3–5 %. With B read in place (the
    /// backward products, 1,797 deep in the digits' weight gradients) the deeper pass measured slower, so those keep 256.
    /// </summary>
    private const int PackedDepthBlock = 1024;

    /// <summary>Rows of A per packed block: a multiple of every tile height (6, 8 and 12).</summary>
    private const int RowBlock = 96;

    /// <summary>Floats of scratch (16 KB) that <see cref="Blocks"/> keeps on the stack rather than renting.</summary>
    private const int MaxStackScratch = 4096;

    /// <summary>The grain of a split over threads: a multiple of every tile height, so only the last part has a row edge.</summary>
    private const int SplitRows = 24;


    /// <summary>The widest accelerated vector, in floats: the panel unit. Gemm needs a Vector128 at least.</summary>
    public static int Width
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.IsHardwareAccelerated ? Vector512<float>.Count : Vector256.IsHardwareAccelerated ? Vector256<float>.Count : Vector128<float>.Count;
    }

    /// <summary>Floats per panel row for a C (and B) of <paramref name="n"/> columns: one vector when n fits one, else two.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int PanelWidth(int n) => n <= Width ? Width : 2 * Width;

    /// <summary>Floats of <see cref="PackB"/>'s output for a depth of <paramref name="k"/> and <paramref name="n"/> columns (zero-padded to whole panels).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int PackedLength(int k, int n)
    {
        int w = PanelWidth(n);
        return (n + w - 1) / w * w * k;
    }

    /// <summary>Vector registers: 32 on AVX-512 and ARM64, 16 on x64 without AVX-512.</summary>
    private static bool WideRegisterFile => Vector512.IsHardwareAccelerated || AdvSimd.IsSupported;

    /// <summary>
    /// Packs B[p, j] = src[p·<paramref name="pStride"/> + j·<paramref name="jStride"/>] (p &lt; k, j &lt; n) into panels: panel
    /// q holds columns q·w … q·w + w − 1 (w = <see cref="PanelWidth"/>), row by row, zeros past column n.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(ref float src, nint pStride, nint jStride, int k, int n, Span<float> packed)
    {
        int w = PanelWidth(n);
        if (packed.Length < PackedLength(k, n)) throw new ArgumentException($"Packed B needs {PackedLength(k, n)} floats, but the span has {packed.Length}.", nameof(packed));
        ref float dst = ref MemoryMarshal.GetReference(packed);
        for (int j0 = 0; j0 < n; j0 += w)
        {
            int cols = Math.Min(w, n - j0);
            ref float panel = ref Unsafe.Add(ref dst, (nint)j0 * k);
            if (jStride == 1)
            {
                // Rows of the source are rows of the panel: copies.
                for (int p = 0; p < k; p++)
                {
                    ref float row = ref Unsafe.Add(ref panel, (nint)p * w);
                    ref float from = ref Unsafe.Add(ref src, p * pStride + j0);
                    if (cols == w)
                    {
                        // A whole panel row: a few vector moves (a span copy per row costs a call each).
                        for (nint x = 0; x < w; x += Vector128<float>.Count) Vector128.LoadUnsafe(ref from, (nuint)x).StoreUnsafe(ref row, (nuint)x);
                        continue;
                    }
                    MemoryMarshal.CreateReadOnlySpan(ref from, cols).CopyTo(MemoryMarshal.CreateSpan(ref row, cols));
                    MemoryMarshal.CreateSpan(ref Unsafe.Add(ref row, cols), w - cols).Clear();
                }
                continue;
            }
            // A transposition (B = Wᵀ of a weight W[n, k] stored by rows): 8 × 8 blocks with AVX, then the rest element
            // by element, in blocks of 8 depths so that each source row is read 32 bytes at a time.
            int fast = Avx.IsSupported && pStride == 1 ? cols / 8 * 8 : 0, deep = k / 8 * 8;
            for (int j = 0; j < fast; j += 8)
                for (int p0 = 0; p0 < deep; p0 += 8)
                    Transposes.Block8(ref Unsafe.Add(ref src, (j0 + j) * jStride + p0), jStride, ref Unsafe.Add(ref panel, (nint)p0 * w + j), w);
            for (int p0 = 0; p0 < k; p0 += 8)
            {
                int depth = Math.Min(8, k - p0);
                for (int j = p0 < deep ? fast : 0; j < cols; j++)
                {
                    ref float s = ref Unsafe.Add(ref src, (j0 + j) * jStride + p0 * pStride);
                    for (int p = 0; p < depth; p++) Unsafe.Add(ref panel, (nint)(p0 + p) * w + j) = Unsafe.Add(ref s, p * pStride);
                }
                for (int p = 0; p < depth; p++)
                    for (int j = cols; j < w; j++) Unsafe.Add(ref panel, (nint)(p0 + p) * w + j) = 0f;
            }
        }
    }

    /// <summary>
    /// C[i, j] = init + Σₚ A[i·aRow + p·aDepth]·B[p, j] for i &lt; m, j &lt; n, with B packed by <see cref="PackB"/>; init is
    /// <paramref name="bias"/>[j] (or 0 when it is empty), or C's own value when <paramref name="accumulate"/>; then ReLU
    /// when <paramref name="relu"/>. C is row-major with rows <paramref name="ldc"/> apart; nothing past column n is written.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(ref float a, nint aRow, nint aDepth, ReadOnlySpan<float> packedB, ref float c, nint ldc,
        int m, int n, int k, ReadOnlySpan<float> bias, bool accumulate, bool relu)
    {
        if (packedB.Length < PackedLength(k, n)) throw new ArgumentException($"Packed B needs {PackedLength(k, n)} floats, but the span has {packedB.Length}.", nameof(packedB));
        if (!bias.IsEmpty && bias.Length < n) throw new ArgumentException($"The bias needs {n} floats, but the span has {bias.Length}.", nameof(bias));
        if (m == 0 || n == 0) return;
        Core(ref a, aRow, aDepth, ref MemoryMarshal.GetReference(packedB), Packed, ref c, ldc, m, n, k, bias, accumulate, relu, ref Unsafe.NullRef<float>());
    }

    /// <summary>
    /// <see cref="Multiply"/> with B read where it is, row-major: B[p, j] = b[p·<paramref name="ldb"/> + j], no packing
    /// (only a last, partial panel is copied, so nothing past column n of a row is read). For the backward products,
    /// whose B (activations, weights) is already laid out by rows. With a <paramref name="mask"/> (C's layout, rows ldc
    /// apart), C[i, j] is kept where mask[i·ldc + j] &gt; 0 and is 0 elsewhere: the gradient through a ReLU whose output
    /// the mask is, as <see cref="Activations.ReLUBackward"/> computes it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyByRows(ref float a, nint aRow, nint aDepth, ref float b, nint ldb, ref float c, nint ldc,
        int m, int n, int k, ReadOnlySpan<float> bias, bool accumulate, bool relu, ReadOnlySpan<float> mask = default)
    {
        if (ldb < n) throw new ArgumentException($"B's rows are {ldb} floats apart, fewer than its {n} columns.", nameof(ldb));
        if (!bias.IsEmpty && bias.Length < n) throw new ArgumentException($"The bias needs {n} floats, but the span has {bias.Length}.", nameof(bias));
        if (m == 0 || n == 0) return;
        if (!mask.IsEmpty && mask.Length < (m - 1) * ldc + n) throw new ArgumentException($"The mask needs {(m - 1) * ldc + n} floats, but the span has {mask.Length}.", nameof(mask));
        Core(ref a, aRow, aDepth, ref b, ldb, ref c, ldc, m, n, k, bias, accumulate, relu,
            ref mask.IsEmpty ? ref Unsafe.NullRef<float>() : ref MemoryMarshal.GetReference(mask));
    }

    /// <summary>The value of ldb that means "B is packed by <see cref="PackB"/>".</summary>
    private const nint Packed = -1;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Core(ref float a, nint aRow, nint aDepth, ref float b, nint ldb, ref float c, nint ldc,
        int m, int n, int k, ReadOnlySpan<float> bias, bool accumulate, bool relu, ref float mask)
    {
        int parts = Parallelism.PartsFor(2.0 * m * n * k, m / SplitRows);
        // A stays pinned: the kernel broadcasts its values by pointer (ISimd.BroadcastPinned).
        fixed (float* pinned = &a)
        {
            if (parts > 1) MultiplyInParts(ref a, aRow, aDepth, ref b, ldb, ref c, ldc, m, n, k, bias, accumulate, relu, ref mask, parts);
            else Dispatch(ref a, aRow, aDepth, ref b, ldb, ref c, ldc, m, n, k, bias, accumulate, relu, ref mask);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dispatch(ref float a, nint aRow, nint aDepth, ref float b, nint ldb, ref float c, nint ldc,
        int m, int n, int k, ReadOnlySpan<float> bias, bool accumulate, bool relu, ref float mask)
    {
        if (Vector512.IsHardwareAccelerated) Run<Simd512, Vector512<float>>(ref a, aRow, aDepth, ref b, ldb, ref c, ldc, m, n, k, bias, accumulate, relu, ref mask);
        else if (Vector256.IsHardwareAccelerated) Run<Simd256, Vector256<float>>(ref a, aRow, aDepth, ref b, ldb, ref c, ldc, m, n, k, bias, accumulate, relu, ref mask);
        else Run<Simd128, Vector128<float>>(ref a, aRow, aDepth, ref b, ldb, ref c, ldc, m, n, k, bias, accumulate, relu, ref mask);
    }

    /// <summary>
    /// The rows of C split over <paramref name="parts"/> threads, whole tiles each, B shared. Every element of C is
    /// the same sum in the same order as on one thread, so the result is bit-identical. The memory is pinned for the
    /// duration, so that the workers can hold it by pointer.
    /// </summary>
    private static unsafe void MultiplyInParts(ref float a, nint aRow, nint aDepth, ref float b, nint ldb, ref float c, nint ldc,
        int m, int n, int k, ReadOnlySpan<float> bias, bool accumulate, bool relu, ref float mask, int parts)
    {
        int rows = (m / parts + SplitRows - 1) / SplitRows * SplitRows;
        fixed (float* pa = &a, pb = &b, pc = &c, pbias = bias, pmask = &mask)
        {
            nint aAddress = (nint)pa, bAddress = (nint)pb, cAddress = (nint)pc, biasAddress = (nint)pbias, maskAddress = (nint)pmask;
            int biasLength = bias.Length;
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
            {
                int first = part * rows, count = Math.Min(rows, m - first);
                if (count <= 0) return;
                Dispatch(ref Unsafe.AsRef<float>((float*)aAddress + first * aRow), aRow, aDepth, ref Unsafe.AsRef<float>((float*)bAddress), ldb,
                    ref Unsafe.AsRef<float>((float*)cAddress + first * ldc), ldc, count, n, k,
                    biasLength == 0 ? default : new ReadOnlySpan<float>((float*)biasAddress, biasLength), accumulate, relu,
                    ref maskAddress == 0 ? ref Unsafe.NullRef<float>() : ref Unsafe.AsRef<float>((float*)maskAddress + first * ldc));
            });
        }
    }

    /// <summary>
    /// The shape of a register tile and how it reads A, as a type: each <see cref="Tiles"/> instantiation is the kernel
    /// for one shape, with every size a constant (a method inlining several shapes exceeds the JIT's inlining budget,
    /// and a kernel taking its sizes as arguments runs with run-time sizes).
    /// </summary>
    private interface ITile
    {
        /// <summary>Rows of C (and of A) per tile.</summary>
        static abstract int Rows { get; }

        /// <summary>Vectors of C per tile row (the panel width in vectors).</summary>
        static abstract int Vectors { get; }

        /// <summary>A is read in place, not from <see cref="PackA"/>'s output.</summary>
        static abstract bool InPlace { get; }

        /// <summary>In place with rows adjacent (A = dyᵀ of the weight gradient): row offsets are constants. Else row-major.</summary>
        static abstract bool UnitRow { get; }
    }

    // Packed A: a[p·rows + r], every offset a constant. 12 rows × 1 vector, or × 2 with 32 registers, 6 × 2 with 16.
    private readonly struct Packed12x1 : ITile { public static int Rows => 12; public static int Vectors => 1; public static bool InPlace => false; public static bool UnitRow => false; }
    private readonly struct Packed12x2 : ITile { public static int Rows => 12; public static int Vectors => 2; public static bool InPlace => false; public static bool UnitRow => false; }
    private readonly struct Packed6x2 : ITile { public static int Rows => 6; public static int Vectors => 2; public static bool InPlace => false; public static bool UnitRow => false; }
    // A = dyᵀ in place: a[r + p·aDepth], row offsets constant, so as many rows as packed.
    private readonly struct UnitRow12x1 : ITile { public static int Rows => 12; public static int Vectors => 1; public static bool InPlace => true; public static bool UnitRow => true; }
    private readonly struct UnitRow12x2 : ITile { public static int Rows => 12; public static int Vectors => 2; public static bool InPlace => true; public static bool UnitRow => true; }
    private readonly struct UnitRow6x2 : ITile { public static int Rows => 6; public static int Vectors => 2; public static bool InPlace => true; public static bool UnitRow => true; }
    // Row-major activations in place: a[r·aRow + p], one register per row offset, so at most 8 rows.
    private readonly struct RowMajor8x1 : ITile { public static int Rows => 8; public static int Vectors => 1; public static bool InPlace => true; public static bool UnitRow => false; }
    private readonly struct RowMajor8x2 : ITile { public static int Rows => 8; public static int Vectors => 2; public static bool InPlace => true; public static bool UnitRow => false; }
    private readonly struct RowMajor6x2 : ITile { public static int Rows => 6; public static int Vectors => 2; public static bool InPlace => true; public static bool UnitRow => false; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TSimd, TVec>(ref float a, nint aRow, nint aDepth, ref float b, nint ldb, ref float c, nint ldc,
        int m, int n, int k, ReadOnlySpan<float> bias, bool accumulate, bool relu, ref float mask)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        if (typeof(TVec) == typeof(Vector256<float>) && !bias.IsEmpty && NarrowFits(aDepth, ldb, m, n, k, accumulate, ref mask))
        {
            // A few more columns than a vector: transposed, in blocks of rows; the last rows (fewer than a block) in panels.
            int done = Narrow(ref a, aRow, ref b, ref MemoryMarshal.GetReference(bias), ref c, ldc, m, n, k, relu);
            if (done == m) return;
            a = ref Unsafe.Add(ref a, done * aRow);
            c = ref Unsafe.Add(ref c, done * ldc);
            m -= done;
        }
        bool one = n <= TSimd.Width, wide = WideRegisterFile;
        int panels = (n + (one ? 1 : 2) * TSimd.Width - 1) / ((one ? 1 : 2) * TSimd.Width);
        // A is packed only where that measured faster: for other strides (it must), and for A = dyᵀ (rows adjacent, each
        // depth a few floats of another row of dy) when many panels reuse it. Row-major A (activations) is read in place:
        // its rows are contiguous, and packing them cost more than it saved at every size measured (64 to 784 wide).
        if ((aRow == 1 && panels >= 8) || (aRow != 1 && aDepth != 1))
        {
            if (one) Blocks<TSimd, TVec, Packed12x1>(ref a, aRow, aDepth, ref b, ldb, ref c, ldc, m, n, k, bias, accumulate, relu, ref mask);
            else if (wide) Blocks<TSimd, TVec, Packed12x2>(ref a, aRow, aDepth, ref b, ldb, ref c, ldc, m, n, k, bias, accumulate, relu, ref mask);
            else Blocks<TSimd, TVec, Packed6x2>(ref a, aRow, aDepth, ref b, ldb, ref c, ldc, m, n, k, bias, accumulate, relu, ref mask);
        }
        else if (aRow == 1)
        {
            if (one) Blocks<TSimd, TVec, UnitRow12x1>(ref a, aRow, aDepth, ref b, ldb, ref c, ldc, m, n, k, bias, accumulate, relu, ref mask);
            else if (wide) Blocks<TSimd, TVec, UnitRow12x2>(ref a, aRow, aDepth, ref b, ldb, ref c, ldc, m, n, k, bias, accumulate, relu, ref mask);
            else Blocks<TSimd, TVec, UnitRow6x2>(ref a, aRow, aDepth, ref b, ldb, ref c, ldc, m, n, k, bias, accumulate, relu, ref mask);
        }
        else
        {
            if (one) Blocks<TSimd, TVec, RowMajor8x1>(ref a, aRow, aDepth, ref b, ldb, ref c, ldc, m, n, k, bias, accumulate, relu, ref mask);
            else if (wide) Blocks<TSimd, TVec, RowMajor8x2>(ref a, aRow, aDepth, ref b, ldb, ref c, ldc, m, n, k, bias, accumulate, relu, ref mask);
            else Blocks<TSimd, TVec, RowMajor6x2>(ref a, aRow, aDepth, ref b, ldb, ref c, ldc, m, n, k, bias, accumulate, relu, ref mask);
        }
    }

    /// <summary>
    /// The blocked loops for one tile shape: <typeparamref name="TMain"/>, read in place or from <see cref="PackA"/>'s
    /// zero-padded tiles; rows in place that do not fill a last tile take a remainder tile of exactly their number.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Blocks<TSimd, TVec, TMain>(ref float a, nint aRow, nint aDepth, ref float b, nint ldb, ref float c, nint ldc,
        int m, int n, int k, ReadOnlySpan<float> bias, bool accumulate, bool relu, ref float mask)
        where TSimd : struct, ISimd<TVec> where TVec : struct where TMain : struct, ITile
    {
        int w = TMain.Vectors * TSimd.Width, mr = TMain.Rows;
        int panels = (n + w - 1) / w;
        // Depth blocks of equal size (784 = 4 × 196, not 3 × 256 + 16: a short last block is all tile overhead).
        int depthBlock = ldb == Packed ? PackedDepthBlock : DepthBlock;
        int depthBlocks = (k + depthBlock - 1) / depthBlock, kcMax = (k + depthBlocks - 1) / depthBlocks;
        int mcMax = Math.Min(RowBlock, (m + mr - 1) / mr * mr);
        // Scratch: packed A (none in place), the bias padded to whole panels, and (B in place) a copy of a partial last
        // panel. Small scratch lives on the stack: renting costs more than a small product's work.
        int packedA = TMain.InPlace ? 0 : mcMax * kcMax, length = packedA + panels * w + (ldb == Packed ? 0 : kcMax * w);
        float[]? rented = null;
        Span<float> scratch = length <= MaxStackScratch ? stackalloc float[MaxStackScratch] : (rented = ArrayPool<float>.Shared.Rent(length));
        Span<float> paddedBias = scratch.Slice(packedA, panels * w);
        ref float partial = ref MemoryMarshal.GetReference(scratch.Slice(packedA + panels * w));
        paddedBias.Clear();
        bias.Slice(0, bias.IsEmpty ? 0 : n).CopyTo(paddedBias);
        Span<float> edge = stackalloc float[12 * 2 * Vector512<float>.Count];
        ref float bp0 = ref MemoryMarshal.GetReference(paddedBias);
        ref float ap0 = ref MemoryMarshal.GetReference(scratch);
        ref float t = ref MemoryMarshal.GetReference(edge);

        // A partial last panel stores whole vectors, spilling into the start of the next row, when that is safe: C's rows
        // are contiguous (ldc = n), so the spill lands on values that the next row's store or a later panel overwrites,
        // and C is written only once (one depth block, no accumulation), so nothing reads a spill. Then only the rows
        // whose spill would pass the end of C take the scratch tile (measured on 10 classes: every tile was an edge).
        // The scratch (packed tiles of A) stays pinned, as A does: the kernel broadcasts from it by pointer.
        fixed (float* pinned = scratch)
        {
            bool spill = ldc == n && depthBlocks == 1 && !accumulate && n % w != 0;
            long end = (long)m * ldc;
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                bool add = accumulate || pc > 0, final = pc + kc == k, last = relu && final;
                for (int ic = 0; ic < m; ic += RowBlock)
                {
                    int mc = Math.Min(RowBlock, m - ic);
                    ref float block = ref Unsafe.Add(ref a, ic * aRow + pc * aDepth);
                    if (!TMain.InPlace) PackA(ref block, aRow, aDepth, mc, kc, mr, ref ap0);
                    for (int qi = 0; qi < panels; qi++)
                    {
                        // With spills (below) the partial last panel goes first, so the later panels overwrite what it spills.
                        int q = spill ? (qi + panels - 1) % panels : qi;
                        int cols = Math.Min(w, n - q * w);
                        // The panel's kc rows: packed, in place (rows ldb apart), or a partial last panel copied and zero-padded.
                        scoped ref float panel = ref Unsafe.Add(ref b, (nint)q * k * w + (nint)pc * w);
                        nint bStride = w;
                        if (ldb != Packed)
                        {
                            ref float rows = ref Unsafe.Add(ref b, (nint)pc * ldb + q * w);
                            if (cols == w)
                            {
                                panel = ref rows;
                                bStride = ldb;
                            }
                            else
                            {
                                // Copied once per block of rows of A, for every tile of it: a small price for the last panel.
                                for (int p = 0; p < kc; p++)
                                {
                                    ref float to = ref Unsafe.Add(ref partial, (nint)p * w);
                                    MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref rows, p * ldb), cols).CopyTo(MemoryMarshal.CreateSpan(ref to, cols));
                                    MemoryMarshal.CreateSpan(ref Unsafe.Add(ref to, cols), w - cols).Clear();
                                }
                                panel = ref partial;
                            }
                        }
                        ref float panelBias = ref Unsafe.Add(ref bp0, q * w);
                        ref float blockC = ref Unsafe.Add(ref c, ic * ldc + q * w);
                        // The mask applies once C is complete, after the last depth block.
                        ref float blockMask = ref !final || Unsafe.IsNullRef(ref mask) ? ref Unsafe.NullRef<float>() : ref Unsafe.Add(ref mask, ic * ldc + q * w);
                        var column = new Column(ref blockC, ldc, ref panel, bStride, kc, ref panelBias, add, last, ref blockMask, ref t, w, cols,
                            spill ? end - (long)ic * ldc - q * w - w : -1);
                        if (TMain.InPlace)
                        {
                            // In place: whole tiles, then a remainder of exactly the rows left.
                            nint rowStride = TMain.UnitRow ? 1 : aRow, depthStride = TMain.UnitRow ? aDepth : 1;
                            int direct = mc / mr * mr;
                            column.Run<TSimd, TVec, TMain>(ref block, mr * aRow, rowStride, depthStride, 0, direct);
                            if (direct < mc) Remainder<TSimd, TVec, TMain>(column, ref Unsafe.Add(ref block, direct * aRow), rowStride, depthStride, direct, mc - direct);
                        }
                        else column.Run<TSimd, TVec, TMain>(ref ap0, mr * kc, 1, mr, 0, mc);
                    }
                }
            }
        }
        if (rented is not null) ArrayPool<float>.Shared.Return(rented);
    }

    /// <summary>
    /// One panel's column of C in a block of rows, and what every tile of it shares: the tiles that can write C directly
    /// run in one <see cref="Tiles"/> call; an edge (a partial last panel, or rows past the real ones) is computed whole
    /// into the scratch tile, then copied out, so nothing past column n or row m is written.
    /// </summary>
    private readonly ref struct Column
    {
        private readonly ref float _c, _panel, _bias, _mask, _scratch;
        private readonly nint _ldc, _bStride, _kc;
        private readonly bool _accumulate, _relu;
        private readonly int _w, _cols;
        /// <summary>Where a tile's last row may start a whole-vector store (spilling past column n), relative to the column; −1: never.</summary>
        private readonly long _spillEnd;

        public Column(ref float c, nint ldc, ref float panel, nint bStride, nint kc, ref float bias, bool accumulate, bool relu,
            ref float mask, ref float scratch, int w, int cols, long spillEnd)
        {
            _c = ref c; _panel = ref panel; _bias = ref bias; _mask = ref mask; _scratch = ref scratch;
            _ldc = ldc; _bStride = bStride; _kc = kc; _accumulate = accumulate; _relu = relu; _w = w; _cols = cols; _spillEnd = spillEnd;
        }

        /// <summary>
        /// Rows <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1 of the block in tiles of
        /// <typeparamref name="TTile"/>, A from <paramref name="a"/> (tile i at + i·<paramref name="aStep"/>); the last
        /// tile may be short only where A is zero-padded, as packed A is.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run<TSimd, TVec, TTile>(ref float a, nint aStep, nint rowStride, nint depthStride, int first, int count)
            where TSimd : struct, ISimd<TVec> where TVec : struct where TTile : struct, ITile
        {
            int mr = TTile.Rows, tiles = (count + mr - 1) / mr, whole = 0;
            // A tile writes C directly when all its rows are real and the panel is whole, or its last row's spill stays in C.
            while (whole < tiles && (whole + 1) * mr <= count
                && (_cols == _w || (_spillEnd >= 0 && (long)(first + whole * mr + mr - 1) * _ldc <= _spillEnd)))
                whole++;
            ref float c = ref Unsafe.Add(ref _c, first * _ldc);
            bool masked = !Unsafe.IsNullRef(ref _mask);
            ref float mask = ref masked ? ref Unsafe.Add(ref _mask, first * _ldc) : ref _mask;
            Tiles<TSimd, TVec, TTile>(ref a, aStep, rowStride, depthStride, ref _panel, _bStride, _kc, ref c, mr * _ldc, _ldc, ref _bias, _accumulate, _relu,
                ref mask, whole);
            for (int tile = whole; tile < tiles; tile++)
            {
                int rows = Math.Min(mr, count - tile * mr);
                ref float tileC = ref Unsafe.Add(ref c, tile * mr * _ldc);
                if (_accumulate) CopyBlock(ref tileC, _ldc, ref _scratch, _w, rows, _cols);
                Tiles<TSimd, TVec, TTile>(ref Unsafe.Add(ref a, tile * aStep), 0, rowStride, depthStride, ref _panel, _bStride, _kc,
                    ref _scratch, 0, _w, ref _bias, _accumulate, _relu, ref Unsafe.NullRef<float>(), 1);
                if (masked) CopyBlockMasked(ref _scratch, _w, ref tileC, _ldc, ref Unsafe.Add(ref mask, tile * mr * _ldc), rows, _cols);
                else CopyBlock(ref _scratch, _w, ref tileC, _ldc, rows, _cols);
            }
        }
    }

    /// <summary>
    /// The last <paramref name="rows"/> (fewer than TMain.Rows) rows of a block, read in place by a tile of exactly that
    /// height: no packing, no padding rows. Each height is its own <see cref="Tiles"/> instance, compiled when first used.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Remainder<TSimd, TVec, TMain>(in Column column, ref float a, nint rowStride, nint depthStride, int first, int rows)
        where TSimd : struct, ISimd<TVec> where TVec : struct where TMain : struct, ITile
    {
        switch (rows)
        {
            case 1: column.Run<TSimd, TVec, Rest<Size1, TMain>>(ref a, 0, rowStride, depthStride, first, 1); break;
            case 2: column.Run<TSimd, TVec, Rest<Size2, TMain>>(ref a, 0, rowStride, depthStride, first, 2); break;
            case 3: column.Run<TSimd, TVec, Rest<Size3, TMain>>(ref a, 0, rowStride, depthStride, first, 3); break;
            case 4: column.Run<TSimd, TVec, Rest<Size4, TMain>>(ref a, 0, rowStride, depthStride, first, 4); break;
            case 5: column.Run<TSimd, TVec, Rest<Size5, TMain>>(ref a, 0, rowStride, depthStride, first, 5); break;
            case 6: column.Run<TSimd, TVec, Rest<Size6, TMain>>(ref a, 0, rowStride, depthStride, first, 6); break;
            case 7: column.Run<TSimd, TVec, Rest<Size7, TMain>>(ref a, 0, rowStride, depthStride, first, 7); break;
            case 8: column.Run<TSimd, TVec, Rest<Size8, TMain>>(ref a, 0, rowStride, depthStride, first, 8); break;
            case 9: column.Run<TSimd, TVec, Rest<Size9, TMain>>(ref a, 0, rowStride, depthStride, first, 9); break;
            case 10: column.Run<TSimd, TVec, Rest<Size10, TMain>>(ref a, 0, rowStride, depthStride, first, 10); break;
            default: column.Run<TSimd, TVec, Rest<Size11, TMain>>(ref a, 0, rowStride, depthStride, first, 11); break;
        }
    }

    /// <summary>A remainder tile: <typeparamref name="TRows"/> rows, TMain's vectors and layout, read in place.</summary>
    private readonly struct Rest<TRows, TMain> : ITile where TRows : struct, ISize where TMain : struct, ITile
    {
        public static int Rows => TRows.Value;
        public static int Vectors => TMain.Vectors;
        public static bool InPlace => true;
        public static bool UnitRow => TMain.UnitRow;
    }

    private readonly struct Size1 : ISize { public static int Value => 1; }
    private readonly struct Size2 : ISize { public static int Value => 2; }
    private readonly struct Size3 : ISize { public static int Value => 3; }
    private readonly struct Size4 : ISize { public static int Value => 4; }
    private readonly struct Size5 : ISize { public static int Value => 5; }
    private readonly struct Size6 : ISize { public static int Value => 6; }
    private readonly struct Size7 : ISize { public static int Value => 7; }
    private readonly struct Size8 : ISize { public static int Value => 8; }
    private readonly struct Size9 : ISize { public static int Value => 9; }
    private readonly struct Size10 : ISize { public static int Value => 10; }
    private readonly struct Size11 : ISize { public static int Value => 11; }

    /// <summary>
    /// <paramref name="count"/> register tiles of <typeparamref name="TTile"/>'s shape (rows × vectors of C, constants)
    /// down a block of rows, one panel, over kc depths: tile i reads A from <paramref name="a0"/> + i·<paramref name="aStep"/>,
    /// at a[r·rowStride + p·depthStride], and writes C from <paramref name="c0"/> + i·<paramref name="cStep"/>, rows
    /// <paramref name="ldc"/> apart; B (<paramref name="bPanel"/>) is a panel of <c>vectors</c> vectors per depth, rows <paramref name="bStride"/> apart.
    /// One method per shape, called once per block and panel, not inlined into the blocked loops: every size in it is a
    /// constant, and no call may appear inside (it would make the JIT keep the accumulators in memory).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Tiles<TSimd, TVec, TTile>(ref float a0, nint aStep, nint rowStride, nint depthStride, ref float bPanel, nint bStride, nint kc,
        ref float c0, nint cStep, nint ldc, ref float bias, bool accumulate, bool relu, ref float mask0, int count)
        where TSimd : struct, ISimd<TVec> where TVec : struct where TTile : struct, ITile
    {
        int rows = TTile.Rows, vectors = TTile.Vectors;
        for (int tile = 0; tile < count; tile++)
        {
            ref float a = ref Unsafe.Add(ref a0, tile * aStep), b = ref bPanel, c = ref Unsafe.Add(ref c0, tile * cStep);
            nint w = TSimd.Width;
            // C's old values, or the bias (the same for every row): one branch, not one per accumulator.
            TVec c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71, c80, c81, c90, c91, c100, c101, c110, c111;
            if (accumulate)
            {
                c00 = TSimd.Load(ref c, 0); c01 = vectors < 2 ? default : TSimd.Load(ref c, w);
                c10 = rows <= 1 ? default : TSimd.Load(ref c, 1 * ldc); c11 = rows <= 1 || vectors < 2 ? default : TSimd.Load(ref c, 1 * ldc + w);
                c20 = rows <= 2 ? default : TSimd.Load(ref c, 2 * ldc); c21 = rows <= 2 || vectors < 2 ? default : TSimd.Load(ref c, 2 * ldc + w);
                c30 = rows <= 3 ? default : TSimd.Load(ref c, 3 * ldc); c31 = rows <= 3 || vectors < 2 ? default : TSimd.Load(ref c, 3 * ldc + w);
                c40 = rows <= 4 ? default : TSimd.Load(ref c, 4 * ldc); c41 = rows <= 4 || vectors < 2 ? default : TSimd.Load(ref c, 4 * ldc + w);
                c50 = rows <= 5 ? default : TSimd.Load(ref c, 5 * ldc); c51 = rows <= 5 || vectors < 2 ? default : TSimd.Load(ref c, 5 * ldc + w);
                c60 = rows <= 6 ? default : TSimd.Load(ref c, 6 * ldc); c61 = rows <= 6 || vectors < 2 ? default : TSimd.Load(ref c, 6 * ldc + w);
                c70 = rows <= 7 ? default : TSimd.Load(ref c, 7 * ldc); c71 = rows <= 7 || vectors < 2 ? default : TSimd.Load(ref c, 7 * ldc + w);
                c80 = rows <= 8 ? default : TSimd.Load(ref c, 8 * ldc); c81 = rows <= 8 || vectors < 2 ? default : TSimd.Load(ref c, 8 * ldc + w);
                c90 = rows <= 9 ? default : TSimd.Load(ref c, 9 * ldc); c91 = rows <= 9 || vectors < 2 ? default : TSimd.Load(ref c, 9 * ldc + w);
                c100 = rows <= 10 ? default : TSimd.Load(ref c, 10 * ldc); c101 = rows <= 10 || vectors < 2 ? default : TSimd.Load(ref c, 10 * ldc + w);
                c110 = rows <= 11 ? default : TSimd.Load(ref c, 11 * ldc); c111 = rows <= 11 || vectors < 2 ? default : TSimd.Load(ref c, 11 * ldc + w);
            }
            else
            {
                TVec i0 = TSimd.Load(ref bias, 0), i1 = vectors < 2 ? default : TSimd.Load(ref bias, w);
                c00 = i0; c01 = i1; c10 = i0; c11 = i1; c20 = i0; c21 = i1; c30 = i0; c31 = i1; c40 = i0; c41 = i1; c50 = i0; c51 = i1;
                c60 = i0; c61 = i1; c70 = i0; c71 = i1; c80 = i0; c81 = i1; c90 = i0; c91 = i1; c100 = i0; c101 = i1; c110 = i0; c111 = i1;
            }
            // Row r of the tile reads A at a + r·rs. Packed and unit-row A have rs = 1, so every offset is a constant. Row-major
            // A in place has a run-time stride: rows 3t … 3t + 2 read from a base of their own (a, a3, a6, a9) at 0, 1 or 2
            // strides, each one address mode, where a multiple of the stride per row would cost an instruction per depth.
            bool unit = !TTile.InPlace || TTile.UnitRow;
            nint rs = unit ? 1 : rowStride, rs2 = 2 * rs; // (a local: the JIT would compute 2·rs once per depth)
            ref float a3 = ref Unsafe.Add(ref a, 3 * rs), a6 = ref Unsafe.Add(ref a, 6 * rs), a9 = ref Unsafe.Add(ref a, 9 * rs);
            for (nint p = kc; p > 0; p--)
            {
                TVec b0 = TSimd.Load(ref b, 0), b1 = vectors > 1 ? TSimd.Load(ref b, w) : default;
                ref float r3 = ref unit ? ref Unsafe.Add(ref a, 3) : ref a3, r6 = ref unit ? ref Unsafe.Add(ref a, 6) : ref a6, r9 = ref unit ? ref Unsafe.Add(ref a, 9) : ref a9;
                TVec g = TSimd.BroadcastPinned(ref a);
                c00 = TSimd.MulAdd(g, b0, c00); if (vectors > 1) c01 = TSimd.MulAdd(g, b1, c01);
                if (rows > 1) { g = TSimd.BroadcastPinned(ref Unsafe.Add(ref a, rs)); c10 = TSimd.MulAdd(g, b0, c10); if (vectors > 1) c11 = TSimd.MulAdd(g, b1, c11); }
                if (rows > 2) { g = TSimd.BroadcastPinned(ref Unsafe.Add(ref a, rs2)); c20 = TSimd.MulAdd(g, b0, c20); if (vectors > 1) c21 = TSimd.MulAdd(g, b1, c21); }
                if (rows > 3) { g = TSimd.BroadcastPinned(ref r3); c30 = TSimd.MulAdd(g, b0, c30); if (vectors > 1) c31 = TSimd.MulAdd(g, b1, c31); }
                if (rows > 4) { g = TSimd.BroadcastPinned(ref Unsafe.Add(ref r3, rs)); c40 = TSimd.MulAdd(g, b0, c40); if (vectors > 1) c41 = TSimd.MulAdd(g, b1, c41); }
                if (rows > 5) { g = TSimd.BroadcastPinned(ref Unsafe.Add(ref r3, rs2)); c50 = TSimd.MulAdd(g, b0, c50); if (vectors > 1) c51 = TSimd.MulAdd(g, b1, c51); }
                if (rows > 6) { g = TSimd.BroadcastPinned(ref r6); c60 = TSimd.MulAdd(g, b0, c60); if (vectors > 1) c61 = TSimd.MulAdd(g, b1, c61); }
                if (rows > 7) { g = TSimd.BroadcastPinned(ref Unsafe.Add(ref r6, rs)); c70 = TSimd.MulAdd(g, b0, c70); if (vectors > 1) c71 = TSimd.MulAdd(g, b1, c71); }
                if (rows > 8) { g = TSimd.BroadcastPinned(ref Unsafe.Add(ref r6, rs2)); c80 = TSimd.MulAdd(g, b0, c80); if (vectors > 1) c81 = TSimd.MulAdd(g, b1, c81); }
                if (rows > 9) { g = TSimd.BroadcastPinned(ref r9); c90 = TSimd.MulAdd(g, b0, c90); if (vectors > 1) c91 = TSimd.MulAdd(g, b1, c91); }
                if (rows > 10) { g = TSimd.BroadcastPinned(ref Unsafe.Add(ref r9, rs)); c100 = TSimd.MulAdd(g, b0, c100); if (vectors > 1) c101 = TSimd.MulAdd(g, b1, c101); }
                if (rows > 11) { g = TSimd.BroadcastPinned(ref Unsafe.Add(ref r9, rs2)); c110 = TSimd.MulAdd(g, b0, c110); if (vectors > 1) c111 = TSimd.MulAdd(g, b1, c111); }
                a = ref Unsafe.Add(ref a, depthStride);
                if (!unit && rows > 3) a3 = ref Unsafe.Add(ref a3, depthStride);
                if (!unit && rows > 6) a6 = ref Unsafe.Add(ref a6, depthStride);
                if (!unit && rows > 9) a9 = ref Unsafe.Add(ref a9, depthStride);
                b = ref Unsafe.Add(ref b, bStride);
            }
            if (relu)
            {
                c00 = TSimd.Relu(c00); c01 = TSimd.Relu(c01);
                c10 = TSimd.Relu(c10); c11 = TSimd.Relu(c11);
                c20 = TSimd.Relu(c20); c21 = TSimd.Relu(c21);
                c30 = TSimd.Relu(c30); c31 = TSimd.Relu(c31);
                c40 = TSimd.Relu(c40); c41 = TSimd.Relu(c41);
                c50 = TSimd.Relu(c50); c51 = TSimd.Relu(c51);
                c60 = TSimd.Relu(c60); c61 = TSimd.Relu(c61);
                c70 = TSimd.Relu(c70); c71 = TSimd.Relu(c71);
                c80 = TSimd.Relu(c80); c81 = TSimd.Relu(c81);
                c90 = TSimd.Relu(c90); c91 = TSimd.Relu(c91);
                c100 = TSimd.Relu(c100); c101 = TSimd.Relu(c101);
                c110 = TSimd.Relu(c110); c111 = TSimd.Relu(c111);
            }
            if (!Unsafe.IsNullRef(ref mask0))
            {
                // Through the ReLU whose output the mask is: kept where mask > 0, else 0.
                ref float mask = ref Unsafe.Add(ref mask0, tile * cStep);
                { c00 = Masked<TSimd, TVec>(c00, ref mask); if (vectors > 1) c01 = Masked<TSimd, TVec>(c01, ref Unsafe.Add(ref mask, w)); }
                if (rows > 1) { c10 = Masked<TSimd, TVec>(c10, ref Unsafe.Add(ref mask, 1 * ldc)); if (vectors > 1) c11 = Masked<TSimd, TVec>(c11, ref Unsafe.Add(ref mask, 1 * ldc + w)); }
                if (rows > 2) { c20 = Masked<TSimd, TVec>(c20, ref Unsafe.Add(ref mask, 2 * ldc)); if (vectors > 1) c21 = Masked<TSimd, TVec>(c21, ref Unsafe.Add(ref mask, 2 * ldc + w)); }
                if (rows > 3) { c30 = Masked<TSimd, TVec>(c30, ref Unsafe.Add(ref mask, 3 * ldc)); if (vectors > 1) c31 = Masked<TSimd, TVec>(c31, ref Unsafe.Add(ref mask, 3 * ldc + w)); }
                if (rows > 4) { c40 = Masked<TSimd, TVec>(c40, ref Unsafe.Add(ref mask, 4 * ldc)); if (vectors > 1) c41 = Masked<TSimd, TVec>(c41, ref Unsafe.Add(ref mask, 4 * ldc + w)); }
                if (rows > 5) { c50 = Masked<TSimd, TVec>(c50, ref Unsafe.Add(ref mask, 5 * ldc)); if (vectors > 1) c51 = Masked<TSimd, TVec>(c51, ref Unsafe.Add(ref mask, 5 * ldc + w)); }
                if (rows > 6) { c60 = Masked<TSimd, TVec>(c60, ref Unsafe.Add(ref mask, 6 * ldc)); if (vectors > 1) c61 = Masked<TSimd, TVec>(c61, ref Unsafe.Add(ref mask, 6 * ldc + w)); }
                if (rows > 7) { c70 = Masked<TSimd, TVec>(c70, ref Unsafe.Add(ref mask, 7 * ldc)); if (vectors > 1) c71 = Masked<TSimd, TVec>(c71, ref Unsafe.Add(ref mask, 7 * ldc + w)); }
                if (rows > 8) { c80 = Masked<TSimd, TVec>(c80, ref Unsafe.Add(ref mask, 8 * ldc)); if (vectors > 1) c81 = Masked<TSimd, TVec>(c81, ref Unsafe.Add(ref mask, 8 * ldc + w)); }
                if (rows > 9) { c90 = Masked<TSimd, TVec>(c90, ref Unsafe.Add(ref mask, 9 * ldc)); if (vectors > 1) c91 = Masked<TSimd, TVec>(c91, ref Unsafe.Add(ref mask, 9 * ldc + w)); }
                if (rows > 10) { c100 = Masked<TSimd, TVec>(c100, ref Unsafe.Add(ref mask, 10 * ldc)); if (vectors > 1) c101 = Masked<TSimd, TVec>(c101, ref Unsafe.Add(ref mask, 10 * ldc + w)); }
                if (rows > 11) { c110 = Masked<TSimd, TVec>(c110, ref Unsafe.Add(ref mask, 11 * ldc)); if (vectors > 1) c111 = Masked<TSimd, TVec>(c111, ref Unsafe.Add(ref mask, 11 * ldc + w)); }
            }
            Store<TSimd, TVec>(c00, c01, ref c, vectors);
            if (rows > 1) Store<TSimd, TVec>(c10, c11, ref Unsafe.Add(ref c, 1 * ldc), vectors);
            if (rows > 2) Store<TSimd, TVec>(c20, c21, ref Unsafe.Add(ref c, 2 * ldc), vectors);
            if (rows > 3) Store<TSimd, TVec>(c30, c31, ref Unsafe.Add(ref c, 3 * ldc), vectors);
            if (rows > 4) Store<TSimd, TVec>(c40, c41, ref Unsafe.Add(ref c, 4 * ldc), vectors);
            if (rows > 5) Store<TSimd, TVec>(c50, c51, ref Unsafe.Add(ref c, 5 * ldc), vectors);
            if (rows > 6) Store<TSimd, TVec>(c60, c61, ref Unsafe.Add(ref c, 6 * ldc), vectors);
            if (rows > 7) Store<TSimd, TVec>(c70, c71, ref Unsafe.Add(ref c, 7 * ldc), vectors);
            if (rows > 8) Store<TSimd, TVec>(c80, c81, ref Unsafe.Add(ref c, 8 * ldc), vectors);
            if (rows > 9) Store<TSimd, TVec>(c90, c91, ref Unsafe.Add(ref c, 9 * ldc), vectors);
            if (rows > 10) Store<TSimd, TVec>(c100, c101, ref Unsafe.Add(ref c, 10 * ldc), vectors);
            if (rows > 11) Store<TSimd, TVec>(c110, c111, ref Unsafe.Add(ref c, 11 * ldc), vectors);
        }
    }

    /// <summary>v where the mask's lanes are &gt; 0, else 0 (also 0 for a NaN mask, as <see cref="Activations.ReLUBackward"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Masked<TSimd, TVec>(TVec v, ref float mask)
        where TSimd : struct, ISimd<TVec> where TVec : struct =>
        TSimd.ConditionalSelect(TSimd.GreaterThan(TSimd.Load(ref mask, 0), TSimd.Zero), v, TSimd.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TSimd, TVec>(TVec v0, TVec v1, ref float c, int vectors)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        TSimd.Store(v0, ref c, 0);
        if (vectors > 1) TSimd.Store(v1, ref c, TSimd.Width);
    }

    /// <summary>
    /// Packs rows of A (mc of them, kc deep) into tiles of <paramref name="mr"/> rows, each stored depth by depth:
    /// packed[tile·mr·kc + p·mr + r] = A[(tile·mr + r)·aRow + p·aDepth], zeros for the rows past mc.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(ref float a, nint aRow, nint aDepth, int mc, int kc, int mr, ref float packed)
    {
        for (int i0 = 0; i0 < mc; i0 += mr)
        {
            ref float tile = ref Unsafe.Add(ref packed, (nint)i0 * kc);
            int rows = Math.Min(mr, mc - i0);
            if (aRow == 1)
            {
                // Columns of A are contiguous (A = dyᵀ in the weight gradient): each depth is a few floats to move (element
                // by element: a span copy per depth would cost a call each).
                for (int p = 0; p < kc; p++)
                {
                    ref float dst = ref Unsafe.Add(ref tile, (nint)p * mr);
                    ref float from = ref Unsafe.Add(ref a, i0 + p * aDepth);
                    int r = 0;
                    for (; r < rows; r++) Unsafe.Add(ref dst, r) = Unsafe.Add(ref from, r);
                    for (; r < mr; r++) Unsafe.Add(ref dst, r) = 0f;
                }
                continue;
            }
            for (int r = 0; r < rows; r++)
            {
                ref float src = ref Unsafe.Add(ref a, (i0 + r) * aRow);
                for (int p = 0; p < kc; p++) Unsafe.Add(ref tile, (nint)p * mr + r) = Unsafe.Add(ref src, p * aDepth);
            }
            for (int r = rows; r < mr; r++)
                for (int p = 0; p < kc; p++) Unsafe.Add(ref tile, (nint)p * mr + r) = 0f;
        }
    }

    /// <summary><see cref="CopyBlock"/> through the ReLU whose output <paramref name="mask"/> is (rows <paramref name="dstStride"/> apart, as dst).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyBlockMasked(ref float src, nint srcStride, ref float dst, nint dstStride, ref float mask, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++)
                Unsafe.Add(ref dst, r * dstStride + j) = Unsafe.Add(ref mask, r * dstStride + j) > 0f ? Unsafe.Add(ref src, r * srcStride + j) : 0f;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyBlock(ref float src, nint srcStride, ref float dst, nint dstStride, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
            MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref src, r * srcStride), cols).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dst, r * dstStride), cols));
    }
}
