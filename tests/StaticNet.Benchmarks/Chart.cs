using System.Text.Json;
using ScottPlot;

namespace StaticNet.Benchmarks;

/// <summary>
/// The README's chart: time per call of each workload by framework, on a log scale, from the JSON files compare.sh
/// leaves in a folder (quick-*.json from <see cref="Quick"/> per vector path, torch-*.json from the PyTorch scripts).
/// </summary>
public static class Chart
{
    private static readonly (string Label, string Ours, string? Onnx, string? Torch, double ToMicroseconds)[] Workloads =
    [
        ("W1 100 epochs", "W1 100 full-batch epochs", null, "torch_w1_ms", 1e3),
        ("W2 step 32", "W2 TrainStep 32", null, "torch_w2_us_per_step", 1),
        ("W3 forward 1", "W3 Forward 1", "W3 Forward 1 ONNX Runtime", null, 1e-3),
        ("W4 forward 1797", "W4 Forward 1797", "W4 Forward 1797 ONNX Runtime", null, 1),
        ("W5 step 128", "W5 784-512-256-10 step 128", null, "torch_w5_us", 1),
        ("W6 forward 1000", "W6 784-512-256-10 Forward 1000", "W6 784-512-256-10 Forward 1000 ONNX Runtime", "torch_w6_us", 1),
        ("W7 forward 1", "W7 784-512-256-10 Forward 1", "W7 784-512-256-10 Forward 1 ONNX Runtime", "torch_w7_ns", 1),
    ];

    public static void Write(string folder, string png)
    {
        Dictionary<string, double> Read(string file) => File.Exists(Path.Combine(folder, file))
            ? JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(Path.Combine(folder, file)))!
            : new Dictionary<string, double>();
        var quick = Read("quick-default.json");
        var quick256 = Read("quick-avx2.json");
        var quick128 = Read("quick-128.json");
        var torch = Read("torch-digits.json").Concat(Read("torch-scale.json")).ToDictionary();
        // PyTorch's W7 is in ns, the rest of its figures in their keys' units; ours in the quick harness's units.
        double TorchMicroseconds(string key, double value) => key switch { "torch_w1_ms" => value * 1e3, "torch_w7_ns" => value * 1e-3, _ => value };

        var series = new List<(string Name, double[] Values)>
        {
            ("StaticNet, default path", Workloads.Select(w => Value(quick, w.Ours) * w.ToMicroseconds).ToArray()),
            ("StaticNet, AVX-512 off", Workloads.Select(w => Value(quick256, w.Ours) * w.ToMicroseconds).ToArray()),
            ("StaticNet, AVX2 off (128-bit)", Workloads.Select(w => Value(quick128, w.Ours) * w.ToMicroseconds).ToArray()),
            ("ONNX Runtime", Workloads.Select(w => w.Onnx is null ? double.NaN : Value(quick, w.Onnx) * w.ToMicroseconds).ToArray()),
            ("PyTorch", Workloads.Select(w => w.Torch is null || !torch.TryGetValue(w.Torch, out double t) ? double.NaN : TorchMicroseconds(w.Torch, t)).ToArray()),
        };
        series.RemoveAll(s => s.Values.All(double.IsNaN));

        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        // Bars grow up from below the fastest figure, so that times under 1 µs (negative logarithms) stand up too.
        double floor = Math.Floor(series.SelectMany(s => s.Values).Where(v => v > 0).Min(Math.Log10)) - 0.5;
        for (int s = 0; s < series.Count; s++)
            for (int w = 0; w < Workloads.Length; w++)
            {
                double v = series[s].Values[w];
                if (double.IsNaN(v) || v <= 0) continue;
                bars.Add(new Bar { Position = w * (series.Count + 1) + s, ValueBase = floor, Value = Math.Log10(v), FillColor = palette.GetColor(s) });
            }
        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, Workloads.Length).Select(w => w * (series.Count + 1) + (series.Count - 1) / 2.0).ToArray(),
            Workloads.Select(w => w.Label).ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true, LabelFormatter = y => y switch { -1 => "0.1 µs", 0 => "1 µs", 3 => "1 ms", 6 => "1 s", _ => $"1e{y:0} µs" } };
        plot.Axes.SetLimitsY(floor, Math.Ceiling(bars.Max(b => b.Value)) + 0.2);
        plot.YLabel("time per call (log scale)");
        plot.Title("Time per call, one thread, same machine and run (lower is better)");
        for (int s = 0; s < series.Count; s++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s].Name, FillColor = palette.GetColor(s) });
        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(png, 1200, 550);
        Console.WriteLine($"chart written to {png}");
    }

    private static double Value(Dictionary<string, double> results, string key) => results.TryGetValue(key, out double v) ? v : double.NaN;
}
