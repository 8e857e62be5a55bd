using StaticNet.Kernels;
using Xunit;
using static StaticNet.Tests.Kernels.KernelCheck;

namespace StaticNet.Tests.Kernels;

public class DropoutKernelTests
{
    [Fact]
    public void Half_of_the_units_are_kept_and_doubled()
    {
        const int n = 100_000;
        float[] x = Uniform(1, n, -3f, 3f);
        var y = new float[n];
        var mask = new float[n];
        DropoutKernel.Forward(x, y, mask, 0.5f, new Rng(123));
        int kept = 0;
        for (int i = 0; i < n; i++)
        {
            if (mask[i] == 2f)
            {
                kept++;
                Assert.Equal(2f * x[i], y[i]); // exactly: the scale for p = 0.5 is exactly 2
            }
            else
            {
                Assert.Equal(0f, mask[i]);
                Assert.Equal(0f, y[i]);
            }
        }
        double fraction = kept / (double)n;
        Assert.True(Math.Abs(fraction - 0.5) <= 0.01, $"kept fraction {fraction} is not within 2% of 0.5"); // σ ≈ 0.0016
    }

    [Fact]
    public void Kept_fraction_follows_p()
    {
        const int n = 100_000;
        var x = new float[n];
        Array.Fill(x, 1f);
        var y = new float[n];
        var mask = new float[n];
        DropoutKernel.Forward(x, y, mask, 0.2f, new Rng(5));
        int kept = mask.Count(v => v != 0f);
        Assert.InRange(kept / (double)n, 0.79, 0.81);
        Assert.All(mask, v => Assert.True(v == 0f || v == (float)(1 / (1 - (double)0.2f))));
    }

    [Fact]
    public void Zero_probability_keeps_everything_and_one_drops_everything()
    {
        float[] x = Uniform(2, 33, -1f, 1f);
        var y = new float[33];
        var mask = new float[33];
        DropoutKernel.Forward(x, y, mask, 0f, new Rng(1));
        Assert.Equal(x, y);
        Assert.All(mask, v => Assert.Equal(1f, v));

        DropoutKernel.Forward(x, y, mask, 1f, new Rng(1));
        Assert.All(y, v => Assert.Equal(0f, v));
        Assert.All(mask, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Same_seed_same_mask_and_in_place_works()
    {
        float[] x = Uniform(3, 1001, -1f, 1f);
        float[] m1 = new float[1001], m2 = new float[1001], m3 = new float[1001];
        var y = new float[1001];
        DropoutKernel.Forward(x, y, m1, 0.3f, new Rng(77));
        float[] inPlace = (float[])x.Clone();
        DropoutKernel.Forward(inPlace, inPlace, m2, 0.3f, new Rng(77));
        DropoutKernel.Forward(x, new float[1001], m3, 0.3f, new Rng(78));
        Assert.Equal(m1, m2);
        Assert.Equal(y, inPlace);
        Assert.NotEqual(m1, m3);
    }

    [Fact]
    public void Backward_multiplies_by_the_mask_and_matches_finite_differences()
    {
        const int n = 21;
        float[] x = Uniform(4, n, -2f, 2f);
        float[] r = Uniform(5, n, -1f, 1f);
        var y = new float[n];
        var mask = new float[n];
        double[] numeric = NumericGradient(x, () =>
        {
            DropoutKernel.Forward(x, y, mask, 0.4f, new Rng(9)); // same seed each time: the same mask
            return Project(r, y);
        }, 1e-2f);
        DropoutKernel.Forward(x, y, mask, 0.4f, new Rng(9));
        float[] dx = (float[])r.Clone();
        DropoutKernel.Backward(mask, dx);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(r[i] * mask[i], dx[i]);
            Near(numeric[i], dx[i], 1e-4, 1e-5, $"dropout dx[{i}]");
        }
    }

    [Fact]
    public void Invalid_probability_throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DropoutKernel.Forward(new float[2], new float[2], new float[2], 1.5f, new Rng(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => DropoutKernel.Forward(new float[2], new float[2], new float[2], float.NaN, new Rng(1)));
        Assert.Throws<ArgumentException>(() => DropoutKernel.Forward(new float[3], new float[3], new float[2], 0.5f, new Rng(1)));
    }
}
