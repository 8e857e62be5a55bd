using Xunit;
namespace StaticNet.Tests.Optimizers;

/// <summary>Each optimizer against the independent double-precision reference, plus hand-computed special cases.</summary>
public class OptimizerNumericTests
{
    public static TheoryData<string> Names => OptimizerCases.Names;

    /// <summary>Lengths with a scalar tail after the vector loop for every width (16, 8, 4 lanes), and tail-only.</summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void Matches_double_precision_reference(string name)
    {
        foreach (int length in new[] { 37, 3, 70 })
        {
            var (p0, gradients) = OptimizerCases.Data(length, steps: 6);
            var optimizer = OptimizerCases.All[name].Create();
            var reference = OptimizerCases.All[name].Reference();
            float[] p = (float[])p0.Clone();
            double[] expected = Array.ConvertAll(p0, x => (double)x);
            for (int t = 0; t < gradients.Length; t++)
            {
                optimizer.Step(p, gradients[t]);
                reference.Step(expected, Array.ConvertAll(gradients[t], x => (double)x));
                for (int i = 0; i < length; i++)
                {
                    double tolerance = 1e-6 * Math.Max(Math.Abs(expected[i]), 1.0);
                    Assert.True(Math.Abs(p[i] - expected[i]) <= tolerance,
                        $"{name}, length {length}, step {t + 1}, element {i}: got {p[i]:R}, reference {expected[i]:R}");
                }
            }
            Assert.Equal(gradients.Length, optimizer.GetState().Step);
        }
    }

    /// <summary>
    /// Element i gets the inputs of element i mod 16, so with 37 = 2×16 + 5 = 4×8 + 5 = 9×4 + 1 elements every scalar-tail
    /// element repeats a vector-lane element (for 16, 8 or 4 lanes) and must end with the same bits.
    /// </summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void Vector_lanes_and_scalar_tail_agree_bit_for_bit(string name)
    {
        const int length = 37, period = 16;
        var (p16, g16) = OptimizerCases.Data(period, steps: 8);
        float[] p = Enumerable.Range(0, length).Select(i => p16[i % period]).ToArray();
        var optimizer = OptimizerCases.All[name].Create();
        foreach (float[] g in g16) optimizer.Step(p, Enumerable.Range(0, length).Select(i => g[i % period]).ToArray());
        for (int i = period; i < length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(p[i]) == BitConverter.SingleToInt32Bits(p[i % period]), $"element {i}: {p[i]:R} vs {p[i % period]:R}");
        Assert.NotEqual(p16, p[..period]);
    }

    [Fact]
    public void Sgd_momentum_first_step_copies_the_gradient_without_dampening()
    {
        var sgd = new Sgd(0.1f, momentum: 0.9f, dampening: 0.5f);
        float[] p = [1f];
        sgd.Step(p, [2f]);   // buf = 2 (no (1 − τ) factor);            p = 1 − 0.1·2
        Assert.Equal(0.8f, p[0], 1e-6f);
        sgd.Step(p, [2f]);   // buf = 0.9·2 + (1 − 0.5)·2 = 2.8;        p = 0.8 − 0.1·2.8
        Assert.Equal(0.52f, p[0], 1e-6f);
    }

    [Fact]
    public void Sgd_Nesterov_adds_momentum_times_buffer_to_the_gradient()
    {
        var sgd = new Sgd(0.1f, momentum: 0.5f, nesterov: true);
        float[] p = [1f];
        sgd.Step(p, [1f]);   // buf = 1; d = 1 + 0.5·1 = 1.5;            p = 1 − 0.15
        Assert.Equal(0.85f, p[0], 1e-6f);
        sgd.Step(p, [1f]);   // buf = 0.5·1 + 1 = 1.5; d = 1 + 0.75 = 1.75; p = 0.85 − 0.175
        Assert.Equal(0.675f, p[0], 1e-6f);
    }

    [Fact]
    public void Adam_first_step_moves_by_learning_rate_with_epsilon_after_bias_correction()
    {
        // t = 1: m̂ = g and √v̂ = |g|, so the step is lr·g/(|g| + eps); eps = 0.5 makes its placement visible.
        var adam = new Adam(0.1f, epsilon: 0.5f);
        float[] p = [1f, 1f];
        adam.Step(p, [2f, -0.5f]);
        Assert.Equal(1f - 0.1f * 2f / 2.5f, p[0], 1e-6f);     // 0.92
        Assert.Equal(1f + 0.1f * 0.5f / 1.0f, p[1], 1e-6f);   // 1.05
    }

    [Fact]
    public void AdamW_decays_the_parameter_before_the_update_and_keeps_the_decay_out_of_the_moments()
    {
        // p = 2·(1 − 0.1·0.5) = 1.9, then the Adam step of the raw gradient: −0.1·1/(1 + 1e-8).
        var adamW = new AdamW(0.1f, weightDecay: 0.5f);
        float[] p = [2f];
        adamW.Step(p, [1f]);
        Assert.Equal(1.8f, p[0], 1e-6f);
        // Coupled Adam with the same λ adds λ·p to the gradient instead: g = 1 + 1 = 2, still a step of lr.
        var adam = new Adam(0.1f, weightDecay: 0.5f);
        p = [2f];
        adam.Step(p, [1f]);
        Assert.Equal(1.9f, p[0], 1e-6f);
    }

