using StaticNet.Tests.Support;
using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests.Kernels;

public class KernelAllocationTests
{
    [Fact]
    public void No_kernel_allocates_after_warm_up()
    {
        const int batch = 5, features = 70; // > 64 features: the normalisation kernels' block loop runs twice
        const int n = batch * features;
        float[] x = KernelCheck.Uniform(1, n, -3f, 3f);
        float[] probabilities = KernelCheck.Uniform(2, n, 0.01f, 0.99f);
        float[] targets = KernelCheck.Uniform(3, n, 0f, 1f);
        float[] y = new float[n], dy = new float[n], xHat = new float[n], mask = new float[n];
        float[] gamma = KernelCheck.Uniform(4, features, 0.5f, 1.5f), beta = new float[features];
        float[] rm = new float[features], rv = new float[features], invStd = new float[features], rowInvStd = new float[batch];
        float[] dGamma = new float[features], dBeta = new float[features];
        var rng = new Rng(1);

        void RunAll()
        {
            Activations.ReLU(x, y); Activations.ReLUBackward(y, dy);
            Activations.LeakyReLU(x, y, 0.1f); Activations.LeakyReLUBackward(x, dy, 0.1f);
            Activations.Sigmoid(x, y); Activations.SigmoidBackward(y, dy);
            Activations.Tanh(x, y); Activations.TanhBackward(y, dy);
            Activations.GELU(x, y); Activations.GELUBackward(x, dy);
            Activations.SiLU(x, y); Activations.SiLUBackward(x, dy);
            Activations.ELU(x, y, 1f); Activations.ELUBackward(x, dy, 1f);
            Activations.Softmax(x, y, batch, features); Activations.SoftmaxBackward(y, dy, batch, features);
            DropoutKernel.Forward(x, y, mask, 0.5f, rng); DropoutKernel.Backward(mask, dy);
            Array.Fill(rv, 1f);
            Normalization.BatchNormTrain(x, y, gamma, beta, rm, rv, xHat, invStd, batch, features, 1e-5f, 0.1f);
            Normalization.BatchNormEval(x, y, gamma, beta, rm, rv, batch, features, 1e-5f);
            Normalization.BatchNormBackward(dy, xHat, invStd, gamma, dGamma, dBeta, batch, features);
            Normalization.LayerNorm(x, y, gamma, beta, xHat, rowInvStd, batch, features, 1e-5f);
            Normalization.LayerNorm(x, y, gamma, beta, Span<float>.Empty, Span<float>.Empty, batch, features, 1e-5f);
            Normalization.LayerNormBackward(dy, xHat, rowInvStd, gamma, dGamma, dBeta, batch, features);
            Losses.BCEWithLogits(x, targets, dy);
            Losses.BCE(probabilities, targets, dy);
            Losses.MSE(x, targets, dy);
            Losses.Penalty(x, dy, 0.01f, 0.01f);
            Array.Fill(dy, 0.5f);
        }

        for (int i = 0; i < 3; i++) RunAll(); // JIT, tiering, static constructors
        Assert.Equal(0, Allocations.Of(RunAll, 10));
    }
}
