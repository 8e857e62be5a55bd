using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Text.Json;

namespace StaticNet.Benchmarks;

/// <summary>
/// <c>--quick</c>: every workload beside its peer in one process, timed by Stopwatch (median of repeated batches of
/// calls), printed as a table and one JSON line; <c>--smoke</c> runs each once, for CI. BenchmarkDotNet gives the
/// careful figures; this gives the ratios in a minute, on each vector path.
/// </summary>
public static class Quick
{
    public static void Run(bool smoke, string? jsonPath = null, string? only = null)
    {
        using var w = new Workloads();
        string path = Vector512.IsHardwareAccelerated ? "Vector512" : Vector256.IsHardwareAccelerated ? "Vector256" : Vector128.IsHardwareAccelerated ? "Vector128" : "scalar";
        Console.WriteLine($".NET {Environment.Version}, {path}, {Environment.ProcessorCount} cores");
        var rows = new List<(string Name, double Ours, string Peer, double PeerValue, string Unit)>();
        var json = new Dictionary<string, double>();
        void Row(string name, string unit, double scale, Action ours, string peer = "", Action? peerRun = null, double peerValue = 0)
        {
            if (only is not null && !name.StartsWith(only, StringComparison.Ordinal)) return;
            double a = Time(ours, smoke) * scale;
            double b = peerRun is null ? peerValue : Time(peerRun, smoke) * scale;
            rows.Add((name, a, peer, b, unit));
            json[name] = Math.Round(a, 2);
            if (peerRun is not null) json[name + " " + peer] = Math.Round(b, 2);
        }
        Row("W1 100 full-batch epochs", "ms", 1e3, () => w.W1FullBatchEpochs());
        Row("W2 TrainStep 32", "us", 1e6, () => w.W2TrainStep());
        Row("W3 Forward 1", "ns", 1e9, w.W3ForwardOne, "ONNX Runtime", w.OnnxDigitsOne.Run);
        Row("W3 Forward 1 loop", "ns", 1e9 / Workloads.LoopCalls, w.W3ForwardOneLoop); // as the floor tool times it
        Row("W3 network Forward 1", "ns", 1e9, w.W3NetworkForwardOne);
        Row("W4 Forward 1797", "us", 1e6, w.W4ForwardAll, "ONNX Runtime", w.OnnxDigitsAll.Run);
        Row("W4 network Forward 1797", "us", 1e6, w.W4NetworkForwardAll);
        Row("W5 784-512-256-10 step 128", "us", 1e6, () => w.W5ScaleStep());
        Row("W6 784-512-256-10 Forward 1000", "us", 1e6, w.W6ScaleForward, "ONNX Runtime", w.OnnxMnistBatch.Run);
        Row("W6 network Forward 1000", "us", 1e6, w.W6NetworkScaleForward);
        Row("W7 784-512-256-10 Forward 1", "us", 1e6, w.W7ScaleForwardOne, "ONNX Runtime", w.OnnxMnistOne.Run);
        Row("W7 network Forward 1", "us", 1e6, w.W7NetworkScaleForwardOne);
        Row("width 64-32-16-10 Forward 1000", "us", 1e6, w.WidthSmall);
        Row("width 256-128-10 Forward 1000", "us", 1e6, w.WidthMiddle);
        foreach (var (name, sizes) in only is not null ? [] : new[] { ("width 64-32-16-10 Forward 1000", new[] { 64, 32, 16, 10 }), ("width 256-128-10 Forward 1000", new[] { 256, 128, 10 }), ("W6 784-512-256-10 Forward 1000", new[] { 784, 512, 256, 10 }) })
            json[name.Split(' ')[0] == "W6" ? "width 784-512-256-10 GFLOP/s" : name.Replace("Forward 1000", "GFLOP/s")] =
                Math.Round(1000 * Workloads.ForwardFlops(sizes) / (json[name] * 1e3), 1);
        Row("CNN1 Forward 1797", "us", 1e6, w.CnnForwardAll, "ONNX Runtime", w.OnnxCnnAll.Run);
        Row("CNN2 100 epochs", "s", 100, () => w.CnnEpoch());
        if (Environment.ProcessorCount > 1)
        {
            // The opt-in second thread on the large products (PyTorch's side: torch.set_num_threads(2)).
            Parallelism.MaxDegree = 2;
            Row("W5 2 threads", "us", 1e6, () => w.W5ScaleStep());
            Row("W6 2 threads", "us", 1e6, w.W6ScaleForward);
            Parallelism.MaxDegree = 1;
        }
        foreach (var r in rows)
            Console.WriteLine(r.Peer.Length == 0
                ? $"{r.Name,-32} {r.Ours,10:F2} {r.Unit}"
                : $"{r.Name,-32} {r.Ours,10:F2} {r.Unit}   {r.Peer} {r.PeerValue,10:F2} {r.Unit}   ratio {r.PeerValue / r.Ours:F2}x");
        Console.WriteLine(JsonSerializer.Serialize(json));
        if (jsonPath is not null) File.WriteAllText(jsonPath, JsonSerializer.Serialize(json));
    }

