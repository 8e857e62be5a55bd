using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace StaticNet.Kernels;

/// <summary>
/// One vector width's operations, so that a kernel is written once and instantiated for Vector512, Vector256 and
/// Vector128. The type arguments are structs, so the JIT specialises each instantiation and inlines every call:
/// the generic form costs nothing at run time and keeps the three ladders from being three copies of the code.
/// </summary>
internal interface ISimd<TVec> where TVec : struct
{
    static abstract int Width { get; }
    static abstract TVec Zero { get; }
    static abstract TVec Broadcast(float value);
    /// <summary>
    /// <paramref name="source"/> in every lane, loaded in one instruction where the hardware has one. On x64 without AVX2,
    /// <c>Vector128.Create(float)</c> is a load and a shuffle, but AVX's <c>vbroadcastss xmm, m32</c> is one load: it takes a
    /// pointer, so <paramref name="source"/> must be pinned (or on the stack) while the caller runs.
    /// </summary>
    static abstract TVec BroadcastPinned(ref float source);
    static abstract TVec Load(ref float source, nint offset);
    /// <summary>The lower half of the lanes from <paramref name="low"/> floats after <paramref name="source"/>, the upper half from <paramref name="high"/>.</summary>
    static abstract TVec LoadHalves(ref float source, nint low, nint high);
    static abstract void Store(TVec value, ref float destination, nint offset);
    /// <summary>The first half of the lanes, stored.</summary>
    static abstract void StoreLowerHalf(TVec value, ref float destination);
    /// <summary>a·b + c, fused where the hardware has FMA (MultiplyAddEstimate never falls back to slow software FMA).</summary>
    static abstract TVec MulAdd(TVec a, TVec b, TVec c);
    static abstract TVec Add(TVec a, TVec b);
    static abstract TVec Multiply(TVec a, TVec b);
    /// <summary>
    /// The larger of two values met in this order, as PyTorch's max pool scans a window: <paramref name="second"/> where it
    /// is greater or NaN, else <paramref name="first"/> (a NaN first stays). Three instructions on x64, one on ARM64 (where a
    /// tie of zeros gives +0, and a NaN either way): <c>Vector.Max</c> takes seven on x64, to order −0 below +0.
    /// </summary>
    static abstract TVec MaxInOrder(TVec first, TVec second);
    /// <summary>
    /// max(x, bound) in one instruction, a NaN x kept. A tie of zeros gives x on x64 and +0 on ARM64: equal either way.
    /// </summary>
    static abstract TVec AtLeast(TVec x, TVec bound);
    /// <summary>max(x, 0) as <see cref="AtLeast"/>: NaN stays NaN and −0 stays −0 on x64, as in PyTorch's AVX2 ReLU (<c>_mm256_max_ps(zero, x)</c>).</summary>
    static abstract TVec Relu(TVec x);
    static abstract float Sum(TVec v);
    static abstract TVec Subtract(TVec a, TVec b);
    static abstract TVec Divide(TVec a, TVec b);
    static abstract TVec Min(TVec a, TVec b);
    /// <summary>All-ones lanes where a &gt; b (false for NaN), else all-zeros; for <see cref="ConditionalSelect"/>.</summary>
    static abstract TVec GreaterThan(TVec a, TVec b);
    /// <summary>All-ones lanes where a &lt; b (false for NaN), else all-zeros.</summary>
    static abstract TVec LessThan(TVec a, TVec b);
    /// <summary>Bitwise select: lanes of <paramref name="whenTrue"/> where <paramref name="mask"/> is set, else of <paramref name="whenFalse"/>.</summary>
    static abstract TVec ConditionalSelect(TVec mask, TVec whenTrue, TVec whenFalse);
    /// <summary>eˣ per lane (the runtime's vectorised exp; it can differ from <see cref="MathF.Exp"/> in the last bit).</summary>
    static abstract TVec Exp(TVec v);
    /// <summary>ln x per lane (the runtime's vectorised log).</summary>
    static abstract TVec Log(TVec v);
    /// <summary>Rounds each lane to the nearest integer (ties to even).</summary>
    static abstract TVec Round(TVec v);
    /// <summary>2ⁿ per lane for integral n in [−126, 127], built in the exponent bits.</summary>
    static abstract TVec PowerOfTwo(TVec n);
}

