using System.ComponentModel;

namespace StaticNet.Kernels;

/// <summary>Loss kernels with mean reduction; each returns the loss and, when the gradient span is non-empty, writes d(loss)/d(output).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Losses
{
    /// <summary>
    /// Softmax fused with cross-entropy on logits <c>[batch, classes]</c> and class indices:
    /// L = −(1/N) Σ log softmax(zₛ)[yₛ], ∂L/∂z = (softmax(z) − onehot(y))/N.
    /// </summary>
    public static float CrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, Span<float> dLogits, int batch, int classes)
    {
        Guard.TargetLength(targets.Length, batch, nameof(targets));
        bool withGradient = !dLogits.IsEmpty;
        if (withGradient) Guard.Length(dLogits.Length, batch * classes, nameof(dLogits));
        double total = 0;
        float invBatch = 1f / batch;
        for (int s = 0; s < batch; s++)
        {
            int t = targets[s];
            if ((uint)t >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(targets), t,
                    $"Target {t} at index {s} is outside the {classes} classes [0, {classes}).");
            ReadOnlySpan<float> z = logits.Slice(s * classes, classes);
            float max = z[0];
            for (int c = 1; c < classes; c++) max = MathF.Max(max, z[c]);
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += MathF.Exp(z[c] - max);
            float logSumExp = max + (float)Math.Log(sum);
            total += logSumExp - z[t];
            if (withGradient)
            {
                Span<float> g = dLogits.Slice(s * classes, classes);
                for (int c = 0; c < classes; c++) g[c] = MathF.Exp(z[c] - logSumExp) * invBatch;
                g[t] -= invBatch;
            }
        }
        return (float)(total / batch);
    }
}
