using BenchmarkDotNet.Attributes;

namespace StaticNet.Benchmarks;

/// <summary>
/// The digits CNN: Forward of all 1,797 digits beside ONNX Runtime (digits_cnn.onnx, single-threaded, IoBinding), and an
/// epoch of training (PyTorch's side: torch_cnn.py, 100 epochs).
/// </summary>
[MemoryDiagnoser, MedianColumn, MinColumn]
public class CnnBenchmarks
{
    private Workloads _w = null!;

    [GlobalSetup]
    public void Setup()
    {
        _w = new Workloads();
        _w.CnnEpoch();
    }

    [GlobalCleanup]
    public void Cleanup() => _w.Dispose();

    [Benchmark(Description = "StaticNet CNN Forward, 1797 samples")]
    public void Forward1797() => _w.CnnForwardAll();

    [Benchmark(Description = "ONNX Runtime CNN, 1797 samples")]
    public void Onnx1797() => _w.OnnxCnnAll.Run();

    [Benchmark(Description = "StaticNet CNN epoch, 45 Adam steps of 32")]
    public float Epoch() => _w.CnnEpoch();
}