internal readonly struct Simd512 : ISimd<Vector512<float>>
{
    public static int Width => Vector512<float>.Count;
    public static Vector512<float> Zero => Vector512<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Broadcast(float value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> BroadcastPinned(ref float source) => Vector512.Create(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(ref float source, nint offset) => Vector512.LoadUnsafe(ref source, (nuint)offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> LoadHalves(ref float source, nint low, nint high) => Vector512.Create(Vector256.LoadUnsafe(ref source, (nuint)low), Vector256.LoadUnsafe(ref source, (nuint)high));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<float> value, ref float destination, nint offset) => value.StoreUnsafe(ref destination, (nuint)offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreLowerHalf(Vector512<float> value, ref float destination) => value.GetLower().StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> MulAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.MultiplyAddEstimate(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MaxInOrder(Vector512<float> first, Vector512<float> second) =>
        Avx512F.IsSupported ? Avx512F.BlendVariable(Avx512F.Max(second, first), second, Avx512F.CompareUnordered(second, second))
        : Vector512.ConditionalSelect(Vector512.GreaterThan(second, first) | ~Vector512.Equals(second, second), second, first);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> AtLeast(Vector512<float> x, Vector512<float> bound) => Avx512F.IsSupported ? Avx512F.Max(bound, x) : Vector512.Max(x, bound);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Relu(Vector512<float> x) => AtLeast(x, Vector512<float>.Zero);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector512<float> v) => Vector512.Sum(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Vector512.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> GreaterThan(Vector512<float> a, Vector512<float> b) => Vector512.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> LessThan(Vector512<float> a, Vector512<float> b) => Vector512.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> ConditionalSelect(Vector512<float> mask, Vector512<float> whenTrue, Vector512<float> whenFalse) => Vector512.ConditionalSelect(mask, whenTrue, whenFalse);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Exp(Vector512<float> v) => Vector512.Exp(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Log(Vector512<float> v) => Vector512.Log(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Round(Vector512<float> v) => Vector512.Round(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> PowerOfTwo(Vector512<float> n) => Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle();
}

internal readonly struct Simd256 : ISimd<Vector256<float>>
{
    public static int Width => Vector256<float>.Count;
    public static Vector256<float> Zero => Vector256<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Broadcast(float value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> BroadcastPinned(ref float source) => Vector256.Create(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(ref float source, nint offset) => Vector256.LoadUnsafe(ref source, (nuint)offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> LoadHalves(ref float source, nint low, nint high) => Vector256.Create(Vector128.LoadUnsafe(ref source, (nuint)low), Vector128.LoadUnsafe(ref source, (nuint)high));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> value, ref float destination, nint offset) => value.StoreUnsafe(ref destination, (nuint)offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreLowerHalf(Vector256<float> value, ref float destination) => value.GetLower().StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.MultiplyAddEstimate(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;
    // vmaxps(second, first) is second > first ? second : first (first when either is NaN); then a NaN second is taken.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MaxInOrder(Vector256<float> first, Vector256<float> second) =>
        Avx.IsSupported ? Avx.BlendVariable(Avx.Max(second, first), second, Avx.CompareUnordered(second, second))
        : Vector256.ConditionalSelect(Vector256.GreaterThan(second, first) | ~Vector256.Equals(second, second), second, first);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> AtLeast(Vector256<float> x, Vector256<float> bound) => Avx.IsSupported ? Avx.Max(bound, x) : Vector256.Max(x, bound);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Relu(Vector256<float> x) => AtLeast(x, Vector256<float>.Zero);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector256<float> v) => Vector256.Sum(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Min(Vector256<float> a, Vector256<float> b) => Vector256.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> GreaterThan(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> LessThan(Vector256<float> a, Vector256<float> b) => Vector256.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> ConditionalSelect(Vector256<float> mask, Vector256<float> whenTrue, Vector256<float> whenFalse) => Vector256.ConditionalSelect(mask, whenTrue, whenFalse);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Exp(Vector256<float> v) => Vector256.Exp(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Log(Vector256<float> v) => Vector256.Log(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Round(Vector256<float> v) => Vector256.Round(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> PowerOfTwo(Vector256<float> n) => Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
}

internal readonly struct Simd128 : ISimd<Vector128<float>>
{
    public static int Width => Vector128<float>.Count;
    public static Vector128<float> Zero => Vector128<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Broadcast(float value) => Vector128.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector128<float> BroadcastPinned(ref float source) =>
        Avx.IsSupported ? Avx.BroadcastScalarToVector128((float*)Unsafe.AsPointer(ref source)) : Vector128.Create(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Load(ref float source, nint offset) => Vector128.LoadUnsafe(ref source, (nuint)offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> LoadHalves(ref float source, nint low, nint high) => Vector128.Create(Vector64.LoadUnsafe(ref source, (nuint)low), Vector64.LoadUnsafe(ref source, (nuint)high));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<float> value, ref float destination, nint offset) => value.StoreUnsafe(ref destination, (nuint)offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreLowerHalf(Vector128<float> value, ref float destination) => value.GetLower().StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> MulAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.MultiplyAddEstimate(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MaxInOrder(Vector128<float> first, Vector128<float> second) =>
        Sse41.IsSupported ? Sse41.BlendVariable(Sse.Max(second, first), second, Sse.CompareUnordered(second, second))
        : AdvSimd.IsSupported ? AdvSimd.Max(first, second)
        : Vector128.ConditionalSelect(Vector128.GreaterThan(second, first) | ~Vector128.Equals(second, second), second, first);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> AtLeast(Vector128<float> x, Vector128<float> bound) =>
        Sse.IsSupported ? Sse.Max(bound, x) : AdvSimd.IsSupported ? AdvSimd.Max(x, bound) : Vector128.Max(x, bound);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Relu(Vector128<float> x) => AtLeast(x, Vector128<float>.Zero);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector128<float> v) => Vector128.Sum(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Divide(Vector128<float> a, Vector128<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Min(Vector128<float> a, Vector128<float> b) => Vector128.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> GreaterThan(Vector128<float> a, Vector128<float> b) => Vector128.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> LessThan(Vector128<float> a, Vector128<float> b) => Vector128.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> ConditionalSelect(Vector128<float> mask, Vector128<float> whenTrue, Vector128<float> whenFalse) => Vector128.ConditionalSelect(mask, whenTrue, whenFalse);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Exp(Vector128<float> v) => Vector128.Exp(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Log(Vector128<float> v) => Vector128.Log(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Round(Vector128<float> v) => Vector128.Round(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> PowerOfTwo(Vector128<float> n) => Vector128.ShiftLeft(Vector128.ConvertToInt32(n) + Vector128.Create(127), 23).AsSingle();
}

/// <summary>
/// An elementwise function y = f(x), given once for a vector of any width and once for a scalar. The scalar form
/// must perform the same IEEE operations in the same order as the vector form, so that the scalar tail (and the
/// scalar path, when no vector hardware is enabled) gives the same bits as the vector body.
/// </summary>
/// <remarks>Implementations are structs whose fields carry parameters (a slope, an alpha), so the JIT specialises and inlines them.</remarks>
internal interface IUnaryOperator
{
    TVec Invoke<TSimd, TVec>(TVec x) where TSimd : struct, ISimd<TVec> where TVec : struct;
    float Invoke(float x);
}

/// <summary>An elementwise function value ← f(saved, value), applied in place to <c>value</c> (a backward kernel's dy).</summary>
internal interface IBinaryOperator
{
    TVec Invoke<TSimd, TVec>(TVec saved, TVec value) where TSimd : struct, ISimd<TVec> where TVec : struct;
    float Invoke(float saved, float value);
}

/// <summary>Drives an <see cref="IUnaryOperator"/> or <see cref="IBinaryOperator"/> over spans with the 512 → 256 → 128 → scalar ladder.</summary>
internal static class SimdMap
{
    /// <summary><c>y[i] = op(x[i])</c> for i &lt; x.Length; x and y may be the same span.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Unary<TOp>(ReadOnlySpan<float> x, Span<float> y, TOp op) where TOp : struct, IUnaryOperator
    {
        if (y.Length < x.Length) throw new ArgumentException($"Expected at least {x.Length} outputs, got {y.Length}.", nameof(y));
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
            i = UnaryCore<TOp, Simd512, Vector512<float>>(ref xr, ref yr, n, op);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
            i = UnaryCore<TOp, Simd256, Vector256<float>>(ref xr, ref yr, n, op);
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
            i = UnaryCore<TOp, Simd128, Vector128<float>>(ref xr, ref yr, n, op);
        for (; i < n; i++) Unsafe.Add(ref yr, i) = op.Invoke(Unsafe.Add(ref xr, i));
    }

    /// <summary><c>value[i] = op(saved[i], value[i])</c> for i &lt; value.Length; <paramref name="saved"/> must be at least as long.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Binary<TOp>(ReadOnlySpan<float> saved, Span<float> value, TOp op) where TOp : struct, IBinaryOperator
    {
        if (saved.Length < value.Length)
            throw new ArgumentException($"Expected at least {value.Length} saved forward values, got {saved.Length}.", nameof(saved));
        int n = value.Length;
        ref float sr = ref MemoryMarshal.GetReference(saved);
        ref float vr = ref MemoryMarshal.GetReference(value);
        int i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
            i = BinaryCore<TOp, Simd512, Vector512<float>>(ref sr, ref vr, n, op);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
            i = BinaryCore<TOp, Simd256, Vector256<float>>(ref sr, ref vr, n, op);
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
            i = BinaryCore<TOp, Simd128, Vector128<float>>(ref sr, ref vr, n, op);
        for (; i < n; i++) Unsafe.Add(ref vr, i) = op.Invoke(Unsafe.Add(ref sr, i), Unsafe.Add(ref vr, i));
    }

    // Returns the number of elements done; the caller finishes the tail with the scalar form. (An overlapping last
    // vector would apply an in-place operation twice to the overlap, so the tail stays scalar.)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int UnaryCore<TOp, TSimd, TVec>(ref float x, ref float y, int n, TOp op)
        where TOp : struct, IUnaryOperator where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int i = 0;
        for (; i + TSimd.Width <= n; i += TSimd.Width)
            TSimd.Store(op.Invoke<TSimd, TVec>(TSimd.Load(ref x, i)), ref y, i);
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int BinaryCore<TOp, TSimd, TVec>(ref float saved, ref float value, int n, TOp op)
        where TOp : struct, IBinaryOperator where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int i = 0;
        for (; i + TSimd.Width <= n; i += TSimd.Width)
            TSimd.Store(op.Invoke<TSimd, TVec>(TSimd.Load(ref saved, i), TSimd.Load(ref value, i)), ref value, i);
        return i;
    }
}
