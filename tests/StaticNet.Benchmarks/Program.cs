using BenchmarkDotNet.Running;
using StaticNet.Benchmarks;

// dotnet run -c Release --project tests/StaticNet.Benchmarks -- --quick [FILE.json] [--only W4]   every workload (or those named W4…) beside its peer
// dotnet run -c Release --project tests/StaticNet.Benchmarks -- --smoke                each workload once (CI)
// dotnet run -c Release --project tests/StaticNet.Benchmarks -- --ratio [--only CNN]   the ONNX Runtime ratios, interleaved
// dotnet run -c Release --project tests/StaticNet.Benchmarks -- --plot DIR FILE.png    the chart of compare.sh's results
// dotnet run -c Release --project tests/StaticNet.Benchmarks -- --filter '*'           BenchmarkDotNet
switch (args.FirstOrDefault())
{
    case "--quick" or "--smoke":
        Quick.Run(smoke: args[0] == "--smoke", args.Length > 1 && args[1] != "--only" ? args[1] : null, Only());
        break;
    case "--ratio":
        Quick.Ratios(Only());
        break;
    case "--plot":
        Chart.Write(args[1], args[2]);
        break;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(Workloads).Assembly).Run(args);
        break;
}

// --only PREFIX: just the rows whose name starts with PREFIX (e.g. "W4").
string? Only()
{
    int at = Array.IndexOf(args, "--only");
    return at > 0 && at + 1 < args.Length ? args[at + 1] : null;
}
