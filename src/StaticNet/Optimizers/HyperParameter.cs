using System.Globalization;

namespace StaticNet;

/// <summary>Validation and widening of optimizer and schedule hyper-parameters.</summary>
internal static class HyperParameter
{
    /// <summary>Throws unless <paramref name="value"/> is finite and ≥ 0.</summary>
    public static float NonNegative(float value, string name) =>
        float.IsFinite(value) && value >= 0f ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number >= 0.");

    /// <summary>Throws unless 0 ≤ <paramref name="value"/> &lt; 1 (Adam's betas, PyTorch's check).</summary>
    public static float Beta(float value, string name) =>
        value >= 0f && value < 1f ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1).");

    /// <summary>Throws unless 0 ≤ <paramref name="value"/> ≤ 1.</summary>
    public static float UnitInterval(float value, string name) =>
        value >= 0f && value <= 1f ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1].");

    /// <summary>Throws unless <paramref name="value"/> is finite.</summary>
    public static float Finite(float value, string name) =>
        float.IsFinite(value) ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number.");

    /// <summary>
    /// The float as the double the caller most likely wrote: the shortest decimal that round-trips to it, parsed as a
    /// double (0.9f → 0.9, not 0.899999976…). PyTorch keeps hyper-parameters as Python doubles and computes
    /// 1 − β, β^t, lr/(1 − β1^t), lr·λ in double, so this reproduces its scalars exactly for the usual decimal
    /// hyper-parameters instead of being off by an ulp after rounding to float. Does not allocate.
    /// </summary>
    public static double ToDouble(float value)
    {
        Span<char> text = stackalloc char[32];
        if (!float.IsFinite(value) || !value.TryFormat(text, out int length, "R", CultureInfo.InvariantCulture))
            return value;
        double parsed = double.Parse(text[..length], NumberStyles.Float, CultureInfo.InvariantCulture);
        return (float)parsed == value ? parsed : value; // guard against a double-rounding corner case
    }
}
