using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Generators.Tests;

/// <summary>Generating many networks stays cheap (the figure is reported; the bound is only a guard against blow-ups).</summary>
public sealed class GeneratorSpeedTests(ITestOutputHelper output)
{
    [Fact]
    public void Hundred_networks_generate_quickly()
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
        Assert.True(perNetwork < 50, $"{perNetwork:F1} ms per network");
    }
}
