using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNet.Kernels;

// The dense forward for batches: y = act(x·Wᵀ + b) with x and y row-major [batch, features], as the rest of the network
// keeps them, so no activation is ever transposed. The weights are transposed once per call into scratch
// (wt[i][o] = W[o, i], padded with zero columns to whole vectors, the bias likewise); then, for a register block of
// 8 samples × 2 vectors of outputs, each input x[s, i] is broadcast and multiplied into one row of wt: 16 independent
// accumulators, no horizontal reduction, and every lane of every FMA is a useful output (but for the padding of the
// last vector). The transposition costs one pass over the weights, which many samples share.
public static partial class Dense
{
    /// <summary>From this many samples on, <see cref="Forward"/> uses the batched kernel below.</summary>
    private const int BatchedMinBatch = 8;

    /// <summary>Samples per register block of the batched forward.</summary>
    private const int BlockRows = 8;

    /// <summary>Scratch floats above which a kernel rents from <see cref="ArrayPool{T}"/> (the batched forward) or skips the scratch (the chunked weight gradient) instead of using the stack.</summary>
    private const int MaxStackScratch = 16384;

    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardBatched<TSimd, TVec>(ref float x, ref float w, ref float b, ref float y, int batch, int inSize, int outSize, bool relu)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width;
        int cols = (outSize + width - 1) / width * width;
        int length = (inSize + 1) * cols;
        float[]? rented = null;
        Span<float> scratch = length <= MaxStackScratch ? stackalloc float[length] : (rented = ArrayPool<float>.Shared.Rent(length));
        ref float wt = ref MemoryMarshal.GetReference(scratch);
        ref float bias = ref Unsafe.Add(ref wt, inSize * cols);
        TransposeWeights(ref w, inSize, outSize, ref wt, cols);
        Unsafe.CopyBlockUnaligned(ref Unsafe.As<float, byte>(ref bias), ref Unsafe.As<float, byte>(ref b), (uint)(outSize * sizeof(float)));
        scratch.Slice(inSize * cols + outSize, cols - outSize).Clear();

