using System.ComponentModel;

namespace StaticNet.Kernels;

/// <summary>
/// A size as a type: generated code declares one struct per constant it needs (<c>struct Size64 : ISize</c>), and a
/// kernel taking it as a type argument is compiled once per size by the JIT (and by NativeAOT), with the value a
/// constant in every loop bound, without relying on the caller's inlining budget.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ISize
{
    /// <summary>The size.</summary>
    static abstract int Value { get; }
}
