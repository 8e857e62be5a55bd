using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticNet.Kernels;

/// <summary>
/// Storage for packed weights: one pinned array (it never moves, so an alignment found once holds) with an offset at
/// which a 64-byte cache line starts. A vector load that straddles two lines costs twice; unaligned arrays make a
/// kernel's speed depend on where the collector happened to put them. Its members inline into the callers: a call
/// left to tiered compilation ran unoptimised code for the first second of a process.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class AlignedStore
{
    private const int LineFloats = 16;

    private readonly float[] _array;
    private readonly int _start;

    /// <summary>Reserves <paramref name="length"/> floats; regions of <see cref="Round"/>ed lengths laid end to end all start on a line.</summary>
    public unsafe AlignedStore(int length)
    {
        _array = GC.AllocateArray<float>(length + LineFloats, pinned: true);
        fixed (float* p = _array) _start = (int)((LineFloats - ((nuint)p / sizeof(float)) % LineFloats) % LineFloats);
        Length = length;
    }

    /// <summary>Floats reserved (from the aligned start).</summary>
    public int Length { get; }

    /// <summary>Extra floats a span needs for <see cref="Align"/> to find a cache line in it.</summary>
    public const int Slack = LineFloats;

    /// <summary>
    /// The part of <paramref name="scratch"/> that starts on a cache line (<see cref="Slack"/> floats shorter). For stack
    /// memory, which never moves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Span<float> Align(Span<float> scratch)
    {
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(scratch));
        int skip = (int)((LineFloats - address / sizeof(float) % LineFloats) % LineFloats);
        return scratch.Slice(skip, scratch.Length - Slack);
    }

    /// <summary>A length rounded up to whole cache lines.</summary>
    public static int Round(int length) => (length + LineFloats - 1) / LineFloats * LineFloats;

    /// <summary>The region at <paramref name="offset"/> (from the aligned start).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<float> Slice(int offset, int length) => _array.AsSpan(_start + offset, length);
}
