using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNet.Generators.Emitting;
using StaticNet.Generators.Layers;
using StaticNet.Generators.Model;
using StaticNet.Generators.Parsing;

namespace StaticNet.Generators;

/// <summary>
/// Generates the members of every <c>[Network]</c> partial class: constants, parameter buffers, constructors,
/// <c>Forward</c>, <c>Predict</c>, <c>ComputeGradients</c>, <c>TrainStep</c> and a summary <c>ToString</c>.
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

        // Source and diagnostics are separate outputs. The model has value equality and no syntax, so an edit that leaves
        // the network as it is emits nothing; the diagnostics keep their real source locations (so #pragma applies to
        // them) and are reported again whenever they move.
        IncrementalValuesProvider<NetworkModel> models = parsed
            .Where(static result => result.Model is not null)
            .Select(static (result, _) => result.Model!)
            .WithTrackingName(TrackingNames.Model);
        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);

        context.RegisterSourceOutput(models, static (output, model) =>
            output.AddSource(model.HintName, NetworkEmitter.Emit(model, model.KernelsAliasFree)));
        context.RegisterSourceOutput(diagnostics, static (output, list) =>
        {
            foreach (DiagnosticInfo info in list) output.ReportDiagnostic(info.ToDiagnostic());
        });

        // Layer attributes on a class without [Network] generate nothing: say so (SN0025), from the class's first one.
        foreach (string attribute in LayerKinds.DeclarationAttributes)
        {
            IncrementalValuesProvider<DiagnosticInfo?> missing = context.SyntaxProvider.ForAttributeWithMetadataName(
                "StaticNet." + attribute,
                predicate: static (node, _) => node is ClassDeclarationSyntax,
                transform: static (syntaxContext, cancellationToken) => NetworkParser.MissingNetwork(syntaxContext, cancellationToken));
            context.RegisterSourceOutput(missing.Where(static d => d is not null), static (output, info) => output.ReportDiagnostic(info!.ToDiagnostic()));
        }
    }
}
