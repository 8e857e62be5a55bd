using StaticNet.Kernels;
using Xunit;
using static StaticNet.Tests.Kernels.KernelCheck;
using static StaticNet.Tests.Kernels.ShapedReference;

namespace StaticNet.Tests.Kernels;

public class ConvKernelTests
{
    // Float sums of up to a few thousand terms: rounding stays far below 2e-6 of Σ|term| (a wrong or missing term is a
    // whole term, ~1/taps of it).
    private const double Rel = 2e-6, Abs = 1e-6;
    private const int Guard = 5; // sentinel floats after each output span: nothing may be written past the needed length

    // batch, inC, H, W, outC, kernel, stride, padding
    public static TheoryData<int, int, int, int, int, int, int, int> Shapes2d => new()
    {
        { 2, 2, 5, 7, 3, 3, 2, 1 },     // [2, 5, 7], Conv2d 2→3, k3, stride 2, padding 1: the strided (gathering) unroll
        { 1, 1, 8, 8, 8, 3, 1, 1 },     // digits conv 1, one sample
        { 32, 1, 8, 8, 8, 3, 1, 1 },    // digits conv 1, a training batch
        { 1797, 1, 8, 8, 8, 3, 1, 1 },  // digits conv 1, every sample (many weight-gradient chunks)
        { 1, 8, 4, 4, 16, 3, 1, 1 },    // digits conv 2, one sample
        { 17, 8, 4, 4, 16, 3, 1, 1 },   // digits conv 2, batch > 16
        { 1797, 8, 4, 4, 16, 3, 1, 1 }, // digits conv 2, every sample
        { 3, 3, 6, 6, 5, 3, 1, 2 },     // padding 2 ≥ kernel/2: border outputs read mostly padding
        { 1, 2, 3, 3, 2, 4, 1, 3 },     // padding ≥ kernel: some outputs read only padding (= bias)
        { 2, 2, 9, 9, 3, 2, 3, 0 },     // stride > kernel: rows and columns read by no window get dx = 0
        { 2, 3, 5, 5, 4, 5, 1, 0 },     // kernel = input size: a 1 × 1 output
        { 19, 5, 11, 13, 7, 3, 1, 1 },  // 13-wide rows: whole vectors plus a tail; 5 and 7 channels fit no vector width
        { 20, 3, 10, 10, 9, 3, 2, 1 },  // stride 2 over a longer batch
        { 3, 2, 6, 5, 6, 2, 1, 0 },     // even kernel, no padding, outputs narrower than 4 (scalar products)
        { 4, 3, 6, 6, 11, 3, 1, 1 },    // 11 output channels: a 6-row band and an overlapping one
        { 2, 2, 5, 4, 3, 3, 1, 1 },     // 4-wide output rows, an odd number of them (pairs of runs and a single one)
        { 2, 16, 28, 28, 6, 3, 1, 1 },  // large: the scratch is rented from the array pool, not the stack
        { 3, 3, 10, 10, 7, 3, 1, 0 },   // 8-wide output rows (one AVX2 vector: B read from the padded input), no padding
        { 2, 2, 7, 8, 3, 3, 1, 1 },     // 8-wide output rows, an odd number of them (a last single-vector block)
        { 2, 2, 6, 4, 5, 3, 1, 1 },     // 4-wide output rows over 24 positions (one 128-bit vector each)
        { 2, 3, 16, 16, 5, 3, 1, 1 },   // 16-wide output rows (one AVX-512 vector each)
        { 2, 3, 4, 2, 4, 3, 1, 1 },     // 2-wide output rows: two per 128-bit vector (as 4-wide rows on AVX2, 8-wide on AVX-512)
        { 2, 120, 4, 4, 3, 3, 1, 1 },   // 1,080 taps, too many to read in place: 4 × 4 maps unrolled (AVX-512's path for the digits)
    };

