using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNet.Kernels;

/// <summary>Loss kernels with mean reduction; each returns the loss and, when the gradient span is non-empty, writes d(loss)/d(output).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Losses
{
    /// <summary>
    /// Softmax fused with cross-entropy on logits <c>[batch, classes]</c> and class indices:
    /// L = −(1/N) Σ log softmax(zₛ)[yₛ], ∂L/∂z = (softmax(z) − onehot(y))/N.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float CrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, Span<float> dLogits, int batch, int classes)
    {
        Guard.TargetLength(targets.Length, batch, nameof(targets));
        bool withGradient = !dLogits.IsEmpty;
        if (withGradient) Guard.Length(dLogits.Length, batch * classes, nameof(dLogits));
        float invBatch = 1f / batch;
        // Blocks of one vector's width of samples, transposed so that each class is one vector over the samples: one
        // exp per class per block instead of per sample and class.
        // (Vector128 is accelerated wherever a wider vector is.)
        if (classes > 1 && classes <= BlockedMaxClasses && Vector128.IsHardwareAccelerated)
        {
            double blockTotal = 0;
            if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated && classes <= 16)
            {
                for (int s0 = 0; s0 < batch; s0 += 16)
                    blockTotal += CrossEntropyBlock16(logits, targets, dLogits, s0, Math.Min(16, batch - s0), batch, classes, invBatch);
            }
            else if (Vector512.IsHardwareAccelerated) blockTotal = CrossEntropyBlocks<Simd512, Vector512<float>>(logits, targets, dLogits, batch, classes, invBatch);
            else if (Avx.IsSupported && Vector256.IsHardwareAccelerated && classes <= 16)
            {
                for (int s0 = 0; s0 < batch; s0 += 16)
                    blockTotal += CrossEntropyBlock2x8(logits, targets, dLogits, s0, Math.Min(16, batch - s0), batch, classes, invBatch);
            }
            else if (Vector256.IsHardwareAccelerated) blockTotal = CrossEntropyBlocks<Simd256, Vector256<float>>(logits, targets, dLogits, batch, classes, invBatch);
            else blockTotal = CrossEntropyBlocks<Simd128, Vector128<float>>(logits, targets, dLogits, batch, classes, invBatch);
            return (float)(blockTotal / batch);
        }
        double total = 0;
        for (int s = 0; s < batch; s++)
        {
            int t = CheckTarget(targets, s, classes);
            ReadOnlySpan<float> z = logits.Slice(s * classes, classes);
            float max = z[0];
            for (int c = 1; c < classes; c++) max = MathF.Max(max, z[c]);
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += MathF.Exp(z[c] - max);
            float logSumExp = max + (float)Math.Log(sum);
            total += logSumExp - z[t];
            if (withGradient)
            {
                Span<float> g = dLogits.Slice(s * classes, classes);
                for (int c = 0; c < classes; c++) g[c] = MathF.Exp(z[c] - logSumExp) * invBatch;
                g[t] -= invBatch;
            }
        }
        return (float)(total / batch);
    }

    /// <summary>Classes up to which <see cref="CrossEntropy"/> runs in blocks (a block's logits, classes × width floats, sit on the stack).</summary>
    private const int BlockedMaxClasses = 64;

    /// <summary>
    /// Samples s0..s0+count−1 (count ≤ 16) of <see cref="CrossEntropy"/> (AVX-512, 2 ≤ classes ≤ 16): the logits
    /// transposed so that each class is one vector over the samples, then the max, the sum of exponentials and the log
    /// over vectors, and the gradient transposed back. Returns the block's summed loss.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double CrossEntropyBlock16(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, Span<float> dLogits,
        int s0, int count, int batch, int classes, float invBatch)
    {
        ref float zr = ref Unsafe.Add(ref MemoryMarshal.GetReference(logits), s0 * classes);
        Span<float> block = stackalloc float[3 * 256 + 16];
        ref float zt = ref MemoryMarshal.GetReference(block); // zt[c·16 + s] = z[s0 + s, c]
        ref float rows = ref Unsafe.Add(ref zt, 256);
        // The transposition reads 16 floats from each of 16 rows.
        ref float source = ref BlockSource(logits, s0, count, 16, 16, batch, classes, block.Slice(512, 256 + 16));
        Dense.Transpose16(ref source, classes, 16, ref zt, 16);
        Vector512<float> logSumExp = SoftmaxColumns<Simd512, Vector512<float>>(ref zt, classes, out Vector512<float> sum);

        Span<float> lse = block.Slice(512, 16); // the padded copy is not read again
        logSumExp.StoreUnsafe(ref MemoryMarshal.GetReference(lse));
        double total = 0;
        for (int s = 0; s < count; s++)
        {
            int t = CheckTarget(targets, s0 + s, classes);
            total += lse[s] - Unsafe.Add(ref zr, s * classes + t);
        }
        if (dLogits.IsEmpty) return total;

        // softmax / N = e · (1/N) / sum per class vector, back to one row per sample, then stored row by row: a row's
        // 16-float store spills into the next row, which is stored after it; only where that would pass the end of
        // dLogits are the row's classes copied one by one.
        ScaleColumns<Simd512, Vector512<float>>(ref zt, classes, Vector512.Create(invBatch) / sum);
        Dense.Transpose16(ref zt, 16, classes, ref rows, 16);
        ref float gr = ref Unsafe.Add(ref MemoryMarshal.GetReference(dLogits), s0 * classes);
        int end = (batch - s0) * classes;
        for (int s = 0; s < count; s++)
        {
            int at = s * classes;
            if (at + 16 <= end) Vector512.LoadUnsafe(ref rows, (nuint)(s * 16)).StoreUnsafe(ref gr, (nuint)at);
            else for (int c = 0; c < classes; c++) Unsafe.Add(ref gr, at + c) = Unsafe.Add(ref rows, s * 16 + c);
            Unsafe.Add(ref gr, at + targets[s0 + s]) -= invBatch;
        }
        return total;
    }

    /// <summary>
    /// Samples s0..s0+count−1 (count ≤ 16) of <see cref="CrossEntropy"/> with AVX (2 ≤ classes ≤ 16): as
    /// <see cref="CrossEntropyBlock16"/>, in two halves of 8 samples whose chains (max, exponentials, sum, log) interleave,
    /// each half's classes in one or two 8 × 8 transposes each way, so that no logit or gradient moves one by one
    /// (measured, Zen 4, 1,797 × 10: 36 → 27 µs). Returns the block's summed loss.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double CrossEntropyBlock2x8(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, Span<float> dLogits,
        int s0, int count, int batch, int classes, float invBatch)
    {
        ref float zr = ref Unsafe.Add(ref MemoryMarshal.GetReference(logits), s0 * classes);
        Span<float> block = stackalloc float[3 * 256 + 16];
        ref float zt = ref MemoryMarshal.GetReference(block); // zt[c·16 + s] = z[s0 + s, c]
        ref float rows = ref Unsafe.Add(ref zt, 256);         // rows[s·16 + c]
        // The transposition reads 16 floats (8 with 8 classes or fewer) from each of 16 rows.
        int read = classes <= 8 ? 8 : 16;
        ref float source = ref BlockSource(logits, s0, count, 16, read, batch, classes, block.Slice(512, 256 + 16));
        for (int h = 0; h < 16; h += 8)
        {
            Transposes.Block8(ref Unsafe.Add(ref source, h * classes), classes, ref Unsafe.Add(ref zt, h), 16);
            if (classes > 8) Transposes.Block8(ref Unsafe.Add(ref source, h * classes + 8), classes, ref Unsafe.Add(ref zt, 128 + h), 16);
        }
        // The two halves' chains side by side (one half alone is a chain of dependent latencies).
        // (A NaN logit may drop out of the max, but not out of the sum of exponentials: the loss is NaN either way.)
        Vector256<float> max0 = Vector256.LoadUnsafe(ref zt), max1 = Vector256.LoadUnsafe(ref zt, 8);
        for (int c = 1; c < classes; c++)
        {
            max0 = Simd256.AtLeast(Vector256.LoadUnsafe(ref zt, (nuint)(c * 16)), max0);
            max1 = Simd256.AtLeast(Vector256.LoadUnsafe(ref zt, (nuint)(c * 16 + 8)), max1);
        }
        Vector256<float> sum0 = Vector256<float>.Zero, sum1 = Vector256<float>.Zero;
        for (int c = 0; c < classes; c++)
        {
            Vector256<float> e0 = ExpNonPositive<Simd256, Vector256<float>>(Vector256.LoadUnsafe(ref zt, (nuint)(c * 16)) - max0);
            Vector256<float> e1 = ExpNonPositive<Simd256, Vector256<float>>(Vector256.LoadUnsafe(ref zt, (nuint)(c * 16 + 8)) - max1);
            e0.StoreUnsafe(ref zt, (nuint)(c * 16));
            e1.StoreUnsafe(ref zt, (nuint)(c * 16 + 8));
            sum0 += e0;
            sum1 += e1;
        }
        Span<float> lse = block.Slice(512, 16); // the padded copy is not read again
        (max0 + Vector256.Log(sum0)).StoreUnsafe(ref MemoryMarshal.GetReference(lse));
        (max1 + Vector256.Log(sum1)).StoreUnsafe(ref MemoryMarshal.GetReference(lse), 8);
        double total = count == 16 ? BlockLoss(targets, s0, ref zr, lse, classes) : 0;
        for (int s = count == 16 ? 16 : 0; s < count; s++)
        {
            int t = CheckTarget(targets, s0 + s, classes);
            total += lse[s] - Unsafe.Add(ref zr, s * classes + t);
        }
        if (dLogits.IsEmpty) return total;

        // softmax / N back to one row per sample, stored row by row: a row's store of `read` floats spills into the next
        // row, which is stored after it; only where that would pass the end of dLogits are the row's classes copied one
        // by one.
        // A whole block takes the target's −1/N here, by class (a scalar subtract right after each row's vector store
        // waited on the store); the last, partial block row by row below. (The targets are checked by now.)
        Vector256<float> scale0 = Vector256.Create(invBatch) / sum0, scale1 = Vector256.Create(invBatch) / sum1, hit = Vector256.Create(invBatch);
        bool whole = count == 16;
        Vector256<int> t0 = whole ? Vector256.LoadUnsafe(ref Unsafe.Add(ref MemoryMarshal.GetReference(targets), s0)) : default;
        Vector256<int> t1 = whole ? Vector256.LoadUnsafe(ref Unsafe.Add(ref MemoryMarshal.GetReference(targets), s0 + 8)) : default;
        for (int c = 0; c < classes; c++)
        {
            Vector256<int> k = Vector256.Create(c);
            Vector256<float> g0 = Vector256.LoadUnsafe(ref zt, (nuint)(c * 16)) * scale0, g1 = Vector256.LoadUnsafe(ref zt, (nuint)(c * 16 + 8)) * scale1;
            if (whole)
            {
                g0 -= Vector256.Equals(t0, k).AsSingle() & hit;
                g1 -= Vector256.Equals(t1, k).AsSingle() & hit;
            }
            g0.StoreUnsafe(ref zt, (nuint)(c * 16));
            g1.StoreUnsafe(ref zt, (nuint)(c * 16 + 8));
        }
        for (int h = 0; h < 16; h += 8)
        {
            Transposes.Block8(ref Unsafe.Add(ref zt, h), 16, ref Unsafe.Add(ref rows, h * 16), 16);
            if (classes > 8) Transposes.Block8(ref Unsafe.Add(ref zt, 128 + h), 16, ref Unsafe.Add(ref rows, h * 16 + 8), 16);
        }
        ref float gr = ref Unsafe.Add(ref MemoryMarshal.GetReference(dLogits), s0 * classes);
        int end = (batch - s0) * classes;
        for (int s = 0; s < count; s++)
        {
            int at = s * classes;
            if (at + read <= end)
            {
                Vector256.LoadUnsafe(ref rows, (nuint)(s * 16)).StoreUnsafe(ref gr, (nuint)at);
                if (read > 8) Vector256.LoadUnsafe(ref rows, (nuint)(s * 16 + 8)).StoreUnsafe(ref gr, (nuint)(at + 8));
            }
            else for (int c = 0; c < classes; c++) Unsafe.Add(ref gr, at + c) = Unsafe.Add(ref rows, s * 16 + c);
            if (!whole) Unsafe.Add(ref gr, at + targets[s0 + s]) -= invBatch;
        }
        return total;
    }

    /// <summary>
    /// Σ lse[s] − z[s, targets[s0 + s]] over a whole block of 16, 8 lanes at a time: the targets checked by vector (the
    /// scalar check names the first bad one), the target logits gathered, each sample's float loss summed in double as
    /// one by one. (Sample by sample, the 16 scalar reads of lse right after its vector stores cost a fifth of the kernel.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe double BlockLoss(ReadOnlySpan<int> targets, int s0, ref float zr, Span<float> lse, int classes)
    {
        Vector256<double> sum = Vector256<double>.Zero;
        Vector256<int> rows = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * classes, bound = Vector256.Create(classes);
        for (int h = 0; h < 16; h += 8)
        {
            Vector256<int> t = Vector256.LoadUnsafe(ref Unsafe.Add(ref MemoryMarshal.GetReference(targets), s0 + h));
            if (!Vector256.LessThanAll(t.AsUInt32(), bound.AsUInt32()))
                for (int s = 0; s < 8; s++) CheckTarget(targets, s0 + h + s, classes);
            Vector256<float> z;
            fixed (float* row = &Unsafe.Add(ref zr, h * classes)) z = Avx2.GatherVector256(row, rows + t, 4);
            Vector256<float> loss = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(lse), (nuint)h) - z;
            sum += Avx.ConvertToVector256Double(loss.GetLower()) + Avx.ConvertToVector256Double(loss.GetUpper());
        }
        return Vector256.Sum(sum);
    }

    /// <summary>
    /// A block's logits (rows s0 … s0 + count − 1) for a transposition that reads <paramref name="read"/> floats from each
    /// of <paramref name="rows"/> rows: in place, or, where that would pass the end of the logits (the last block of a
    /// batch), a copy in <paramref name="padded"/> padded with zeros (lanes past count are then computed and unused).
    /// </summary>
    private static ref float BlockSource(ReadOnlySpan<float> logits, int s0, int count, int rows, int read, int batch, int classes, Span<float> padded)
    {
        if ((s0 + rows - 1) * classes + read <= batch * classes) return ref Unsafe.Add(ref MemoryMarshal.GetReference(logits), s0 * classes);
        padded.Clear();
        logits.Slice(s0 * classes, count * classes).CopyTo(padded);
        return ref MemoryMarshal.GetReference(padded);
    }

    /// <summary>
    /// <see cref="CrossEntropy"/> in blocks of <c>TSimd.Width</c> samples (2 ≤ classes ≤ <see cref="BlockedMaxClasses"/>),
    /// transposed by 8 × 8 blocks where AVX has them, else element by element; returns the summed loss.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double CrossEntropyBlocks<TSimd, TVec>(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, Span<float> dLogits,
        int batch, int classes, float invBatch)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width;
        Span<float> block = stackalloc float[(classes + 1) * width];
        ref float zt = ref MemoryMarshal.GetReference(block); // zt[c·width + s] = z[s0 + s, c]
        ref float lse = ref Unsafe.Add(ref zt, classes * width);
        ref float z = ref MemoryMarshal.GetReference(logits);
        ref float g = ref MemoryMarshal.GetReference(dLogits);
        double total = 0;
        for (int s0 = 0; s0 < batch; s0 += width)
        {
            int count = Math.Min(width, batch - s0);
            // With AVX and 8-wide vectors, a whole block's first 8 classes are one 8 × 8 transpose (element by element,
            // the moves cost more than the exponentials).
            int fast = width == 8 && count == 8 && classes >= 8 && Avx.IsSupported ? 8 : 0;
            if (count < width) block.Clear(); // lanes past count: zeros, computed and unused
            if (fast > 0) Transposes.Block8(ref Unsafe.Add(ref z, s0 * classes), classes, ref zt, 8);
            for (int s = 0; s < count; s++)
                for (int c = fast; c < classes; c++)
                    Unsafe.Add(ref zt, c * width + s) = Unsafe.Add(ref z, (s0 + s) * classes + c);
            TVec logSumExp = SoftmaxColumns<TSimd, TVec>(ref zt, classes, out TVec sum);
            TSimd.Store(logSumExp, ref lse, 0);
            for (int s = 0; s < count; s++)
            {
                int t = CheckTarget(targets, s0 + s, classes);
                total += Unsafe.Add(ref lse, s) - Unsafe.Add(ref z, (s0 + s) * classes + t);
            }
            if (dLogits.IsEmpty) continue;
            ScaleColumns<TSimd, TVec>(ref zt, classes, TSimd.Divide(TSimd.Broadcast(invBatch), sum));
            if (fast > 0) Transposes.Block8(ref zt, 8, ref Unsafe.Add(ref g, s0 * classes), classes);
            for (int s = 0; s < count; s++)
            {
                for (int c = fast; c < classes; c++)
                    Unsafe.Add(ref g, (s0 + s) * classes + c) = Unsafe.Add(ref zt, c * width + s);
                Unsafe.Add(ref g, (s0 + s) * classes + targets[s0 + s]) -= invBatch;
            }
        }
        return total;
    }

    /// <summary>
    /// Over class vectors zt[c·width..] of a block of samples: returns log Σ exp(z) per lane, and leaves
    /// e = exp(z − max) in place of z with <paramref name="sum"/> = Σ e, for the gradient.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static TVec SoftmaxColumns<TSimd, TVec>(ref float zt, int classes, out TVec sum)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        nint width = TSimd.Width;
        TVec max = TSimd.Load(ref zt, 0);
        // (A NaN logit may drop out of the max, but not out of the sum of exponentials below: the loss is NaN either way.)
        for (int c = 1; c < classes; c++) max = TSimd.AtLeast(TSimd.Load(ref zt, c * width), max);
        sum = TSimd.Zero;
        for (int c = 0; c < classes; c++)
        {
            TVec e = ExpNonPositive<TSimd, TVec>(TSimd.Subtract(TSimd.Load(ref zt, c * width), max));
            TSimd.Store(e, ref zt, c * width);
            sum = TSimd.Add(sum, e);
        }
        return TSimd.Add(max, TSimd.Log(sum));
    }

    /// <summary>Multiplies every class vector of a block by <paramref name="scale"/> (1/N over the sum: softmax / N).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ScaleColumns<TSimd, TVec>(ref float zt, int classes, TVec scale)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        nint width = TSimd.Width;
        for (int c = 0; c < classes; c++) TSimd.Store(TSimd.Multiply(TSimd.Load(ref zt, c * width), scale), ref zt, c * width);
    }

    /// <summary>
    /// eˣ for x ≤ 0 (as z − max is), to about 1 ulp: Cephes' expf (x = n·ln 2 + r, |r| ≤ ln 2 / 2, a degree-7 polynomial
    /// in r, times 2ⁿ); NaN stays NaN. Below x = −80 the result is 0 instead of a value under 2e-35: next to the
    /// largest term of a softmax sum (1) that is 2⁻¹¹⁵ of it, invisible in float, and it keeps subnormal numbers, which
    /// cost the CPU a microcode assist per operation, out of the sum and the gradient. Several times faster than the
    /// runtime's vector exp, which works in double.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    internal static TVec ExpNonPositive<TSimd, TVec>(TVec x)
        where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        TVec limit = TSimd.Broadcast(-80f);
        TVec negligible = TSimd.LessThan(x, limit);
        x = TSimd.AtLeast(x, limit); // NaN stays NaN
        TVec n = TSimd.Round(TSimd.Multiply(x, TSimd.Broadcast(1.44269504088896341f)));
        TVec r = TSimd.MulAdd(n, TSimd.Broadcast(-0.693359375f), x);
        r = TSimd.MulAdd(n, TSimd.Broadcast(2.12194440e-4f), r);
        TVec p = TSimd.Broadcast(1.9875691500e-4f);
        p = TSimd.MulAdd(p, r, TSimd.Broadcast(1.3981999507e-3f));
        p = TSimd.MulAdd(p, r, TSimd.Broadcast(8.3334519073e-3f));
        p = TSimd.MulAdd(p, r, TSimd.Broadcast(4.1665795894e-2f));
        p = TSimd.MulAdd(p, r, TSimd.Broadcast(1.6666665459e-1f));
        p = TSimd.MulAdd(p, r, TSimd.Broadcast(5.0000001201e-1f));
        p = TSimd.MulAdd(p, TSimd.Multiply(r, r), TSimd.Add(r, TSimd.Broadcast(1f)));
        return TSimd.ConditionalSelect(negligible, TSimd.Zero, TSimd.Multiply(p, TSimd.PowerOfTwo(n)));
    }

    /// <summary>targets[s], checked to be a class index in [0, classes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CheckTarget(ReadOnlySpan<int> targets, int s, int classes)
    {
        int t = targets[s];
        if ((uint)t >= (uint)classes) ThrowTargetOutOfRange(t, s, classes);
        return t;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTargetOutOfRange(int t, int s, int classes) =>
        throw new ArgumentOutOfRangeException("targets", t, $"Target {t} at index {s} is outside the {classes} classes [0, {classes}).");

    /// <summary>
    /// Binary cross-entropy on logits z with targets t (mean over all M = <c>logits.Length</c> values, i.e. batch·outputs):
    /// L = mean(max(z, 0) − z·t + log(1 + e^−|z|)), stable for any finite z; ∂L/∂z = (σ(z) − t)/M.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float BCEWithLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> dLogits)
    {
        int m = logits.Length;
        Guard.TargetLength(targets.Length, m, nameof(targets));
        bool withGradient = !dLogits.IsEmpty;
        if (withGradient) Guard.Length(dLogits.Length, m, nameof(dLogits));
        double total = 0;
        double invM = 1.0 / m;
        for (int i = 0; i < m; i++)
        {
            double z = logits[i], t = targets[i];
            double e = Math.Exp(-Math.Abs(z)); // in (0, 1]: never overflows
            total += Math.Max(z, 0) - z * t + LogOnePlus(e);
            if (withGradient)
            {
                // σ(z) from the same e: 1/(1 + e) for z ≥ 0, e/(1 + e) for z < 0; no overflow either way.
                double sigmoid = z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
                dLogits[i] = (float)((sigmoid - t) * invM);
            }
        }
        return (float)(total * invM);
    }

    /// <summary>
    /// Binary cross-entropy on probabilities p (the output of a sigmoid), mean over all M = <c>probabilities.Length</c>
    /// values: L = −mean(t·max(ln p, −100) + (1 − t)·max(ln(1 − p), −100)) — each log clamped at −100 as in PyTorch, so
    /// p = 0 or 1 gives a finite loss; ∂L/∂p = (p − t)/max(p·(1 − p), 1e-12)/M (PyTorch's gradient).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">When a probability is outside [0, 1] or NaN (PyTorch raises too).</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float BCE(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> targets, Span<float> dProbabilities)
    {
        int m = probabilities.Length;
        Guard.TargetLength(targets.Length, m, nameof(targets));
        bool withGradient = !dProbabilities.IsEmpty;
        if (withGradient) Guard.Length(dProbabilities.Length, m, nameof(dProbabilities));
        double total = 0;
        double invM = 1.0 / m;
        for (int i = 0; i < m; i++)
        {
            float pf = probabilities[i];
            if (!(pf >= 0f && pf <= 1f))
                throw new ArgumentOutOfRangeException(nameof(probabilities), pf,
                    $"BCE needs probabilities in [0, 1] (the output of a sigmoid); element {i} is {pf}.");
            double p = pf, t = targets[i];
            double q = 1.0 - p; // exact: p has 24 bits and is in [0, 1]
            total -= t * Math.Max(Math.Log(p), -100.0) + (1.0 - t) * Math.Max(Math.Log(q), -100.0);
            if (withGradient) dProbabilities[i] = (float)((p - t) / Math.Max(p * q, 1e-12) * invM);
        }
        return (float)(total * invM);
    }

    /// <summary>Mean squared error over all M = <c>outputs.Length</c> values: L = mean((o − t)²), ∂L/∂o = 2(o − t)/M.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float MSE(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, Span<float> dOutputs)
    {
        int m = outputs.Length;
        Guard.TargetLength(targets.Length, m, nameof(targets));
        bool withGradient = !dOutputs.IsEmpty;
        if (withGradient) Guard.Length(dOutputs.Length, m, nameof(dOutputs));
        double total = 0;
        for (int i = 0; i < m; i++)
        {
            double d = (double)outputs[i] - targets[i];
            total += d * d;
        }
        if (withGradient)
        {
            // PyTorch: (2/M as a float) · (o − t) in float. The loss is summed first, so dOutputs may alias outputs.
            TensorPrimitives.Subtract(outputs, targets, dOutputs);
            TensorPrimitives.Multiply(dOutputs, (float)(2.0 / m), dOutputs);
        }
        return (float)(total / m);
    }

    /// <summary>
    /// Weight penalty: returns l1·Σ|w| + l2·Σw² (accumulated in double) and, when <paramref name="gradients"/> is
    /// non-empty, ADDS l1·sign(w) + 2·l2·w to it (sign(0) = 0, PyTorch's d|w|/dw). With l1 = l2 = 0 it returns 0 at once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Penalty(ReadOnlySpan<float> weights, Span<float> gradients, float l1, float l2)
    {
        if (l1 == 0f && l2 == 0f) return 0f;
        bool withGradient = !gradients.IsEmpty;
        if (withGradient) Guard.Length(gradients.Length, weights.Length, nameof(gradients));
        double abs = 0, squares = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            double w = weights[i];
            abs += Math.Abs(w);
            squares += w * w;
        }
        if (withGradient) SimdMap.Binary(weights, gradients, new PenaltyGradientOp(l1, 2f * l2));
        return (float)(l1 * abs + l2 * squares);
    }

    /// <summary>log(1 + u) accurate for small u (.NET's LogP1 is log(1 + u), which loses u below 1e-16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double LogOnePlus(double u)
    {
        double w = 1.0 + u;
        // Classic correction: log(w)·u/(w − 1) cancels the rounding of 1 + u; for w == 1, log(1 + u) = u to double precision.
        return w == 1.0 ? u : Math.Log(w) * u / (w - 1.0);
    }

    /// <summary>g ← g + (l1·sign(w) + twoL2·w); the scalar form mirrors the vector form's operations.</summary>
    private readonly struct PenaltyGradientOp(float l1, float twoL2) : IBinaryOperator
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public TVec Invoke<TSimd, TVec>(TVec w, TVec g) where TSimd : struct, ISimd<TVec> where TVec : struct
        {
            TVec l1v = TSimd.Broadcast(l1);
            // sign(w)·l1 without a multiply: +l1, −l1 or 0 (also 0 for NaN, like the scalar form).
            TVec signed = TSimd.ConditionalSelect(TSimd.GreaterThan(w, TSimd.Zero), l1v,
                TSimd.ConditionalSelect(TSimd.LessThan(w, TSimd.Zero), TSimd.Subtract(TSimd.Zero, l1v), TSimd.Zero));
            return TSimd.Add(g, TSimd.Add(signed, TSimd.Multiply(TSimd.Broadcast(twoL2), w)));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public float Invoke(float w, float g)
        {
            float signed = w > 0f ? l1 : w < 0f ? 0f - l1 : 0f;
            return g + (signed + twoL2 * w);
        }
    }
}
