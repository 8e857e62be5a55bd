using BenchmarkDotNet.Attributes;

namespace StaticNet.Benchmarks;

/// <summary>
/// W1–W4 on the digits MLP (64-32-16-10), one core, beside ONNX Runtime running the same network exported from
/// PyTorch (single-threaded, IoBinding). PyTorch's side runs from ../shared/bench/torch_digits.py.
/// </summary>
[MemoryDiagnoser, MedianColumn, MinColumn]
public class DigitsBenchmarks
{
    private Workloads _w = null!;

    [GlobalSetup]
    public void Setup()
    {
        _w = new Workloads();
        _w.W2TrainStep(); // size the workspace and the optimizer state
    }

    [GlobalCleanup]
    public void Cleanup() => _w.Dispose();

    [Benchmark(Description = "W3 StaticNet Forward, 1 sample")]
    public void ForwardOne() => _w.W3ForwardOne();

    [Benchmark(Description = "W3 ONNX Runtime, 1 sample")]
    public void OnnxOne() => _w.OnnxDigitsOne.Run();

    [Benchmark(Description = "W4 StaticNet Forward, 1797 samples")]
    public void ForwardAll() => _w.W4ForwardAll();

    [Benchmark(Description = "W4 ONNX Runtime, 1797 samples")]
    public void OnnxAll() => _w.OnnxDigitsAll.Run();

    [Benchmark(Description = "W2 StaticNet Adam TrainStep, 32 samples")]
    public float TrainStep32() => _w.W2TrainStep();

    [Benchmark(Description = "W1 StaticNet 100 full-batch Adam epochs")]
    public float FullBatch100Epochs() => _w.W1FullBatchEpochs();
}