        // Column chunks of two vectors, the last (which may end in a padded, partial vector) first: a partial vector is
        // stored whole, spilling into the first columns of the following samples, which the later chunks (or those
        // samples) overwrite. So that nothing spills past the end of y, the last samples (those whose padded row would
        // pass it; only the last one unless outSize is below a vector) go through a scratch row.
        int chunk = 2 * width;
        int lastChunk = (cols - 1) / chunk * chunk;
        int direct = batch;
        while (direct > 0 && (direct - 1) * outSize + cols > batch * outSize) direct--;
        int s = 0;
        for (; s + BlockRows <= direct; s += BlockRows)
            ForwardRows<TSimd, TVec>(ref Unsafe.Add(ref x, s * inSize), ref wt, ref bias, ref Unsafe.Add(ref y, s * outSize), outSize, inSize, cols, lastChunk, BlockRows, relu);
        for (; s < direct; s++)
            ForwardRows<TSimd, TVec>(ref Unsafe.Add(ref x, s * inSize), ref wt, ref bias, ref Unsafe.Add(ref y, s * outSize), outSize, inSize, cols, lastChunk, 1, relu);
        if (s < batch)
        {
            Span<float> row = stackalloc float[cols];
            for (; s < batch; s++)
            {
                ForwardRows<TSimd, TVec>(ref Unsafe.Add(ref x, s * inSize), ref wt, ref bias, ref MemoryMarshal.GetReference(row), cols, inSize, cols, lastChunk, 1, relu);
                row.Slice(0, outSize).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref y, s * outSize), outSize));
            }
        }
        if (rented is not null) ArrayPool<float>.Shared.Return(rented);
    }

    /// <summary><paramref name="rows"/> (8 or 1) samples, every column chunk, the last chunk first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardRows<TSimd, TVec>(ref float x, ref float wt, ref float bias, ref float y, nint yStride,
        int inSize, int cols, int lastChunk, int rows, bool relu)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int chunk = 2 * TSimd.Width;
        for (int j = lastChunk; j >= 0; j -= chunk)
        {
            if (cols - j >= chunk)
                ForwardBlock<TSimd, TVec>(ref x, ref Unsafe.Add(ref wt, j), ref Unsafe.Add(ref bias, j), ref Unsafe.Add(ref y, j), yStride, inSize, cols, rows, 2, relu);
            else
                ForwardBlock<TSimd, TVec>(ref x, ref Unsafe.Add(ref wt, j), ref Unsafe.Add(ref bias, j), ref Unsafe.Add(ref y, j), yStride, inSize, cols, rows, 1, relu);
        }
    }

    /// <summary>
    /// One register block: <paramref name="rows"/> samples (8 or 1; rows of x <c>inSize</c> apart, of y
    /// <paramref name="yStride"/> apart) × <paramref name="vectors"/> (2 or 1) vectors of outputs. Both are constants
    /// after inlining, so the <c>rows &gt; 1</c> and <c>vectors &gt; 1</c> tests fold away. No call may appear here:
    /// it would make the JIT keep the 16 accumulators on the stack.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardBlock<TSimd, TVec>(ref float x, ref float wt, ref float bias, ref float y, nint yStride,
        int inSize, int cols, int rows, int vectors, bool relu)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        nint w = TSimd.Width;
        TVec b0 = TSimd.Load(ref bias, 0), b1 = vectors > 1 ? TSimd.Load(ref bias, w) : default;
        TVec c00 = b0, c10 = b0, c20 = b0, c30 = b0, c40 = b0, c50 = b0, c60 = b0, c70 = b0;
        TVec c01 = b1, c11 = b1, c21 = b1, c31 = b1, c41 = b1, c51 = b1, c61 = b1, c71 = b1;
        nint stride = inSize;
        for (nint i = 0; i < inSize; i++)
        {
            ref float wi = ref Unsafe.Add(ref wt, i * cols);
            TVec w0 = TSimd.Load(ref wi, 0);
            TVec w1 = vectors > 1 ? TSimd.Load(ref wi, w) : default;
            ref float xi = ref Unsafe.Add(ref x, i);
            TVec g = TSimd.Broadcast(xi);
            c00 = TSimd.MulAdd(g, w0, c00);
            if (vectors > 1) c01 = TSimd.MulAdd(g, w1, c01);
            if (rows > 1)
            {
                g = TSimd.Broadcast(Unsafe.Add(ref xi, stride));
                c10 = TSimd.MulAdd(g, w0, c10);
                if (vectors > 1) c11 = TSimd.MulAdd(g, w1, c11);
                g = TSimd.Broadcast(Unsafe.Add(ref xi, 2 * stride));
                c20 = TSimd.MulAdd(g, w0, c20);
                if (vectors > 1) c21 = TSimd.MulAdd(g, w1, c21);
                g = TSimd.Broadcast(Unsafe.Add(ref xi, 3 * stride));
                c30 = TSimd.MulAdd(g, w0, c30);
                if (vectors > 1) c31 = TSimd.MulAdd(g, w1, c31);
                g = TSimd.Broadcast(Unsafe.Add(ref xi, 4 * stride));
                c40 = TSimd.MulAdd(g, w0, c40);
                if (vectors > 1) c41 = TSimd.MulAdd(g, w1, c41);
                g = TSimd.Broadcast(Unsafe.Add(ref xi, 5 * stride));
                c50 = TSimd.MulAdd(g, w0, c50);
                if (vectors > 1) c51 = TSimd.MulAdd(g, w1, c51);
                g = TSimd.Broadcast(Unsafe.Add(ref xi, 6 * stride));
                c60 = TSimd.MulAdd(g, w0, c60);
                if (vectors > 1) c61 = TSimd.MulAdd(g, w1, c61);
                g = TSimd.Broadcast(Unsafe.Add(ref xi, 7 * stride));
                c70 = TSimd.MulAdd(g, w0, c70);
                if (vectors > 1) c71 = TSimd.MulAdd(g, w1, c71);
            }
        }
        // Rows in increasing order, so each row's spill (see ForwardBatched) is overwritten by the next row.
        StoreOutputs<TSimd, TVec>(c00, c01, ref y, vectors, relu);
        if (rows > 1)
        {
            StoreOutputs<TSimd, TVec>(c10, c11, ref Unsafe.Add(ref y, yStride), vectors, relu);
            StoreOutputs<TSimd, TVec>(c20, c21, ref Unsafe.Add(ref y, 2 * yStride), vectors, relu);
            StoreOutputs<TSimd, TVec>(c30, c31, ref Unsafe.Add(ref y, 3 * yStride), vectors, relu);
            StoreOutputs<TSimd, TVec>(c40, c41, ref Unsafe.Add(ref y, 4 * yStride), vectors, relu);
            StoreOutputs<TSimd, TVec>(c50, c51, ref Unsafe.Add(ref y, 5 * yStride), vectors, relu);
            StoreOutputs<TSimd, TVec>(c60, c61, ref Unsafe.Add(ref y, 6 * yStride), vectors, relu);
            StoreOutputs<TSimd, TVec>(c70, c71, ref Unsafe.Add(ref y, 7 * yStride), vectors, relu);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void StoreOutputs<TSimd, TVec>(TVec v0, TVec v1, ref float y, int vectors, bool relu)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        TSimd.Store(relu ? TSimd.Max(v0, TSimd.Zero) : v0, ref y, 0);
        if (vectors > 1) TSimd.Store(relu ? TSimd.Max(v1, TSimd.Zero) : v1, ref y, TSimd.Width);
    }

    /// <summary>wt[i·cols + o] = W[o, i] for o &lt; outSize and 0 for outSize ≤ o &lt; cols (cols a multiple of 16 on the AVX-512 path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeWeights(ref float w, int inSize, int outSize, ref float wt, int cols)
    {
        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated && inSize >= 16 && cols % 16 == 0)
        {
            // 16 × 16 blocks; the last block of columns may overlap the previous one, and rows past outSize give zeros.
            for (int o0 = 0; o0 < outSize; o0 += 16)
            {
                int rows = Math.Min(16, outSize - o0);
                for (int c = 0; c < inSize; c += 16)
                {
                    int c0 = Math.Min(c, inSize - 16);
                    Transpose16(ref Unsafe.Add(ref w, o0 * inSize + c0), inSize, rows, ref Unsafe.Add(ref wt, c0 * cols + o0), cols);
                }
            }
            return;
        }
        for (int i = 0; i < inSize; i++)
        {
            ref float row = ref Unsafe.Add(ref wt, i * cols);
            for (int o = 0; o < outSize; o++) Unsafe.Add(ref row, o) = Unsafe.Add(ref w, o * inSize + i);
            for (int o = outSize; o < cols; o++) Unsafe.Add(ref row, o) = 0f;
        }
    }
}
