using System.Numerics;

namespace StaticNet.Tests.Training;

/// <summary>Multinomial logistic regression with a hand-written forward and backward: a real, allocation-free learner.</summary>
internal sealed class LogisticRegression : ITrainableNetwork<int>, IClassifierNetwork
{
    private readonly float[] _parameters, _gradients;

    public LogisticRegression(int inputSize, int classCount)
    {
        InputSize = inputSize;
        ClassCount = classCount;
        _parameters = new float[classCount * inputSize + classCount];
        _gradients = new float[_parameters.Length];
        ParameterLayout = [new("weight", 0, classCount * inputSize, classCount, inputSize), new("bias", classCount * inputSize, classCount, classCount)];
    }

    public int InputSize { get; }
    public int OutputSize => ClassCount;
    public int ClassCount { get; }
    public int ParameterCount => _parameters.Length;
    public Span<float> Parameters => _parameters;
    public Span<float> Gradients => _gradients;
    public Span<float> Buffers => [];
    public IReadOnlyList<ParameterInfo> ParameterLayout { get; }
    public IReadOnlyList<ParameterInfo> BufferLayout => [];

    private void Logits(ReadOnlySpan<float> x, Span<float> z)
    {
        for (int c = 0; c < ClassCount; c++)
        {
            float sum = _parameters[ClassCount * InputSize + c];
            for (int i = 0; i < InputSize; i++) sum += _parameters[c * InputSize + i] * x[i];
            z[c] = sum;
        }
    }

    public void Forward(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        for (int s = 0; s < inputs.Length / InputSize; s++)
            Logits(inputs.Slice(s * InputSize, InputSize), outputs.Slice(s * ClassCount, ClassCount));
    }

    public int Predict(ReadOnlySpan<float> input)
    {
        Span<float> z = stackalloc float[ClassCount];
        Logits(input, z);
        int best = 0;
        for (int c = 1; c < ClassCount; c++) if (z[c] > z[best]) best = c;
        return best;
    }

    public void PredictProbabilities(ReadOnlySpan<float> input, Span<float> probabilities)
    {
        Logits(input, probabilities);
        StaticNet.Kernels.Activations.Softmax(probabilities, probabilities, 1, ClassCount);
    }

    public LossFunction Loss => LossFunction.CrossEntropy;

    public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets, Span<float> outputs = default)
    {
        int batch = inputs.Length / InputSize;
        Array.Clear(_gradients);
        Span<float> z = stackalloc float[ClassCount];
        double loss = 0;
        for (int s = 0; s < batch; s++)
        {
            ReadOnlySpan<float> x = inputs.Slice(s * InputSize, InputSize);
            Logits(x, z);
            if (!outputs.IsEmpty) z.CopyTo(outputs.Slice(s * ClassCount, ClassCount));
            float max = z[0];
            foreach (float v in z) max = Math.Max(max, v);
            double sumExp = 0;
            foreach (float v in z) sumExp += Math.Exp(v - max);
            double logSumExp = max + Math.Log(sumExp);
            loss += logSumExp - z[targets[s]];
            for (int c = 0; c < ClassCount; c++)
            {
                // d(mean cross-entropy)/d(logit c) = (softmax_c − onehot_c) / batch
                float d = (float)((Math.Exp(z[c] - logSumExp) - (c == targets[s] ? 1 : 0)) / batch);
                for (int i = 0; i < InputSize; i++) _gradients[c * InputSize + i] += d * x[i];
                _gradients[ClassCount * InputSize + c] += d;
            }
        }
        return (float)(loss / batch);
    }

    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets, IOptimizer optimizer)
    {
        float loss = ComputeGradients(inputs, targets);
        optimizer.Step(_parameters, _gradients);
        return loss;
    }
}

/// <summary>Plain SGD, so these tests do not depend on the library's optimizers.</summary>
internal sealed class PlainSgd(float learningRate) : IOptimizer
{
    public int Steps { get; private set; }

    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        Steps++;
        for (int i = 0; i < parameters.Length; i++) parameters[i] -= learningRate * gradients[i];
    }
}

/// <summary>
/// Records what the trainer feeds it (the trainer calls ComputeGradients, then the optimizer). Rows are identified by their
/// first feature (the row id); every target of a row must equal <c>id % classes</c>. ComputeGradients returns the batch's
/// mean target, so a correctly weighted epoch loss is the dataset's mean target whatever the batching.
/// </summary>
internal sealed class RecordingNetwork<T>(int inputSize, int outputSize, int classes) : ITrainableNetwork<T>, IClassifierNetwork
    where T : unmanaged, INumber<T>
{
    public List<int> BatchSizes { get; } = [];
    public List<int> RowIds { get; } = [];
    public int MismatchedTargets { get; private set; }

    public int InputSize => inputSize;
    public int OutputSize => outputSize;
    public int ClassCount => classes;
    private readonly float[] _parameters = new float[1], _gradients = new float[1];

    public int ParameterCount => 1;
    public Span<float> Parameters => _parameters;
    public Span<float> Gradients => _gradients;
    public Span<float> Buffers => [];
    public IReadOnlyList<ParameterInfo> ParameterLayout => [new("p", 0, 1, 1)];
    public IReadOnlyList<ParameterInfo> BufferLayout => [];

    /// <summary>The ids of the rows given to Forward (what validation and the metrics evaluate).</summary>
    public List<int> ForwardRowIds { get; } = [];

    /// <summary>Cross-entropy for class indices, MSE for floats, unless set: the validation loss is that of zero outputs.</summary>
    public LossFunction Loss { get; init; } = typeof(T) == typeof(int) ? LossFunction.CrossEntropy : LossFunction.MSE;

    public void Forward(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        for (int j = 0; j < inputs.Length / inputSize; j++) ForwardRowIds.Add((int)inputs[j * inputSize]);
        outputs.Clear();
    }

    public int Predict(ReadOnlySpan<float> input) => (int)input[0] % classes;

    public void PredictProbabilities(ReadOnlySpan<float> input, Span<float> probabilities) => probabilities.Fill(1f / classes);

    public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<T> targets, Span<float> outputs = default)
    {
        int batch = inputs.Length / inputSize, perRow = targets.Length / batch;
        BatchSizes.Add(batch);
        for (int j = 0; j < batch; j++) RowIds.Add((int)inputs[j * inputSize]);
        double sum = 0;
        for (int j = 0; j < batch; j++)
        {
            int id = (int)inputs[j * inputSize];
            for (int k = 0; k < perRow; k++)
                if (double.CreateChecked(targets[j * perRow + k]) != id % classes) MismatchedTargets++;
            sum += double.CreateChecked(targets[j * perRow]);
        }
        return (float)(sum / batch);
    }

    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<T> targets, IOptimizer optimizer)
    {
        float loss = ComputeGradients(inputs, targets);
        optimizer.Step(_parameters, _gradients);
        return loss;
    }
}
