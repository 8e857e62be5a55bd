using StaticNet.Kernels;
using Xunit;
using static StaticNet.Tests.Kernels.KernelCheck;

namespace StaticNet.Tests.Kernels;

public class NormalizationKernelTests
{
    private const float Eps = 1e-5f, Momentum = 0.1f;

    [Fact]
    public void BatchNorm_train_hand_computed_case()
    {
        // Feature 0 over N = 4: 1, 2, 3, 6 → μ = 3, biased σ² = (4 + 1 + 0 + 9)/4 = 3.5, unbiased 14/3.
        // Feature 1 is constant 5 → σ² = 0, x̂ = 0, y = β.
        float[] x = [1f, 5f, 2f, 5f, 3f, 5f, 6f, 5f];
        float[] gamma = [2f, 0.5f], beta = [0.25f, -1f];
        float[] runningMean = [0.5f, -1f], runningVar = [2f, 3f];
        var y = new float[8];
        var xHat = new float[8];
        var invStd = new float[2];
        Normalization.BatchNormTrain(x, y, gamma, beta, runningMean, runningVar, xHat, invStd, 4, 2, Eps, Momentum);

        double inv0 = 1 / Math.Sqrt(3.5 + Eps);
        Near(inv0, invStd[0], 1e-7, 0, "invStd[0]");
        Near(1 / Math.Sqrt(Eps), invStd[1], 1e-6, 0, "invStd[1]");
        Near(0.9 * 0.5 + 0.1 * 3, runningMean[0], 1e-7, 0, "running mean 0");          // 0.75
        Near(0.9 * 2 + 0.1 * 3.5 * 4 / 3, runningVar[0], 1e-7, 0, "running var 0");    // 2.2666…, with N/(N−1)
        Near(0.9 * -1 + 0.1 * 5, runningMean[1], 1e-7, 0, "running mean 1");          // −0.4
        Near(0.9 * 3, runningVar[1], 1e-7, 0, "running var 1");                       // 2.7
        double[] rows = [1, 2, 3, 6];
        for (int s = 0; s < 4; s++)
        {
            Near((rows[s] - 3) * inv0, xHat[2 * s], 1e-6, 1e-7, $"x̂[{s},0]");
            Near(2 * (rows[s] - 3) * inv0 + 0.25, y[2 * s], 1e-6, 1e-7, $"y[{s},0]");
            Assert.Equal(0f, xHat[2 * s + 1]);
            Assert.Equal(-1f, y[2 * s + 1]);
        }
    }

    [Fact]
    public void BatchNorm_train_needs_more_than_one_sample()
    {
        var one = new float[3];
        var ex = Assert.Throws<ArgumentException>(() => Normalization.BatchNormTrain(one, new float[3], new float[3], new float[3],
            new float[3], new float[3], new float[3], new float[3], 1, 3, Eps, Momentum));
        Assert.Contains("more than one sample", ex.Message);
    }

