using StaticNet.Kernels;
using StaticNet.Tests.Support;
using Xunit;

namespace StaticNet.Tests.Parity;

/// <summary>The dense kernels against plain triple loops in double, over sizes that hit every block and tail.</summary>
[Trait("Category", "Numeric")]
public sealed class DenseKernelTests
{
    public static TheoryData<int, int, int> Sizes => new()
    {
        // One sample: the packed matrix-vector kernel, whole vectors, a partial last vector, more than four vectors.
        { 1, 1, 1 }, { 1, 64, 32 }, { 1, 5, 3 }, { 1, 16, 10 }, { 1, 17, 33 }, { 1, 40, 100 },
        { 3, 7, 5 }, { 4, 16, 4 }, { 5, 17, 9 }, { 6, 37, 19 }, { 6, 19, 23 }, { 9, 70, 13 }, { 13, 129, 3 },
        // Register blocks and tails of the backward products. Forward below 8 samples: per-sample blocks of 16 outputs
        // (AVX-512). From 8: blocks of 8 samples × 2 vectors of outputs, then single samples, the last through a scratch
        // row; a partial last vector, several column chunks, in < 16 (no 16 × 16 weight transposition), out = 1.
        { 2, 16, 16 }, { 7, 33, 40 }, { 8, 16, 10 }, { 16, 64, 32 }, { 17, 20, 10 }, { 31, 35, 37 }, { 40, 64, 1 }, { 33, 100, 16 }, { 50, 16, 3 },
        { 9, 5, 40 }, { 12, 3, 70 }, { 10, 7, 21 }, { 24, 64, 64 }, { 19, 18, 33 },
        // dW over more than two chunks of 64 samples (wide rows), the last chunk partial.
        { 200, 40, 9 }, { 300, 70, 5 },
        // The digits' whole-batch shapes: dWᵀ over several depth blocks, transposed; db in flat chunks of 4 rows (10 outputs).
        { 1797, 64, 32 }, { 1797, 16, 10 }, { 603, 32, 16 },
        // Transposed weights too large for the stack (rented scratch), and a weight gradient too large to chunk.
        { 9, 200, 100 }, { 130, 130, 130 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Forward_backward_match_naive_loops(int batch, int inSize, int outSize)
    {
        var rng = new Rng(batch * 1000 + inSize * 10 + outSize);
        float[] x = Random(rng, batch * inSize), w = Random(rng, inSize * outSize), b = Random(rng, outSize), dy = Random(rng, batch * outSize);

        foreach (bool relu in new[] { false, true })
        {
            // Guard values after y: a kernel that stores whole vectors must not write past the span it was given.
            var yGuarded = new float[batch * outSize + Guard];
            yGuarded.AsSpan(batch * outSize).Fill(GuardValue);
            Span<float> y = yGuarded.AsSpan(0, batch * outSize);
            Dense.Forward(x, w, b, y, batch, inSize, outSize, relu);
            Assert.All(yGuarded[(batch * outSize)..], value => Assert.Equal(GuardValue, value));
            var expected = new float[batch * outSize];
            for (int s = 0; s < batch; s++)
                for (int o = 0; o < outSize; o++)
                {
                    double sum = b[o];
                    for (int i = 0; i < inSize; i++) sum += (double)x[s * inSize + i] * w[o * inSize + i];
                    expected[s * outSize + o] = (float)(relu ? Math.Max(sum, 0) : sum);
                }
            Close.All(expected, y.ToArray(), 1e-5, 1e-5, $"forward relu={relu}");

            // The frozen copy: packed weights, and for one sample the matrix-vector kernel, which also writes exactly y.
            var packed = new float[Dense.PackedLength(inSize, outSize)];
            Dense.Pack(w, b, packed, inSize, outSize);
            yGuarded.AsSpan(0, batch * outSize).Clear();
            Dense.ForwardPacked(x, packed, y, batch, inSize, outSize, relu);
            Assert.All(yGuarded[(batch * outSize)..], value => Assert.Equal(GuardValue, value));
            Close.All(expected, y.ToArray(), 1e-5, 1e-5, $"packed forward relu={relu}");
        }

        var dw = new float[inSize * outSize];
        var db = new float[outSize];
        Dense.BackwardParameters(dy, x, dw, db, batch, inSize, outSize);
        var dwExpected = new float[inSize * outSize];
        var dbExpected = new float[outSize];
        for (int o = 0; o < outSize; o++)
        {
            double bias = 0;
            for (int s = 0; s < batch; s++) bias += dy[s * outSize + o];
            dbExpected[o] = (float)bias;
            for (int i = 0; i < inSize; i++)
            {
                double sum = 0;
                for (int s = 0; s < batch; s++) sum += (double)dy[s * outSize + o] * x[s * inSize + i];
                dwExpected[o * inSize + i] = (float)sum;
            }
        }
        // dW and db sum over the batch: float rounding grows with the number of terms (about as its square root).
        double overBatch = 1e-5 * Math.Sqrt(Math.Max(1, batch / 16.0));
        Close.All(dwExpected, dw, overBatch, overBatch, "dW");
        Close.All(dbExpected, db, overBatch, overBatch, "db");

        var dx = new float[batch * inSize];
        Dense.BackwardInput(dy, w, dx, batch, inSize, outSize);
        var dxExpected = new float[batch * inSize];
        for (int s = 0; s < batch; s++)
            for (int i = 0; i < inSize; i++)
            {
                double sum = 0;
                for (int o = 0; o < outSize; o++) sum += (double)dy[s * outSize + o] * w[o * inSize + i];
                dxExpected[s * inSize + i] = (float)sum;
            }
        Close.All(dxExpected, dx, 1e-5, 1e-5, "dx");

        // Through the ReLU before the layer, fused: the same bits as the product then ReLUBackward, also where the ReLU
        // output is 0, −0 or NaN (all give 0).
        float[] reluOutput = Random(rng, batch * inSize);
        for (int i = 0; i < reluOutput.Length; i += 3) reluOutput[i] = 0f;
        reluOutput[^1] = float.NaN;
        if (reluOutput.Length > 1) reluOutput[1] = -0f;
        var dxThroughReLU = new float[batch * inSize];
        Dense.BackwardInput(dy, w, dxThroughReLU, batch, inSize, outSize, reluOutput);
        Activations.ReLUBackward(reluOutput, dx);
        Assert.Equal(dx, dxThroughReLU);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    public void Fused_ReLU_keeps_NaN_as_PyTorch_does(int batch)
    {
        // Sample 0's first input is NaN, so all its outputs are NaN before the ReLU, and must stay NaN after it
        // (torch.relu(nan) is nan); the other samples' outputs are max(z, 0).
        const int inSize = 16, outSize = 10;
        var rng = new Rng(batch);
        float[] x = Random(rng, batch * inSize), w = Random(rng, inSize * outSize), b = Random(rng, outSize);
        x[0] = float.NaN;
        var packed = new float[Dense.PackedLength(inSize, outSize)];
        Dense.Pack(w, b, packed, inSize, outSize);
        var y = new float[batch * outSize + Guard];
        Dense.ForwardPacked(x, packed, y.AsSpan(0, batch == 1 ? y.Length : batch * outSize), batch, inSize, outSize, relu: true);
        var trainable = new float[batch * outSize];
        Dense.Forward(x, w, b, trainable, batch, inSize, outSize, relu: true);
        for (int o = 0; o < outSize; o++)
        {
            Assert.True(float.IsNaN(y[o]), $"packed output {o} of the NaN sample is {y[o]}");
            Assert.True(float.IsNaN(trainable[o]), $"output {o} of the NaN sample is {trainable[o]}");
        }
        for (int i = outSize; i < batch * outSize; i++)
        {
            Assert.True(y[i] >= 0, $"packed output {i} is {y[i]}");
            Assert.Equal(trainable[i], y[i], 1e-5f);
        }
    }

    private const int Guard = 64;
    private const float GuardValue = 12345f;

    private static float[] Random(Rng rng, int n)
    {
        var values = new float[n];
        for (int i = 0; i < n; i++) values[i] = rng.NextUniform(-1, 1);
        return values;
    }
}
