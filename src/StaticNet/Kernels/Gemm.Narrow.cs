using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNet.Kernels;

// Layers of 9 to 12 outputs on AVX2 (a classifier's 10 classes): in the panel layout their C rows fill 16 lanes, 6 of them
// wasted. Transposed, the samples run along the vectors instead: Cᵀ = Bᵀ·Aᵀ over blocks of 16 samples, every lane used.
// Measured on the digits' 16 → 10 layer, 1,797 samples (Zen 4): 9.3–9.7 µs in panels, 7.9 µs transposed.
internal static partial class Gemm
{
    /// <summary>Samples per transposed block: two vectors of 8.</summary>
    private const int NarrowBlock = 16;

    /// <summary>
    /// Whether <see cref="Narrow"/> serves this product: AVX2, B packed (one panel of 16 columns), 9 to 12 columns, A row-major
    /// with a depth of whole 8 × 8 blocks in one depth block, C overwritten (bias, then ReLU) and unmasked, a block of rows or more.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool NarrowFits(nint aDepth, nint ldb, int m, int n, int k, bool accumulate, ref float mask) =>
        Avx2.IsSupported && Fma.IsSupported && !Vector512.IsHardwareAccelerated && ldb == Packed && aDepth == 1
        && n > 8 && n <= 12 && k % 8 == 0 && k <= DepthBlock && !accumulate && Unsafe.IsNullRef(ref mask) && m >= NarrowBlock;

    /// <summary>
    /// The rows of C in whole blocks of 16 (the rest is left to the panels): each block of A is transposed into xᵀ[p, s]
    /// (8 × 8 AVX blocks), each output o becomes two vectors of samples, <c>bias[o] + Σₚ B[p, o]·xᵀ[p, ·]</c> in order
    /// of p (the same FMAs, in the same order, as the panel tile: the same bits), then transposed back. Returns the rows done.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Narrow(ref float a, nint aRow, ref float packed, ref float bias, ref float c, nint ldc, int m, int n, int k, bool relu)
    {
        Span<float> scratch = stackalloc float[DepthBlock * NarrowBlock + 12 * NarrowBlock];
        ref float xt = ref MemoryMarshal.GetReference(scratch);
        ref float yt = ref Unsafe.Add(ref xt, k * NarrowBlock);
        int blocks = m / NarrowBlock, first = (n + 1) / 2, second = n - first;
        nint w = PanelWidth(n);
        for (int block = 0; block < blocks; block++)
        {
            ref float ab = ref Unsafe.Add(ref a, block * NarrowBlock * aRow);
            for (int p = 0; p < k; p += 8)
            {
                Transposes.Block8(ref Unsafe.Add(ref ab, p), aRow, ref Unsafe.Add(ref xt, p * NarrowBlock), NarrowBlock);
                Transposes.Block8(ref Unsafe.Add(ref ab, 8 * aRow + p), aRow, ref Unsafe.Add(ref xt, p * NarrowBlock + 8), NarrowBlock);
            }
            // Two groups of outputs (5 + 5 for 10 classes): 2 × up to 6 accumulators, the most that stay in registers.
            NarrowOutputs(ref xt, ref packed, w, ref bias, ref yt, 0, first, k, relu);
            NarrowOutputs(ref xt, ref packed, w, ref bias, ref yt, first, second, k, relu);
            ref float cb = ref Unsafe.Add(ref c, block * NarrowBlock * ldc);
            Transposes.Block8(ref yt, NarrowBlock, ref cb, ldc);
            Transposes.Block8(ref Unsafe.Add(ref yt, 8), NarrowBlock, ref Unsafe.Add(ref cb, 8 * ldc), ldc);
            int o = 8;
            for (; o + 2 <= n; o += 2)
            {
                NarrowPairs(ref Unsafe.Add(ref yt, o * NarrowBlock), ref Unsafe.Add(ref cb, o), ldc);
                NarrowPairs(ref Unsafe.Add(ref yt, o * NarrowBlock + 8), ref Unsafe.Add(ref cb, 8 * ldc + o), ldc);
            }
            if (o < n)
                for (int s = 0; s < NarrowBlock; s++) Unsafe.Add(ref cb, s * ldc + o) = Unsafe.Add(ref yt, o * NarrowBlock + s);
        }
        return blocks * NarrowBlock;
    }

