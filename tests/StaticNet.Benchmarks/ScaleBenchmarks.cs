using BenchmarkDotNet.Attributes;

namespace StaticNet.Benchmarks;

/// <summary>W5–W7 on the 784-512-256-10 MLP, one core, beside ONNX Runtime (mnist_mlp.onnx: other weights, the same work).</summary>
[MemoryDiagnoser, MedianColumn, MinColumn]
public class ScaleBenchmarks
{
    private Workloads _w = null!;

    [GlobalSetup]
    public void Setup()
    {
        _w = new Workloads();
        _w.W5ScaleStep();
    }

    [GlobalCleanup]
    public void Cleanup() => _w.Dispose();

    [Benchmark(Description = "W5 StaticNet Adam step, 128 samples")]
    public float Step128() => _w.W5ScaleStep();

    [Benchmark(Description = "W6 StaticNet Forward, 1000 samples")]
    public void Forward1000() => _w.W6ScaleForward();

    [Benchmark(Description = "W6 ONNX Runtime, 1000 samples")]
    public void Onnx1000() => _w.OnnxMnistBatch.Run();

    [Benchmark(Description = "W7 StaticNet Forward, 1 sample")]
    public void ForwardOne() => _w.W7ScaleForwardOne();

    [Benchmark(Description = "W7 ONNX Runtime, 1 sample")]
    public void OnnxOne() => _w.OnnxMnistOne.Run();
}
