using StaticNet.Kernels;
using Xunit;
using static StaticNet.Tests.Kernels.KernelCheck;
using static StaticNet.Tests.Kernels.ShapedReference;

namespace StaticNet.Tests.Kernels;

public class ChannelNormalizationKernelTests
{
    private const float Eps = 1e-5f, Momentum = 0.1f;

    [Fact]
    public void Train_hand_computed_case()
    {
        // 2 samples × 2 channels × 2 positions. Channel 0 holds 1, 2 (sample 0) and 3, 6 (sample 1): μ = 3, biased
        // σ² = 3.5, unbiased 14/3 (m = 4). Channel 1 is constant 5: σ² = 0, x̂ = 0, y = β.
        float[] x = [1f, 2f, 5f, 5f,
                     3f, 6f, 5f, 5f];
        float[] gamma = [2f, 0.5f], beta = [0.25f, -1f], runningMean = [0.5f, -1f], runningVar = [2f, 3f];
        var y = new float[8];
        var xHat = new float[8];
        var invStd = new float[2];
        Normalization.BatchNormChannelsTrain(x, y, gamma, beta, runningMean, runningVar, xHat, invStd, 2, 2, 2, Eps, Momentum);
        double inv0 = 1 / Math.Sqrt(3.5 + Eps);
        Near(inv0, invStd[0], 1e-7, 0, "invStd[0]");
        Near(1 / Math.Sqrt(Eps), invStd[1], 1e-6, 0, "invStd[1]");
        Near(0.9 * 0.5 + 0.1 * 3, runningMean[0], 1e-7, 0, "running mean 0");
        Near(0.9 * 2 + 0.1 * 14.0 / 3, runningVar[0], 1e-7, 0, "running var 0 (unbiased)");
        Near(0.9 * -1 + 0.1 * 5, runningMean[1], 1e-7, 0, "running mean 1");
        Near(0.9 * 3, runningVar[1], 1e-7, 0, "running var 1");
        int[] channel0 = [0, 1, 4, 5];
        foreach (int i in channel0)
        {
            Near((x[i] - 3) * inv0, xHat[i], 1e-6, 1e-7, $"x̂[{i}]");
            Near(2 * (x[i] - 3) * inv0 + 0.25, y[i], 1e-6, 1e-7, $"y[{i}]");
        }
        foreach (int i in new[] { 2, 3, 6, 7 })
        {
            Assert.Equal(0f, xHat[i]);
            Assert.Equal(-1f, y[i]);
        }
    }

    // batch, channels, positions
    [Theory]
    [InlineData(2, 3, 7)]
    [InlineData(16, 8, 64)]  // conv2d_batchnorm: BatchNorm2d(8) on 8 × 8 maps
    [InlineData(1, 4, 9)]    // one sample is fine when it has several positions (m = 9)
    [InlineData(5, 3, 1)]    // one position per channel: BatchNorm1d's arithmetic
    [InlineData(17, 5, 19)]  // whole vectors and a scalar tail per run
    [InlineData(3, 2, 70)]   // runs longer than one float partial sum of 8 vectors
    [InlineData(64, 16, 16)] // digits conv 2 sizes
    public void Train_eval_match_double_reference(int batch, int channels, int positions)
    {
        int n = batch * channels * positions;
        float[] x = Uniform(1, n, -3f, 5f);
        float[] gamma = Uniform(2, channels, 0.5f, 1.5f), beta = Uniform(3, channels, -0.5f, 0.5f);
        float[] rm0 = Uniform(4, channels, -2f, 2f), rv0 = Uniform(5, channels, 0.5f, 5f);
        float[] rm = (float[])rm0.Clone(), rv = (float[])rv0.Clone();
        float[] y = Filled(n, float.NaN), xHat = Filled(n, float.NaN), invStd = Filled(channels, float.NaN);
        Normalization.BatchNormChannelsTrain(x, y, gamma, beta, rm, rv, xHat, invStd, batch, channels, positions, Eps, Momentum);
        float[] yEval = Filled(n, float.NaN);
        Normalization.BatchNormChannelsEval(x, yEval, gamma, beta, rm0, rv0, batch, channels, positions, Eps);

        int m = batch * positions;
        for (int c = 0; c < channels; c++)
        {
            IEnumerable<int> indices = Enumerable.Range(0, batch).SelectMany(s => Enumerable.Range((s * channels + c) * positions, positions));
            double mean = indices.Average(i => (double)x[i]);
            double variance = indices.Sum(i => Math.Pow(x[i] - mean, 2)) / m;
            double inv = 1 / Math.Sqrt(variance + Eps);
            Near(inv, invStd[c], 2e-7, 0, $"invStd[{c}]");
            Near(0.9 * rm0[c] + 0.1 * mean, rm[c], 2e-7, 1e-7, $"running mean[{c}]");
            Near(0.9 * rv0[c] + 0.1 * variance * m / (m - 1), rv[c], 2e-7, 0, $"running var[{c}]");
            double alpha = gamma[c] / Math.Sqrt(rv0[c] + (double)Eps);
            foreach (int i in indices)
            {
                double xh = (x[i] - mean) * inv;
                Near(xh, xHat[i], 1e-6, 1e-6, $"x̂[{i}]");
                Near(gamma[c] * xh + beta[c], y[i], 1e-6, 1e-6, $"train y[{i}]");
                Near(x[i] * alpha + (beta[c] - rm0[c] * alpha), yEval[i], 1e-6, 1e-6, $"eval y[{i}]");
            }
        }

        // In place (x and y the same span): the same bits.
        float[] inPlace = (float[])x.Clone();
        float[] rm2 = (float[])rm0.Clone(), rv2 = (float[])rv0.Clone();
        Normalization.BatchNormChannelsTrain(inPlace, inPlace, gamma, beta, rm2, rv2, new float[n], new float[channels], batch, channels, positions, Eps, Momentum);
        Assert.Equal(y, inPlace);
        inPlace = (float[])x.Clone();
        Normalization.BatchNormChannelsEval(inPlace, inPlace, gamma, beta, rm0, rv0, batch, channels, positions, Eps);
        Assert.Equal(yEval, inPlace);
    }

