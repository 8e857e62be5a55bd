using Xunit.Sdk;

namespace StaticNet.Tests.Kernels;

/// <summary>Helpers for the kernel tests: closeness, seeded random data and central finite differences in double.</summary>
internal static class KernelCheck
{
    /// <summary>Passes when |actual − expected| ≤ abs + rel·|expected|.</summary>
    public static void Near(double expected, double actual, double rel, double abs, string what)
    {
        double diff = Math.Abs(actual - expected);
        if (!(diff <= abs + rel * Math.Abs(expected)))
            throw new XunitException($"{what}: expected {expected:R}, actual {actual:R} (|diff| {diff:G4}, allowed {abs + rel * Math.Abs(expected):G4}).");
    }

    public static void AllNear(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double rel, double abs, string what)
    {
        if (expected.Length != actual.Length) throw new XunitException($"{what}: {expected.Length} expected values, {actual.Length} actual.");
        for (int i = 0; i < expected.Length; i++) Near(expected[i], actual[i], rel, abs, $"{what} [{i}]");
    }

    /// <summary>Values uniform in [low, high), optionally kept at least <paramref name="awayFromZero"/> from 0 (kinks).</summary>
    public static float[] Uniform(int seed, int n, float low, float high, float awayFromZero = 0f)
    {
        var random = new Random(seed);
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            float v;
            do v = (float)(low + (high - low) * random.NextDouble());
            while (Math.Abs(v) < awayFromZero);
            values[i] = v;
        }
        return values;
    }

    /// <summary>Σ r·y in double: a random scalar projection of a kernel's output, the objective of the gradient checks.</summary>
    public static double Project(ReadOnlySpan<float> r, ReadOnlySpan<float> y)
    {
        double sum = 0;
        for (int i = 0; i < y.Length; i++) sum += (double)r[i] * y[i];
        return sum;
    }

    /// <summary>
    /// Central differences of <paramref name="objective"/> with respect to every element of <paramref name="x"/> (perturbed
    /// in place and restored). The divisor is the float step actually taken, so rounding of x ± h does not bias the estimate.
    /// </summary>
    public static double[] NumericGradient(float[] x, Func<double> objective, float h)
    {
        var gradient = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            float saved = x[i];
            float plus = saved + h, minus = saved - h;
            x[i] = plus;
            double up = objective();
            x[i] = minus;
            double down = objective();
            x[i] = saved;
            gradient[i] = (up - down) / ((double)plus - minus);
        }
        return gradient;
    }
}
