using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

// The dense layer of a frozen snapshot (the network's Freeze()): its weights packed once into Gemm's panels of Wᵀ,
// followed by the bias padded to whole panels, for this machine's vector width. Batches run Gemm on the packed copy
// with no per-call packing; one sample runs a matrix-vector product over the same panels: each input broadcast into
// whole vectors of outputs, so no horizontal sums, with independent accumulator chains to cover the FMA latency.
public static partial class Dense
{
    /// <summary>Floats of a packed copy of a dense layer (<see cref="Pack"/>) on this machine.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int PackedLength(int inSize, int outSize) => Gemm.PackedLength(inSize, outSize) + PaddedOutputs(outSize);

    /// <summary>Outputs rounded up to whole panels: what the one-sample kernel writes (a hidden layer's scratch must hold it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int PaddedOutputs(int outSize)
    {
        int w = Gemm.PanelWidth(outSize);
        return (outSize + w - 1) / w * w;
    }

    /// <summary>Packs a weight <c>[outSize, inSize]</c> and bias <c>[outSize]</c> for <see cref="ForwardPacked"/>.</summary>
    public static void Pack(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> packed, int inSize, int outSize)
    {
        CheckSizes(inSize, inSize, weight.Length, inSize * outSize, bias.Length, outSize, packed.Length, PackedLength(inSize, outSize));
        int panels = Gemm.PackedLength(inSize, outSize);
        Gemm.PackB(ref MemoryMarshal.GetReference(weight), 1, inSize, inSize, outSize, packed);
        Span<float> paddedBias = packed.Slice(panels, PaddedOutputs(outSize));
        paddedBias.Clear();
        bias.Slice(0, outSize).CopyTo(paddedBias);
    }

    /// <summary>
    /// <c>y[s, o] = act(b[o] + Σᵢ x[s, i]·W[o, i])</c> from a copy packed by <see cref="Pack"/>. One sample takes the
    /// matrix-vector kernel when <paramref name="y"/> has room for <see cref="PaddedOutputs"/> floats (it stores whole vectors).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void ForwardPacked(ReadOnlySpan<float> x, ReadOnlySpan<float> packed, Span<float> y, int batch, int inSize, int outSize, bool relu)
    {
        int panels = Gemm.PackedLength(inSize, outSize), padded = PaddedOutputs(outSize);
        CheckSizes(x.Length, batch * inSize, packed.Length, panels + padded, outSize, outSize, y.Length, batch * outSize);
        // (Without hardware vectors, Vector128 runs in software: slow, but the same arithmetic.)
        if (batch > 1 || y.Length < padded)
        {
            // A batch (or one sample into a span without room for whole vectors): the tiled product, which writes only y.
            Gemm.Multiply(ref MemoryMarshal.GetReference(x), inSize, 1, packed, ref MemoryMarshal.GetReference(y), outSize,
                batch, outSize, inSize, packed.Slice(panels, outSize), accumulate: false, relu);
            return;
        }
        One(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(packed), ref MemoryMarshal.GetReference(y), inSize, outSize, relu);
    }

