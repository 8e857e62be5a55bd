using Xunit;
namespace StaticNet.Tests.Optimizers;

public class GradientClippingTests
{
    [Fact]
    public void ClipByNorm_returns_the_norm_and_scales_by_max_over_norm_plus_epsilon()
    {
        float[] g = [3f, 4f];
        Assert.Equal(5f, GradientClipping.ClipByNorm(g, 1f));
        Assert.Equal(3 / (5 + 1e-6), g[0], 1e-7);   // 0.59999988…, not 0.6
        Assert.Equal(4 / (5 + 1e-6), g[1], 1e-7);
    }

    [Fact]
    public void The_epsilon_in_the_denominator_matters_for_small_norms()
    {
        float[] g = [3e-6f, 4e-6f];
        Assert.Equal(5e-6f, GradientClipping.ClipByNorm(g, 1e-6f), 1e-12f);
        // coef = 1e-6/(5e-6 + 1e-6) = 1/6; without the 1e-6 it would be 1/5.
        Assert.Equal(0.5e-6, g[0], 1e-12);
        Assert.Equal(4e-6 / 6, g[1], 1e-12);
    }

    [Fact]
    public void ClipByNorm_scales_even_when_the_norm_equals_the_maximum()
    {
        // As PyTorch: coef = 5/(5 + 1e-6) < 1, so the gradients shrink by 2e-7 relative.
        float[] g = [3f, 4f];
        GradientClipping.ClipByNorm(g, 5f);
        Assert.True(g[0] < 3f && g[1] < 4f);
    }

    [Fact]
    public void ClipByNorm_leaves_small_gradients_unchanged()
    {
        float[] g = [0.3f, -0.4f, 0f];
        Assert.Equal(0.5f, GradientClipping.ClipByNorm(g, 1f), 1e-7f);
        Assert.Equal([0.3f, -0.4f, 0f], g);
        Assert.Equal(0f, GradientClipping.ClipByNorm([], 1f));
    }

    [Fact]
    public void ClipByNorm_of_a_long_span_matches_a_double_reference()
    {
        var rng = new Rng(7);
        float[] g = new float[1037];
        for (int i = 0; i < g.Length; i++) g[i] = rng.NextUniform(-3f, 3f);
        double sum = 0;
        foreach (float x in g) sum += (double)x * x;
        double norm = Math.Sqrt(sum);
        float[] original = (float[])g.Clone();

        float total = GradientClipping.ClipByNorm(g, 2f);

        Assert.Equal(norm, total, norm * 1e-7);
        for (int i = 0; i < g.Length; i++) Assert.Equal(original[i] * 2 / (norm + 1e-6), g[i], 1e-6);
    }

    [Fact]
    public void ClipByNorm_with_a_non_finite_norm_poisons_the_gradients_like_PyTorch()
    {
        float[] g = [1f, float.NaN];
        Assert.True(float.IsNaN(GradientClipping.ClipByNorm(g, 1f)));
        Assert.True(float.IsNaN(g[0]));
    }

    [Fact]
    public void ClipByValue_clamps_to_the_symmetric_limit()
    {
        float[] g = [-3f, -0.5f, 0f, 0.25f, 2f, float.NaN];
        GradientClipping.ClipByValue(g, 1f);
        Assert.Equal([-1f, -0.5f, 0f, 0.25f, 1f], g[..5]);
        Assert.True(float.IsNaN(g[5]));
    }

    [Fact]
    public void Negative_limits_are_rejected()
    {
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByNorm(new float[2], -1f)).ParamName);
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByNorm(new float[2], float.NaN)).ParamName);
        Assert.Equal("limit", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByValue(new float[2], -1f)).ParamName);
    }

    [Fact]
    public void Clipping_does_not_allocate()
    {
        float[] g = new float[1001];
        Array.Fill(g, 0.5f);
        GradientClipping.ClipByNorm(g, 1f);
        GradientClipping.ClipByValue(g, 1f);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            g[0] = 3f;
            GradientClipping.ClipByNorm(g, 1f);
            GradientClipping.ClipByValue(g, 0.01f);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
