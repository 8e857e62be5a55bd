using System.ComponentModel;

namespace StaticNet.Kernels;

/// <summary>Parameter initialisation as PyTorch's <c>torch.nn.init</c> defines it (with StaticNet's own random stream).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Initializers
{
    /// <summary>Initialises a dense layer's weight <c>[fanOut, fanIn]</c> and bias <c>[fanOut]</c>.</summary>
    public static void Dense(Span<float> weight, Span<float> bias, int fanIn, int fanOut, Init init, Rng rng)
    {
        Guard.Length(weight.Length, fanIn * fanOut, nameof(weight));
        Guard.Length(bias.Length, fanOut, nameof(bias));
        Weights(weight, bias, fanIn, fanOut, init, rng);
    }

    /// <summary>
    /// Initialises any layer's weight and bias from its fans, whatever the weight's shape: the whole weight first, then
    /// the whole bias, from <paramref name="rng"/>. A dense layer has fan_in = in and fan_out = out; a convolution
    /// <c>[outC, inC, k…]</c> has fan_in = inC·kᵈ and fan_out = outC·kᵈ, as PyTorch's <c>_calculate_fan_in_and_fan_out</c>
    /// counts them (so its bias, of outC values, is not fan_out long).
    /// </summary>
    public static void Weights(Span<float> weight, Span<float> bias, int fanIn, int fanOut, Init init, Rng rng)
    {
        if (fanIn <= 0 || fanOut <= 0)
            throw new ArgumentOutOfRangeException(nameof(fanIn), $"Expected positive fans, got fan_in {fanIn} and fan_out {fanOut}.");
        // nn.Linear and nn.ConvNd reset_parameters: kaiming_uniform_(a=√5) gives bound √(6/((1+5)·fan_in)) = 1/√fan_in,
        // and the bias is U(±1/√fan_in); every scheme but Zeros keeps that bias.
        float defaultBound = 1f / MathF.Sqrt(fanIn);
        switch (init)
        {
            case Init.Default: Uniform(weight, defaultBound, rng); break;
            case Init.XavierUniform: Uniform(weight, (float)Math.Sqrt(6.0 / (fanIn + fanOut)), rng); break;
            case Init.XavierNormal: Normal(weight, (float)Math.Sqrt(2.0 / (fanIn + fanOut)), rng); break;
            case Init.HeUniform: Uniform(weight, (float)Math.Sqrt(6.0 / fanIn), rng); break; // gain √2 for ReLU: √2·√(3/fan_in)
            case Init.HeNormal: Normal(weight, (float)Math.Sqrt(2.0 / fanIn), rng); break;
            case Init.Zeros: weight.Clear(); bias.Clear(); return;
            default: throw new ArgumentOutOfRangeException(nameof(init), init, "Unknown initializer.");
        }
        Uniform(bias, defaultBound, rng);
    }

    /// <summary>Fills with U(−bound, bound).</summary>
    public static void Uniform(Span<float> values, float bound, Rng rng)
    {
        for (int i = 0; i < values.Length; i++) values[i] = rng.NextUniform(-bound, bound);
    }

    /// <summary>Fills with N(0, std²).</summary>
    public static void Normal(Span<float> values, float std, Rng rng)
    {
        for (int i = 0; i < values.Length; i++) values[i] = rng.NextGaussian() * std;
    }
}
