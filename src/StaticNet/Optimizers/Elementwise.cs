using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNet;

/// <summary>
/// Runs an optimizer's per-element update over the parameter span with the widest hardware vector
/// (<see cref="Vector512"/>, <see cref="Vector256"/> or <see cref="Vector128"/>) and a scalar tail.
/// </summary>
/// <remarks>
/// Each update is written once, generically over <see cref="ILanes{TSelf}"/>; the scalar tail is the same code
/// instantiated with <see cref="Lanes1"/>. Every operation used (+, −, ×, ÷, √, max) is correctly rounded per lane
/// and no fused multiply-add is used, so every path (and every lane) produces the same bits.
/// <para>
/// Optimizer state (moments, momentum buffers, sums) is flushed to zero where it becomes subnormal (below 2⁻¹²⁶), which
/// PyTorch does not do. A moment of a parameter whose gradient stays zero (a dead unit, an always-zero input) decays by
/// β each step until it is subnormal, and there it sticks: 0.9 × 5·2⁻¹⁴⁹ rounds back to 5·2⁻¹⁴⁹. Every operation on it
/// then costs a microcode assist, which made the whole Adam step 9 times slower after a few epochs of the digits
/// sample. Such a value moves a parameter by less than 10⁻³⁰, so no parameter above that size changes.
/// </para>
/// </remarks>
internal static class Elementwise
{
    /// <summary>The operations an update may use, on a vector of <see cref="Count"/> floats.</summary>
    internal interface ILanes<TSelf> where TSelf : struct, ILanes<TSelf>
    {
        static abstract int Count { get; }
        static abstract TSelf Load(ref float source, nuint index);
        static abstract void Store(TSelf value, ref float destination, nuint index);
        static abstract TSelf Create(float value);
        static abstract TSelf Sqrt(TSelf x);
        static abstract TSelf Max(TSelf x, TSelf y);
        static abstract TSelf operator +(TSelf x, TSelf y);
        static abstract TSelf operator -(TSelf x, TSelf y);
        static abstract TSelf operator *(TSelf x, TSelf y);
        static abstract TSelf operator /(TSelf x, TSelf y);
        /// <summary>x, with lanes whose magnitude is below the smallest normal float (subnormal) set to +0.</summary>
        static abstract TSelf FlushSubnormal(TSelf x);
    }

    /// <summary>The smallest normal float, 2⁻¹²⁶.</summary>
    internal const float MinNormal = 1.17549435E-38f;

    /// <summary>
    /// One optimizer update at element <c>index</c> (and the following <c>T.Count - 1</c>). <c>s0</c>..<c>s2</c> are the
    /// optimizer's state buffers; a buffer the optimizer does not use is empty and must not be read.
    /// </summary>
    internal interface IKernel
    {
        void Apply<T>(ref float p, ref float g, ref float s0, ref float s1, ref float s2, nuint index)
            where T : struct, ILanes<T>;
    }

