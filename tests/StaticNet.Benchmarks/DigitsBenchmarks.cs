using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace StaticNet.Benchmarks;

/// <summary>
/// The four figures of the vertical slice, on the digits MLP (64-32-16-10), one core. Targets (issue 2): one-sample
/// Forward ≤ 80 ns and 0 B; 32-sample Adam TrainStep ≤ 10 µs; 100 full-batch epochs ≤ 35 ms; Forward over all
/// 1,797 digits ≤ 80 µs. ONNX Runtime runs the same network exported from PyTorch, single-threaded.
/// </summary>
[MemoryDiagnoser, MedianColumn, MinColumn]
public class DigitsBenchmarks
{
    private DigitsNet _net = null!;
    private Adam _adam = null!;
    private float[] _all = null!;
    private int[] _labels = null!;
    private float[] _allOutputs = null!;
    private float[] _one = null!;
    private float[] _oneOutput = null!;
    private float[] _initialParameters = null!;
    private InferenceSession _onnx = null!;
    private DenseTensor<float> _onnxOne = null!;
    private DenseTensor<float> _onnxAll = null!;

    [GlobalSetup]
    public void Setup()
    {
        Dataset digits = Datasets.LoadDigits();
        _all = digits.Features;
        _labels = digits.Labels;
        _allOutputs = new float[digits.Count * DigitsNet.OutputSize];
        _one = _all.AsSpan(0, DigitsNet.InputSize).ToArray();
        _oneOutput = new float[DigitsNet.OutputSize];
        _net = new DigitsNet(0);
        _initialParameters = _net.Parameters.ToArray();
        _adam = new Adam(1e-3f);
        TrainSteps32(); // size the workspace and the optimizer state

        var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        _onnx = new InferenceSession(Path.Combine(AppContext.BaseDirectory, "digits_mlp.onnx"), options);
        _onnxOne = new DenseTensor<float>(_one, new[] { 1, DigitsNet.InputSize });
        _onnxAll = new DenseTensor<float>(_all, new[] { digits.Count, DigitsNet.InputSize });
    }

    [GlobalCleanup]
    public void Cleanup() => _onnx.Dispose();

    [Benchmark(Description = "StaticNet Forward, 1 sample")]
    public void ForwardOne() => _net.Forward(_one, _oneOutput);

    [Benchmark(Description = "ONNX Runtime Run, 1 sample")]
    public float OnnxOne()
    {
        using var results = _onnx.Run(new[] { NamedOnnxValue.CreateFromTensor("input", _onnxOne) });
        return results.First().AsTensor<float>()[0, 0];
    }

    [Benchmark(Description = "StaticNet Forward, 1797 samples")]
    public void ForwardAll() => _net.Forward(_all, _allOutputs);

    [Benchmark(Description = "ONNX Runtime Run, 1797 samples")]
    public float OnnxAll()
    {
        using var results = _onnx.Run(new[] { NamedOnnxValue.CreateFromTensor("input", _onnxAll) });
        return results.First().AsTensor<float>()[0, 0];
    }

    /// <summary>32-sample steps per invocation of <see cref="TrainStep32"/>: the first 1,792 digits in order.</summary>
    private const int Steps = 56;

    /// <summary>
    /// One step of real training: 56 consecutive 32-sample Adam steps over the digits, each invocation starting again from
    /// the initial parameters (the Adam moments carry on). Repeating one batch millions of times would instead measure a
    /// network driven to zero loss, a regime no real run is in.
    /// </summary>
    [Benchmark(Description = "StaticNet Adam TrainStep, 32 samples", OperationsPerInvoke = Steps)]
    public float TrainStep32() => TrainSteps32();

    private float TrainSteps32()
    {
        _initialParameters.CopyTo(_net.Parameters);
        float loss = 0;
        for (int k = 0; k < Steps; k++)
        {
            loss += _net.TrainStep(_all.AsSpan(k * 32 * DigitsNet.InputSize, 32 * DigitsNet.InputSize), _labels.AsSpan(k * 32, 32), _adam);
        }
        return loss;
    }

    [Benchmark(Description = "StaticNet 100 full-batch Adam epochs, 1797 samples")]
    public float FullBatch100Epochs()
    {
        var net = new DigitsNet(0);
        var adam = new Adam(1e-3f);
        float loss = 0;
        for (int epoch = 0; epoch < 100; epoch++) loss = net.TrainStep(_all, _labels, adam);
        return loss;
    }
}
