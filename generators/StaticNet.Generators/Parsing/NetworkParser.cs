using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNet.Generators.Diagnostics;
using StaticNet.Generators.Layers;
using StaticNet.Generators.Model;

namespace StaticNet.Generators.Parsing;

/// <summary>
/// Turns one <c>[Network]</c> class (syntax + symbols) into a <see cref="NetworkModel"/> and diagnostics. It reads the
/// attributes in source order, threads the shape through each layer kind's own parser, and never throws on user code:
/// half-typed or erroneous declarations yield diagnostics or no model.
/// </summary>
internal static class NetworkParser
{
    public const int MaxUnits = 1 << 20;

    /// <summary>2^28 floats (1 GiB) of parameters: beyond that a flat float[] per network is not a sensible design.</summary>
    public const long MaxParameters = 1L << 28;

    /// <summary>Members the emitter writes; a user member with one of these names would not compile.</summary>
    private static readonly ImmutableHashSet<string> GeneratedMembers = ImmutableHashSet.Create(
        "InputSize", "OutputSize", "ParameterCount", "BufferCount", "ClassCount", "Parameters", "Gradients", "Buffers",
        "ParameterLayout", "BufferLayout", "Forward", "Predict", "PredictProbabilities", "ComputeGradients", "TrainStep");

