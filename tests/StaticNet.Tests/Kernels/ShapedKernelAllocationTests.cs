using StaticNet.Tests.Support;
using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests.Kernels;

public class ShapedKernelAllocationTests
{
    /// <summary>
    /// The digits CNN, forward and backward: Conv2d(1→8, k3, p1)+ReLU → MaxPool(2) → Conv2d(8→16, k3, p1)+ReLU →
    /// MaxPool(2) → Flatten → Dense(64→10), plus the other shaped kernels at the same sizes.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    [InlineData(1797)]
    public void Digits_cnn_kernels_do_not_allocate_after_warm_up(int batch)
    {
        float[] x = KernelCheck.Uniform(1, batch * 64, 0f, 16f);
        float[] w1 = KernelCheck.Uniform(2, 72, -0.3f, 0.3f), b1 = KernelCheck.Uniform(3, 8, -0.3f, 0.3f);
        float[] w2 = KernelCheck.Uniform(4, 1152, -0.1f, 0.1f), b2 = KernelCheck.Uniform(5, 16, -0.1f, 0.1f);
        float[] w3 = KernelCheck.Uniform(6, 640, -0.1f, 0.1f), b3 = KernelCheck.Uniform(7, 10, -0.1f, 0.1f);
        float[] h1 = new float[batch * 512], p1 = new float[batch * 128], h2 = new float[batch * 256], p2 = new float[batch * 64];
        float[] logits = new float[batch * 10], dLogits = KernelCheck.Uniform(8, batch * 10, -1f, 1f);
        float[] dp2 = new float[batch * 64], dh2 = new float[batch * 256], dp1 = new float[batch * 128], dh1 = new float[batch * 512];
        float[] dw1 = new float[72], db1 = new float[8], dw2 = new float[1152], db2 = new float[16], dw3 = new float[640], db3 = new float[10];
        float[] gamma = KernelCheck.Uniform(9, 8, 0.5f, 1.5f), beta = new float[8], rm = new float[8], rv = new float[8];
        float[] xHat = new float[batch * 512], invStd = new float[8], bnOut = new float[batch * 512];
        float[] dGamma = new float[8], dBeta = new float[8];
        float[] seq = new float[batch * 24], dseq = new float[batch * 64]; // Conv1d(8→3, k3, p1) on the images as [8, 8]
        float[] rows = new float[batch * 256]; // MaxPool1d(2) of h1 seen as [64, 8]

        void Step()
        {
            Conv.Forward2d(x, w1, b1, h1, batch, 1, 8, 8, 8, 3, 1, 1, relu: true);
            Pool.MaxForward2d(h1, p1, batch, 8, 8, 8, 2, 2);
            Conv.Forward2d(p1, w2, b2, h2, batch, 8, 4, 4, 16, 3, 1, 1, relu: true);
            Pool.MaxForward2d(h2, p2, batch, 16, 4, 4, 2, 2);
            Dense.Forward(p2, w3, b3, logits, batch, 64, 10, relu: false);
            Conv.Forward2dMaxPool(x, w1, b1, p1, batch, 1, 8, 8, 8, 3, 1, 1, relu: true);   // the inference pass: pooled in registers,
            Conv.Forward2dMaxPool(p1, w2, b2, p2, batch, 8, 4, 4, 16, 3, 1, 1, relu: true); // or through scratch

            Dense.BackwardParameters(dLogits, p2, dw3, db3, batch, 64, 10);
            Dense.BackwardInput(dLogits, w3, dp2, batch, 64, 10);
            Pool.MaxBackward2d(h2, p2, dp2, dh2, batch, 16, 4, 4, 2, 2);
            Activations.ReLUBackward(h2, dh2);
            Conv.Backward2d(dh2, p1, w2, dw2, db2, dp1, batch, 8, 4, 4, 16, 3, 1, 1);
            Pool.MaxBackward2d(h1, p1, dp1, dh1, batch, 8, 8, 8, 2, 2);
            Activations.ReLUBackward(h1, dh1);
            Conv.Backward2d(dh1, x, w1, dw1, db1, Span<float>.Empty, batch, 1, 8, 8, 8, 3, 1, 1);

            Pool.AvgForward2d(h1, p1, batch, 8, 8, 8, 2, 2);
            Pool.AvgBackward2d(p1, dh1, batch, 8, 8, 8, 2, 2);
            Array.Fill(rv, 1f);
            Normalization.BatchNormChannelsTrain(h1, bnOut, gamma, beta, rm, rv, xHat, invStd, batch, 8, 64, 1e-5f, 0.1f);
            Normalization.BatchNormChannelsEval(h1, bnOut, gamma, beta, rm, rv, batch, 8, 64, 1e-5f);
            Normalization.BatchNormChannelsBackward(dh1, xHat, invStd, gamma, dGamma, dBeta, batch, 8, 64);
            Conv.Forward1d(x, w1, b1, seq, batch, 8, 8, 3, 3, 1, 1, relu: false);
            Conv.Backward1d(seq, x, w1, dw1, db1, dseq, batch, 8, 8, 3, 3, 1, 1);
            Pool.MaxForward1d(h1, rows, batch, 64, 8, 2, 2);
            Pool.MaxBackward1d(h1, rows, rows, dh1, batch, 64, 8, 2, 2);
        }

        for (int i = 0; i < 3; i++) Step(); // JIT, tiering, static constructors
        Assert.Equal(0, Allocations.Of(Step, 3));
    }

    [Fact]
    public void Rented_scratch_is_returned_and_reused()
    {
        // 16 channels of 28 × 28, k3, p1: the unrolled input (144 × 784 floats) is far above the stack limit.
        const int batch = 2;
        float[] x = KernelCheck.Uniform(1, batch * 16 * 784, -1f, 1f), w = KernelCheck.Uniform(2, 6 * 144, -0.1f, 0.1f), b = new float[6];
        float[] y = new float[batch * 6 * 784], dw = new float[6 * 144], db = new float[6], dx = new float[x.Length];
        float[] wide = KernelCheck.Uniform(3, 3 * 20000, -1f, 1f), pooled = new float[3 * 10000], dwide = new float[wide.Length];
        void Step()
        {
            Conv.Forward2d(x, w, b, y, batch, 16, 28, 28, 6, 3, 1, 1, relu: false);
            Conv.Backward2d(y, x, w, dw, db, dx, batch, 16, 28, 28, 6, 3, 1, 1);
            Pool.AvgForward1d(wide, pooled, 1, 3, 20000, 2, 2); // 20000-float rows: pooled scratch rented too
            Pool.AvgBackward1d(pooled, dwide, 1, 3, 20000, 2, 2);
        }
        for (int i = 0; i < 3; i++) Step();
        Assert.Equal(0, Allocations.Of(Step, 3));
    }
}
