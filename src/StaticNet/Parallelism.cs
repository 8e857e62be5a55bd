namespace StaticNet;

/// <summary>
/// How many threads StaticNet's large matrix products may use: training steps and batched <c>Forward</c> calls whose
/// dense layers are big enough to pay for it (PyTorch's <c>torch.set_num_threads</c>). One by default: then every
/// call runs on the caller's thread and allocates nothing. One-sample paths always run on the caller's thread.
/// </summary>
/// <remarks>
/// A product is split by rows of its output, whole row blocks per thread, so every value is computed exactly as on one
/// thread: results do not depend on this setting. Splitting allocates a little (the parallel loop's bookkeeping), which
/// is why it is opt-in.
/// </remarks>
public static class Parallelism
{
    private static int _maxDegree = 1;

    /// <summary>Floating-point operations of work each extra thread must get (about 50 µs on one core of a current CPU).</summary>
    public const double MinOperationsPerThread = 4e6;

    /// <summary>The most threads one product may use; 1 (the default) keeps everything on the caller's thread.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public static int MaxDegree
    {
        get => _maxDegree;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxDegree = value;
        }
    }

    /// <summary>Threads for a product of <paramref name="operations"/> flops that can be cut into <paramref name="blocks"/> pieces.</summary>
    internal static int PartsFor(double operations, int blocks)
    {
        int degree = _maxDegree;
        if (degree == 1) return 1;
        return (int)Math.Max(1, Math.Min(Math.Min(degree, blocks), operations / MinOperationsPerThread));
    }
}
