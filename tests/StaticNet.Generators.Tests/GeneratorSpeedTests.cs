using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Generators.Tests;

/// <summary>
/// A hundred networks in one compilation all generate, without diagnostics. The time it takes is printed for the
/// curious; the figure the README quotes comes from the benchmark project (GeneratorBenchmarks), never from a test.
/// </summary>
public sealed class GeneratorSpeedTests(ITestOutputHelper output)
{
    [Fact]
    public void Hundred_networks_generate_in_one_compilation()
    {
        string[] sources = Enumerable.Range(0, 100).Select(i => $$"""
            using StaticNet;
            namespace Speed{{i}};
            [Network, Input({{64 + i}}), Dense({{32 + i % 7}}), ReLU, BatchNorm, Dense(16), GELU, Dropout(0.1f), Dense(10), CrossEntropyLoss]
            public partial class Net{{i}};
            """).ToArray();
        var compilation = GeneratorHarness.Compilation(sources);
        GeneratorHarness.Driver().RunGenerators(compilation); // warm up the JIT

        var stopwatch = Stopwatch.StartNew();
        GeneratorDriverRunResult result = GeneratorHarness.Driver().RunGenerators(compilation).GetRunResult();
        stopwatch.Stop();

        Assert.Equal(100, result.Results[0].GeneratedSources.Length);
        Assert.Empty(result.Diagnostics);
        double perNetwork = stopwatch.Elapsed.TotalMilliseconds / 100;
        output.WriteLine($"generator: {perNetwork:F3} ms per network ({stopwatch.Elapsed.TotalMilliseconds:F1} ms for 100)");
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"Speed{i}.Net{i}.g.cs").Order(), result.Results[0].GeneratedSources.Select(s => s.HintName).Order());
    }
}