    [Fact]
    public void Adam_AmsGrad_uses_the_largest_second_moment()
    {
        var plain = new Adam(0.1f, beta2: 0.5f);
        var ams = new Adam(0.1f, beta2: 0.5f, amsgrad: true);
        float[] a = [0f], b = [0f];
        foreach (float g in new[] { 1f, 0.01f })
        {
            plain.Step(a, [g]);
            ams.Step(b, [g]);
        }
        // Step 2: m = 0.9·0.1 + 0.1·0.01 = 0.091, v = 0.5·0.5 + 0.5·1e-4 = 0.25005 but v̂max = 0.5 (from step 1).
        double stepSize = 0.1 / (1 - 0.81);
        double plainStep = stepSize * 0.091 / (Math.Sqrt(0.25005) / Math.Sqrt(0.75) + 1e-8);
        double amsStep = stepSize * 0.091 / (Math.Sqrt(0.5) / Math.Sqrt(0.75) + 1e-8);
        Assert.Equal(-0.1 - plainStep, a[0], 1e-6);
        Assert.Equal(-0.1 - amsStep, b[0], 1e-6);
    }

    [Fact]
    public void RmsProp_centered_subtracts_the_squared_mean_gradient()
    {
        // One step, α = 0.5: sq = 0.5·4 = 2, ga = 0.5·2 = 1, avg = √(2 − 1) + 0 = 1, p = 1 − 0.1·2/1.
        var rms = new RmsProp(0.1f, alpha: 0.5f, epsilon: 0f, centered: true);
        float[] p = [1f];
        rms.Step(p, [2f]);
        Assert.Equal(0.8f, p[0], 1e-6f);
    }

    [Fact]
    public void RmsProp_momentum_accumulates_the_normalised_gradient()
    {
        // α = 0.5, eps = 0: step 1 sq = 2, buf = 2/√2 = √2; step 2 sq = 1 + 2 = 3, buf = 0.5·√2 + 2/√3.
        var rms = new RmsProp(0.1f, alpha: 0.5f, epsilon: 0f, momentum: 0.5f);
        float[] p = [1f];
        rms.Step(p, [2f]);
        Assert.Equal(1 - 0.1 * Math.Sqrt(2), p[0], 1e-6);
        rms.Step(p, [2f]);
        Assert.Equal(1 - 0.1 * Math.Sqrt(2) - 0.1 * (0.5 * Math.Sqrt(2) + 2 / Math.Sqrt(3)), p[0], 1e-6);
    }

    [Fact]
    public void Adagrad_applies_learning_rate_decay_and_starts_the_sum_at_the_initial_accumulator()
    {
        // a0 = 1, eps = 0: step 1 sum = 1 + 9 = 10, clr = 0.1;  step 2 sum = 19, clr = 0.1/(1 + 1·1) = 0.05.
        var adagrad = new Adagrad(0.1f, learningRateDecay: 1f, initialAccumulatorValue: 1f, epsilon: 0f);
        float[] p = [1f];
        adagrad.Step(p, [3f]);
        Assert.Equal(1 - 0.1 * 3 / Math.Sqrt(10), p[0], 1e-6);
        adagrad.Step(p, [3f]);
        Assert.Equal(1 - 0.1 * 3 / Math.Sqrt(10) - 0.05 * 3 / Math.Sqrt(19), p[0], 1e-6);
    }

    /// <summary>
    /// A gradient that turns to zero lets the state decay towards zero; in IEEE arithmetic it sticks at a few subnormal
    /// steps (0.9 × 5·2⁻¹⁴⁹ rounds back to 5·2⁻¹⁴⁹), which costs a microcode assist per operation. The state must
    /// reach exactly zero instead, or stay a normal number, on every vector width and in the scalar tail.
    /// </summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void State_decaying_under_zero_gradients_never_stays_subnormal(string name)
    {
        const int length = 37;
        var optimizer = OptimizerCases.All[name].Create();
        var p = new float[length];
        Array.Fill(p, 0.5f);
        var g = new float[length];
        Array.Fill(g, 1e-3f);
        optimizer.Step(p, g);
        Array.Clear(g);
        for (int t = 0; t < 2000; t++) optimizer.Step(p, g);
        foreach (var (buffer, values) in optimizer.GetState().Buffers)
            Assert.All(values, v => Assert.True(v == 0f || Math.Abs(v) >= 1.17549435E-38f, $"{name} {buffer}: subnormal {v:E}"));
    }

    [Fact]
    public void Learning_rate_changes_take_effect_on_the_next_step()
    {
        var sgd = new Sgd(0.1f);
        float[] p = [1f];
        sgd.LearningRate = 0.5f;
        Assert.Equal(0.5f, sgd.LearningRate);
        sgd.Step(p, [1f]);
        Assert.Equal(0.5f, p[0]);
    }
}
