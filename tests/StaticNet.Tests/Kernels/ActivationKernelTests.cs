using StaticNet.Kernels;
using Xunit;
using static StaticNet.Tests.Kernels.KernelCheck;

namespace StaticNet.Tests.Kernels;

public class ActivationKernelTests
{
    private const int Batch = 3, Features = 7; // 21 elements: every vector width leaves a scalar tail

    // ---- special functions ----

    [Theory]
    // erf and erfc from Python's math module (correctly rounded double), covering all three of Cody's intervals and both boundaries.
    [InlineData(0.5, 0.5204998778130465, 0.4795001221869535)]
    [InlineData(1.0, 0.8427007929497149, 0.15729920705028513)]
    [InlineData(2.0, 0.9953222650189527, 0.004677734981047265)]
    [InlineData(3.0, 0.9999779095030014, 2.2090496998585438e-05)]
    [InlineData(-0.3, -0.3286267594591274, 1.3286267594591274)]
    [InlineData(0.46875, 0.49261347321793797, 0.507386526782062)]
    [InlineData(0.47, 0.4937450508860821, 0.5062549491139179)]
    [InlineData(4.0, 0.9999999845827421, 1.541725790028002e-08)]
    [InlineData(4.5, 0.9999999998033839, 1.9661604415428873e-10)]
    [InlineData(6.0, 1.0, 2.1519736712498916e-17)]
    public void ErfAndErfcMatchReferenceValues(double x, double erf, double erfc)
    {
        Near(erf, Activations.Erf(x), 1e-14, 0, $"erf({x})");
        Near(-erf, Activations.Erf(-x), 1e-14, 0, $"erf({-x})");
        Near(erfc, Activations.Erfc(x), 1e-13, 0, $"erfc({x})"); // relative, even at 2e-17
        Near(2 - erfc, Activations.Erfc(-x), 1e-14, 0, $"erfc({-x})");
    }

    [Fact]
    public void Erfc_is_zero_far_out_and_Erf_of_zero_is_zero()
    {
        Assert.Equal(0.0, Activations.Erfc(30));
        Assert.Equal(2.0, Activations.Erfc(-30));
        Assert.Equal(0.0, Activations.Erf(0));
        Assert.True(double.IsNaN(Activations.Erf(double.NaN)));
    }

    // ---- forward values ----

    [Fact]
    public void GELU_matches_exact_values()
    {
        float[] x = [1f, -3f, 0f, 0.5f, -1f, 3f, 10f, -10f, -5f];
        // x·Φ(x) in double (Python: x * 0.5 * math.erfc(-x / sqrt(2))).
        double[] expected = [0.8413447460685429, -0.004049694094890287, 0, 0.34573123063700656, -0.15865525393145707,
            2.99595030590511, 10.0, -7.619853024160593e-23, -1.4332578593959731e-06];
        var y = new float[x.Length];
        Activations.GELU(x, y);
        AllNear(expected, y, 1.2e-7, 0, "GELU"); // within float rounding (half an ulp is 6e-8 relative)
        Near(0.8413447, y[0], 0, 1e-7, "GELU(1) vs the quoted 0.8413447"); // the float nearest x·Φ(x) = 0.84134474607 is 0.841344774
        Near(-0.00404951, y[1], 0, 5e-7, "GELU(-3) vs the brief's approximate value");
    }

    [Fact]
    public void Sigmoid_and_Tanh_are_finite_and_correct_at_extremes()
    {
        float[] x = [0f, 30f, -30f, 100f, -100f, 2f, -0.5f, 1e-3f];
        var y = new float[x.Length];
        Activations.Sigmoid(x, y);
        foreach (float v in y) Assert.True(float.IsFinite(v) && v >= 0f && v <= 1f, $"sigmoid gave {v}");
        for (int i = 0; i < x.Length; i++)
            if (Math.Abs(x[i]) < 50) Near(1 / (1 + Math.Exp(-(double)x[i])), y[i], 3e-7, 0, $"sigmoid({x[i]})");
        Assert.Equal(0.5f, y[0]);
        Assert.Equal(1f, y[1]);

        Activations.Tanh(x, y);
        for (int i = 0; i < x.Length; i++) Near(Math.Tanh(x[i]), y[i], 3e-7, 1e-30, $"tanh({x[i]})");
        Assert.Equal(1f, y[3]);
        Assert.Equal(-1f, y[4]);
    }

