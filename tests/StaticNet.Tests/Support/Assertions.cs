using Xunit.Sdk;

namespace StaticNet.Tests.Support;

/// <summary>Closeness as the fixtures' README defines it: |a − b| ≤ abs or |a − b| ≤ rel·|b|, b the stored value.</summary>
public static class Close
{
    public static void All(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double rel, double abs, string what)
    {
        if (expected.Length != actual.Length)
            throw new XunitException($"{what}: expected {expected.Length} values, got {actual.Length}.");
        int failures = 0;
        string first = "";
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i], diff = Math.Abs(a - e);
            if (diff <= abs || diff <= rel * Math.Abs(e)) continue;
            if (failures++ == 0) first = $"first at [{i}]: expected {e:R}, actual {a:R}";
            worst = Math.Max(worst, diff);
        }
        if (failures > 0)
            throw new XunitException($"{what}: {failures} of {expected.Length} values outside rel {rel} / abs {abs}; {first}; worst |diff| {worst:G4}.");
    }

    public static void Value(double expected, double actual, double rel, double abs, string what)
    {
        double diff = Math.Abs(actual - expected);
        if (!(diff <= abs || diff <= rel * Math.Abs(expected)))
            throw new XunitException($"{what}: expected {expected:R}, actual {actual:R} (|diff| {diff:G4}).");
    }
}
