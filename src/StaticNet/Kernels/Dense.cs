using System.Buffers;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNet.Kernels;

/// <summary>
/// The dense (fully connected) layer's kernels, called by generated networks with compile-time sizes.
/// Weights are PyTorch's <c>[out, in]</c> row-major layout, activations row-major <c>[batch, features]</c>.
/// </summary>
/// <remarks>
/// Batches (from <see cref="BatchedMinBatch"/> samples) and both backward products run <see cref="Gemm"/>: the forward
/// packs Wᵀ into panels once per call, the backward products read their operands where they are. A few samples take
/// dot products of W's rows, inlined with the generated code's constant sizes. A frozen snapshot's layers use packed
/// copies made once (Dense.Packed.cs). Each entry point picks the widest accelerated vector (512 → 256 → 128 → scalar);
/// the checks are JIT-time constants.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class Dense
{
    /// <summary>From this many samples on, <see cref="Forward"/> packs the weights and runs the tiled product (<see cref="Gemm"/>).</summary>
    private const int BatchedMinBatch = 8;

    /// <summary><c>y[s, o] = act(b[o] + Σᵢ x[s, i]·W[o, i])</c>, with act = ReLU when <paramref name="relu"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y,
        int batch, int inSize, int outSize, bool relu)
    {
        CheckSizes(x.Length, batch * inSize, weight.Length, inSize * outSize, bias.Length, outSize, y.Length, batch * outSize);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float wr = ref MemoryMarshal.GetReference(weight);
        ref float br = ref MemoryMarshal.GetReference(bias);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (batch >= BatchedMinBatch && Vector128.IsHardwareAccelerated)
        {
            // Many samples: the weights packed once per call into panels of Wᵀ, then the register-tiled product.
            Product(ref xr, inSize, 1, ref wr, 1, inSize, inSize, outSize, ref yr, outSize, batch, bias, relu);
            return;
        }
        // Few samples: per sample, 16 outputs at a time with one transposed reduction (inlined: constant sizes).
        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated && inSize >= Vector512<float>.Count)
            ForwardRows512(ref xr, ref wr, ref br, ref yr, 0, batch, inSize, outSize, relu);
        else if (Vector512.IsHardwareAccelerated && inSize >= Vector512<float>.Count)
            ForwardCore<Simd512, Vector512<float>>(ref xr, ref wr, ref br, ref yr, batch, inSize, outSize, relu);
        else if (Vector256.IsHardwareAccelerated && inSize >= Vector256<float>.Count)
            ForwardCore<Simd256, Vector256<float>>(ref xr, ref wr, ref br, ref yr, batch, inSize, outSize, relu);
        else if (Vector128.IsHardwareAccelerated && inSize >= Vector128<float>.Count)
            ForwardCore<Simd128, Vector128<float>>(ref xr, ref wr, ref br, ref yr, batch, inSize, outSize, relu);
        else
            ForwardScalar(ref xr, ref wr, ref br, ref yr, batch, inSize, outSize, relu);
    }

    /// <summary>
    /// Overwrites <c>dW[o, i] = Σₛ dy[s, o]·x[s, i]</c> and <c>db[o] = Σₛ dy[s, o]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void BackwardParameters(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dWeight, Span<float> dBias,
        int batch, int inSize, int outSize)
    {
        CheckSizes(x.Length, batch * inSize, dWeight.Length, inSize * outSize, dBias.Length, outSize, dy.Length, batch * outSize);
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dwr = ref MemoryMarshal.GetReference(dWeight);
        if (!Vector128.IsHardwareAccelerated)
            BackwardWeightScalar(ref dyr, ref xr, ref dwr, batch, inSize, outSize);
        else if (outSize % Gemm.PanelWidth(outSize) == 0 && inSize * outSize <= TransposedWeightGradient)
        {
            // dWᵀ[i, :] = Σₛ x[s, i]·dy[s, :] (A = xᵀ by strides, B = dy's rows in place), then transposed: for a small
            // layer whose outputs fill whole panels this has fewer edge tiles (64-32 digits: 32 rows of dW are 5⅓ tiles
            // of 6, but its 64 rows of dWᵀ are 10⅔) and no packed tail (measured, Zen 4: 95 → 77 µs on 1,797 rows).
            Span<float> transposed = stackalloc float[TransposedWeightGradient];
            ref float t = ref MemoryMarshal.GetReference(transposed);
            Gemm.MultiplyByRows(ref xr, 1, inSize, ref dyr, outSize, ref t, outSize, inSize, outSize, batch, default, accumulate: false, relu: false);
            Transposes.Matrix(ref t, inSize, outSize, ref dwr);
        }
        else
        {
            // dW[o, :] = Σₛ dy[s, o]·x[s, :]: A = dyᵀ (by strides), B = x's rows in place.
            Product(ref dyr, 1, outSize, ref xr, inSize, 1, batch, inSize, ref dwr, inSize, outSize, default, relu: false);
        }
        ColumnSums(ref dyr, ref MemoryMarshal.GetReference(dBias), batch, outSize);
    }

    /// <summary>Weights up to which <see cref="BackwardParameters"/> computes dWᵀ on the stack (16 KB) and transposes it.</summary>
    private const int TransposedWeightGradient = 4096;

    /// <summary>
    /// db[o] = Σₛ dy[s, o]. Where a whole number of rows is a few whole vectors (10 outputs: 4 rows = 5 vectors of 8), dy
    /// is read as one flat run in such chunks, into one accumulator per vector of the chunk (independent chains, one
    /// pass), and lane j of the chunk is column j mod outSize; else column blocks of the widest vector, then narrower ones,
    /// then the rest one by one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ColumnSums(ref float dy, ref float db, int batch, int outSize)
    {
        int o = 0;
        if (Vector512.IsHardwareAccelerated) o = ColumnSums<Simd512, Vector512<float>>(ref dy, ref db, o, batch, outSize);
        if (Vector256.IsHardwareAccelerated) o = ColumnSums<Simd256, Vector256<float>>(ref dy, ref db, o, batch, outSize);
        if (Vector128.IsHardwareAccelerated) o = ColumnSums<Simd128, Vector128<float>>(ref dy, ref db, o, batch, outSize);
        for (; o < outSize; o++)
        {
            float sum = 0f;
            for (int s = 0; s < batch; s++) sum += Unsafe.Add(ref dy, s * outSize + o);
            Unsafe.Add(ref db, o) = sum;
        }
    }

    /// <summary>The vector part of <see cref="ColumnSums"/> from column <paramref name="o"/>; returns the first column it left to narrower vectors.</summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ColumnSums<TSimd, TVec>(ref float dy, ref float db, int o, int batch, int outSize)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int w = TSimd.Width;
        // The chunk: the least common multiple of outSize and w, doubled while it is under 4 vectors (chains enough).
        int chunk = outSize / Gcd(outSize, w) * w;
        while (chunk < 4 * w) chunk *= 2;
        if (o == 0 && chunk <= 8 * w)
        {
            int vectors = chunk / w, rows = chunk / outSize, chunks = batch / rows;
            TVec a0 = TSimd.Zero, a1 = TSimd.Zero, a2 = TSimd.Zero, a3 = TSimd.Zero, a4 = TSimd.Zero, a5 = TSimd.Zero, a6 = TSimd.Zero, a7 = TSimd.Zero;
            ref float at = ref dy;
            for (int c = 0; c < chunks; c++)
            {
                a0 = TSimd.Add(a0, TSimd.Load(ref at, 0));
                a1 = TSimd.Add(a1, TSimd.Load(ref at, w));
                a2 = TSimd.Add(a2, TSimd.Load(ref at, 2 * w));
                a3 = TSimd.Add(a3, TSimd.Load(ref at, 3 * w));
                if (vectors > 4) a4 = TSimd.Add(a4, TSimd.Load(ref at, 4 * w));
                if (vectors > 5) a5 = TSimd.Add(a5, TSimd.Load(ref at, 5 * w));
                if (vectors > 6) a6 = TSimd.Add(a6, TSimd.Load(ref at, 6 * w));
                if (vectors > 7) a7 = TSimd.Add(a7, TSimd.Load(ref at, 7 * w));
                at = ref Unsafe.Add(ref at, chunk);
            }
            Span<float> lanes = stackalloc float[8 * Vector512<float>.Count];
            ref float l = ref MemoryMarshal.GetReference(lanes);
            TSimd.Store(a0, ref l, 0); TSimd.Store(a1, ref l, w); TSimd.Store(a2, ref l, 2 * w); TSimd.Store(a3, ref l, 3 * w);
            TSimd.Store(a4, ref l, 4 * w); TSimd.Store(a5, ref l, 5 * w); TSimd.Store(a6, ref l, 6 * w); TSimd.Store(a7, ref l, 7 * w);
            for (int j = 0; j < outSize; j++)
            {
                float sum = 0f;
                for (int r = 0; r < rows; r++) sum += Unsafe.Add(ref l, r * outSize + j);
                for (int s = chunks * rows; s < batch; s++) sum += Unsafe.Add(ref dy, s * outSize + j);
                Unsafe.Add(ref db, j) = sum;
            }
            return outSize;
        }
        for (; o + w <= outSize; o += w)
        {
            TVec a0 = TSimd.Zero, a1 = TSimd.Zero;
            int s = 0;
            for (; s + 2 <= batch; s += 2)
            {
                a0 = TSimd.Add(a0, TSimd.Load(ref dy, s * outSize + o));
                a1 = TSimd.Add(a1, TSimd.Load(ref dy, (s + 1) * outSize + o));
            }
            if (s < batch) a0 = TSimd.Add(a0, TSimd.Load(ref dy, s * outSize + o));
            TSimd.Store(TSimd.Add(a0, a1), ref db, o);
        }
        return o;
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    /// <summary>
    /// Overwrites <c>dx[s, i] = Σₒ dy[s, o]·W[o, i]</c>; with <paramref name="reluOutput"/> (the output of a ReLU that is
    /// this layer's input, <c>[batch, inSize]</c>), the gradient through that ReLU as well: dx where reluOutput &gt; 0,
    /// else 0, as <see cref="Activations.ReLUBackward"/> (fused into the product's last store).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> weight, Span<float> dx,
        int batch, int inSize, int outSize, ReadOnlySpan<float> reluOutput = default)
    {
        CheckSizes(dx.Length, batch * inSize, weight.Length, inSize * outSize, outSize, outSize, dy.Length, batch * outSize);
        if (!reluOutput.IsEmpty && reluOutput.Length < batch * inSize)
            throw new ArgumentException($"Expected at least {batch * inSize} ReLU outputs, got {reluOutput.Length}.", nameof(reluOutput));
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float wr = ref MemoryMarshal.GetReference(weight);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        // dx[s, :] = Σₒ dy[s, o]·W[o, :]: A = dy, B = W's rows in place.
        if (Vector128.IsHardwareAccelerated)
        {
            Gemm.MultiplyByRows(ref dyr, outSize, 1, ref wr, inSize, ref dxr, inSize, batch, inSize, outSize, default, accumulate: false, relu: false,
                reluOutput.IsEmpty ? default : reluOutput.Slice(0, batch * inSize));
            return;
        }
        BackwardInputScalar(ref dyr, ref wr, ref dxr, batch, inSize, outSize);
        if (!reluOutput.IsEmpty) Activations.ReLUBackward(reluOutput.Slice(0, batch * inSize), dx.Slice(0, batch * inSize));
    }

    /// <summary>
    /// C[i, j] = init + Σₚ A[i·aRow + p·aDepth]·B[p·pStride + j·jStride] through <see cref="Gemm"/>: B read in place when
    /// its rows are contiguous (the backward products), else packed into rented scratch first (Wᵀ for the forward).
    /// init is the bias, or 0 when <paramref name="bias"/> is empty.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Product(ref float a, nint aRow, nint aDepth, ref float b, nint pStride, nint jStride, int k, int n,
        ref float c, nint ldc, int m, ReadOnlySpan<float> bias, bool relu)
    {
        if (jStride == 1)
        {
            Gemm.MultiplyByRows(ref a, aRow, aDepth, ref b, pStride, ref c, ldc, m, n, k, bias, accumulate: false, relu);
            return;
        }
        float[] packed = ArrayPool<float>.Shared.Rent(Gemm.PackedLength(k, n));
        Gemm.PackB(ref b, pStride, jStride, k, n, packed);
        Gemm.Multiply(ref a, aRow, aDepth, packed, ref c, ldc, m, n, k, bias, accumulate: false, relu);
        ArrayPool<float>.Shared.Return(packed);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckSizes(int x, int xExpected, int w, int wExpected, int b, int bExpected, int y, int yExpected)
    {
        // Spans may be longer than needed (scratch buffers); shorter would read or write out of bounds.
        if (x < xExpected || w < wExpected || b < bExpected || y < yExpected)
            ThrowSizes(x, xExpected, w, wExpected, b, bExpected, y, yExpected);
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowSizes(int x, int xExpected, int w, int wExpected, int b, int bExpected, int y, int yExpected) =>
        throw new ArgumentException(
            $"Dense kernel spans too short: input {x}/{xExpected}, weight {w}/{wExpected}, bias {b}/{bExpected}, output {y}/{yExpected}.");

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Activate(float value, bool relu) => relu ? MathF.Max(value, 0f) : value;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardCore<TSimd, TVec>(ref float x, ref float w, ref float b, ref float y,
        int batch, int inSize, int outSize, bool relu)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int s = 0;
        // Four samples per pass over a weight row: each weight vector is loaded once for four FMAs.
        for (; s + 4 <= batch; s += 4)
        {
            ref float x0 = ref Unsafe.Add(ref x, s * inSize);
            ref float y0 = ref Unsafe.Add(ref y, s * outSize);
            for (int o = 0; o < outSize; o++)
            {
                Dot4<TSimd, TVec>(ref Unsafe.Add(ref w, o * inSize), ref x0, ref Unsafe.Add(ref x0, inSize),
                    ref Unsafe.Add(ref x0, 2 * inSize), ref Unsafe.Add(ref x0, 3 * inSize), inSize,
                    out float d0, out float d1, out float d2, out float d3);
                float bo = Unsafe.Add(ref b, o);
                Unsafe.Add(ref y0, o) = Activate(d0 + bo, relu);
                Unsafe.Add(ref y0, outSize + o) = Activate(d1 + bo, relu);
                Unsafe.Add(ref y0, 2 * outSize + o) = Activate(d2 + bo, relu);
                Unsafe.Add(ref y0, 3 * outSize + o) = Activate(d3 + bo, relu);
            }
        }
        // Remaining samples one at a time, four weight rows per pass over the sample.
        for (; s < batch; s++)
        {
            ref float xs = ref Unsafe.Add(ref x, s * inSize);
            ref float ys = ref Unsafe.Add(ref y, s * outSize);
            int o = 0;
            for (; o + 4 <= outSize; o += 4)
            {
                ref float wo = ref Unsafe.Add(ref w, o * inSize);
                Dot4<TSimd, TVec>(ref xs, ref wo, ref Unsafe.Add(ref wo, inSize), ref Unsafe.Add(ref wo, 2 * inSize),
                    ref Unsafe.Add(ref wo, 3 * inSize), inSize, out float d0, out float d1, out float d2, out float d3);
                Unsafe.Add(ref ys, o) = Activate(d0 + Unsafe.Add(ref b, o), relu);
                Unsafe.Add(ref ys, o + 1) = Activate(d1 + Unsafe.Add(ref b, o + 1), relu);
                Unsafe.Add(ref ys, o + 2) = Activate(d2 + Unsafe.Add(ref b, o + 2), relu);
                Unsafe.Add(ref ys, o + 3) = Activate(d3 + Unsafe.Add(ref b, o + 3), relu);
            }
            for (; o < outSize; o++)
                Unsafe.Add(ref ys, o) = Activate(Dot<TSimd, TVec>(ref xs, ref Unsafe.Add(ref w, o * inSize), inSize) + Unsafe.Add(ref b, o), relu);
        }
    }

    /// <summary>Four dot products that share one operand (<paramref name="shared"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Dot4<TSimd, TVec>(ref float shared, ref float r0, ref float r1, ref float r2, ref float r3, int n,
        out float d0, out float d1, out float d2, out float d3)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        TVec a0 = TSimd.Zero, a1 = TSimd.Zero, a2 = TSimd.Zero, a3 = TSimd.Zero;
        nint i = 0;
        for (; i <= n - TSimd.Width; i += TSimd.Width)
        {
            TVec v = TSimd.Load(ref shared, i);
            a0 = TSimd.MulAdd(v, TSimd.Load(ref r0, i), a0);
            a1 = TSimd.MulAdd(v, TSimd.Load(ref r1, i), a1);
            a2 = TSimd.MulAdd(v, TSimd.Load(ref r2, i), a2);
            a3 = TSimd.MulAdd(v, TSimd.Load(ref r3, i), a3);
        }
        d0 = TSimd.Sum(a0); d1 = TSimd.Sum(a1); d2 = TSimd.Sum(a2); d3 = TSimd.Sum(a3);
        for (; i < n; i++) // scalar tail
        {
            float v = Unsafe.Add(ref shared, i);
            d0 += v * Unsafe.Add(ref r0, i);
            d1 += v * Unsafe.Add(ref r1, i);
            d2 += v * Unsafe.Add(ref r2, i);
            d3 += v * Unsafe.Add(ref r3, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Dot<TSimd, TVec>(ref float a, ref float b, int n)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        TVec acc = TSimd.Zero;
        nint i = 0;
        for (; i <= n - TSimd.Width; i += TSimd.Width)
            acc = TSimd.MulAdd(TSimd.Load(ref a, i), TSimd.Load(ref b, i), acc);
        float sum = TSimd.Sum(acc);
        for (; i < n; i++) sum += Unsafe.Add(ref a, i) * Unsafe.Add(ref b, i);
        return sum;
    }

    /// <summary>Samples first..batch−1 one at a time: 16 outputs per pass, reduced together by <see cref="Reduce16"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardRows512(ref float x, ref float w, ref float b, ref float y, int first, int batch, int inSize, int outSize, bool relu)
    {
        int rows = Math.Min(outSize, 16);
        for (int s = first; s < batch; s++)
        {
            ref float xs = ref Unsafe.Add(ref x, s * inSize);
            ref float ys = ref Unsafe.Add(ref y, s * outSize);
            for (int o = 0; o < outSize; o += 16)
            {
                // The last block ends at outSize, overlapping the previous one when outSize % 16 != 0 (equal values rewritten).
                int o0 = Math.Min(o, outSize - rows);
                Vector512<float> sums = Dot16(ref xs, ref Unsafe.Add(ref w, o0 * inSize), inSize, rows);
                if (rows == 16)
                {
                    Vector512<float> v = sums + Vector512.LoadUnsafe(ref b, (nuint)o0);
                    if (relu) v = Vector512.Max(v, Vector512<float>.Zero);
                    v.StoreUnsafe(ref ys, (nuint)o0);
                }
                else
                {
                    StoreFirstRows(sums, ref b, ref ys, rows, relu);
                }
            }
        }
    }

    /// <summary>y[j] = act(sums[j] + b[j]) for j &lt; rows &lt; 16, with masked loads and stores (b and y hold only rows floats).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void StoreFirstRows(Vector512<float> sums, ref float b, ref float y, int rows, bool relu)
    {
        Vector512<float> mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(rows)).AsSingle();
        fixed (float* bp = &b)
        fixed (float* yp = &y)
        {
            Vector512<float> v = sums + Avx512F.MaskLoad(bp, mask, Vector512<float>.Zero);
            if (relu) v = Vector512.Max(v, Vector512<float>.Zero);
            Avx512F.MaskStore(yp, mask, v);
        }
    }

    /// <summary>
    /// Lane j = Σᵢ x[i]·W[j, i] for j &lt; rows (rows ≤ 16; W rows n apart; rows past the last repeat it), n ≥ 16. Up to 64
    /// columns at a time: x stays in registers while the 16 weight rows stream past (one load per FMA), then one
    /// transposed reduction. A tail of n % 16 is one more vector ending at n with the already-summed lanes of x masked off.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector512<float> Dot16(ref float x, ref float w, int n, int rows)
    {
        nint stride = n;
        int last = rows - 1;
        Vector512<float> all = Vector512<float>.AllBitsSet, sum = Vector512<float>.Zero;
        nint i = 0;
        for (; n - i >= 64; i += 64) sum += Dot16Group(ref Unsafe.Add(ref x, i), ref Unsafe.Add(ref w, i), stride, last, 4, all);
        nint rest = n - i;
        if (rest >= 48) { sum += Dot16Group(ref Unsafe.Add(ref x, i), ref Unsafe.Add(ref w, i), stride, last, 3, all); i += 48; }
        else if (rest >= 32) { sum += Dot16Group(ref Unsafe.Add(ref x, i), ref Unsafe.Add(ref w, i), stride, last, 2, all); i += 32; }
        else if (rest >= 16) { sum += Dot16Group(ref Unsafe.Add(ref x, i), ref Unsafe.Add(ref w, i), stride, last, 1, all); i += 16; }
        if (i < n)
        {
            // Tail: the vector ending at n, keeping only its last n − i lanes.
            Vector512<float> mask = Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create(16 - (int)(n - i))).AsSingle();
            sum += Dot16Group(ref Unsafe.Add(ref x, n - 16), ref Unsafe.Add(ref w, n - 16), stride, last, 1, mask);
        }
        return sum;
    }

    /// <summary>16 rows × <paramref name="chunks"/> vectors (a constant after inlining), reduced to one lane per row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector512<float> Dot16Group(ref float x, ref float w, nint stride, int last, int chunks, Vector512<float> mask)
    {
        Vector512<float> x0 = Vector512.LoadUnsafe(ref x) & mask, x1 = default, x2 = default, x3 = default;
        if (chunks > 1) x1 = Vector512.LoadUnsafe(ref x, 16);
        if (chunks > 2) x2 = Vector512.LoadUnsafe(ref x, 32);
        if (chunks > 3) x3 = Vector512.LoadUnsafe(ref x, 48);
        ref float r = ref w;
        Vector512<float> a0 = RowDot(ref r, x0, x1, x2, x3, chunks); r = ref Unsafe.Add(ref r, last >= 1 ? stride : 0);
        Vector512<float> a1 = RowDot(ref r, x0, x1, x2, x3, chunks); r = ref Unsafe.Add(ref r, last >= 2 ? stride : 0);
        Vector512<float> a2 = RowDot(ref r, x0, x1, x2, x3, chunks); r = ref Unsafe.Add(ref r, last >= 3 ? stride : 0);
        Vector512<float> a3 = RowDot(ref r, x0, x1, x2, x3, chunks); r = ref Unsafe.Add(ref r, last >= 4 ? stride : 0);
        Vector512<float> a4 = RowDot(ref r, x0, x1, x2, x3, chunks); r = ref Unsafe.Add(ref r, last >= 5 ? stride : 0);
        Vector512<float> a5 = RowDot(ref r, x0, x1, x2, x3, chunks); r = ref Unsafe.Add(ref r, last >= 6 ? stride : 0);
        Vector512<float> a6 = RowDot(ref r, x0, x1, x2, x3, chunks); r = ref Unsafe.Add(ref r, last >= 7 ? stride : 0);
        Vector512<float> a7 = RowDot(ref r, x0, x1, x2, x3, chunks); r = ref Unsafe.Add(ref r, last >= 8 ? stride : 0);
        Vector512<float> a8 = RowDot(ref r, x0, x1, x2, x3, chunks); r = ref Unsafe.Add(ref r, last >= 9 ? stride : 0);
        Vector512<float> a9 = RowDot(ref r, x0, x1, x2, x3, chunks); r = ref Unsafe.Add(ref r, last >= 10 ? stride : 0);
        Vector512<float> a10 = RowDot(ref r, x0, x1, x2, x3, chunks); r = ref Unsafe.Add(ref r, last >= 11 ? stride : 0);
        Vector512<float> a11 = RowDot(ref r, x0, x1, x2, x3, chunks); r = ref Unsafe.Add(ref r, last >= 12 ? stride : 0);
        Vector512<float> a12 = RowDot(ref r, x0, x1, x2, x3, chunks); r = ref Unsafe.Add(ref r, last >= 13 ? stride : 0);
        Vector512<float> a13 = RowDot(ref r, x0, x1, x2, x3, chunks); r = ref Unsafe.Add(ref r, last >= 14 ? stride : 0);
        Vector512<float> a14 = RowDot(ref r, x0, x1, x2, x3, chunks); r = ref Unsafe.Add(ref r, last >= 15 ? stride : 0);
        Vector512<float> a15 = RowDot(ref r, x0, x1, x2, x3, chunks);
        return Reduce16(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector512<float> RowDot(ref float w, Vector512<float> x0, Vector512<float> x1, Vector512<float> x2, Vector512<float> x3, int chunks)
    {
        Vector512<float> a = x0 * Vector512.LoadUnsafe(ref w);
        if (chunks > 1) a = Vector512.FusedMultiplyAdd(x1, Vector512.LoadUnsafe(ref w, 16), a);
        if (chunks > 2) a = Vector512.FusedMultiplyAdd(x2, Vector512.LoadUnsafe(ref w, 32), a);
        if (chunks > 3) a = Vector512.FusedMultiplyAdd(x3, Vector512.LoadUnsafe(ref w, 48), a);
        return a;
    }

    /// <summary>Lane j of the result = the sum of the 16 lanes of aj: 16 horizontal sums in 45 shuffles and adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector512<float> Reduce16(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3,
        Vector512<float> a4, Vector512<float> a5, Vector512<float> a6, Vector512<float> a7,
        Vector512<float> a8, Vector512<float> a9, Vector512<float> a10, Vector512<float> a11,
        Vector512<float> a12, Vector512<float> a13, Vector512<float> a14, Vector512<float> a15)
    {
        // Per 128-bit lane: [aⱼ₀+aⱼ₂, aₖ₀+aₖ₂, aⱼ₁+aⱼ₃, aₖ₁+aₖ₃] for a pair (j, k).
        Vector512<float> t0 = Avx512F.UnpackLow(a0, a1) + Avx512F.UnpackHigh(a0, a1);
        Vector512<float> t1 = Avx512F.UnpackLow(a2, a3) + Avx512F.UnpackHigh(a2, a3);
        Vector512<float> t2 = Avx512F.UnpackLow(a4, a5) + Avx512F.UnpackHigh(a4, a5);
        Vector512<float> t3 = Avx512F.UnpackLow(a6, a7) + Avx512F.UnpackHigh(a6, a7);
        Vector512<float> t4 = Avx512F.UnpackLow(a8, a9) + Avx512F.UnpackHigh(a8, a9);
        Vector512<float> t5 = Avx512F.UnpackLow(a10, a11) + Avx512F.UnpackHigh(a10, a11);
        Vector512<float> t6 = Avx512F.UnpackLow(a12, a13) + Avx512F.UnpackHigh(a12, a13);
        Vector512<float> t7 = Avx512F.UnpackLow(a14, a15) + Avx512F.UnpackHigh(a14, a15);
        // Per 128-bit lane: the sums of that lane of four accumulators (0–3, 4–7, 8–11, 12–15).
        Vector512<float> u0 = HalfSum(t0, t1), u1 = HalfSum(t2, t3), u2 = HalfSum(t4, t5), u3 = HalfSum(t6, t7);
        // 128-bit lanes: [0–3 (lanes 0+1), 0–3 (2+3), 4–7 (0+1), 4–7 (2+3)], then the same for 8–15.
        Vector512<float> v0 = Avx512F.Shuffle4x128(u0, u1, 0x88) + Avx512F.Shuffle4x128(u0, u1, 0xDD);
        Vector512<float> v1 = Avx512F.Shuffle4x128(u2, u3, 0x88) + Avx512F.Shuffle4x128(u2, u3, 0xDD);
        return Avx512F.Shuffle4x128(v0, v1, 0x88) + Avx512F.Shuffle4x128(v0, v1, 0xDD);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector512<float> HalfSum(Vector512<float> a, Vector512<float> b) =>
        Avx512F.UnpackLow(a.AsDouble(), b.AsDouble()).AsSingle() + Avx512F.UnpackHigh(a.AsDouble(), b.AsDouble()).AsSingle();

    /// <summary>
    /// <c>dst[c·dstStride + r] = src[r·srcStride + c]</c> for r, c &lt; 16; source rows from <paramref name="rows"/> on are
    /// not read and give zeros.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void Transpose16(ref float src, nint srcStride, int rows, ref float dst, nint dstStride)
    {
        Vector512<float> r0 = Row(ref src, 0, srcStride, rows), r1 = Row(ref src, 1, srcStride, rows);
        Vector512<float> r2 = Row(ref src, 2, srcStride, rows), r3 = Row(ref src, 3, srcStride, rows);
        Vector512<float> r4 = Row(ref src, 4, srcStride, rows), r5 = Row(ref src, 5, srcStride, rows);
        Vector512<float> r6 = Row(ref src, 6, srcStride, rows), r7 = Row(ref src, 7, srcStride, rows);
        Vector512<float> r8 = Row(ref src, 8, srcStride, rows), r9 = Row(ref src, 9, srcStride, rows);
        Vector512<float> r10 = Row(ref src, 10, srcStride, rows), r11 = Row(ref src, 11, srcStride, rows);
        Vector512<float> r12 = Row(ref src, 12, srcStride, rows), r13 = Row(ref src, 13, srcStride, rows);
        Vector512<float> r14 = Row(ref src, 14, srcStride, rows), r15 = Row(ref src, 15, srcStride, rows);
        // Per 128-bit lane k, uₘ (m < 4) holds column 4k + m of rows 0–3; u4..u7 of rows 4–7, and so on.
        Quad(r0, r1, r2, r3, out Vector512<float> u0, out Vector512<float> u1, out Vector512<float> u2, out Vector512<float> u3);
        Quad(r4, r5, r6, r7, out Vector512<float> u4, out Vector512<float> u5, out Vector512<float> u6, out Vector512<float> u7);
        Quad(r8, r9, r10, r11, out Vector512<float> u8, out Vector512<float> u9, out Vector512<float> u10, out Vector512<float> u11);
        Quad(r12, r13, r14, r15, out Vector512<float> u12, out Vector512<float> u13, out Vector512<float> u14, out Vector512<float> u15);
        Columns(u0, u4, u8, u12, ref dst, 0, dstStride);
        Columns(u1, u5, u9, u13, ref dst, 1, dstStride);
        Columns(u2, u6, u10, u14, ref dst, 2, dstStride);
        Columns(u3, u7, u11, u15, ref dst, 3, dstStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector512<float> Row(ref float src, int r, nint stride, int rows) =>
        r < rows ? Vector512.LoadUnsafe(ref src, (nuint)(r * stride)) : Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Quad(Vector512<float> r0, Vector512<float> r1, Vector512<float> r2, Vector512<float> r3,
        out Vector512<float> c0, out Vector512<float> c1, out Vector512<float> c2, out Vector512<float> c3)
    {
        Vector512<double> t0 = Avx512F.UnpackLow(r0, r1).AsDouble(), t1 = Avx512F.UnpackHigh(r0, r1).AsDouble();
        Vector512<double> t2 = Avx512F.UnpackLow(r2, r3).AsDouble(), t3 = Avx512F.UnpackHigh(r2, r3).AsDouble();
        c0 = Avx512F.UnpackLow(t0, t2).AsSingle();
        c1 = Avx512F.UnpackHigh(t0, t2).AsSingle();
        c2 = Avx512F.UnpackLow(t1, t3).AsSingle();
        c3 = Avx512F.UnpackHigh(t1, t3).AsSingle();
    }

    /// <summary>From column m of each group of four rows (per 128-bit lane), stores the columns m, m + 4, m + 8, m + 12.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Columns(Vector512<float> q0, Vector512<float> q1, Vector512<float> q2, Vector512<float> q3,
        ref float dst, int m, nint stride)
    {
        Vector512<float> a = Avx512F.Shuffle4x128(q0, q1, 0x88), b = Avx512F.Shuffle4x128(q0, q1, 0xDD);
        Vector512<float> c = Avx512F.Shuffle4x128(q2, q3, 0x88), d = Avx512F.Shuffle4x128(q2, q3, 0xDD);
        Avx512F.Shuffle4x128(a, c, 0x88).StoreUnsafe(ref dst, (nuint)(m * stride));
        Avx512F.Shuffle4x128(b, d, 0x88).StoreUnsafe(ref dst, (nuint)((m + 4) * stride));
        Avx512F.Shuffle4x128(a, c, 0xDD).StoreUnsafe(ref dst, (nuint)((m + 8) * stride));
        Avx512F.Shuffle4x128(b, d, 0xDD).StoreUnsafe(ref dst, (nuint)((m + 12) * stride));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardScalar(ref float x, ref float w, ref float b, ref float y, int batch, int inSize, int outSize, bool relu)
    {
        for (int s = 0; s < batch; s++)
            for (int o = 0; o < outSize; o++)
            {
                float sum = 0f;
                for (int i = 0; i < inSize; i++) sum += Unsafe.Add(ref x, s * inSize + i) * Unsafe.Add(ref w, o * inSize + i);
                Unsafe.Add(ref y, s * outSize + o) = Activate(sum + Unsafe.Add(ref b, o), relu);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardWeightScalar(ref float dy, ref float x, ref float dw, int batch, int inSize, int outSize)
    {
        for (int o = 0; o < outSize; o++)
            for (int i = 0; i < inSize; i++)
            {
                float sum = 0f;
                for (int s = 0; s < batch; s++) sum += Unsafe.Add(ref dy, s * outSize + o) * Unsafe.Add(ref x, s * inSize + i);
                Unsafe.Add(ref dw, o * inSize + i) = sum;
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardInputScalar(ref float dy, ref float w, ref float dx, int batch, int inSize, int outSize)
    {
        for (int s = 0; s < batch; s++)
            for (int i = 0; i < inSize; i++)
            {
                float sum = 0f;
                for (int o = 0; o < outSize; o++) sum += Unsafe.Add(ref dy, s * outSize + o) * Unsafe.Add(ref w, o * inSize + i);
                Unsafe.Add(ref dx, s * inSize + i) = sum;
            }
    }
}