    [Fact]
    public void Tanh_and_Sigmoid_are_accurate_over_many_magnitudes()
    {
        // Log-uniform magnitudes from 1e-9 to 20, both signs: the region near 0 is where a float tanh formula cancels.
        var random = new Random(7);
        var x = new float[10_001];
        for (int i = 0; i < x.Length; i++) x[i] = (float)((random.Next(2) * 2 - 1) * Math.Pow(10, -9 + 10.3 * random.NextDouble()));
        var y = new float[x.Length];
        Activations.Tanh(x, y);
        for (int i = 0; i < x.Length; i++) Near(Math.Tanh(x[i]), y[i], 6e-8, 0, $"tanh({x[i]:R})"); // correctly rounded, or nearly
        Activations.Sigmoid(x, y);
        for (int i = 0; i < x.Length; i++) Near(1 / (1 + Math.Exp(-(double)x[i])), y[i], 4e-7, 0, $"sigmoid({x[i]:R})"); // float formula, as PyTorch
    }

    [Fact]
    public void Vector_body_agrees_with_scalar_tail()
    {
        // Element i of a 67-long span goes through the vector body (when one is enabled); the same value alone in a
        // one-element span goes through the scalar tail. Kernels made of +, −, ×, ÷ and selects must agree to the bit;
        // those built on float exp to within a few ulps.
        float[] x = Uniform(3, 67, -8f, 8f);
        x[5] = 0f; x[6] = -0f; x[7] = 1e-7f; x[8] = -50f; x[9] = 50f;
        float[] dy0 = Uniform(4, 67, -1f, 1f);
        int current = 0; // the element being run alone (read by Grad)
        Compare("ReLU", (a, b) => Activations.ReLU(a, b), 0);
        Compare("LeakyReLU", (a, b) => Activations.LeakyReLU(a, b, 0.2f), 0);
        Compare("GELU", (a, b) => Activations.GELU(a, b), 0);
        Compare("ELU", (a, b) => Activations.ELU(a, b, 0.7f), 0);
        Compare("Tanh", (a, b) => Activations.Tanh(a, b), 6e-8);
        Compare("Sigmoid", (a, b) => Activations.Sigmoid(a, b), 4e-7);
        Compare("SiLU", (a, b) => Activations.SiLU(a, b), 4e-7);
        Compare("LeakyReLUBackward", Grad((s, d) => Activations.LeakyReLUBackward(s, d, 0.2f)), 0);
        Compare("SigmoidBackward", Grad((s, d) => Activations.SigmoidBackward(s, d)), 0);
        Compare("TanhBackward", Grad((s, d) => Activations.TanhBackward(s, d)), 0);
        Compare("GELUBackward", Grad((s, d) => Activations.GELUBackward(s, d)), 0);
        Compare("ELUBackward", Grad((s, d) => Activations.ELUBackward(s, d, 0.7f)), 0);
        Compare("SiLUBackward", Grad((s, d) => Activations.SiLUBackward(s, d)), 4e-7);

        // Runs a backward kernel on (x, a copy of the matching dy values): all of dy0, or element `current` alone.
        Forward Grad(Backward backward) => (a, b) =>
        {
            dy0.AsSpan(a.Length == x.Length ? 0 : current, a.Length).CopyTo(b);
            backward(a, b[..a.Length]);
        };

        void Compare(string name, Forward kernel, double rel)
        {
            var all = new float[x.Length];
            kernel(x, all);
            var one = new float[1];
            for (int i = 0; i < x.Length; i++)
            {
                current = i;
                kernel(x.AsSpan(i, 1), one);
                if (rel == 0) Assert.True(one[0].Equals(all[i]), $"{name}({x[i]:R}): vector {all[i]:R}, scalar {one[0]:R}");
                else Near(one[0], all[i], rel, 1e-37, $"{name}({x[i]:R}) vector vs scalar");
            }
        }
    }