    /// <summary>Two outputs' rows of 8 samples (yᵀ rows 16 apart) into columns o, o + 1 of 8 rows of C: interleaved, 64 bits per row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void NarrowPairs(ref float yt, ref float c, nint ldc)
    {
        Vector256<float> first = Vector256.LoadUnsafe(ref yt), second = Vector256.LoadUnsafe(ref yt, NarrowBlock);
        Vector256<float> low = Avx.UnpackLow(first, second), high = Avx.UnpackHigh(first, second); // samples 0 1 4 5, 2 3 6 7
        fixed (float* p = &c)
        {
            Sse.StoreLow(p, low.GetLower());
            Sse.StoreHigh(p + ldc, low.GetLower());
            Sse.StoreLow(p + 2 * ldc, high.GetLower());
            Sse.StoreHigh(p + 3 * ldc, high.GetLower());
            Sse.StoreLow(p + 4 * ldc, low.GetUpper());
            Sse.StoreHigh(p + 5 * ldc, low.GetUpper());
            Sse.StoreLow(p + 6 * ldc, high.GetUpper());
            Sse.StoreHigh(p + 7 * ldc, high.GetUpper());
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void NarrowOutputs(ref float xt, ref float packed, nint w, ref float bias, ref float yt, int first, int count, int k, bool relu)
    {
        ref float b = ref Unsafe.Add(ref packed, first);
        ref float y = ref Unsafe.Add(ref yt, first * NarrowBlock);
        ref float bi = ref Unsafe.Add(ref bias, first);
        switch (count)
        {
            case 4: NarrowOutputs<Size4>(ref xt, ref b, w, ref bi, ref y, k, relu); break;
            case 5: NarrowOutputs<Size5>(ref xt, ref b, w, ref bi, ref y, k, relu); break;
            default: NarrowOutputs<Size6>(ref xt, ref b, w, ref bi, ref y, k, relu); break;
        }
    }

    /// <summary>TCount (4 to 6) outputs × 16 samples: yᵀ[o, s] = act(bias[o] + Σₚ B[p, o]·xᵀ[p, s]), B's row p at p·w.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void NarrowOutputs<TCount>(ref float xt, ref float b, nint w, ref float bias, ref float yt, int k, bool relu)
        where TCount : struct, ISize
    {
        int count = TCount.Value;
        Vector256<float> a0 = Vector256.Create(bias), a1 = Vector256.Create(Unsafe.Add(ref bias, 1)), a2 = Vector256.Create(Unsafe.Add(ref bias, 2));
        Vector256<float> a3 = Vector256.Create(Unsafe.Add(ref bias, 3));
        Vector256<float> a4 = count > 4 ? Vector256.Create(Unsafe.Add(ref bias, 4)) : default, a5 = count > 5 ? Vector256.Create(Unsafe.Add(ref bias, 5)) : default;
        Vector256<float> c0 = a0, c1 = a1, c2 = a2, c3 = a3, c4 = a4, c5 = a5;
        fixed (float* pb = &b)
        {
            float* row = pb;
            ref float x = ref xt;
            for (int p = 0; p < k; p++)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref x), u = Vector256.LoadUnsafe(ref x, 8);
                // Each weight broadcast straight from memory (vbroadcastss ymm, m32: a load, no shuffle).
                Vector256<float> g = Avx.BroadcastScalarToVector256(row);
                a0 = Fma.MultiplyAdd(g, v, a0); c0 = Fma.MultiplyAdd(g, u, c0);
                g = Avx.BroadcastScalarToVector256(row + 1); a1 = Fma.MultiplyAdd(g, v, a1); c1 = Fma.MultiplyAdd(g, u, c1);
                g = Avx.BroadcastScalarToVector256(row + 2); a2 = Fma.MultiplyAdd(g, v, a2); c2 = Fma.MultiplyAdd(g, u, c2);
                g = Avx.BroadcastScalarToVector256(row + 3); a3 = Fma.MultiplyAdd(g, v, a3); c3 = Fma.MultiplyAdd(g, u, c3);
                if (count > 4) { g = Avx.BroadcastScalarToVector256(row + 4); a4 = Fma.MultiplyAdd(g, v, a4); c4 = Fma.MultiplyAdd(g, u, c4); }
                if (count > 5) { g = Avx.BroadcastScalarToVector256(row + 5); a5 = Fma.MultiplyAdd(g, v, a5); c5 = Fma.MultiplyAdd(g, u, c5); }
                row += w;
                x = ref Unsafe.Add(ref x, NarrowBlock);
            }
        }
        NarrowStore(a0, c0, ref yt, 0, relu);
        NarrowStore(a1, c1, ref yt, 1, relu);
        NarrowStore(a2, c2, ref yt, 2, relu);
        NarrowStore(a3, c3, ref yt, 3, relu);
        if (count > 4) NarrowStore(a4, c4, ref yt, 4, relu);
        if (count > 5) NarrowStore(a5, c5, ref yt, 5, relu);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void NarrowStore(Vector256<float> low, Vector256<float> high, ref float yt, int o, bool relu)
    {
        (relu ? Simd256.Relu(low) : low).StoreUnsafe(ref yt, (nuint)(o * NarrowBlock));
        (relu ? Simd256.Relu(high) : high).StoreUnsafe(ref yt, (nuint)(o * NarrowBlock + 8));
    }
}