    /// <summary>
    /// One sample from a copy packed by <see cref="Pack"/>, with the sizes as type arguments: the JIT compiles one
    /// instance per layer shape, every bound a constant, whatever method calls it (also under NativeAOT). <paramref name="y"/>
    /// needs room for <see cref="PaddedOutputs"/> floats: whole vectors are stored.
    /// </summary>
    /// <remarks>This part inlines into the caller, so that <paramref name="relu"/> (a constant there) picks the instance.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ForwardOne<TIn, TOut>(ReadOnlySpan<float> x, ReadOnlySpan<float> packed, Span<float> y, bool relu)
        where TIn : struct, ISize where TOut : struct, ISize
    {
        CheckSizes(x.Length, TIn.Value, packed.Length, PackedLength(TIn.Value, TOut.Value), TOut.Value, TOut.Value, y.Length, PaddedOutputs(TOut.Value));
        if (relu) ForwardOne<TIn, TOut, Yes>(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(packed), ref MemoryMarshal.GetReference(y));
        else ForwardOne<TIn, TOut, No>(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(packed), ref MemoryMarshal.GetReference(y));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardOne<TIn, TOut, TReLU>(ref float x, ref float packed, ref float y)
        where TIn : struct, ISize where TOut : struct, ISize where TReLU : struct, IFlag =>
        One(ref x, ref packed, ref y, TIn.Value, TOut.Value, TReLU.Value);

    /// <summary>A bool as a type, for a kernel instance per value (<see cref="ForwardOne{TIn, TOut}"/>'s ReLU).</summary>
    private interface IFlag { static abstract bool Value { get; } }
    private readonly struct Yes : IFlag { public static bool Value => true; }
    private readonly struct No : IFlag { public static bool Value => false; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void One(ref float x, ref float packed, ref float y, int inSize, int outSize, bool relu)
    {
        ref float bias = ref Unsafe.Add(ref packed, Gemm.PackedLength(inSize, outSize));
        if (Vector512.IsHardwareAccelerated) Vector<Simd512, Vector512<float>>(ref x, ref packed, ref bias, ref y, inSize, outSize, relu);
        else if (Vector256.IsHardwareAccelerated) Vector<Simd256, Vector256<float>>(ref x, ref packed, ref bias, ref y, inSize, outSize, relu);
        else
        {
            // x stays pinned: the 128-bit kernel broadcasts its values by pointer (ISimd.BroadcastPinned).
            fixed (float* pinned = &x) Vector<Simd128, Vector128<float>>(ref x, ref packed, ref bias, ref y, inSize, outSize, relu);
        }
    }

    /// <summary>
    /// One sample over the packed panels, in groups of up to 4 output vectors (from one or more panels) that accumulate
    /// together; every size is a constant once inlined into a frozen snapshot's one-sample path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Vector<TSimd, TVec>(ref float x, ref float packed, ref float bias, ref float y, int k, int n, bool relu)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int w = Gemm.PanelWidth(n), perPanel = w / TSimd.Width;
        int total = (n + w - 1) / w * perPanel;
        int v = 0;
        if (total == 4)
        {
            // One group (64-32 on AVX2): no loop, so every offset is a constant even where the caller inlines this.
            Group<TSimd, TVec>(ref x, ref packed, ref bias, ref y, k, w, perPanel, 0, 4, relu);
            return;
        }
        for (; v + 4 <= total; v += 4) Group<TSimd, TVec>(ref x, ref packed, ref bias, ref y, k, w, perPanel, v, 4, relu);
        switch (total - v)
        {
            case 3: Group<TSimd, TVec>(ref x, ref packed, ref bias, ref y, k, w, perPanel, v, 3, relu); break;
            case 2: Group<TSimd, TVec>(ref x, ref packed, ref bias, ref y, k, w, perPanel, v, 2, relu); break;
            case 1: Group<TSimd, TVec>(ref x, ref packed, ref bias, ref y, k, w, perPanel, v, 1, relu); break;
        }
    }

    /// <summary>
    /// Output vectors v0 … v0 + g − 1 (g a constant ≤ 4): vector v lives in panel v / perPanel at v % perPanel vectors
    /// in. The depth is split over 2 (g ≥ 3) or 4 chains of accumulators, so 6 to 8 FMAs are in flight.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Group<TSimd, TVec>(ref float x, ref float packed, ref float bias, ref float y, int k, int w, int perPanel, int v0, int g, bool relu)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        nint width = TSimd.Width, panel = (nint)k * w;
        ref float b0 = ref Unsafe.Add(ref packed, v0 / perPanel * panel + v0 % perPanel * width);
        ref float b1 = ref Unsafe.Add(ref packed, g > 1 ? (v0 + 1) / perPanel * panel + (v0 + 1) % perPanel * width : 0);
        ref float b2 = ref Unsafe.Add(ref packed, g > 2 ? (v0 + 2) / perPanel * panel + (v0 + 2) % perPanel * width : 0);
        ref float b3 = ref Unsafe.Add(ref packed, g > 3 ? (v0 + 3) / perPanel * panel + (v0 + 3) % perPanel * width : 0);
        int sets = g >= 3 ? 2 : 4;
        TVec a0 = TSimd.Load(ref bias, v0 * width), a1 = g > 1 ? TSimd.Load(ref bias, (v0 + 1) * width) : default;
        TVec a2 = g > 2 ? TSimd.Load(ref bias, (v0 + 2) * width) : default, a3 = g > 3 ? TSimd.Load(ref bias, (v0 + 3) * width) : default;
        TVec c0 = default, c1 = default, c2 = default, c3 = default; // the second chain of each vector
        TVec d0 = default, d1 = default, e0 = default, e1 = default; // the third and fourth (g ≤ 2)
        nint p = 0;
        for (; p + sets <= k; p += sets)
        {
            nint o = p * w;
            TVec u = TSimd.BroadcastPinned(ref Unsafe.Add(ref x, p)), t = TSimd.BroadcastPinned(ref Unsafe.Add(ref x, p + 1));
            a0 = TSimd.MulAdd(u, TSimd.Load(ref b0, o), a0);
            c0 = TSimd.MulAdd(t, TSimd.Load(ref b0, o + w), c0);
            if (g > 1) { a1 = TSimd.MulAdd(u, TSimd.Load(ref b1, o), a1); c1 = TSimd.MulAdd(t, TSimd.Load(ref b1, o + w), c1); }
            if (g > 2) { a2 = TSimd.MulAdd(u, TSimd.Load(ref b2, o), a2); c2 = TSimd.MulAdd(t, TSimd.Load(ref b2, o + w), c2); }
            if (g > 3) { a3 = TSimd.MulAdd(u, TSimd.Load(ref b3, o), a3); c3 = TSimd.MulAdd(t, TSimd.Load(ref b3, o + w), c3); }
            if (sets == 4)
            {
                u = TSimd.BroadcastPinned(ref Unsafe.Add(ref x, p + 2));
                t = TSimd.BroadcastPinned(ref Unsafe.Add(ref x, p + 3));
                d0 = TSimd.MulAdd(u, TSimd.Load(ref b0, o + 2 * w), d0);
                e0 = TSimd.MulAdd(t, TSimd.Load(ref b0, o + 3 * w), e0);
                if (g > 1) { d1 = TSimd.MulAdd(u, TSimd.Load(ref b1, o + 2 * w), d1); e1 = TSimd.MulAdd(t, TSimd.Load(ref b1, o + 3 * w), e1); }
            }
        }
        for (; p < k; p++)
        {
            nint o = p * w;
            TVec u = TSimd.BroadcastPinned(ref Unsafe.Add(ref x, p));
            a0 = TSimd.MulAdd(u, TSimd.Load(ref b0, o), a0);
            if (g > 1) a1 = TSimd.MulAdd(u, TSimd.Load(ref b1, o), a1);
            if (g > 2) a2 = TSimd.MulAdd(u, TSimd.Load(ref b2, o), a2);
            if (g > 3) a3 = TSimd.MulAdd(u, TSimd.Load(ref b3, o), a3);
        }
        if (sets == 4)
        {
            a0 = TSimd.Add(a0, TSimd.Add(d0, e0));
            a1 = TSimd.Add(a1, TSimd.Add(d1, e1));
        }
        StoreVector<TSimd, TVec>(TSimd.Add(a0, c0), ref y, v0 * width, relu);
        if (g > 1) StoreVector<TSimd, TVec>(TSimd.Add(a1, c1), ref y, (v0 + 1) * width, relu);
        if (g > 2) StoreVector<TSimd, TVec>(TSimd.Add(a2, c2), ref y, (v0 + 2) * width, relu);
        if (g > 3) StoreVector<TSimd, TVec>(TSimd.Add(a3, c3), ref y, (v0 + 3) * width, relu);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreVector<TSimd, TVec>(TVec value, ref float y, nint offset, bool relu)
        where TSimd : struct, ISimd<TVec> where TVec : struct =>
        TSimd.Store(relu ? TSimd.Relu(value) : value, ref y, offset);
}