    [Fact]
    public void LeakyReLU_and_its_gradient_at_zero()
    {
        float[] x = [-2f, 0f, 3f, -0.25f, 1e30f, -1e30f];
        var y = new float[x.Length];
        Activations.LeakyReLU(x, y, 0.1f);
        Assert.Equal([-0.2f, 0f, 3f, -0.025f, 1e30f, -1e29f], y);
        float[] dy = [1f, 1f, 1f, 1f, 1f, 1f];
        Activations.LeakyReLUBackward(x, dy, 0.1f);
        Assert.Equal([0.1f, 0.1f, 1f, 0.1f, 1f, 0.1f], dy); // the gradient at exactly 0 is the slope
    }

    [Fact]
    public void SiLU_and_ELU_match_double_references()
    {
        float[] x = [0f, 1f, -1f, 5f, -5f, 30f, -30f, -100f, 1e-7f, -1e-7f, 0.3f];
        var y = new float[x.Length];
        Activations.SiLU(x, y);
        for (int i = 0; i < x.Length; i++)
            Near(x[i] / (1 + Math.Exp(-(double)x[i])), y[i], 3e-7, 1e-30, $"silu({x[i]})");

        Activations.ELU(x, y, 1.5f);
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            // 1.5·expm1 via a long Taylor series near 0 (to check the kernel's expm1 without cancellation), exp − 1 elsewhere.
            double expm1 = Math.Abs(v) < 1e-3 ? v + v * v / 2 + v * v * v / 6 + v * v * v * v / 24 : Math.Exp(v) - 1;
            Near(v > 0 ? v : 1.5f * expm1, y[i], 1.2e-7, 0, $"elu({v})");
        }
        Assert.Equal(-1.5f, y[7]);
    }

    [Fact]
    public void Softmax_rows_sum_to_one_and_are_stable_for_large_logits()
    {
        float[] x = Uniform(1, Batch * Features, -8f, 8f);
        x[0] = 1000f; x[1] = 1001f;          // would overflow exp without the max subtraction
        x[Features] = -1000f;                 // a huge negative in row 1
        var y = new float[x.Length];
        Activations.Softmax(x, y, Batch, Features);
        for (int s = 0; s < Batch; s++)
        {
            double max = double.NegativeInfinity, sum = 0, ySum = 0;
            for (int f = 0; f < Features; f++) max = Math.Max(max, x[s * Features + f]);
            for (int f = 0; f < Features; f++) sum += Math.Exp(x[s * Features + f] - max);
            for (int f = 0; f < Features; f++)
            {
                int i = s * Features + f;
                Assert.True(float.IsFinite(y[i]));
                // x − max is rounded to float before exp (as in PyTorch): up to half an ulp of |x − max| in the exponent.
                Near(Math.Exp(x[i] - max) / sum, y[i], 4e-7 + 6e-8 * Math.Abs(x[i] - max), 1e-30, $"softmax[{s},{f}]");
                ySum += y[i];
            }
            Near(1.0, ySum, 0, 1e-6, $"row {s} sum");
        }
    }

    [Fact]
    public void Forward_kernels_work_in_place()
    {
        float[] x = Uniform(2, 37, -4f, 4f);
        Check((a, b) => Activations.ReLU(a, b));
        Check((a, b) => Activations.LeakyReLU(a, b, 0.01f));
        Check((a, b) => Activations.Sigmoid(a, b));
        Check((a, b) => Activations.Tanh(a, b));
        Check((a, b) => Activations.GELU(a, b));
        Check((a, b) => Activations.SiLU(a, b));
        Check((a, b) => Activations.ELU(a, b, 1f));
        Check((a, b) => Activations.Softmax(a, b, 1, 37));

        void Check(Forward forward)
        {
            var separate = new float[x.Length];
            forward(x, separate);
            var inPlace = (float[])x.Clone();
            forward(inPlace, inPlace);
            Assert.Equal(separate, inPlace);
        }
    }

    private delegate void Forward(ReadOnlySpan<float> x, Span<float> y);
    private delegate void Backward(ReadOnlySpan<float> saved, Span<float> dy);

    // ---- backward kernels by central finite differences ----

    public static TheoryData<string> Elementwise => ["LeakyReLU", "ReLU", "Sigmoid", "Tanh", "GELU", "SiLU", "ELU", "Softmax"];

    [Theory]
    [MemberData(nameof(Elementwise))]
    public void Backward_matches_finite_differences(string name)
    {
        const float h = 1e-2f;
        int n = Batch * Features;
        // Inputs kept 3h away from 0 so no difference straddles the kinks of ReLU, LeakyReLU and ELU.
        float[] x = Uniform(10 + name.Length, n, -3f, 3f, awayFromZero: 3 * h);
        float[] r = Uniform(20, n, -1f, 1f);
        Forward forward;
        Backward backward;
        bool savesOutput = name is "ReLU" or "Sigmoid" or "Tanh" or "Softmax"; // these backward kernels take the output y
        switch (name)
        {
            case "ReLU": forward = (a, b) => Activations.ReLU(a, b); backward = (s, d) => Activations.ReLUBackward(s, d); break;
            case "LeakyReLU": forward = (a, b) => Activations.LeakyReLU(a, b, 0.1f); backward = (s, d) => Activations.LeakyReLUBackward(s, d, 0.1f); break;
            case "Sigmoid": forward = (a, b) => Activations.Sigmoid(a, b); backward = (s, d) => Activations.SigmoidBackward(s, d); break;
            case "Tanh": forward = (a, b) => Activations.Tanh(a, b); backward = (s, d) => Activations.TanhBackward(s, d); break;
            case "GELU": forward = (a, b) => Activations.GELU(a, b); backward = (s, d) => Activations.GELUBackward(s, d); break;
            case "SiLU": forward = (a, b) => Activations.SiLU(a, b); backward = (s, d) => Activations.SiLUBackward(s, d); break;
            case "ELU": forward = (a, b) => Activations.ELU(a, b, 1.3f); backward = (s, d) => Activations.ELUBackward(s, d, 1.3f); break;
            case "Softmax": forward = (a, b) => Activations.Softmax(a, b, Batch, Features); backward = (s, d) => Activations.SoftmaxBackward(s, d, Batch, Features); break;
            default: throw new ArgumentException(name);
        }

        var y = new float[n];
        double[] numeric = NumericGradient(x, () => { forward(x, y); return Project(r, y); }, h);

        forward(x, y);
        float[] dx = (float[])r.Clone();
        backward(savesOutput ? y : x, dx);
        for (int i = 0; i < n; i++)
            Near(numeric[i], dx[i], 2e-3, 2e-4, $"{name} dx[{i}] at x = {x[i]}");
    }

    [Fact]
    public void Backwards_at_extremes_are_finite()
    {
        float[] x = [-100f, 100f, -30f, 30f, 0f];
        var y = new float[x.Length];
        foreach (string name in new[] { "SiLU", "GELU", "ELU" })
        {
            float[] dy = [1f, 1f, 1f, 1f, 1f];
            if (name == "SiLU") Activations.SiLUBackward(x, dy);
            else if (name == "GELU") Activations.GELUBackward(x, dy);
            else Activations.ELUBackward(x, dy, 1f);
            foreach (float g in dy) Assert.True(float.IsFinite(g), $"{name} gradient {g}");
            Near(1.0, dy[1], 0, 1e-6, $"{name}'(100)");
            Near(name == "ELU" ? 1.0 : 0.5, dy[4], 0, 1e-7, $"{name}'(0)"); // ELU'(0) = α·e⁰ = α (x ≤ 0 branch)
        }
    }

    [Fact]
    public void Size_mismatches_throw()
    {
        Assert.Throws<ArgumentException>(() => Activations.SigmoidBackward(new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => Activations.GELU(new float[4], new float[3]));
        Assert.Throws<ArgumentException>(() => Activations.Softmax(new float[20], new float[21], Batch, Features));
    }
}