    // batch, inC, length, outC, kernel, stride, padding
    public static TheoryData<int, int, int, int, int, int, int> Shapes1d => new()
    {
        { 2, 3, 11, 4, 4, 3, 2 },   // [3, 11], k4, s3, p2
        { 16, 8, 8, 12, 3, 1, 1 },  // conv1d_sequence, first conv
        { 16, 12, 4, 16, 3, 1, 1 }, // conv1d_sequence, second conv
        { 1, 1, 64, 5, 5, 1, 2 },   // one sample, a 64-long sequence
        { 19, 3, 20, 6, 3, 2, 0 },  // stride 2, no padding, batch > 16
        { 2, 2, 5, 3, 5, 1, 0 },    // kernel = length: one output
        { 2, 2, 13, 3, 2, 4, 1 },   // stride > kernel
        { 3, 2, 3, 2, 3, 1, 3 },    // padding ≥ kernel
        { 5, 4, 37, 9, 3, 1, 1 },   // 37-long rows: vectors and a tail
    };

    [Theory]
    [MemberData(nameof(Shapes2d))]
    public void Conv2d_matches_double_reference(int batch, int inC, int h, int w, int outC, int k, int s, int p) =>
        CheckAgainstReference(Geometry.Conv2d(batch, inC, h, w, outC, k, s, p), twoD: true);

