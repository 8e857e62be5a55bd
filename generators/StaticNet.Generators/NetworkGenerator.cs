using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNet.Generators.Diagnostics;
using StaticNet.Generators.Emitting;
using StaticNet.Generators.Model;
using StaticNet.Generators.Parsing;

namespace StaticNet.Generators;

/// <summary>
/// Generates the members of every <c>[Network]</c> partial class: constants, parameter buffers, constructors,
/// <c>Forward</c>, <c>Predict</c>, <c>ComputeGradients</c> and <c>TrainStep</c>.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    /// <summary>Step names for incrementality tests (<c>GeneratorDriverRunResult.TrackedSteps</c>).</summary>
    public static class TrackingNames
    {
        /// <summary>The parse of each [Network] class.</summary>
        public const string Parse = "Parse";
        /// <summary>The valid models, which drive source output.</summary>
        public const string Model = "Model";
        /// <summary>The diagnostics of each class.</summary>
        public const string Diagnostics = "Diagnostics";
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Runs the transform only for classes that carry [Network] (Roslyn's attribute index finds them without binding
        // every node), again only when such a class's syntax or its semantic inputs change.
        IncrementalValuesProvider<NetworkParseResult> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                "StaticNet.NetworkAttribute",
                predicate: static (node, _) => node is ClassDeclarationSyntax,
                transform: static (syntaxContext, cancellationToken) => NetworkParser.Parse(syntaxContext, cancellationToken))
            .WithTrackingName(TrackingNames.Parse);

        // The model and the diagnostics are separate steps: each output re-runs only when its own value changed
        // (value equality), so an edit that changes neither emits nothing.
        IncrementalValuesProvider<NetworkModel> models = parsed
            .Where(static result => result.Model is not null)
            .Select(static (result, _) => result.Model!)
            .WithTrackingName(TrackingNames.Model);
        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);

        context.RegisterSourceOutput(models, static (output, model) => output.AddSource(model.HintName, NetworkEmitter.Emit(model)));
        context.RegisterSourceOutput(diagnostics, static (output, list) =>
        {
            foreach (DiagnosticInfo info in list)
                output.ReportDiagnostic(Diagnostic.Create(Descriptors.Get(info.Id), info.Location?.ToLocation(), info.MessageArgs.ToArray()));
        });
    }
}
