using System.Runtime.Intrinsics;
using StaticNet.Kernels;
using Xunit;
using static StaticNet.Tests.Kernels.KernelCheck;

namespace StaticNet.Tests.Kernels;

public class LossKernelTests
{
    private const int Batch = 3, Outputs = 7; // M = 21

    [Theory]
    [InlineData(37, 10)]
    [InlineData(16, 16)]
    [InlineData(40, 3)]
    [InlineData(33, 2)]
    [InlineData(21, 40)]
    [InlineData(5, 70)]
    [InlineData(8, 5)]
    [InlineData(17, 8)]
    [InlineData(9, 12)]
    [InlineData(1797, 10)]
    public void Cross_entropy_over_blocks_and_tail_matches_double(int batch, int classes)
    {
        // Blocks of 16 transposed samples (AVX-512, up to 16 classes), of 8 (AVX, up to 16 classes: one or two 8 × 8
        // transposes), of one vector's width (up to 64 classes, any width) and one sample at a time (more classes), each
        // with a partial last block, against the formula in double.
        var rng = new Rng(batch * 100 + classes);
        var z = new float[batch * classes];
        for (int i = 0; i < z.Length; i++) z[i] = rng.NextUniform(-30f, 30f);
        var targets = new int[batch];
        for (int s = 0; s < batch; s++) targets[s] = (s * 7) % classes;
        var grad = new float[batch * classes];
        float loss = Losses.CrossEntropy(z, targets, grad, batch, classes);

        double expectedLoss = 0;
        for (int s = 0; s < batch; s++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int c = 0; c < classes; c++) max = Math.Max(max, z[s * classes + c]);
            for (int c = 0; c < classes; c++) sum += Math.Exp(z[s * classes + c] - max);
            double logSumExp = max + Math.Log(sum);
            expectedLoss += logSumExp - z[s * classes + targets[s]];
            for (int c = 0; c < classes; c++)
            {
                double softmax = Math.Exp(z[s * classes + c] - logSumExp);
                double expected = (softmax - (c == targets[s] ? 1 : 0)) / batch;
                // softmax − 1 cancels near 1, and z − logSumExp carries float rounding of logits up to 30 in size: the
                // absolute error is a few float ulps of 30/N.
                Near(expected, grad[s * classes + c], 1e-5, 1e-7, $"dz[{s}, {c}]");
            }
        }
        Near(expectedLoss / batch, loss, 1e-6, 1e-7, "loss");
        Assert.Equal(loss, Losses.CrossEntropy(z, targets, Span<float>.Empty, batch, classes)); // no gradient: same loss
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(7, -1)]
    [InlineData(8, 10)]
    [InlineData(15, int.MinValue)]
    [InlineData(20, 11)]
    [InlineData(33, 10)]
    public void Cross_entropy_names_the_first_target_out_of_range(int at, int value)
    {
        // Whole blocks check their targets as vectors, the last partial block one by one: either way the exception names
        // the sample and the class count.
        const int batch = 34, classes = 10;
        var z = new float[batch * classes];
        var targets = new int[batch];
        for (int s = 0; s < batch; s++) targets[s] = s % classes;
        targets[at] = value;
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CrossEntropy(z, targets, new float[batch * classes], batch, classes));
        Assert.Contains($"Target {value} at index {at} is outside the {classes} classes", ex.Message);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CrossEntropy(z, targets, Span<float>.Empty, batch, classes));
        Assert.Contains($"at index {at}", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(9)]
    public void Cross_entropy_of_a_NaN_logit_is_NaN(int classWithNaN)
    {
        // The blocks' max may pass over a NaN, but the sum of exponentials may not: the loss must say NaN.
        const int batch = 19, classes = 10;
        var z = new float[batch * classes];
        for (int i = 0; i < z.Length; i++) z[i] = (i % 7) - 3f;
        z[11 * classes + classWithNaN] = float.NaN;
        var targets = new int[batch];
        var grad = new float[batch * classes];
        Assert.True(float.IsNaN(Losses.CrossEntropy(z, targets, grad, batch, classes)));
        Assert.True(float.IsNaN(grad[11 * classes]), "the NaN sample's gradient");
        Assert.False(float.IsNaN(grad[10 * classes]), "another sample's gradient");
    }

    [Fact]
    public void Fast_exp_is_within_two_ulp_on_non_positive_inputs_and_zero_below_minus80()
    {
        // Every width the machine accelerates (the cross-entropy blocks use the widest).
        if (Vector512.IsHardwareAccelerated) CheckFastExp<Simd512, Vector512<float>>();
        if (Vector256.IsHardwareAccelerated) CheckFastExp<Simd256, Vector256<float>>();
        if (Vector128.IsHardwareAccelerated) CheckFastExp<Simd128, Vector128<float>>();
    }

    private static void CheckFastExp<TSimd, TVec>() where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        int width = TSimd.Width;
        var lanes = new float[width];
        float[] Exp(Func<int, float> x)
        {
            for (int j = 0; j < width; j++) lanes[j] = x(j);
            TSimd.Store(Losses.ExpNonPositive<TSimd, TVec>(TSimd.Load(ref lanes[0], 0)), ref lanes[0], 0);
            return lanes;
        }
        for (int k = 0; k <= 900_000; k += width)
        {
            float[] e = Exp(j => -(k + j) / 10_000f);
            for (int j = 0; j < width; j++)
            {
                float xj = -(k + j) / 10_000f;
                double expected = xj < -80f ? 0 : Math.Exp(xj); // flushed below −80 (see ExpNonPositive)
                Near(expected, e[j], 2.5e-7, 0, $"exp({xj}) at width {width}");
            }
        }
        Assert.Equal(1f, Exp(_ => 0f)[0]);
        Assert.True(float.IsNaN(Exp(_ => float.NaN)[0]), $"exp(NaN) at width {width}");
        Assert.Equal(0f, Exp(_ => float.NegativeInfinity)[0]);
    }

    [Fact]
    public void BCEWithLogits_is_stable_at_large_logits()
    {
        float[] z = [0f, 100f, -100f, 2f, -3f, 100f, -100f];
        float[] t = [1f, 1f, 0f, 0f, 1f, 0f, 1f];
        // Per element: ln 2, ≈0, ≈0, 2 + ln(1 + e⁻²), 3 + ln(1 + e⁻³), 100, 100.
        double expected = (Math.Log(2) + 0 + 0 + 2 + Math.Log(1 + Math.Exp(-2)) + 3 + Math.Log(1 + Math.Exp(-3)) + 100 + 100) / 7;
        var grad = new float[7];
        float loss = Losses.BCEWithLogits(z, t, grad);
        Near(expected, loss, 1e-7, 0, "BCEWithLogits loss");
        double[] sigmoid = [0.5, 1, 0, 1 / (1 + Math.Exp(-2)), 1 / (1 + Math.Exp(3)), 1, 0];
        for (int i = 0; i < 7; i++) Near((sigmoid[i] - t[i]) / 7, grad[i], 1e-7, 1e-12, $"dz[{i}]");
        Assert.Equal(loss, Losses.BCEWithLogits(z, t, Span<float>.Empty)); // no gradient requested: same loss
    }

    [Fact]
    public void BCE_clamps_each_log_at_minus100()
    {
        float[] p = [0f, 1f, 0.5f, 0.9f, 0.2f, 0f, 1f];
        float[] t = [1f, 0f, 1f, 0f, 0f, 0f, 1f];
        // ln 0 → −100 for the first two; exact 0 for p = t ∈ {0, 1}.
        double expected = (100 + 100 + Math.Log(2) - Math.Log(0.1f) - Math.Log(1 - 0.2f) + 0 + 0) / 7;
        var grad = new float[7];
        float loss = Losses.BCE(p, t, grad);
        Assert.True(float.IsFinite(loss));
        Near(expected, loss, 1e-7, 0, "BCE loss");
        for (int i = 0; i < 7; i++)
        {
            double pi = p[i];
            Near((pi - t[i]) / Math.Max(pi * (1 - pi), 1e-12) / 7, grad[i], 1e-7, 0, $"dp[{i}]");
            Assert.True(float.IsFinite(grad[i]));
        }
        Near(-1e12 / 7, grad[0], 1e-7, 0, "dp at p = 0, t = 1 uses the 1e-12 floor");
    }

    [Fact]
    public void BCE_rejects_values_that_are_not_probabilities()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.BCE([0.5f, 1.5f], [1f, 0f], Span<float>.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.BCE([float.NaN], [1f], Span<float>.Empty));
    }

    [Fact]
    public void MSE_value_and_gradient()
    {
        float[] o = [1f, -2f, 0.5f, 3f];
        float[] t = [0f, -2f, 1.5f, 1f];
        var grad = new float[4];
        float loss = Losses.MSE(o, t, grad);
        Assert.Equal((1f + 0f + 1f + 4f) / 4f, loss);
        Assert.Equal([0.5f, 0f, -0.5f, 1f], grad); // 2(o − t)/M
    }

    [Fact]
    public void Penalty_value_and_gradient_are_added()
    {
        float[] w = [0.5f, -2f, 0f, 3f];
        float[] g = [1f, 1f, 1f, 1f];
        float value = Losses.Penalty(w, g, 0.1f, 0.01f);
        Near(0.1 * 5.5 + 0.01 * (0.25 + 4 + 0 + 9), value, 1e-7, 0, "penalty");
        // g + l1·sign(w) + 2·l2·w, with sign(0) = 0.
        float[] expected = [1f + 0.1f + 0.02f * 0.5f, 1f - 0.1f + 0.02f * -2f, 1f, 1f + 0.1f + 0.02f * 3f];
        for (int i = 0; i < 4; i++) Near(expected[i], g[i], 1e-7, 0, $"g[{i}]");

        float[] untouched = [1f, 2f, 3f, 4f];
        Assert.Equal(0f, Losses.Penalty(w, untouched, 0f, 0f));
        Assert.Equal([1f, 2f, 3f, 4f], untouched);
        Near(0.1 * 5.5, Losses.Penalty(w, Span<float>.Empty, 0.1f, 0f), 1e-7, 0, "value only");
    }

    [Fact]
    public void Target_and_gradient_lengths_are_checked()
    {
        var ex = Assert.Throws<ArgumentException>(() => Losses.MSE(new float[21], new float[20], Span<float>.Empty));
        Assert.Equal("targets", ex.ParamName);
        Assert.Throws<ArgumentException>(() => Losses.BCEWithLogits(new float[21], new float[22], Span<float>.Empty));
        Assert.Throws<ArgumentException>(() => Losses.BCE(new float[21], new float[7], Span<float>.Empty));
        Assert.Throws<ArgumentException>(() => Losses.MSE(new float[21], new float[21], new float[20]));
        Assert.Throws<ArgumentException>(() => Losses.Penalty(new float[5], new float[4], 1f, 0f));
    }

    public static TheoryData<string> Names => ["BCEWithLogits", "BCE", "MSE", "Penalty"];

    [Theory]
    [MemberData(nameof(Names))]
    public void Gradient_matches_finite_differences(string name)
    {
        const int m = Batch * Outputs;
        float h = name == "BCE" ? 2e-3f : 1e-2f;
        float[] x = name switch
        {
            "BCE" => Uniform(41, m, 0.05f, 0.95f),
            "Penalty" => Uniform(42, m, -2f, 2f, awayFromZero: 3 * h), // |w| has a kink at 0
            _ => Uniform(43, m, -4f, 4f),
        };
        float[] t = Uniform(44, m, 0f, 1f);
        if (name != "MSE") for (int i = 0; i < m; i += 2) t[i] = t[i] < 0.5f ? 0f : 1f; // hard and soft targets

        double Loss(Span<float> gradient) => name switch
        {
            "BCEWithLogits" => Losses.BCEWithLogits(x, t, gradient),
            "BCE" => Losses.BCE(x, t, gradient),
            "MSE" => Losses.MSE(x, t, gradient),
            _ => Losses.Penalty(x, gradient, 0.03f, 0.2f),
        };
        double[] numeric = NumericGradient(x, () => Loss(Span<float>.Empty), h);
        var analytic = new float[m];
        Loss(analytic);
        for (int i = 0; i < m; i++) Near(numeric[i], analytic[i], 2e-3, 2e-5, $"{name} gradient [{i}] at {x[i]}");
    }
}
