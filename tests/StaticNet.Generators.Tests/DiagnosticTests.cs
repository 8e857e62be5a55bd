using Microsoft.CodeAnalysis;
using Xunit;

namespace StaticNet.Generators.Tests;

/// <summary>Every wiring mistake is a compiler diagnostic with an id, a severity and a location on the offending attribute or class.</summary>
public sealed class DiagnosticTests
{
    /// <summary>Source, the expected id, its severity, and the 1-based line it must point at.</summary>
    public static TheoryData<string, string, DiagnosticSeverity, int> Cases => new()
    {
        { "[Network, Input(2), Dense(2), CrossEntropyLoss]\npublic class Net;", "SN0001", DiagnosticSeverity.Error, 2 },
        { "public class Outer {\n[Network, Input(2), Dense(2), CrossEntropyLoss]\npublic partial class Net; }", "SN0002", DiagnosticSeverity.Error, 3 },
        { "[Network, Input(2), Dense(2), CrossEntropyLoss]\npublic partial class Net<T>;", "SN0003", DiagnosticSeverity.Error, 2 },
        { "[Network]\n[Dense(2)]\n[CrossEntropyLoss]\npublic partial class Net;", "SN0004", DiagnosticSeverity.Error, 4 },
        { "[Network]\n[Dense(2)]\n[Input(3)]\n[CrossEntropyLoss]\npublic partial class Net;", "SN0005", DiagnosticSeverity.Error, 3 },
        { "[Network]\n[Input(3)]\n[Input(3)]\n[Dense(2), CrossEntropyLoss]\npublic partial class Net;", "SN0006", DiagnosticSeverity.Error, 3 },
        { "[Network]\n[Input(3)]\n[Dense(0)]\n[CrossEntropyLoss]\npublic partial class Net;", "SN0007", DiagnosticSeverity.Error, 3 },
        { "[Network]\n[Input(-4)]\n[Dense(2)]\n[CrossEntropyLoss]\npublic partial class Net;", "SN0007", DiagnosticSeverity.Error, 2 },
        { "[Network]\n[Input(3)]\n[Dense(2000000)]\n[CrossEntropyLoss]\npublic partial class Net;", "SN0008", DiagnosticSeverity.Error, 3 },
        { "[Network]\n[Input(3)]\n[ReLU]\n[CrossEntropyLoss]\npublic partial class Net;", "SN0009", DiagnosticSeverity.Error, 5 },
        { "[Network]\n[Input(3)]\n[CrossEntropyLoss]\n[Dense(2)]\npublic partial class Net;", "SN0010", DiagnosticSeverity.Error, 4 },
        { "[Network]\n[Input(3), Dense(2)]\n[CrossEntropyLoss]\n[MSELoss]\npublic partial class Net;", "SN0011", DiagnosticSeverity.Error, 4 },
        { "[Network]\n[Input(3), Dense(2), Softmax]\n[CrossEntropyLoss]\npublic partial class Net;", "SN0012", DiagnosticSeverity.Warning, 3 },
        { "[Network]\n[Input(3), Dense(1), Sigmoid]\n[BCEWithLogitsLoss]\npublic partial class Net;", "SN0013", DiagnosticSeverity.Warning, 3 },
        { "[Network]\n[Input(3), Dense(1)]\n[BCELoss]\npublic partial class Net;", "SN0014", DiagnosticSeverity.Warning, 3 },
        { "[Network]\n[Input(3), Dense(1)]\n[CrossEntropyLoss]\npublic partial class Net;", "SN0015", DiagnosticSeverity.Error, 3 },
        { "[Network]\n[Input(3), Dense(4)]\n[Dropout(1f)]\n[Dense(2), CrossEntropyLoss]\npublic partial class Net;", "SN0016", DiagnosticSeverity.Error, 3 },
        { "[Network]\n[Input(3), Dense(4)]\n[LeakyReLU(float.NaN)]\n[Dense(2), CrossEntropyLoss]\npublic partial class Net;", "SN0017", DiagnosticSeverity.Error, 3 },
        { "[Network]\n[Input(3), Dense(4)]\n[BatchNorm(Epsilon = 0f)]\n[Dense(2), CrossEntropyLoss]\npublic partial class Net;", "SN0018", DiagnosticSeverity.Error, 3 },
        { "[Network]\n[Input(3), Dense(4), ReLU]\n[Tanh]\n[Dense(2), CrossEntropyLoss]\npublic partial class Net;", "SN0019", DiagnosticSeverity.Warning, 3 },
        { "[Network]\n[Input(3), Dense(1), Tanh]\n[MSELoss]\npublic partial class Net;", "SN0020", DiagnosticSeverity.Warning, 3 },
        { "[Network, Input(3), Dense(2), CrossEntropyLoss]\npublic partial class Net {\npublic void Forward() { } }", "SN0021", DiagnosticSeverity.Error, 3 },
        { "[Network]\n[Input(3), Dense(4)]\n[BatchNorm(Momentum = 2f)]\n[Dense(2), CrossEntropyLoss]\npublic partial class Net;", "SN0022", DiagnosticSeverity.Error, 3 },
        { "[Network]\n[Input(3)]\n[Dense(4, L2 = -1f)]\n[Dense(2), CrossEntropyLoss]\npublic partial class Net;", "SN0023", DiagnosticSeverity.Error, 3 },
        { "[Network]\n[Input(1000000)]\n[Dense(1000000)]\n[Dense(2), CrossEntropyLoss]\npublic partial class Net;", "SN0024", DiagnosticSeverity.Error, 3 },
        { "[Input(3), Dense(2)]\n[CrossEntropyLoss]\npublic partial class Net;", "SN0025", DiagnosticSeverity.Warning, 3 },
        { "[Network]\n[Input(1, 8, 8)]\n[Dense(2), CrossEntropyLoss]\npublic partial class Net;", "SN0026", DiagnosticSeverity.Error, 3 },
        { "[Network]\n[Input(1, 4)]\n[CrossEntropyLoss]\npublic partial class Net;", "SN0026", DiagnosticSeverity.Error, 3 },
        { "[Network]\n[Input(64)]\n[Conv2d(8, 3)]\n[Flatten, Dense(2), CrossEntropyLoss]\npublic partial class Net;", "SN0027", DiagnosticSeverity.Error, 3 },
        { "[Network]\n[Input(8, 8)]\n[MaxPool2d(2)]\n[Flatten, Dense(2), CrossEntropyLoss]\npublic partial class Net;", "SN0027", DiagnosticSeverity.Error, 3 },
        { "[Network]\n[Input(1, 8, 8)]\n[Conv2d(4, 11, Padding = 1)]\n[Flatten, Dense(2), CrossEntropyLoss]\npublic partial class Net;", "SN0028", DiagnosticSeverity.Error, 3 },
        { "[Network]\n[Input(2, 3)]\n[AvgPool1d(4)]\n[Flatten, Dense(2), CrossEntropyLoss]\npublic partial class Net;", "SN0028", DiagnosticSeverity.Error, 3 },
        { "[Network]\n[Input(1, 8, 8)]\n[Conv2d(4, 0)]\n[Flatten, Dense(2), CrossEntropyLoss]\npublic partial class Net;", "SN0030", DiagnosticSeverity.Error, 3 },
        { "[Network]\n[Input(1, 8, 8)]\n[Conv2d(4, 3, Stride = 0)]\n[Flatten, Dense(2), CrossEntropyLoss]\npublic partial class Net;", "SN0031", DiagnosticSeverity.Error, 3 },
        { "[Network]\n[Input(1, 8, 8)]\n[MaxPool2d(2, Stride = -1)]\n[Flatten, Dense(2), CrossEntropyLoss]\npublic partial class Net;", "SN0031", DiagnosticSeverity.Error, 3 },
        { "[Network]\n[Input(3, 10)]\n[Conv1d(4, 3, Padding = -1)]\n[Flatten, Dense(2), CrossEntropyLoss]\npublic partial class Net;", "SN0032", DiagnosticSeverity.Error, 3 },
        { "[Network]\n[Input(1, 8, 8)]\n[Conv2d(4, 3, Padding = 3)]\n[Flatten, Dense(2), CrossEntropyLoss]\npublic partial class Net;", "SN0033", DiagnosticSeverity.Warning, 3 },
        { "[Network]\n[Input]\n[Dense(2), CrossEntropyLoss]\npublic partial class Net;", "SN0029", DiagnosticSeverity.Error, 2 },
        { "[Network]\n[Input(1, 2, 3, 4)]\n[Dense(2), CrossEntropyLoss]\npublic partial class Net;", "SN0029", DiagnosticSeverity.Error, 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Mistake_is_reported(string declaration, string id, DiagnosticSeverity severity, int line)
    {
        var (result, _) = GeneratorHarness.Run("using StaticNet;\n" + declaration);
        Assert.Null(result.Results[0].Exception);
        Diagnostic diagnostic = Assert.Single(result.Diagnostics, d => d.Id == id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(line, diagnostic.Location.GetLineSpan().StartLinePosition.Line); // +1 for the using line, −1 for 0-based
        Assert.False(string.IsNullOrWhiteSpace(diagnostic.GetMessage()));
        Assert.EndsWith("#" + id.ToLowerInvariant(), diagnostic.Descriptor.HelpLinkUri);
        if (severity == DiagnosticSeverity.Error) Assert.Empty(result.Results[0].GeneratedSources);
    }

    [Fact]
    public void Every_diagnostic_snapshot()
    {
        // One line per case: what the user sees in the compiler output (file, span, severity, id, message).
        var lines = new List<string>();
        foreach (object[] row in Cases)
        {
            string declaration = (string)row[0];
            lines.Add("// " + declaration.Replace("\n", " "));
            foreach (Diagnostic d in GeneratorHarness.GeneratorDiagnostics("using StaticNet;\n" + declaration).OrderBy(d => d.Id))
                lines.Add(d.ToString());
            lines.Add("");
        }
        Snapshot.Match(string.Join("\n", lines), "Diagnostics", "txt");
    }

    [Fact]
    public void Messages_name_the_layer_and_what_to_do()
    {
        Diagnostic d = Assert.Single(GeneratorHarness.GeneratorDiagnostics("using StaticNet;\n[Network]\n[Input(3)]\n[Dense(0)]\n[CrossEntropyLoss]\npublic partial class Net;"));
        Assert.Equal("[Dense] (module 0) has size 0; sizes must be at least 1", d.GetMessage());
        d = Assert.Single(GeneratorHarness.GeneratorDiagnostics("using StaticNet;\n[Network]\n[Input(3), Dense(4), ReLU]\n[Dropout(2f)]\n[Dense(2), CrossEntropyLoss]\npublic partial class Net;"));
        Assert.Equal("[Dropout] (module 2) has p = 2; p must be in [0, 1)", d.GetMessage());
        d = Assert.Single(GeneratorHarness.GeneratorDiagnostics("using StaticNet;\n[Network, Input(2), Dense(2), CrossEntropyLoss]\npublic class Net;"));
        Assert.Contains("add the 'partial' modifier", d.GetMessage());
    }

    [Fact]
    public void Pragma_warning_disable_suppresses_a_warning_at_its_attribute()
    {
        const string network = "[Network]\n[Input(3), Dense(2), Softmax]\n[CrossEntropyLoss]\npublic partial class Net;";
        Diagnostic reported = Assert.Single(GeneratorHarness.GeneratorDiagnostics("using StaticNet;\n" + network), d => d.Id == "SN0012");
        Assert.False(reported.IsSuppressed);
        Assert.Equal(LocationKind.SourceFile, reported.Location.Kind); // a real location: the only kind pragmas apply to

        string suppressed = "using StaticNet;\n#pragma warning disable SN0012\n" + network + "\n#pragma warning restore SN0012";
        Assert.DoesNotContain(GeneratorHarness.GeneratorDiagnostics(suppressed), d => d.Id == "SN0012" && !d.IsSuppressed);
    }

    [Fact]
    public void Layer_attributes_without_Network_are_reported_once_at_the_class()
    {
        var diagnostics = GeneratorHarness.GeneratorDiagnostics("using StaticNet;\n[Input(3)]\n[Dense(4), ReLU]\n[Dense(2)]\n[CrossEntropyLoss]\npublic partial class Forgotten;\n[Obsolete] public class Unrelated;");
        Diagnostic d = Assert.Single(diagnostics);
        Assert.Equal("SN0025", d.Id);
        Assert.Equal("'Forgotten' has [Input] but no [Network] attribute, so nothing is generated for it; add [Network] to the class", d.GetMessage());
    }

    [Fact]
    public void A_valid_network_has_no_diagnostics() =>
        Assert.Empty(GeneratorHarness.GeneratorDiagnostics(SnapshotTests.DigitsNet));

    [Fact]
    public void Every_prefix_of_a_declaration_runs_without_a_generator_exception()
    {
        string source = SnapshotTests.DigitsNet + "\n[Network, Input(4), Dense(3, Init = Init.HeUniform, L1 = 1e-4f), LeakyReLU(0.1f), BatchNorm(Epsilon = 1e-3f), Dropout(0.2f), Dense(1), BCEWithLogitsLoss]\npublic partial class Other { }";
        for (int length = 0; length <= source.Length; length++)
        {
            var (result, _) = GeneratorHarness.Run(source.Substring(0, length));
            Assert.True(result.Results[0].Exception is null, $"prefix of {length} characters: {result.Results[0].Exception}");
        }
    }

    [Fact]
    public void Non_constant_arguments_do_not_crash_the_generator()
    {
        var (result, diagnostics) = GeneratorHarness.Run("using StaticNet;\n[Network, Input(Size), Dense(2), CrossEntropyLoss]\npublic partial class Net { static int Size = 3; }");
        Assert.Null(result.Results[0].Exception);
        Assert.Contains(diagnostics, d => d.Id == "CS0120" || d.Id == "CS0182");
        Assert.Empty(result.Results[0].GeneratedSources);
    }
}