    /// <summary>
    /// <c>--ratio</c>: the peers' ratios measured interleaved (ours, the peer, ours, …), the median of the per-pair ratios,
    /// which a noisy machine disturbs far less than two separate medians, and the ratio of the two best times.
    /// </summary>
    public static void Ratios(string? only = null)
    {
        using var w = new Workloads();
        foreach (var (name, ours, peer) in new (string, Action, Action)[]
        {
            ("W3 Forward 1 / ONNX Runtime", w.W3ForwardOne, w.OnnxDigitsOne.Run),
            ("W4 Forward 1797 / ONNX Runtime", w.W4ForwardAll, w.OnnxDigitsAll.Run),
            ("W6 Forward 1000 / ONNX Runtime", w.W6ScaleForward, w.OnnxMnistBatch.Run),
            ("W7 Forward 1 / ONNX Runtime", w.W7ScaleForwardOne, w.OnnxMnistOne.Run),
            ("CNN Forward 1797 / ONNX Runtime", w.CnnForwardAll, w.OnnxCnnAll.Run),
        })
        {
            if (only is not null && !name.StartsWith(only, StringComparison.Ordinal)) continue;
            ours(); peer();
            int calls = 1;
            while (Measure(ours, calls) < 0.01) calls *= 2;
            var ratios = new double[31];
            double bestPeer = double.MaxValue, bestOurs = double.MaxValue;
            for (int r = 0; r < ratios.Length; r++)
            {
                double p = Measure(peer, calls), o = Measure(ours, calls);
                ratios[r] = p / o;
                bestPeer = Math.Min(bestPeer, p);
                bestOurs = Math.Min(bestOurs, o);
            }
            Array.Sort(ratios);
            // Also the ratio of the best times: noise only adds time, so on a shared host the fastest run of each is the least disturbed.
            Console.WriteLine($"{name,-34} peer/ours {ratios[15]:F2}x (quartiles {ratios[7]:F2}-{ratios[23]:F2}; best/best {bestPeer / bestOurs:F2}x)");
        }
    }

    /// <summary>Seconds per call: the median of 15 timed batches, each long enough (≥ 20 ms) to swamp the timer.</summary>
    private static double Time(Action action, bool smoke)
    {
        action();
        if (smoke) return Measure(action, 1);
        int calls = 1;
        while (Measure(action, calls) < 0.02) calls *= 2;
        var samples = new double[15];
        for (int r = 0; r < samples.Length; r++) samples[r] = Measure(action, calls) / calls;
        Array.Sort(samples);
        return samples[samples.Length / 2];
    }

    private static double Measure(Action action, int calls)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls; i++) action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
