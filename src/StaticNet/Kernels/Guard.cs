using System.Runtime.CompilerServices;
using System.ComponentModel;

namespace StaticNet.Kernels;

/// <summary>Argument checks shared by generated networks: messages name the expected and actual sizes.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Guard
{
    /// <summary>
    /// Returns the number of samples in a span of <paramref name="inputsLength"/> floats; throws unless it is a non-empty whole number
    /// of <paramref name="inputSize"/>-float rows.
    /// </summary>
    public static int BatchSize(int inputsLength, int inputSize, string paramName)
    {
        if (inputsLength == 0 || inputsLength % inputSize != 0)
            throw new ArgumentException(
                $"Expected a non-empty multiple of InputSize ({inputSize}) floats, but the span has {inputsLength}.", paramName);
        return inputsLength / inputSize;
    }

    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    public static void Length(int actual, int expected, string paramName)
    {
        if (actual != expected)
            throw new ArgumentException($"Expected a span of {expected} floats, but it has {actual}.", paramName);
    }

    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/> (for targets, counted in elements).</summary>
    public static void TargetLength(int actual, int expected, string paramName)
    {
        if (actual != expected)
            throw new ArgumentException($"Expected {expected} targets (one per output value), but the span has {actual}.", paramName);
    }

    /// <summary>Throws unless there is one class index per sample, each in [0, <paramref name="classCount"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ClassIndices(ReadOnlySpan<int> targets, int batch, int classCount, string paramName)
    {
        if (targets.Length != batch)
            throw new ArgumentException($"Expected {batch} class indices (one per sample), but the span has {targets.Length}.", paramName);
        for (int i = 0; i < targets.Length; i++)
            if ((uint)targets[i] >= (uint)classCount)
                throw new ArgumentOutOfRangeException(paramName, targets[i],
                    $"Target {targets[i]} at index {i} is outside the {classCount} classes [0, {classCount}).");
    }
}
