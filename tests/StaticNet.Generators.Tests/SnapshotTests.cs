using Microsoft.CodeAnalysis;
using Xunit;

namespace StaticNet.Generators.Tests;

/// <summary>The generated source is the product: review its snapshot diffs like code.</summary>
public sealed class SnapshotTests
{
    public const string DigitsNet = """
        using StaticNet;

        namespace Samples;

        [Network]
        [Input(64)]
        [Dense(32), ReLU]
        [Dense(16), ReLU]
        [Dense(10)]
        [CrossEntropyLoss]
        public sealed partial class DigitsNet;
        """;

    [Fact]
    public void DigitsNet_generated_source()
    {
        var (result, diagnostics) = GeneratorHarness.Run(DigitsNet);
        GeneratedSourceResult generated = Assert.Single(result.Results[0].GeneratedSources);
        Assert.Equal("Samples.DigitsNet.g.cs", generated.HintName);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Snapshot.Match(generated.SourceText.ToString(), "DigitsNet");
    }

    public const string EveryLayerNet = """
        using StaticNet;

        namespace Samples;

        [Network]
        [Input(9)]
        [Dense(11, Init = Init.HeUniform, L1 = 1e-4f, L2 = 1e-3f), LeakyReLU(0.05f)]
        [BatchNorm(Epsilon = 1e-3f, Momentum = 0.2f)]
        [Dense(13, Init = Init.XavierNormal), GELU]
        [LayerNorm]
        [Dropout(0.3f)]
        [Dense(7), SiLU]
        [Dense(6), ELU(0.7f)]
        [Dense(5), Tanh]
        [Dense(17), Sigmoid]
        [Dense(4), ReLU]
        [Dense(3), Softmax]
        [MSELoss]
        internal sealed partial class EveryLayerNet;
        """;

    [Fact]
    public void Every_layer_kind_generated_source()
    {
        var (result, diagnostics) = GeneratorHarness.Run(EveryLayerNet);
        GeneratedSourceResult generated = Assert.Single(result.Results[0].GeneratedSources);
        Assert.Equal(new[] { "SN0020" }, result.Diagnostics.Select(d => d.Id)); // softmax before MSE
        Assert.Empty(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Snapshot.Match(generated.SourceText.ToString(), "EveryLayerNet");
    }

    public const string DigitsCnn = """
        using StaticNet;

        namespace Samples;

        [Network]
        [Input(1, 8, 8)]
        [Conv2d(8, 3, Padding = 1), ReLU]
        [MaxPool2d(2)]
        [Conv2d(16, 3, Padding = 1), ReLU]
        [MaxPool2d(2)]
        [Flatten]
        [Dense(10)]
        [CrossEntropyLoss]
        public sealed partial class DigitsCnn;
        """;

    [Fact]
    public void DigitsCnn_generated_source()
    {
        var (result, diagnostics) = GeneratorHarness.Run(DigitsCnn);
        GeneratedSourceResult generated = Assert.Single(result.Results[0].GeneratedSources);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        string source = generated.SourceText.ToString();
        Assert.Contains("// Layer 0: Conv2d 1x8x8 -> 8x8x8 (kernel 3, stride 1, padding 1; weight [8, 1, 3, 3] at 0, bias at 72)", source);
        Snapshot.Match(source, "DigitsCnn");
    }

    [Fact]
    public void Two_networks_of_the_same_name_in_different_namespaces()
    {
        var (result, diagnostics) = GeneratorHarness.Run(
            "using StaticNet; namespace A { [Network, Input(2), Dense(2), CrossEntropyLoss] public partial class Net; }",
            "using StaticNet; namespace B { [Network, Input(3), Dense(2), CrossEntropyLoss] public partial class Net; }");
        Assert.Equal(new[] { "A.Net.g.cs", "B.Net.g.cs" }, result.Results[0].GeneratedSources.Select(s => s.HintName).Order());
        Assert.Empty(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void Nested_in_partial_types_and_global_namespace()
    {
        var (result, diagnostics) = GeneratorHarness.Run("""
            using StaticNet;
            public partial class Outer
            {
                internal partial struct Inner
                {
                    [Network, Input(4), Dense(3), Softmax]
                    private sealed partial class Classifier;
                }
            }
            """);
        GeneratedSourceResult generated = Assert.Single(result.Results[0].GeneratedSources);
        Assert.Equal("Outer.Inner.Classifier.g.cs", generated.HintName);
        Assert.Empty(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void A_type_named_Kernels_in_scope_keeps_the_namespace_spelled_out()
    {
        var (result, diagnostics) = GeneratorHarness.Run(
            "using StaticNet; namespace App { class Kernels { } [Network, Input(2), Dense(2), ReLU, Dense(2), CrossEntropyLoss] public partial class Net; }");
        string source = Assert.Single(result.Results[0].GeneratedSources).SourceText.ToString();
        Assert.Empty(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.DoesNotContain("using Kernels", source);
        Assert.Contains("global::StaticNet.Kernels.Dense.Forward(", source);
        Assert.DoesNotContain(" Kernels.", source.Replace("global::StaticNet.Kernels.", ""));
    }

    [Fact]
    public void The_summary_ToString_is_generated_unless_the_class_declares_one()
    {
        var (result, diagnostics) = GeneratorHarness.Run(
            "using StaticNet; [Network, Input(2), Dense(2), CrossEntropyLoss] public partial class Own { public override string ToString() => \"mine\"; }",
            "using StaticNet; [Network, Input(2), Dense(2), CrossEntropyLoss] public partial class Generated;");
        Assert.Empty(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var sources = result.Results[0].GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        Assert.DoesNotContain("ToString()", sources["Own.g.cs"]);
        Assert.Contains("public override string ToString()", sources["Generated.g.cs"]);
    }
}
