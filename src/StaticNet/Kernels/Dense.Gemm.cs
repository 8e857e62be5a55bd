using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

// The broadcast GEMM of the dense backward pass, opened to the other kernels (the convolution's im2col products) with
// the same 512 → 256 → 128 → scalar ladder as the dense entry points, so the register blocking exists once.
public static partial class Dense
{
    /// <summary>
    /// Overwrites <c>C[r, j] = Σₖ A[r, k]·B[k, j]</c> for r &lt; <paramref name="rows"/>, j &lt; <paramref name="n"/>, with
    /// A read at <c>a[r·aRow + k·aDepth]</c> (any strides: a matrix or its transpose), B and C row-major with row strides
    /// <paramref name="bStride"/> and <paramref name="cStride"/>. Vectors run along the rows of B and C, so the widest
    /// accelerated vector no wider than n is used; narrower products (and no vector hardware) run a scalar loop.
    /// Columns from n on are neither read nor written; C must not overlap A or B.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Gemm(ref float a, nint aRow, nint aDepth, ref float b, nint bStride, ref float c, nint cStride,
        int rows, int depth, int n)
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
            BroadcastGemm<Simd512, Vector512<float>>(ref a, aRow, aDepth, ref b, bStride, ref c, cStride, rows, depth, n);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
            BroadcastGemm<Simd256, Vector256<float>>(ref a, aRow, aDepth, ref b, bStride, ref c, cStride, rows, depth, n);
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
            BroadcastGemm<Simd128, Vector128<float>>(ref a, aRow, aDepth, ref b, bStride, ref c, cStride, rows, depth, n);
        else
            GemmScalar(ref a, aRow, aDepth, ref b, bStride, ref c, cStride, rows, depth, n);
    }

    /// <summary>The scalar form of <see cref="Gemm"/>: each row of C accumulated over k (B read row by row, in order).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GemmScalar(ref float a, nint aRow, nint aDepth, ref float b, nint bStride, ref float c, nint cStride,
        int rows, int depth, int n)
    {
        for (int r = 0; r < rows; r++)
        {
            ref float cr = ref Unsafe.Add(ref c, r * cStride);
            for (int j = 0; j < n; j++) Unsafe.Add(ref cr, j) = 0f;
            for (int k = 0; k < depth; k++)
            {
                float ark = Unsafe.Add(ref a, r * aRow + k * aDepth);
                ref float bk = ref Unsafe.Add(ref b, k * bStride);
                for (int j = 0; j < n; j++) Unsafe.Add(ref cr, j) += ark * Unsafe.Add(ref bk, j);
            }
        }
    }
}
