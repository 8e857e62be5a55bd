using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

/// <summary>Moves and sums over runs of contiguous floats, widest vector first, shared by the convolution and pooling kernels.</summary>
internal static class Runs
{
    /// <summary>Copies exactly n floats (the last vector overlaps the previous one: a copy may be repeated, nothing past n is touched).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(ref float src, ref float dst, int n)
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count) Copy<Simd512, Vector512<float>>(ref src, ref dst, n);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count) Copy<Simd256, Vector256<float>>(ref src, ref dst, n);
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count) Copy<Simd128, Vector128<float>>(ref src, ref dst, n);
        else for (int i = 0; i < n; i++) Unsafe.Add(ref dst, i) = Unsafe.Add(ref src, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Copy<TSimd, TVec>(ref float src, ref float dst, int n)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width, i = 0;
        for (; i + width <= n; i += width) TSimd.Store(TSimd.Load(ref src, i), ref dst, i);
        if (i < n) TSimd.Store(TSimd.Load(ref src, n - width), ref dst, n - width);
    }

    /// <summary><c>dst[i] += src[i]</c> for exactly n floats (whole vectors, then a scalar tail: adds are not idempotent).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddTo(ref float src, ref float dst, int n)
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
}
