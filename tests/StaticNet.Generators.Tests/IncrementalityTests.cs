extern alias Generators;

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using NetworkGenerator = Generators::StaticNet.Generators.NetworkGenerator;

namespace StaticNet.Generators.Tests;

/// <summary>Edits that do not change a network leave every generator step cached, so the IDE stays fast.</summary>
public sealed class IncrementalityTests
{
    private const string Network = """
        using StaticNet;
        [Network, Input(4), Dense(3), ReLU, Dense(2), CrossEntropyLoss]
        public partial class Net
        {
            public int Helper() => 1;
        }
        """;

    private static GeneratorDriverRunResult RunTwice(string first, string second, string other = "class Other { }", string? otherSecond = null)
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(first, other);
        GeneratorDriver driver = GeneratorHarness.Driver().RunGenerators(compilation);
        SyntaxTree[] trees = compilation.SyntaxTrees.ToArray();
        CSharpCompilation edited = compilation
            .ReplaceSyntaxTree(trees[0], CSharpSyntaxTree.ParseText(second, GeneratorHarness.ParseOptions, path: trees[0].FilePath))
            .ReplaceSyntaxTree(trees[1], CSharpSyntaxTree.ParseText(otherSecond ?? other, GeneratorHarness.ParseOptions, path: trees[1].FilePath));
        return driver.RunGenerators(edited).GetRunResult();
    }

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorDriverRunResult result, string step) =>
        result.Results[0].TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

    [Fact]
    public void Edit_in_an_unrelated_file_leaves_every_step_cached()
    {
        GeneratorDriverRunResult result = RunTwice(Network, Network, otherSecond: "class Other { int x; }");
        Assert.All(Reasons(result, NetworkGenerator.TrackingNames.Parse), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(Reasons(result, NetworkGenerator.TrackingNames.Model), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public void Edit_in_a_method_body_of_the_network_leaves_the_model_unchanged()
    {
        GeneratorDriverRunResult result = RunTwice(Network, Network.Replace("=> 1;", "=> 2 + 3;"));
        Assert.All(Reasons(result, NetworkGenerator.TrackingNames.Parse), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(Reasons(result, NetworkGenerator.TrackingNames.Model), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public void Changing_a_layer_size_regenerates()
    {
        GeneratorDriverRunResult result = RunTwice(Network, Network.Replace("Dense(3)", "Dense(5)"));
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(result, NetworkGenerator.TrackingNames.Model));
        Assert.Contains("ParameterCount = 37", result.Results[0].GeneratedSources[0].SourceText.ToString());
    }
}
