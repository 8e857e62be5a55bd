using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

/// <summary>
/// The double-precision arithmetic of the special functions (Cody's erfc), on one double or on a vector of four, so
/// that each function is written once: the scalar instance is the reference (and the tail of every loop), the vector
/// instance does four lanes per operation with the same operations in the same order. Only exp may differ (the
/// runtime's vector exp against <see cref="Math.Exp"/>) in the last bit of a double, which rounding to float almost
/// always removes. Branches become selects: both sides are computed and each lane keeps its own.
/// </summary>
internal interface IDoubleLanes<T> where T : struct, IDoubleLanes<T>
{
    static abstract T Create(double value);
    static abstract T operator +(T a, T b);
    static abstract T operator -(T a, T b);
    static abstract T operator *(T a, T b);
    static abstract T operator /(T a, T b);
    static abstract T operator -(T a);
    static abstract T Abs(T a);
    static abstract T Exp(T a);
    static abstract T Truncate(T a);
    /// <summary>Per lane: <paramref name="whenTrue"/> where a ≤ b, else <paramref name="whenFalse"/> (also for NaN).</summary>
    static abstract T SelectIfLessOrEqual(T a, T b, T whenTrue, T whenFalse);
}

/// <summary>One double.</summary>
internal readonly struct ScalarDouble(double value) : IDoubleLanes<ScalarDouble>
{
    public readonly double Value = value;
    public static ScalarDouble Create(double value) => new(value);
    public static ScalarDouble operator +(ScalarDouble a, ScalarDouble b) => new(a.Value + b.Value);
    public static ScalarDouble operator -(ScalarDouble a, ScalarDouble b) => new(a.Value - b.Value);
    public static ScalarDouble operator *(ScalarDouble a, ScalarDouble b) => new(a.Value * b.Value);
    public static ScalarDouble operator /(ScalarDouble a, ScalarDouble b) => new(a.Value / b.Value);
    public static ScalarDouble operator -(ScalarDouble a) => new(-a.Value);
    public static ScalarDouble Abs(ScalarDouble a) => new(Math.Abs(a.Value));
    public static ScalarDouble Exp(ScalarDouble a) => new(Math.Exp(a.Value));
    public static ScalarDouble Truncate(ScalarDouble a) => new(Math.Truncate(a.Value));
    public static ScalarDouble SelectIfLessOrEqual(ScalarDouble a, ScalarDouble b, ScalarDouble whenTrue, ScalarDouble whenFalse) =>
        a.Value <= b.Value ? whenTrue : whenFalse;
}

/// <summary>Four doubles (<see cref="Vector256{T}"/>; use where <see cref="Vector256.IsHardwareAccelerated"/>).</summary>
internal readonly struct Vector256Double(Vector256<double> value) : IDoubleLanes<Vector256Double>
{
    public readonly Vector256<double> Value = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Double Create(double value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Double operator +(Vector256Double a, Vector256Double b) => new(a.Value + b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Double operator -(Vector256Double a, Vector256Double b) => new(a.Value - b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Double operator *(Vector256Double a, Vector256Double b) => new(a.Value * b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Double operator /(Vector256Double a, Vector256Double b) => new(a.Value / b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Double operator -(Vector256Double a) => new(-a.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Double Abs(Vector256Double a) => new(Vector256.Abs(a.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Double Exp(Vector256Double a) => new(Vector256.Exp(a.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Double Truncate(Vector256Double a) => new(Vector256.Truncate(a.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256Double SelectIfLessOrEqual(Vector256Double a, Vector256Double b, Vector256Double whenTrue, Vector256Double whenFalse) =>
        new(Vector256.ConditionalSelect(Vector256.LessThanOrEqual(a.Value, b.Value), whenTrue.Value, whenFalse.Value));
}