    [Theory]
    [MemberData(nameof(Shapes2d))]
    public void Conv2d_then_max_pool_fused_gives_the_same_bits(int batch, int inC, int h, int w, int outC, int k, int s, int p)
    {
        // The inference passes pool a convolution's output in registers (even maps read from the padded input) or per
        // sample: either way exactly the values of the convolution, then MaxPool2d(2); values on a coarse grid with a
        // few NaN and ±∞, so that windows tie and NaN wins.
        int outH = (h + 2 * p - k) / s + 1, outW = (w + 2 * p - k) / s + 1;
        int conv = batch * outC * outH * outW, pooled = batch * outC * (outH / 2) * (outW / 2);
        var random = new Random(batch * 131 + h * 17 + w);
        float[] x = [.. Enumerable.Range(0, batch * inC * h * w).Select(_ => random.Next(200) switch
        {
            0 => float.NaN, 1 => float.PositiveInfinity, 2 => float.NegativeInfinity, _ => random.Next(-4, 5) * 0.5f,
        })];
        float[] weight = [.. Enumerable.Range(0, outC * inC * k * k).Select(_ => random.Next(-2, 3) * 0.25f)];
        float[] bias = [.. Enumerable.Range(0, outC).Select(_ => random.Next(-2, 3) * 0.25f)];
        if (outH < 2 || outW < 2)
        {
            // No 2 × 2 window fits: refused, as MaxPool2d refuses it.
            var ex = Assert.Throws<ArgumentException>(() => Conv.Forward2dMaxPool(x, weight, bias, new float[1], batch, inC, h, w, outC, k, s, p, relu: false));
            Assert.Contains($"({outH} × {outW})", ex.Message);
        }
        else foreach (bool relu in new[] { false, true })
        {
            var map = new float[conv];
            var expected = new float[pooled];
            Conv.Forward2d(x, weight, bias, map, batch, inC, h, w, outC, k, s, p, relu);
            Pool.MaxForward2d(map, expected, batch, outC, outH, outW, 2, 2);
            float[] y = Filled(pooled + Guard, 77f);
            Conv.Forward2dMaxPool(x, weight, bias, y, batch, inC, h, w, outC, k, s, p, relu);
            for (int i = 0; i < pooled; i++)
                Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(y[i]), $"y[{i}] (relu {relu}): expected {expected[i]:R} (0x{BitConverter.SingleToInt32Bits(expected[i]):X8}), got {y[i]:R} (0x{BitConverter.SingleToInt32Bits(y[i]):X8})");
            Assert.All(y[pooled..], v => Assert.Equal(77f, v));
        }
    }

    [Theory]
    [MemberData(nameof(Shapes1d))]
    public void Conv1d_matches_double_reference(int batch, int inC, int length, int outC, int k, int s, int p) =>
        CheckAgainstReference(Geometry.Conv1d(batch, inC, length, outC, k, s, p), twoD: false);

    private static void CheckAgainstReference(Geometry g, bool twoD)
    {
        int seed = g.Seed;
        float[] x = Uniform(seed, g.InputLength, -2f, 2f);
        float[] weight = Uniform(seed + 1, g.WeightLength, -0.5f, 0.5f);
        float[] bias = Uniform(seed + 2, g.OutC, -0.5f, 0.5f);
        float[] dy = Uniform(seed + 3, g.OutputLength, -1f, 1f);
        var (expected, magnitude) = ConvForward(g, x, weight, bias);

        // Forward, pre-filled with NaN (every output is written) and with sentinels past the end (nothing else is).
        float[] y = Filled(g.OutputLength + Guard, float.NaN);
        y.AsSpan(g.OutputLength).Fill(1234f);
        Forward(g, twoD, x, weight, bias, y, relu: false);
        AllClose(expected, magnitude, y, Rel, Abs, "y");
        Assert.All(y[g.OutputLength..], v => Assert.Equal(1234f, v));

        float[] yRelu = Filled(g.OutputLength, float.NaN);
        Forward(g, twoD, x, weight, bias, yRelu, relu: true);
        AllClose([.. expected.Select(v => Math.Max(v, 0))], magnitude, yRelu, Rel, Abs, "relu(y)");
        Assert.All(yRelu, v => Assert.True(v >= 0f));

        // Backward: dW, db and dx are overwritten (NaN before), never accumulated.
        var (dwRef, dwMag, dbRef, dbMag, dxRef, dxMag) = ConvBackward(g, x, weight, dy);
        float[] dw = Filled(g.WeightLength, float.NaN), db = Filled(g.OutC, float.NaN), dx = Filled(g.InputLength + Guard, float.NaN);
        dx.AsSpan(g.InputLength).Fill(-99f);
        Backward(g, twoD, dy, x, weight, dw, db, dx);
        AllClose(dwRef, dwMag, dw, Rel, Abs, "dW");
        AllClose(dbRef, dbMag, db, Rel, Abs, "db");
        AllClose(dxRef, dxMag, dx, Rel, Abs, "dx");
        Assert.All(dx[g.InputLength..], v => Assert.Equal(-99f, v));

        // Without dx (a first layer): the same parameter gradients, bit for bit.
        float[] dw2 = Filled(g.WeightLength, float.NaN), db2 = Filled(g.OutC, float.NaN);
        Backward(g, twoD, dy, x, weight, dw2, db2, Span<float>.Empty);
        Assert.Equal(dw, dw2);
        Assert.Equal(db, db2);
    }

    [Fact]
    public void Padding_only_outputs_equal_the_bias()
    {
        // 1 × 1 input, padding 2, kernel 2: the 4 × 4 output reads x only at the four centre positions.
        var g = Geometry.Conv2d(1, 1, 1, 1, 2, 2, 1, 2);
        float[] x = [3f], weight = [1f, 2f, 3f, 4f, -1f, -2f, -3f, -4f], bias = [0.5f, -0.25f];
        var y = new float[g.OutputLength];
        Conv.Forward2d(x, weight, bias, y, 1, 1, 1, 1, 2, 2, 1, 2, relu: false);
        Assert.Equal(4, g.OutH);
        for (int o = 0; o < 2; o++)
            for (int r = 0; r < 4; r++)
                for (int c = 0; c < 4; c++)
                {
                    // Output (r, c) reads padded rows r, r + 1 and columns c, c + 1; the input sits at padded (2, 2).
                    int i = 2 - r, j = 2 - c;
                    float expected = bias[o] + (i is 0 or 1 && j is 0 or 1 ? weight[o * 4 + i * 2 + j] * 3f : 0f);
                    Assert.Equal(expected, y[(o * 4 + r) * 4 + c]);
                }
    }

    [Theory]
    [InlineData(true, 2, 2, 5, 7, 3, 3, 2, 1)]
    [InlineData(true, 3, 3, 4, 4, 5, 3, 1, 1)]
    [InlineData(false, 3, 3, 11, 0, 2, 4, 3, 2)]
    public void Conv_backward_matches_finite_differences(bool twoD, int batch, int inC, int h, int w, int outC, int k, int s, int p)
    {
        // For the 1-d rows, h is the length and w is unused.
        Geometry g = twoD ? Geometry.Conv2d(batch, inC, h, w, outC, k, s, p) : Geometry.Conv1d(batch, inC, h, outC, k, s, p);
        float[] x = Uniform(41, g.InputLength, -1f, 1f);
        float[] weight = Uniform(42, g.WeightLength, -1f, 1f);
        float[] bias = Uniform(43, g.OutC, -1f, 1f);
        float[] r = Uniform(44, g.OutputLength, -1f, 1f);
        var y = new float[g.OutputLength];
        double Objective()
        {
            Forward(g, twoD, x, weight, bias, y, relu: false);
            return Project(r, y);
        }
        const float step = 1e-2f;
        double[] dxNumeric = NumericGradient(x, Objective, step);
        double[] dwNumeric = NumericGradient(weight, Objective, step);
        double[] dbNumeric = NumericGradient(bias, Objective, step);

        var dx = new float[g.InputLength];
        var dw = new float[g.WeightLength];
        var db = new float[g.OutC];
        Backward(g, twoD, r, x, weight, dw, db, dx);
        for (int i = 0; i < dx.Length; i++) Near(dxNumeric[i], dx[i], 1e-3, 2e-4, $"conv dx[{i}]");
        for (int i = 0; i < dw.Length; i++) Near(dwNumeric[i], dw[i], 1e-3, 2e-4, $"conv dW[{i}]");
        for (int i = 0; i < db.Length; i++) Near(dbNumeric[i], db[i], 1e-3, 2e-4, $"conv db[{i}]");
    }

    [Fact]
    public void Concurrent_forward_calls_share_no_scratch()
    {
        var g = Geometry.Conv2d(32, 8, 4, 4, 16, 3, 1, 1);
        float[] weight = Uniform(51, g.WeightLength, -0.5f, 0.5f), bias = Uniform(52, g.OutC, -0.5f, 0.5f);
        float[][] inputs = [.. Enumerable.Range(0, 8).Select(i => Uniform(60 + i, g.InputLength, -2f, 2f))];
        float[][] sequential = [.. inputs.Select(x =>
        {
            var y = new float[g.OutputLength];
            Conv.Forward2d(x, weight, bias, y, g.Batch, g.InC, g.H, g.W, g.OutC, 3, 1, 1, relu: true);
            return y;
        })];
        var parallel = new float[inputs.Length][];
        Parallel.For(0, inputs.Length * 20, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
        {
            int i = k % inputs.Length;
            var y = new float[g.OutputLength];
            Conv.Forward2d(inputs[i], weight, bias, y, g.Batch, g.InC, g.H, g.W, g.OutC, 3, 1, 1, relu: true);
            Assert.Equal(sequential[i], y);
        });
    }

    [Fact]
    public void Short_spans_throw_naming_given_and_needed_lengths()
    {
        var g = Geometry.Conv2d(2, 2, 5, 7, 3, 3, 2, 1); // output 3 × 4: y needs 2·3·12 = 72
        float[] x = new float[g.InputLength], w = new float[g.WeightLength], b = new float[3], y = new float[g.OutputLength];
        var ex = Assert.Throws<ArgumentException>(() => Conv.Forward2d(x, w, b, y.AsSpan(1), 2, 2, 5, 7, 3, 3, 2, 1, false));
        Assert.Contains($"y {g.OutputLength - 1}/{g.OutputLength}", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Conv.Forward2d(x.AsSpan(3), w, b, y, 2, 2, 5, 7, 3, 3, 2, 1, false));
        Assert.Contains($"x {g.InputLength - 3}/{g.InputLength}", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Conv.Forward2d(x, w.AsSpan(1), b, y, 2, 2, 5, 7, 3, 3, 2, 1, false));
        Assert.Contains($"weight {g.WeightLength - 1}/{g.WeightLength}", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Conv.Forward2d(x, w, b.AsSpan(1), y, 2, 2, 5, 7, 3, 3, 2, 1, false));
        Assert.Contains("bias 2/3", ex.Message);

        float[] dy = new float[g.OutputLength], dw = new float[g.WeightLength], db = new float[3], dx = new float[g.InputLength];
        ex = Assert.Throws<ArgumentException>(() => Conv.Backward2d(dy.AsSpan(1), x, w, dw, db, dx, 2, 2, 5, 7, 3, 3, 2, 1));
        Assert.Contains($"dy {g.OutputLength - 1}/{g.OutputLength}", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Conv.Backward2d(dy, x, w, dw.AsSpan(2), db, dx, 2, 2, 5, 7, 3, 3, 2, 1));
        Assert.Contains($"dWeight {g.WeightLength - 2}/{g.WeightLength}", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Conv.Backward2d(dy, x, w, dw, db.AsSpan(1), dx, 2, 2, 5, 7, 3, 3, 2, 1));
        Assert.Contains("dBias 2/3", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Conv.Backward2d(dy, x, w, dw, db, dx.AsSpan(1), 2, 2, 5, 7, 3, 3, 2, 1));
        Assert.Contains($"dx {g.InputLength - 1}/{g.InputLength}", ex.Message);

        var g1 = Geometry.Conv1d(3, 3, 11, 4, 4, 3, 2);
        ex = Assert.Throws<ArgumentException>(() => Conv.Forward1d(new float[g1.InputLength], new float[g1.WeightLength], new float[4],
            new float[g1.OutputLength - 1], 3, 3, 11, 4, 4, 3, 2, false));
        Assert.Contains($"y {g1.OutputLength - 1}/{g1.OutputLength}", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Conv.Backward1d(new float[g1.OutputLength], new float[g1.InputLength - 1], new float[g1.WeightLength],
            new float[g1.WeightLength], new float[4], Span<float>.Empty, 3, 3, 11, 4, 4, 3, 2));
        Assert.Contains($"x {g1.InputLength - 1}/{g1.InputLength}", ex.Message);
    }

    [Fact]
    public void Invalid_sizes_throw()
    {
        float[] any = new float[1000];
        Assert.Throws<ArgumentException>(() => Conv.Forward2d(any, any, any, any, 1, 1, 3, 3, 1, 6, 1, 1, false)); // kernel > padded input
        Assert.Throws<ArgumentOutOfRangeException>(() => Conv.Forward2d(any, any, any, any, 1, 1, 3, 3, 1, 3, 0, 1, false)); // stride 0
        Assert.Throws<ArgumentOutOfRangeException>(() => Conv.Forward1d(any, any, any, any, 1, 1, 8, 1, 3, 1, -1, false)); // padding < 0
        Assert.Throws<ArgumentOutOfRangeException>(() => Conv.Forward1d(any, any, any, any, 1, 0, 8, 1, 3, 1, 0, false)); // no channels
    }

    // ---- dispatch to the 1-d or 2-d entry point ----

    internal static void Forward(Geometry g, bool twoD, float[] x, float[] weight, float[] bias, Span<float> y, bool relu)
    {
        if (twoD) Conv.Forward2d(x, weight, bias, y, g.Batch, g.InC, g.H, g.W, g.OutC, g.KW, g.SW, g.PW, relu);
        else Conv.Forward1d(x, weight, bias, y, g.Batch, g.InC, g.W, g.OutC, g.KW, g.SW, g.PW, relu);
    }

    internal static void Backward(Geometry g, bool twoD, float[] dy, float[] x, float[] weight, Span<float> dw, Span<float> db, Span<float> dx)
    {
        if (twoD) Conv.Backward2d(dy, x, weight, dw, db, dx, g.Batch, g.InC, g.H, g.W, g.OutC, g.KW, g.SW, g.PW);
        else Conv.Backward1d(dy, x, weight, dw, db, dx, g.Batch, g.InC, g.W, g.OutC, g.KW, g.SW, g.PW);
    }
}
