namespace StaticNet.Benchmarks;

/// <summary>
/// The speed workloads W1–W7 exactly as the PyTorch scripts in ../shared/bench run them, shared by the BenchmarkDotNet
/// classes and the quick harness (<c>--quick</c>), so both measure the same work.
/// </summary>
public sealed class Workloads : IDisposable
{
    public const int DigitsRows = 1797, TrainRows = 1437, Batch = 32;
    public const int ScaleBatch = 128, ScaleBatches = 8, ScaleForwardRows = 1000;

    public readonly float[] Digits, DigitsOutputs, One, OneOutput;
    public readonly int[] Labels;
    public readonly float[] Mnist, MnistOutputs, MnistOne, MnistOneOutput;
    public readonly int[] MnistLabels;

    private readonly DigitsNet _digits = new(0);
    private readonly DigitsNet.Frozen _digitsFrozen;
    private readonly Adam _digitsAdam = new(1e-3f);
    private readonly float[] _batch = new float[Batch * DigitsNet.InputSize];
    private readonly int[] _batchLabels = new int[Batch];
    private readonly int[] _order = Enumerable.Range(0, TrainRows).ToArray();
    private readonly Rng _shuffle = new(0);
    private int _cursor = TrainRows;

    private readonly MnistNet _mnist = new(0);
    private readonly MnistNet.Frozen _mnistFrozen;
    private readonly Adam _mnistAdam = new(1e-3f);
    private int _scaleStep;

    private readonly MidNet.Frozen _mid = new MidNet(0).Freeze();
    private readonly float[] _midInput = new float[ScaleForwardRows * MidNet.InputSize], _midOutput = new float[ScaleForwardRows * MidNet.OutputSize];

    /// <summary>Flops of one sample's forward through dense layers of these sizes: 2·Σ in·out.</summary>
    public static double ForwardFlops(params int[] sizes) => Enumerable.Range(0, sizes.Length - 1).Sum(i => 2.0 * sizes[i] * sizes[i + 1]);

    /// <summary>The width table: 1,000 rows through the frozen 64-32-16-10, 256-128-10 and 784-512-256-10 networks.</summary>
    public void WidthSmall() => _digitsFrozen.Forward(Mnist.AsSpan(0, ScaleForwardRows * 64), MnistOutputs);

    public void WidthMiddle() => _mid.Forward(_midInput, _midOutput);

    private readonly DigitsCnn _cnn = new(0);
    private readonly DigitsCnn.Frozen _cnnFrozen;
    private readonly Adam _cnnAdam = new(1e-3f);

    public readonly OnnxPeer OnnxDigitsOne, OnnxDigitsAll, OnnxMnistOne, OnnxMnistBatch, OnnxCnnAll;

    public Workloads()
    {
        Dataset digits = Datasets.LoadDigits();
        Digits = digits.Features;
        Labels = digits.Labels;
        DigitsOutputs = new float[DigitsRows * DigitsNet.OutputSize];
        One = Digits.AsSpan(0, DigitsNet.InputSize).ToArray();
        OneOutput = new float[DigitsNet.OutputSize];

        // torch.rand(1024, 784) and torch.randint(0, 10, (1024,)): the values do not matter, only the work.
        var rng = new Rng(0);
        Mnist = new float[ScaleBatches * ScaleBatch * MnistNet.InputSize];
        for (int i = 0; i < Mnist.Length; i++) Mnist[i] = rng.NextUniform(0f, 1f);
        MnistLabels = new int[ScaleBatches * ScaleBatch];
        for (int i = 0; i < MnistLabels.Length; i++) MnistLabels[i] = (int)(rng.NextUInt32() % 10);
        MnistOutputs = new float[ScaleForwardRows * MnistNet.OutputSize];
        MnistOne = Mnist.AsSpan(0, MnistNet.InputSize).ToArray();
        MnistOneOutput = new float[MnistNet.OutputSize];

        _digitsFrozen = _digits.Freeze();
        _mnistFrozen = _mnist.Freeze();
        _cnnFrozen = _cnn.Freeze();

        OnnxDigitsOne = new OnnxPeer("digits_mlp.onnx", One, [1, 64], new float[10], [1, 10]);
        OnnxDigitsAll = new OnnxPeer("digits_mlp.onnx", Digits, [DigitsRows, 64], new float[DigitsRows * 10], [DigitsRows, 10]);
        OnnxMnistOne = new OnnxPeer("mnist_mlp.onnx", MnistOne, [1, 784], new float[10], [1, 10]);
        OnnxMnistBatch = new OnnxPeer("mnist_mlp.onnx", Mnist.AsSpan(0, ScaleForwardRows * 784).ToArray(), [ScaleForwardRows, 784],
            new float[ScaleForwardRows * 10], [ScaleForwardRows, 10]);
        OnnxCnnAll = new OnnxPeer("digits_cnn.onnx", Digits, [DigitsRows, 1, 8, 8], new float[DigitsRows * 10], [DigitsRows, 10]);
    }

    /// <summary>CNN1: Forward of all 1,797 digits as [1, 8, 8] images through the frozen digits CNN.</summary>
    public void CnnForwardAll() => _cnnFrozen.Forward(Digits, DigitsOutputs);