    [Theory]
    [InlineData(5, 70)] // more features than one stack block (64): exercises the block loop
    [InlineData(3, 7)]
    [InlineData(37, 33)] // several partial sums of 8 rows, the last short; whole vectors and a scalar tail
    [InlineData(20, 16)]
    public void BatchNorm_train_and_eval_match_double_reference(int batch, int features)
    {
        float[] x = Uniform(1, batch * features, -3f, 5f);
        float[] gamma = Uniform(2, features, 0.5f, 1.5f), beta = Uniform(3, features, -0.5f, 0.5f);
        float[] rm0 = Uniform(4, features, -2f, 2f), rv0 = Uniform(5, features, 0.5f, 5f);
        float[] rm = (float[])rm0.Clone(), rv = (float[])rv0.Clone();
        var y = new float[x.Length];
        var xHat = new float[x.Length];
        var invStd = new float[features];
        Normalization.BatchNormTrain(x, y, gamma, beta, rm, rv, xHat, invStd, batch, features, Eps, Momentum);

        var yEval = new float[x.Length];
        Normalization.BatchNormEval(x, yEval, gamma, beta, rm0, rv0, batch, features, Eps);

        for (int f = 0; f < features; f++)
        {
            double mean = 0, sq = 0;
            for (int s = 0; s < batch; s++) mean += x[s * features + f];
            mean /= batch;
            for (int s = 0; s < batch; s++) sq += Math.Pow(x[s * features + f] - mean, 2);
            double variance = sq / batch, inv = 1 / Math.Sqrt(variance + Eps);
            Near(inv, invStd[f], 2e-7, 0, $"invStd[{f}]");
            Near(0.9 * rm0[f] + 0.1 * mean, rm[f], 2e-7, 1e-7, $"running mean[{f}]");
            Near(0.9 * rv0[f] + 0.1 * variance * batch / (batch - 1), rv[f], 2e-7, 0, $"running var[{f}]");
            double evalInv = 1 / Math.Sqrt(rv0[f] + (double)Eps);
            for (int s = 0; s < batch; s++)
            {
                int i = s * features + f;
                double xh = (x[i] - mean) * inv;
                Near(xh, xHat[i], 1e-6, 1e-6, $"x̂[{s},{f}]");
                Near(gamma[f] * xh + beta[f], y[i], 1e-6, 1e-6, $"train y[{s},{f}]");
                Near(gamma[f] * (x[i] - rm0[f]) * evalInv + beta[f], yEval[i], 1e-6, 1e-6, $"eval y[{s},{f}]");
            }
        }

        // In place (x and y the same span) gives the same bits.
        float[] inPlace = (float[])x.Clone();
        float[] rm2 = (float[])rm0.Clone(), rv2 = (float[])rv0.Clone();
        Normalization.BatchNormTrain(inPlace, inPlace, gamma, beta, rm2, rv2, new float[x.Length], new float[features], batch, features, Eps, Momentum);
        Assert.Equal(y, inPlace);
        inPlace = (float[])x.Clone();
        Normalization.BatchNormEval(inPlace, inPlace, gamma, beta, rm0, rv0, batch, features, Eps);
        Assert.Equal(yEval, inPlace);
    }

    [Theory]
    [InlineData(3, 7)]
    [InlineData(10, 19)] // a whole vector of every width plus a scalar tail, and a short last partial sum of rows
    public void BatchNorm_backward_matches_finite_differences(int batch, int features)
    {
        const float h = 1e-2f;
        int n = batch * features;
        float[] x = Uniform(11, n, -2f, 2f);
        float[] gamma = Uniform(12, features, 0.5f, 1.5f), beta = Uniform(13, features, -0.5f, 0.5f);
        float[] r = Uniform(14, n, -1f, 1f);
        var y = new float[n];
        var xHat = new float[n];
        var invStd = new float[features];
        double Objective()
        {
            // Scratch running statistics: the forward's side effect must not leak between evaluations.
            Normalization.BatchNormTrain(x, y, gamma, beta, new float[features], new float[features], xHat, invStd, batch, features, Eps, Momentum);
            return Project(r, y);
        }
        double[] dxNumeric = NumericGradient(x, Objective, h);
        double[] dGammaNumeric = NumericGradient(gamma, Objective, h);
        double[] dBetaNumeric = NumericGradient(beta, Objective, h);

        Objective();
        float[] dx = (float[])r.Clone();
        float[] dGamma = [.. Enumerable.Repeat(123f, features)], dBeta = [.. Enumerable.Repeat(-7f, features)]; // overwritten, not added to
        Normalization.BatchNormBackward(dx, xHat, invStd, gamma, dGamma, dBeta, batch, features);
        for (int i = 0; i < n; i++) Near(dxNumeric[i], dx[i], 3e-3, 3e-4, $"BN dx[{i}]");
        for (int f = 0; f < features; f++)
        {
            Near(dGammaNumeric[f], dGamma[f], 2e-3, 2e-4, $"BN dγ[{f}]");
            Near(dBetaNumeric[f], dBeta[f], 2e-3, 2e-4, $"BN dβ[{f}]");
        }
    }