    /// <summary>Applies <paramref name="kernel"/> to every element. State spans are empty or as long as the parameters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TKernel>(TKernel kernel, Span<float> parameters, ReadOnlySpan<float> gradients,
        Span<float> s0 = default, Span<float> s1 = default, Span<float> s2 = default)
        where TKernel : struct, IKernel
    {
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float a = ref MemoryMarshal.GetReference(s0);
        ref float b = ref MemoryMarshal.GetReference(s1);
        ref float c = ref MemoryMarshal.GetReference(s2);
        nuint n = (nuint)parameters.Length, i = 0;
        // IsHardwareAccelerated is a JIT-time constant: only one branch survives.
        if (Vector512.IsHardwareAccelerated) i = Loop<TKernel, Lanes512>(kernel, ref p, ref g, ref a, ref b, ref c, i, n);
        else if (Vector256.IsHardwareAccelerated) i = Loop<TKernel, Lanes256>(kernel, ref p, ref g, ref a, ref b, ref c, i, n);
        else if (Vector128.IsHardwareAccelerated) i = Loop<TKernel, Lanes128>(kernel, ref p, ref g, ref a, ref b, ref c, i, n);
        Loop<TKernel, Lanes1>(kernel, ref p, ref g, ref a, ref b, ref c, i, n);
    }

    // Inlined together with the kernel's Apply (see the callers' AggressiveInlining), so the loop body holds no call
    // and the kernel's scalars stay in registers; the divider (√ and two ÷ for Adam) is then the bound.
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static nuint Loop<TKernel, T>(TKernel kernel, ref float p, ref float g, ref float a, ref float b, ref float c, nuint i, nuint n)
        where TKernel : struct, IKernel where T : struct, ILanes<T>
    {
        for (nuint width = (nuint)T.Count; n - i >= width; i += width)
            kernel.Apply<T>(ref p, ref g, ref a, ref b, ref c, i);
        return i;
    }

    internal readonly struct Lanes1(float v) : ILanes<Lanes1>
    {
        private readonly float _v = v;
        public static int Count => 1;
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes1 Load(ref float source, nuint index) => new(Unsafe.Add(ref source, index));
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static void Store(Lanes1 value, ref float destination, nuint index) => Unsafe.Add(ref destination, index) = value._v;
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes1 Create(float value) => new(value);
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes1 Sqrt(Lanes1 x) => new(MathF.Sqrt(x._v));
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes1 Max(Lanes1 x, Lanes1 y) => new(MathF.Max(x._v, y._v));
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes1 operator +(Lanes1 x, Lanes1 y) => new(x._v + y._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes1 operator -(Lanes1 x, Lanes1 y) => new(x._v - y._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes1 operator *(Lanes1 x, Lanes1 y) => new(x._v * y._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes1 operator /(Lanes1 x, Lanes1 y) => new(x._v / y._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes1 FlushSubnormal(Lanes1 x) => new(MathF.Abs(x._v) < MinNormal ? 0f : x._v);
    }

    internal readonly struct Lanes128(Vector128<float> v) : ILanes<Lanes128>
    {
        private readonly Vector128<float> _v = v;
        public static int Count => Vector128<float>.Count;
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes128 Load(ref float source, nuint index) => new(Vector128.LoadUnsafe(ref source, index));
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static void Store(Lanes128 value, ref float destination, nuint index) => value._v.StoreUnsafe(ref destination, index);
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes128 Create(float value) => new(Vector128.Create(value));
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes128 Sqrt(Lanes128 x) => new(Vector128.Sqrt(x._v));
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes128 Max(Lanes128 x, Lanes128 y) => new(Vector128.Max(x._v, y._v));
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes128 operator +(Lanes128 x, Lanes128 y) => new(x._v + y._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes128 operator -(Lanes128 x, Lanes128 y) => new(x._v - y._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes128 operator *(Lanes128 x, Lanes128 y) => new(x._v * y._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes128 operator /(Lanes128 x, Lanes128 y) => new(x._v / y._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes128 FlushSubnormal(Lanes128 x) => new(Vector128.ConditionalSelect(Vector128.LessThan(Vector128.Abs(x._v), Vector128.Create(MinNormal)), Vector128<float>.Zero, x._v));
    }

    internal readonly struct Lanes256(Vector256<float> v) : ILanes<Lanes256>
    {
        private readonly Vector256<float> _v = v;
        public static int Count => Vector256<float>.Count;
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes256 Load(ref float source, nuint index) => new(Vector256.LoadUnsafe(ref source, index));
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static void Store(Lanes256 value, ref float destination, nuint index) => value._v.StoreUnsafe(ref destination, index);
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes256 Create(float value) => new(Vector256.Create(value));
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes256 Sqrt(Lanes256 x) => new(Vector256.Sqrt(x._v));
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes256 Max(Lanes256 x, Lanes256 y) => new(Vector256.Max(x._v, y._v));
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes256 operator +(Lanes256 x, Lanes256 y) => new(x._v + y._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes256 operator -(Lanes256 x, Lanes256 y) => new(x._v - y._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes256 operator *(Lanes256 x, Lanes256 y) => new(x._v * y._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes256 operator /(Lanes256 x, Lanes256 y) => new(x._v / y._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes256 FlushSubnormal(Lanes256 x) => new(Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(x._v), Vector256.Create(MinNormal)), Vector256<float>.Zero, x._v));
    }

    internal readonly struct Lanes512(Vector512<float> v) : ILanes<Lanes512>
    {
        private readonly Vector512<float> _v = v;
        public static int Count => Vector512<float>.Count;
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes512 Load(ref float source, nuint index) => new(Vector512.LoadUnsafe(ref source, index));
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static void Store(Lanes512 value, ref float destination, nuint index) => value._v.StoreUnsafe(ref destination, index);
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes512 Create(float value) => new(Vector512.Create(value));
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes512 Sqrt(Lanes512 x) => new(Vector512.Sqrt(x._v));
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes512 Max(Lanes512 x, Lanes512 y) => new(Vector512.Max(x._v, y._v));
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes512 operator +(Lanes512 x, Lanes512 y) => new(x._v + y._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes512 operator -(Lanes512 x, Lanes512 y) => new(x._v - y._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes512 operator *(Lanes512 x, Lanes512 y) => new(x._v * y._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes512 operator /(Lanes512 x, Lanes512 y) => new(x._v / y._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static Lanes512 FlushSubnormal(Lanes512 x) => new(Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Abs(x._v), Vector512.Create(MinNormal)), Vector512<float>.Zero, x._v));
    }
}