    /// <summary>CNN2: one epoch of the CNN's training, 45 Adam steps over shuffled 32-row batches of the first 1,437 rows.</summary>
    public float CnnEpoch()
    {
        _shuffle.Shuffle<int>(_order);
        float loss = 0;
        for (int first = 0; first < TrainRows; first += Batch)
        {
            int size = Math.Min(Batch, TrainRows - first);
            for (int j = 0; j < size; j++)
            {
                int row = _order[first + j];
                Digits.AsSpan(row * 64, 64).CopyTo(_batch.AsSpan(j * 64, 64));
                _batchLabels[j] = Labels[row];
            }
            loss = _cnn.TrainStep(_batch.AsSpan(0, size * 64), _batchLabels.AsSpan(0, size), _cnnAdam);
        }
        return loss;
    }

    /// <summary>W1: 100 full-batch Adam epochs on all 1,797 digits, from a fresh network (as the script builds one per run).</summary>
    public float W1FullBatchEpochs()
    {
        var net = new DigitsNet(1);
        var adam = new Adam(1e-3f);
        float loss = 0;
        for (int epoch = 0; epoch < 100; epoch++) loss = net.TrainStep(Digits, Labels, adam);
        return loss;
    }

    /// <summary>W2: one Adam step on the next 32-row batch of a shuffled pass over the first 1,437 rows (the last batch of a pass has 29).</summary>
    public float W2TrainStep()
    {
        if (_cursor >= TrainRows)
        {
            _shuffle.Shuffle<int>(_order);
            _cursor = 0;
        }
        int size = Math.Min(Batch, TrainRows - _cursor);
        for (int j = 0; j < size; j++)
        {
            int row = _order[_cursor + j];
            Digits.AsSpan(row * 64, 64).CopyTo(_batch.AsSpan(j * 64, 64));
            _batchLabels[j] = Labels[row];
        }
        _cursor += size;
        return _digits.TrainStep(_batch.AsSpan(0, size * 64), _batchLabels.AsSpan(0, size), _digitsAdam);
    }

    /// <summary>W3: one-sample Forward of the digits MLP's frozen snapshot.</summary>
    public void W3ForwardOne() => _digitsFrozen.Forward(One, OneOutput);

    /// <summary>
    /// W3 as the floor tool (../shared/tools/floor) times its hand-tuned kernel: a plain loop of calls over 1,024
    /// different digits, no delegate per call. The figure to set against the floor's.
    /// </summary>
    public void W3ForwardOneLoop()
    {
        var frozen = _digitsFrozen;
        ReadOnlySpan<float> digits = Digits;
        Span<float> output = OneOutput;
        for (int i = 0; i < LoopCalls; i++) frozen.Forward(digits.Slice((i & 1023) * DigitsNet.InputSize, DigitsNet.InputSize), output);
    }

    /// <summary>Calls per <see cref="W3ForwardOneLoop"/>.</summary>
    public const int LoopCalls = 1024;

    /// <summary>W3 on the trainable network itself (no packed copy: its Parameters can change at any time).</summary>
    public void W3NetworkForwardOne() => _digits.Forward(One, OneOutput);

    /// <summary>W4: Forward of all 1,797 digits through the frozen snapshot.</summary>
    public void W4ForwardAll() => _digitsFrozen.Forward(Digits, DigitsOutputs);

    /// <summary>W4 on the trainable network itself (weights packed per call).</summary>
    public void W4NetworkForwardAll() => _digits.Forward(Digits, DigitsOutputs);

    /// <summary>W5: one Adam step of the 784-512-256-10 MLP on the next of 8 consecutive 128-row batches.</summary>
    public float W5ScaleStep()
    {
        int s = _scaleStep++ % ScaleBatches * ScaleBatch;
        return _mnist.TrainStep(Mnist.AsSpan(s * 784, ScaleBatch * 784), MnistLabels.AsSpan(s, ScaleBatch), _mnistAdam);
    }

    /// <summary>W6: Forward of 1,000 rows of the 784-512-256-10 MLP's frozen snapshot.</summary>
    public void W6ScaleForward() => _mnistFrozen.Forward(Mnist.AsSpan(0, ScaleForwardRows * 784), MnistOutputs);

    /// <summary>W6 on the trainable network itself.</summary>
    public void W6NetworkScaleForward() => _mnist.Forward(Mnist.AsSpan(0, ScaleForwardRows * 784), MnistOutputs);

    /// <summary>W7: one-row Forward of the 784-512-256-10 MLP's frozen snapshot.</summary>
    public void W7ScaleForwardOne() => _mnistFrozen.Forward(MnistOne, MnistOneOutput);

    /// <summary>W7 on the trainable network itself.</summary>
    public void W7NetworkScaleForwardOne() => _mnist.Forward(MnistOne, MnistOneOutput);

    public void Dispose()
    {
        OnnxDigitsOne.Dispose();
        OnnxDigitsAll.Dispose();
        OnnxMnistOne.Dispose();
        OnnxMnistBatch.Dispose();
        OnnxCnnAll.Dispose();
    }
}