    [Fact]
    public void LayerNorm_hand_computed_row()
    {
        // Row 1, 2, 3, 4: μ = 2.5, biased σ² = 1.25.
        float[] x = [1f, 2f, 3f, 4f];
        float[] gamma = [1f, 2f, 0.5f, -1f], beta = [0f, 0.5f, 0f, 1f];
        var y = new float[4];
        var xHat = new float[4];
        var invStd = new float[1];
        Normalization.LayerNorm(x, y, gamma, beta, xHat, invStd, 1, 4, Eps);
        double inv = 1 / Math.Sqrt(1.25 + Eps);
        Near(inv, invStd[0], 1e-7, 0, "invStd");
        for (int f = 0; f < 4; f++)
        {
            Near((x[f] - 2.5) * inv, xHat[f], 1e-7, 1e-7, $"x̂[{f}]");
            Near(gamma[f] * (x[f] - 2.5) * inv + beta[f], y[f], 1e-7, 1e-7, $"y[{f}]");
        }
    }

    [Theory]
    [InlineData(4, 70)]
    [InlineData(3, 7)]
    [InlineData(11, 33)]
    [InlineData(2, 16)]
    public void LayerNorm_matches_double_reference_with_and_without_saving(int batch, int features)
    {
        float[] x = Uniform(21, batch * features, -4f, 6f);
        float[] gamma = Uniform(22, features, 0.5f, 1.5f), beta = Uniform(23, features, -0.5f, 0.5f);
        var y = new float[x.Length];
        var xHat = new float[x.Length];
        var invStd = new float[batch];
        Normalization.LayerNorm(x, y, gamma, beta, xHat, invStd, batch, features, Eps);
        for (int s = 0; s < batch; s++)
        {
            double mean = 0, sq = 0;
            for (int f = 0; f < features; f++) mean += x[s * features + f];
            mean /= features;
            for (int f = 0; f < features; f++) sq += Math.Pow(x[s * features + f] - mean, 2);
            double inv = 1 / Math.Sqrt(sq / features + Eps);
            Near(inv, invStd[s], 2e-7, 0, $"invStd[{s}]");
            for (int f = 0; f < features; f++)
            {
                int i = s * features + f;
                Near((x[i] - mean) * inv, xHat[i], 1e-6, 1e-6, $"x̂[{s},{f}]");
                Near(gamma[f] * (x[i] - mean) * inv + beta[f], y[i], 1e-6, 1e-6, $"y[{s},{f}]");
            }
        }

        // Inference: nothing saved, and in place; same bits.
        float[] inPlace = (float[])x.Clone();
        Normalization.LayerNorm(inPlace, inPlace, gamma, beta, Span<float>.Empty, Span<float>.Empty, batch, features, Eps);
        Assert.Equal(y, inPlace);
    }

    [Theory]
    [InlineData(3, 7)]
    [InlineData(10, 19)] // a whole vector of every width plus a scalar tail
    public void LayerNorm_backward_matches_finite_differences(int batch, int features)
    {
        const float h = 1e-2f;
        int n = batch * features;
        float[] x = Uniform(31, n, -2f, 2f);
        float[] gamma = Uniform(32, features, 0.5f, 1.5f), beta = Uniform(33, features, -0.5f, 0.5f);
        float[] r = Uniform(34, n, -1f, 1f);
        var y = new float[n];
        var xHat = new float[n];
        var invStd = new float[batch];
        double Objective()
        {
            Normalization.LayerNorm(x, y, gamma, beta, xHat, invStd, batch, features, Eps);
            return Project(r, y);
        }
        double[] dxNumeric = NumericGradient(x, Objective, h);
        double[] dGammaNumeric = NumericGradient(gamma, Objective, h);
        double[] dBetaNumeric = NumericGradient(beta, Objective, h);

        Objective();
        float[] dx = (float[])r.Clone();
        float[] dGamma = [.. Enumerable.Repeat(9f, features)], dBeta = [.. Enumerable.Repeat(9f, features)];
        Normalization.LayerNormBackward(dx, xHat, invStd, gamma, dGamma, dBeta, batch, features);
        for (int i = 0; i < n; i++) Near(dxNumeric[i], dx[i], 3e-3, 3e-4, $"LN dx[{i}]");
        for (int f = 0; f < features; f++)
        {
            Near(dGammaNumeric[f], dGamma[f], 2e-3, 2e-4, $"LN dγ[{f}]");
            Near(dBetaNumeric[f], dBeta[f], 2e-3, 2e-4, $"LN dβ[{f}]");
        }
    }
}