    [Theory]
    [InlineData(3, 2, 7)]
    [InlineData(2, 3, 19)] // a whole vector of every width plus a scalar tail
    [InlineData(1, 2, 6)]  // one sample, several positions
    public void Backward_matches_finite_differences_and_the_formula(int batch, int channels, int positions)
    {
        const float h = 1e-2f;
        int n = batch * channels * positions;
        float[] x = Uniform(11, n, -2f, 2f);
        float[] gamma = Uniform(12, channels, 0.5f, 1.5f), beta = Uniform(13, channels, -0.5f, 0.5f);
        float[] r = Uniform(14, n, -1f, 1f);
        var y = new float[n];
        var xHat = new float[n];
        var invStd = new float[channels];
        double Objective()
        {
            Normalization.BatchNormChannelsTrain(x, y, gamma, beta, new float[channels], new float[channels], xHat, invStd,
                batch, channels, positions, Eps, Momentum);
            return Project(r, y);
        }
        double[] dxNumeric = NumericGradient(x, Objective, h);
        double[] dGammaNumeric = NumericGradient(gamma, Objective, h);
        double[] dBetaNumeric = NumericGradient(beta, Objective, h);

        Objective();
        float[] dx = (float[])r.Clone();
        float[] dGamma = Filled(channels, float.NaN), dBeta = Filled(channels, float.NaN); // overwritten, not added to
        Normalization.BatchNormChannelsBackward(dx, xHat, invStd, gamma, dGamma, dBeta, batch, channels, positions);
        for (int i = 0; i < n; i++) Near(dxNumeric[i], dx[i], 3e-3, 3e-4, $"BN dx[{i}]");
        for (int c = 0; c < channels; c++)
        {
            Near(dGammaNumeric[c], dGamma[c], 2e-3, 2e-4, $"BN dγ[{c}]");
            Near(dBetaNumeric[c], dBeta[c], 2e-3, 2e-4, $"BN dβ[{c}]");
        }

        // The README's formula in double: ∂L/∂x = (1/m)·γ·invStd·(m·g − Σg − x̂·Σ(g·x̂)) over the channel's m values.
        int m = batch * positions;
        for (int c = 0; c < channels; c++)
        {
            int[] indices = [.. Enumerable.Range(0, batch).SelectMany(s => Enumerable.Range((s * channels + c) * positions, positions))];
            double sg = indices.Sum(i => (double)r[i]), sgx = indices.Sum(i => (double)r[i] * xHat[i]);
            Near(sg, dBeta[c], 1e-6, 1e-6, $"dβ[{c}] formula");
            Near(sgx, dGamma[c], 1e-6, 1e-6, $"dγ[{c}] formula");
            foreach (int i in indices)
                Near((double)gamma[c] * invStd[c] / m * (m * (double)r[i] - sg - xHat[i] * sgx), dx[i], 1e-5, 1e-6, $"dx[{i}] formula");
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(0, 5)]
    public void Train_needs_more_than_one_value_per_channel(int batch, int positions)
    {
        var ex = Assert.Throws<ArgumentException>(() => Normalization.BatchNormChannelsTrain(new float[9], new float[9], new float[3], new float[3],
            new float[3], new float[3], new float[9], new float[3], batch, 3, positions, Eps, Momentum));
        Assert.Contains("more than one value per channel", ex.Message);
        Assert.Contains($"= {batch * positions}", ex.Message);
    }

    [Fact]
    public void Short_spans_throw_naming_given_and_needed_lengths()
    {
        // 2 × 3 × 4 = 24 values, 3 channels.
        var ex = Assert.Throws<ArgumentException>(() => Normalization.BatchNormChannelsTrain(new float[24], new float[23], new float[3], new float[3],
            new float[3], new float[3], new float[24], new float[3], 2, 3, 4, Eps, Momentum));
        Assert.Contains("= 24 floats", ex.Message);
        Assert.Contains("y 23", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Normalization.BatchNormChannelsEval(new float[24], new float[24], new float[3], new float[2],
            new float[3], new float[3], 2, 3, 4, Eps));
        Assert.Contains("too short for 3 features", ex.Message);
        Assert.Contains(": 3, 2, 3", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Normalization.BatchNormChannelsBackward(new float[24], new float[20], new float[3], new float[3],
            new float[3], new float[3], 2, 3, 4));
        Assert.Contains("xHat 20", ex.Message);
    }
}
