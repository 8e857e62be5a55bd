extern alias Generators;

using BenchmarkDotNet.Attributes;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetworkGenerator = Generators::StaticNet.Generators.NetworkGenerator;

namespace StaticNet.Benchmarks;

/// <summary>
/// The generator's own cost, as the compiler pays it: one run over a compilation of 100 networks (every layer kind the
/// MLPs use, and a CNN per ten), from a fresh driver each time, so no step is cached.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private CSharpCompilation _compilation = null!;

    [GlobalSetup]
    public void Setup()
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = Enumerable.Range(0, 100).Select(i => CSharpSyntaxTree.ParseText(i % 10 == 0
            ? $"using StaticNet; namespace Speed{i}; [Network, Input(1, 8, 8), Conv2d({8 + i % 4}, 3, Padding = 1), ReLU, MaxPool2d(2), BatchNorm, Flatten, Dense(10), CrossEntropyLoss] public partial class Net{i};"
            : $"using StaticNet; namespace Speed{i}; [Network, Input({64 + i}), Dense({32 + i % 7}), ReLU, BatchNorm, Dense(16), GELU, Dropout(0.1f), Dense(10), CrossEntropyLoss] public partial class Net{i};",
            parse, path: $"Net{i}.cs"));
        MetadataReference[] references = [.. Net100.References.All, MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location)];
        _compilation = CSharpCompilation.Create("Speed", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
    }

    [Benchmark(Description = "generate 100 networks")]
    public int Generate() =>
        CSharpGeneratorDriver.Create(new NetworkGenerator()).RunGenerators(_compilation).GetRunResult().GeneratedTrees.Length;
}