    public static NetworkParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var builder = new Builder((ClassDeclarationSyntax)context.TargetNode, (INamedTypeSymbol)context.TargetSymbol, context.SemanticModel);
        builder.ParseType();
        builder.ParseLayers(cancellationToken);
        return builder.Finish();
    }

    /// <summary>
    /// The attributes that declare a network, on a class without [Network]: SN0025 once per class declaration, from its
    /// first such attribute (so <paramref name="context"/>'s attribute must be that one), or null.
    /// </summary>
    public static DiagnosticInfo? MissingNetwork(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var symbol = (INamedTypeSymbol)context.TargetSymbol;
        if (symbol.GetAttributes().Any(a => IsStaticNet(a.AttributeClass, nameof(NetworkAttribute)))) return null;
        var declaration = (ClassDeclarationSyntax)context.TargetNode;
        AttributeData? first = symbol.GetAttributes()
            .Where(a => a.ApplicationSyntaxReference?.SyntaxTree == declaration.SyntaxTree && declaration.Span.Contains(a.ApplicationSyntaxReference.Span))
            .Where(a => a.AttributeClass is { } c && IsStaticNet(c, c.Name) && LayerKinds.DeclarationAttributes.Contains(c.Name))
            .OrderBy(a => a.ApplicationSyntaxReference!.Span.Start)
            .FirstOrDefault();
        cancellationToken.ThrowIfCancellationRequested();
        if (first is null || !SymbolEqualityComparer.Default.Equals(first.AttributeClass, context.Attributes[0].AttributeClass)) return null;
        return new DiagnosticInfo(Descriptors.NotANetwork, declaration.Identifier.GetLocation(),
            new[] { symbol.Name, Display(first.AttributeClass!.Name) }.ToEquatableArray());
    }

    private static bool IsStaticNet(INamedTypeSymbol? type, string name) =>
        type is not null && type.TypeKind != TypeKind.Error && type.Name == name && type.ContainingNamespace?.ToDisplayString() == "StaticNet";

    private static string Display(string attributeName) =>
        "[" + (attributeName.EndsWith("Attribute", StringComparison.Ordinal) ? attributeName.Substring(0, attributeName.Length - "Attribute".Length) : attributeName) + "]";

    /// <summary>The state of one parse: the layers so far, the running shape and counts, and the diagnostics.</summary>
    private sealed class Builder
    {
        private readonly ClassDeclarationSyntax _declaration;
        private readonly INamedTypeSymbol _symbol;
        private readonly SemanticModel _semanticModel;
        private readonly List<DiagnosticInfo> _diagnostics = new();
        private readonly List<Layer> _layers = new();
        private readonly List<string> _containingTypes = new();
        private bool _invalid;
        private Shape? _input;
        private bool _sawInput;
        private Shape _shape = Shape.Of(1);
        private bool _shapeKnown = true;
        private long _parameterCount;
        private int _bufferCount;
        private Loss? _loss;
        private bool _declaresToString;

        public Builder(ClassDeclarationSyntax declaration, INamedTypeSymbol symbol, SemanticModel semanticModel)
        {
            _declaration = declaration;
            _symbol = symbol;
            _semanticModel = semanticModel;
        }

        /// <summary>No type or namespace of this name is in scope of the class (its namespaces, containing and base types).</summary>
        private bool NameIsFree(string name) =>
            _semanticModel.LookupNamespacesAndTypes(_declaration.SpanStart, null, name).IsEmpty &&
            _semanticModel.LookupNamespacesAndTypes(_declaration.SpanStart, _symbol, name).IsEmpty;

        private void Report(DiagnosticDescriptor descriptor, Location? location, params object[] args)
        {
            if (descriptor.DefaultSeverity == DiagnosticSeverity.Error) _invalid = true;
            _diagnostics.Add(new DiagnosticInfo(descriptor, location,
                args.Select(a => a is float f ? Emitting.Literal.Number(f) : a.ToString() ?? "").ToEquatableArray()));
        }

        /// <summary>Class-level diagnostics point at the class name, not at its whole declaration.</summary>
        private Location ClassName => _declaration.Identifier.GetLocation();

        public void ParseType()
        {
            if (!_declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                Report(Descriptors.NotPartial, ClassName, _symbol.Name);

            bool generic = _symbol.TypeParameters.Length > 0;
            for (INamedTypeSymbol? outer = _symbol.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                generic |= outer.TypeParameters.Length > 0;
                bool partial = outer.DeclaringSyntaxReferences.Length > 0 && outer.DeclaringSyntaxReferences
                    .All(r => r.GetSyntax() is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.PartialKeyword));
                if (!partial) Report(Descriptors.ContainingTypeNotPartial, ClassName, _symbol.Name, outer.Name);
                string keyword = outer.IsRecord ? (outer.IsValueType ? "record struct" : "record")
                    : outer.TypeKind switch { TypeKind.Struct => "struct", TypeKind.Interface => "interface", _ => "class" };
                _containingTypes.Insert(0, $"partial {keyword} {outer.Name}");
            }
            if (generic) Report(Descriptors.Generic, ClassName, _symbol.Name);

            foreach (ISymbol member in _symbol.GetMembers())
            {
                if (member.IsImplicitlyDeclared) continue;
                if (member is IMethodSymbol { Name: "ToString", Parameters.Length: 0 }) _declaresToString = true;
                bool constructor = member is IMethodSymbol { MethodKind: MethodKind.Constructor } ctor
                    && (ctor.Parameters.Length == 0 || (ctor.Parameters.Length == 1 && ctor.Parameters[0].Type.SpecialType == SpecialType.System_Int32));
                if (!constructor && !GeneratedMembers.Contains(member.Name)) continue;
                Location location = member.Locations.FirstOrDefault(l => l.IsInSource) ?? ClassName;
                Report(Descriptors.MemberCollision, location, _symbol.Name,
                    constructor ? _symbol.Name + "(" + (((IMethodSymbol)member).Parameters.Length == 0 ? "" : "int") + ")" : member.Name);
            }
        }

        public void ParseLayers(CancellationToken cancellationToken)
        {
            // Attribute data by syntax span: Roslyn resolves the arguments (constants, defaults of optional parameters),
            // while the syntax gives the source order, which is the layer order.
            var dataBySpan = new Dictionary<Microsoft.CodeAnalysis.Text.TextSpan, AttributeData>();
            foreach (AttributeData data in _symbol.GetAttributes())
            {
                SyntaxReference? reference = data.ApplicationSyntaxReference;
                if (reference is not null && reference.SyntaxTree == _declaration.SyntaxTree) dataBySpan[reference.Span] = data;
            }

            int module = 0;
            foreach (AttributeSyntax attribute in _declaration.AttributeLists.SelectMany(list => list.Attributes))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!dataBySpan.TryGetValue(attribute.Span, out AttributeData? data)) continue;
                INamedTypeSymbol? type = data.AttributeClass;
                if (type is null || !IsStaticNet(type, type.Name) || type.Name == nameof(NetworkAttribute)) continue;
                if (AttributeReader.HasErrors(data))
                {
                    _invalid = true; // the compiler reports the bad argument itself
                    continue;
                }
                Location location = attribute.GetLocation();
                if (type.Name == nameof(InputAttribute))
                {
                    ParseInput(data, location, first: module == 0 && _loss is null);
                    continue;
                }
                if (Loss.Of(type.Name) is { } loss)
                {
                    if (_loss is not null) Report(Descriptors.DuplicateLoss, location, Display(type.Name));
                    else
                    {
                        _loss = loss;
                        if (_shapeKnown) loss.CheckWiring(_layers.LastOrDefault(), _shape, (descriptor, args) => Report(descriptor, location, args));
                    }
                    continue;
                }
                if (!LayerKinds.Parsers.TryGetValue(type.Name, out Func<LayerContext, Layer?>? parse)) continue; // not a layer

                string display = Display(type.Name);
                if (_loss is not null) Report(Descriptors.LayerAfterLoss, location, $"{display} (module {module})");
                var context = new LayerContext(data, location, display, module, _shape, _shapeKnown, Report, ReserveParameters);
                Layer? layer = parse(context);
                if (layer is null)
                {
                    _invalid = true;
                    _shapeKnown = false;
                }
                else
                {
                    if (layer.IsActivation && _layers.LastOrDefault() is { IsActivation: true })
                        Report(Descriptors.ConsecutiveActivations, location, layer.Name);
                    layer = layer with { ParameterOffset = (int)_parameterCount - layer.ParameterCount, BufferOffset = _bufferCount };
                    _bufferCount += layer.BufferCount;
                    _layers.Add(layer);
                    _shape = layer.Output;
                }
                module++;
            }
        }

        /// <summary>Counts a layer's parameters in; false (SN0024) past <see cref="MaxParameters"/>.</summary>
        private bool ReserveParameters(LayerContext context, long count)
        {
            if (_parameterCount + count > MaxParameters)
            {
                Report(Descriptors.TooManyParameters, context.Location, context.Name, _parameterCount + count);
                return false;
            }
            _parameterCount += count;
            return true;
        }

        private void ParseInput(AttributeData data, Location location, bool first)
        {
            if (_sawInput)
            {
                Report(Descriptors.DuplicateInput, location, _symbol.Name);
                return;
            }
            _sawInput = true;
            if (!first) Report(Descriptors.InputNotFirst, location, _symbol.Name);
            if (AttributeReader.Create<InputAttribute>(data) is not { } input) { _invalid = true; return; }
            int[] dimensions = input.Shape?.ToArray() ?? new int[0];
            _shapeKnown = false;
            if (dimensions.Length is < 1 or > 3)
            {
                Report(Descriptors.InputRank, location, _symbol.Name, dimensions.Length);
                return;
            }
            long size = 1;
            foreach (int d in dimensions)
            {
                if (d <= 0) { Report(Descriptors.SizeNotPositive, location, "[Input]", d); return; }
                size *= d;
            }
            if (size > MaxUnits) { Report(Descriptors.SizeTooLarge, location, "[Input]", size); return; }
            _input = _shape = Shape.Of(dimensions);
            _shapeKnown = true;
        }

        public NetworkParseResult Finish()
        {
            if (!_sawInput) Report(Descriptors.MissingInput, ClassName, _symbol.Name);
            if (_loss is not null && _parameterCount == 0 && !_invalid)
                Report(Descriptors.NoTrainableLayer, ClassName, _symbol.Name);

            NetworkModel? model = null;
            if (!_invalid && _input is not null)
            {
                string? ns = _symbol.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
                string hint = string.Join(".", new[] { ns }.Concat(_containingTypes.Select(t => t.Substring(t.LastIndexOf(' ') + 1)))
                    .Concat(new[] { _symbol.Name }).Where(s => !string.IsNullOrEmpty(s))) + ".g.cs";
                model = new NetworkModel(ns, _containingTypes.ToEquatableArray(), _symbol.Name, hint, _input,
                    _layers.ToEquatableArray(), _loss, DecidePrediction(), (int)_parameterCount, _bufferCount, _declaresToString, NameIsFree("Kernels"));
            }
            return new NetworkParseResult(model, _diagnostics.ToEquatableArray());
        }

        private PredictionKind DecidePrediction()
        {
            if (_loss is not null) return _loss.Prediction(_shape.Size);
            if (!_shape.IsVector) return PredictionKind.None;
            if (_shape.Size > 1) return PredictionKind.ArgMax;
            return _layers.LastOrDefault() is ActivationLayer { Function: Activation.Sigmoid } ? PredictionKind.ProbabilityThreshold : PredictionKind.None;
        }
    }
}
