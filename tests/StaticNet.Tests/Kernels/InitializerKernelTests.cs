using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests.Kernels;

public class InitializerKernelTests
{
    [Theory]
    [InlineData(Init.Default)]
    [InlineData(Init.XavierUniform)]
    [InlineData(Init.XavierNormal)]
    [InlineData(Init.HeUniform)]
    [InlineData(Init.HeNormal)]
    [InlineData(Init.Zeros)]
    public void Dense_is_weights_with_dense_fans(Init init)
    {
        // Same seed, same draws, same bits: Dense only adds the length checks.
        var w1 = new float[35]; var b1 = new float[5];
        var w2 = new float[35]; var b2 = new float[5];
        var r1 = new Rng(123); var r2 = new Rng(123);
        Initializers.Dense(w1, b1, 7, 5, init, r1);
        Initializers.Weights(w2, b2, 7, 5, init, r2);
        Assert.Equal(w1, w2);
        Assert.Equal(b1, b2);
        Assert.Equal(r1.NextUInt32(), r2.NextUInt32()); // and the generators are left in the same state
    }

    [Fact]
    public void Conv_default_is_uniform_in_plus_minus_one_over_sqrt_fan_in_for_weight_and_bias()
    {
        // Conv2d(3 → 8, k3): weight [8, 3, 3, 3], fan_in = 27, fan_out = 72; the bias has 8 values, not fan_out.
        var weight = new float[8 * 27];
        var bias = new float[8];
        Initializers.Weights(weight, bias, 27, 72, Init.Default, new Rng(9));
        float bound = 1f / MathF.Sqrt(27);
        // The weight's draws, then the bias's, in order (as for a dense layer).
        var rng = new Rng(9);
        foreach (float w in weight) Assert.Equal(rng.NextUniform(-bound, bound), w);
        foreach (float b in bias) Assert.Equal(rng.NextUniform(-bound, bound), b);
        Assert.True(weight.Max(MathF.Abs) > 0.9f * bound, "the draws should span the bound");
    }

    [Fact]
    public void Conv_Xavier_uses_fan_in_plus_fan_out()
    {
        var weight = new float[16 * 72];
        var bias = new float[16];
        Initializers.Weights(weight, bias, 72, 144, Init.XavierUniform, new Rng(4)); // Conv2d(8 → 16, k3)
        float bound = (float)Math.Sqrt(6.0 / (72 + 144));
        Assert.All(weight, w => Assert.InRange(w, -bound, bound));
        Assert.True(weight.Max(MathF.Abs) > 0.95f * bound);
        Assert.All(bias, b => Assert.InRange(b, -1f / MathF.Sqrt(72), 1f / MathF.Sqrt(72)));
    }

    [Fact]
    public void Dense_still_checks_lengths_and_weights_checks_fans()
    {
        Assert.Throws<ArgumentException>(() => Initializers.Dense(new float[34], new float[5], 7, 5, Init.Default, new Rng(1)));
        Assert.Throws<ArgumentException>(() => Initializers.Dense(new float[35], new float[4], 7, 5, Init.Default, new Rng(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializers.Weights(new float[3], new float[3], 0, 3, Init.Default, new Rng(1)));
    }
}
