using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNet.Kernels;

/// <summary>Transpositions: whole matrices, and the 8 × 8 AVX block that packing, cross-entropy and the convolutions share.</summary>
internal static class Transposes
{
    /// <summary>
    /// <c>dst[c·rows + r] = src[r·cols + c]</c>: a <c>[rows, cols]</c> matrix transposed, in 8 × 8 blocks of AVX shuffles
    /// where the CPU has them (element by element it cost more than the weight gradient's GEMM), the edges one by one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Matrix(ref float src, int rows, int cols, ref float dst)
    {
        int rows8 = 0, cols8 = 0;
        if (Avx.IsSupported)
        {
            rows8 = rows & ~7;
            cols8 = cols & ~7;
            for (int r = 0; r < rows8; r += 8)
                for (int c = 0; c < cols8; c += 8)
                    Block8(ref Unsafe.Add(ref src, r * cols + c), cols, ref Unsafe.Add(ref dst, c * rows + r), rows);
        }
        for (int r = 0; r < rows; r++)
        {
            ref float row = ref Unsafe.Add(ref src, r * cols);
            for (int c = r < rows8 ? cols8 : 0; c < cols; c++) Unsafe.Add(ref dst, c * rows + r) = Unsafe.Add(ref row, c);
        }
    }

    /// <summary>One 8 × 8 block: rows <paramref name="srcStride"/> apart become columns, rows of dst <paramref name="dstStride"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Block8(ref float src, nint srcStride, ref float dst, nint dstStride)
    {
        Vector256<float> r0 = Vector256.LoadUnsafe(ref src), r1 = Vector256.LoadUnsafe(ref src, (nuint)srcStride);
        Vector256<float> r2 = Vector256.LoadUnsafe(ref src, (nuint)(2 * srcStride)), r3 = Vector256.LoadUnsafe(ref src, (nuint)(3 * srcStride));
        Vector256<float> r4 = Vector256.LoadUnsafe(ref src, (nuint)(4 * srcStride)), r5 = Vector256.LoadUnsafe(ref src, (nuint)(5 * srcStride));
        Vector256<float> r6 = Vector256.LoadUnsafe(ref src, (nuint)(6 * srcStride)), r7 = Vector256.LoadUnsafe(ref src, (nuint)(7 * srcStride));
        // Pairs of rows interleaved, then pairs of pairs (per 128-bit lane), then the lanes exchanged.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref dst);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref dst, (nuint)dstStride);
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref dst, (nuint)(2 * dstStride));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref dst, (nuint)(3 * dstStride));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref dst, (nuint)(4 * dstStride));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref dst, (nuint)(5 * dstStride));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref dst, (nuint)(6 * dstStride));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref dst, (nuint)(7 * dstStride));
    }
}
