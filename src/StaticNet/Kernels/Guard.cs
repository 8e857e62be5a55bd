using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

/// <summary>Argument checks shared by generated networks: messages name the expected and actual sizes.</summary>
/// <remarks>
/// The checks inline into the generated members (where the sizes are constants, so the division by InputSize is a
/// shift or a multiplication); building the message is left to separate methods that are never inlined.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Guard
{
    /// <summary>
    /// Returns the number of samples in a span of <paramref name="inputsLength"/> floats; throws unless it is a non-empty whole number
    /// of <paramref name="inputSize"/>-float rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int BatchSize(int inputsLength, int inputSize, string paramName)
    {
        int batch = inputsLength / inputSize;
        if (inputsLength == 0 || batch * inputSize != inputsLength) ThrowBatchSize(inputsLength, inputSize, paramName);
        return batch;
    }

    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Length(int actual, int expected, string paramName)
    {
        if (actual != expected) ThrowLength(actual, expected, paramName);
    }

    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/> (for targets, counted in elements).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TargetLength(int actual, int expected, string paramName)
    {
        if (actual != expected) ThrowTargetLength(actual, expected, paramName);
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

    /// <summary>
    /// Throws unless there are <paramref name="expected"/> targets, each in [0, 1] (binary cross-entropy: a probability
    /// of class 1; NaN is rejected too).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BinaryTargets(ReadOnlySpan<float> targets, int expected, string paramName)
    {
        TargetLength(targets.Length, expected, paramName);
        for (int i = 0; i < targets.Length; i++)
            if (!(targets[i] >= 0f && targets[i] <= 1f)) ThrowBinaryTarget(targets[i], i, paramName);
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBinaryTarget(float value, int index, string paramName) =>
        throw new ArgumentOutOfRangeException(paramName, value,
            $"Target {value.ToString(System.Globalization.CultureInfo.InvariantCulture)} at index {index} is outside [0, 1]; binary cross-entropy targets are probabilities of class 1.");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBatchSize(int inputsLength, int inputSize, string paramName) =>
        throw new ArgumentException(
            $"Expected a non-empty multiple of InputSize ({inputSize}) floats, but the span has {inputsLength}.", paramName);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLength(int actual, int expected, string paramName) =>
        throw new ArgumentException($"Expected a span of {expected} floats, but it has {actual}.", paramName);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTargetLength(int actual, int expected, string paramName) =>
        throw new ArgumentException($"Expected {expected} targets (one per output value), but the span has {actual}.", paramName);
}
