namespace StaticNet.Tests.Support;

/// <summary>What a hot path allocates once warm, for the "allocates nothing" tests.</summary>
public static class Allocations
{
    /// <summary>
    /// Bytes allocated on this thread by <paramref name="calls"/> calls of <paramref name="run"/>, the least of three
    /// tries. The kernels rent large scratch from <c>ArrayPool.Shared</c>, which the tests running alongside share: one of
    /// them can be holding the pooled array a call would have reused, and the call then allocates once. A path that
    /// allocates on every call allocates in every try.
    /// </summary>
    public static long Of(Action run, int calls)
    {
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 3 && least > 0; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++) run();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
