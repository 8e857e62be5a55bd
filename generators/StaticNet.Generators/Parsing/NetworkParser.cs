using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNet.Generators.Diagnostics;
using StaticNet.Generators.Model;

namespace StaticNet.Generators.Parsing;

/// <summary>
/// Turns one <c>[Network]</c> class (syntax + symbols) into a <see cref="NetworkModel"/> and diagnostics made of plain
/// values. It never throws on user code: half-typed or erroneous declarations yield diagnostics or no model.
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

    private static readonly string[] InitNames = { "Default", "XavierUniform", "XavierNormal", "HeUniform", "HeNormal", "Zeros" };

    public static NetworkParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var declaration = (ClassDeclarationSyntax)context.TargetNode;
        var symbol = (INamedTypeSymbol)context.TargetSymbol;
        var parser = new Builder(declaration, symbol);
        parser.ParseType();
        parser.ParseLayers(cancellationToken);
        return parser.Finish();
    }

    /// <summary>The state of one parse: the layers so far, the running width and the diagnostics.</summary>
    private sealed class Builder
    {
        private readonly ClassDeclarationSyntax _declaration;
        private readonly INamedTypeSymbol _symbol;
        private readonly List<DiagnosticInfo> _diagnostics = new();
        private readonly List<LayerModel> _layers = new();
        private readonly List<string> _containingTypes = new();
        private bool _invalid;
        private int? _inputSize;
        private AttributeSyntax? _inputAttribute;
        private int _width;
        private int _parameterCount;
        private int _bufferCount;
        private LossKind _loss;
        private AttributeSyntax? _lossAttribute;
        private string _lossName = "";

        public Builder(ClassDeclarationSyntax declaration, INamedTypeSymbol symbol)
        {
            _declaration = declaration;
            _symbol = symbol;
        }

        private void Report(DiagnosticDescriptor descriptor, SyntaxNode? node, params object[] args)
            => Report(descriptor, node?.GetLocation(), args);

        private void Report(DiagnosticDescriptor descriptor, Location? location, params object[] args)
        {
            if (descriptor.DefaultSeverity == DiagnosticSeverity.Error) _invalid = true;
            _diagnostics.Add(new DiagnosticInfo(descriptor.Id, LocationInfo.From(location),
                args.Select(a => a is float f ? FormatFloat(f) : a.ToString() ?? "").ToEquatableArray()));
        }

        private static string FormatFloat(float value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>Class-level diagnostics point at the class name, not at its whole declaration.</summary>
        private Location ClassIdentifierNode => _declaration.Identifier.GetLocation();

        public void ParseType()
        {
            if (!_declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                Report(Descriptors.NotPartial, ClassIdentifierNode, _symbol.Name);

            bool generic = _symbol.TypeParameters.Length > 0;
            for (INamedTypeSymbol? outer = _symbol.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                generic |= outer.TypeParameters.Length > 0;
                bool partial = outer.DeclaringSyntaxReferences.Length > 0 && outer.DeclaringSyntaxReferences
                    .All(r => r.GetSyntax() is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.PartialKeyword));
                if (!partial) Report(Descriptors.ContainingTypeNotPartial, ClassIdentifierNode, _symbol.Name, outer.Name);
                string keyword = outer.IsRecord ? (outer.IsValueType ? "record struct" : "record")
                    : outer.TypeKind switch { TypeKind.Struct => "struct", TypeKind.Interface => "interface", _ => "class" };
                _containingTypes.Insert(0, $"partial {keyword} {outer.Name}");
            }
            if (generic) Report(Descriptors.Generic, ClassIdentifierNode, _symbol.Name);

            foreach (ISymbol member in _symbol.GetMembers())
            {
                if (member.IsImplicitlyDeclared) continue;
                bool collides = GeneratedMembers.Contains(member.Name)
                    || (member is IMethodSymbol { MethodKind: MethodKind.Constructor } ctor
                        && (ctor.Parameters.Length == 0 || (ctor.Parameters.Length == 1 && ctor.Parameters[0].Type.SpecialType == SpecialType.System_Int32)));
                if (collides)
                {
                    Location location = member.Locations.FirstOrDefault(l => l.IsInSource) ?? ClassIdentifierNode;
                    Report(Descriptors.MemberCollision, location, _symbol.Name,
                        member is IMethodSymbol { MethodKind: MethodKind.Constructor } ? _symbol.Name + "(" + (((IMethodSymbol)member).Parameters.Length == 0 ? "" : "int") + ")" : member.Name);
                }
            }
        }

        public void ParseLayers(CancellationToken cancellationToken)
        {
            // Attribute data by syntax span: Roslyn resolves arguments (constants, defaults of optional parameters) for us,
            // while the syntax gives the source order, which is the layer order.
            var dataBySpan = new Dictionary<Microsoft.CodeAnalysis.Text.TextSpan, AttributeData>();
            foreach (AttributeData data in _symbol.GetAttributes())
            {
                SyntaxReference? reference = data.ApplicationSyntaxReference;
                if (reference is not null && reference.SyntaxTree == _declaration.SyntaxTree) dataBySpan[reference.Span] = data;
            }

            int position = 0;   // index among StaticNet layer attributes, [Input] included
            int module = 0;     // index in the equivalent nn.Sequential
            bool previousWasActivation = false;
            LayerKind? previousKind = null;
            foreach (AttributeListSyntax list in _declaration.AttributeLists)
            {
                foreach (AttributeSyntax attribute in list.Attributes)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!dataBySpan.TryGetValue(attribute.Span, out AttributeData? data)) continue;
                    INamedTypeSymbol? type = data.AttributeClass;
                    if (type is null || type.TypeKind == TypeKind.Error || type.ContainingNamespace?.ToDisplayString() != "StaticNet") continue;
                    string name = type.Name;
                    if (name == "NetworkAttribute") continue;
                    if (data.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error) ||
                        data.NamedArguments.Any(a => a.Value.Kind == TypedConstantKind.Error))
                    {
                        _invalid = true; // the compiler reports the bad argument itself
                        continue;
                    }

                    string display = "[" + (name.EndsWith("Attribute", StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name) + "]";
                    if (name == "InputAttribute")
                    {
                        ParseInput(attribute, data, position, display);
                        position++;
                        continue;
                    }

                    LossKind loss = name switch
                    {
                        "CrossEntropyLossAttribute" => LossKind.CrossEntropy,
                        "BCEWithLogitsLossAttribute" => LossKind.BCEWithLogits,
                        "BCELossAttribute" => LossKind.BCE,
                        "MSELossAttribute" => LossKind.MSE,
                        _ => LossKind.None,
                    };
                    if (loss != LossKind.None)
                    {
                        if (_loss != LossKind.None) Report(Descriptors.DuplicateLoss, attribute, display, position);
                        else { _loss = loss; _lossAttribute = attribute; _lossName = display; CheckLossWiring(previousKind, attribute); }
                        position++;
                        continue;
                    }

                    LayerKind? kind = name switch
                    {
                        "DenseAttribute" => LayerKind.Dense,
                        "ReLUAttribute" => LayerKind.ReLU,
                        "LeakyReLUAttribute" => LayerKind.LeakyReLU,
                        "SigmoidAttribute" => LayerKind.Sigmoid,
                        "TanhAttribute" => LayerKind.Tanh,
                        "SoftmaxAttribute" => LayerKind.Softmax,
                        "GELUAttribute" => LayerKind.GELU,
                        "SiLUAttribute" => LayerKind.SiLU,
                        "ELUAttribute" => LayerKind.ELU,
                        "DropoutAttribute" => LayerKind.Dropout,
                        "BatchNormAttribute" => LayerKind.BatchNorm,
                        "LayerNormAttribute" => LayerKind.LayerNorm,
                        _ => null,
                    };
                    if (kind is null) continue; // another StaticNet attribute that is not a layer

                    if (_lossAttribute is not null) Report(Descriptors.LayerAfterLoss, attribute, display, position);
                    bool isActivation = IsActivation(kind.Value);
                    if (isActivation && previousWasActivation) Report(Descriptors.ConsecutiveActivations, attribute, display, position);
                    ParseLayer(kind.Value, attribute, data, module, position, display);
                    previousWasActivation = isActivation;
                    previousKind = kind;
                    module++;
                    position++;
                }
            }
        }

        private static bool IsActivation(LayerKind kind) => kind is LayerKind.ReLU or LayerKind.LeakyReLU or LayerKind.Sigmoid
            or LayerKind.Tanh or LayerKind.Softmax or LayerKind.GELU or LayerKind.SiLU or LayerKind.ELU;

        private void ParseInput(AttributeSyntax attribute, AttributeData data, int position, string display)
        {
            if (_inputAttribute is not null)
            {
                Report(Descriptors.DuplicateInput, attribute, _symbol.Name);
                return;
            }
            _inputAttribute = attribute;
            if (position != 0) Report(Descriptors.InputNotFirst, attribute, position, _symbol.Name);
            int size = IntArgument(data, 0, 0);
            if (CheckSize(size, attribute, display, position)) _inputSize = size;
            _width = size;
        }

        private bool CheckSize(int size, AttributeSyntax attribute, string display, int position)
        {
            if (size <= 0) { Report(Descriptors.SizeNotPositive, attribute, display, position, size); return false; }
            if (size > MaxUnits) { Report(Descriptors.SizeTooLarge, attribute, display, position, size); return false; }
            return true;
        }

        private void ParseLayer(LayerKind kind, AttributeSyntax attribute, AttributeData data, int module, int position, string display)
        {
            int inSize = _width, outSize = _width;
            float argument = 0f, momentum = 0f, l1 = 0f, l2 = 0f;
            string init = "Default";
            int weight = -1, bias = -1, buffer = -1;
            switch (kind)
            {
                case LayerKind.Dense:
                    outSize = IntArgument(data, 0, 0);
                    if (!CheckSize(outSize, attribute, display, position)) outSize = Math.Max(outSize, 1);
                    int initValue = (int)(NamedArgument(data, "Init") ?? 0);
                    init = initValue >= 0 && initValue < InitNames.Length ? InitNames[initValue] : "Default";
                    l1 = FloatNamed(data, "L1", 0f);
                    l2 = FloatNamed(data, "L2", 0f);
                    if (!(l1 >= 0f) || float.IsInfinity(l1)) Report(Descriptors.PenaltyInvalid, attribute, position, "L1", l1);
                    if (!(l2 >= 0f) || float.IsInfinity(l2)) Report(Descriptors.PenaltyInvalid, attribute, position, "L2", l2);
                    long total = (long)_parameterCount + (long)inSize * outSize + outSize;
                    if (total > MaxParameters)
                    {
                        Report(Descriptors.TooManyParameters, attribute, display, position, total);
                        break;
                    }
                    weight = _parameterCount;
                    bias = weight + inSize * outSize;
                    _parameterCount = (int)total;
                    break;
                case LayerKind.LeakyReLU:
                case LayerKind.ELU:
                    argument = FloatArgument(data, 0, kind == LayerKind.LeakyReLU ? 0.01f : 1f);
                    if (float.IsNaN(argument) || float.IsInfinity(argument)) Report(Descriptors.NonFiniteArgument, attribute, display, position, argument);
                    break;
                case LayerKind.Dropout:
                    argument = FloatArgument(data, 0, 0.5f);
                    if (!(argument >= 0f && argument < 1f)) Report(Descriptors.DropoutOutOfRange, attribute, position, argument);
                    break;
                case LayerKind.BatchNorm:
                case LayerKind.LayerNorm:
                    argument = FloatNamed(data, "Epsilon", 1e-5f);
                    if (!(argument > 0f) || float.IsInfinity(argument)) Report(Descriptors.EpsilonNotPositive, attribute, display, position, argument);
                    weight = _parameterCount;
                    bias = weight + _width;
                    _parameterCount = bias + _width;
                    if (kind == LayerKind.BatchNorm)
                    {
                        momentum = FloatNamed(data, "Momentum", 0.1f);
                        if (!(momentum >= 0f && momentum <= 1f)) Report(Descriptors.MomentumOutOfRange, attribute, position, momentum);
                        buffer = _bufferCount;
                        _bufferCount += 2 * _width;
                    }
                    break;
            }
            _width = outSize;
            _layers.Add(new LayerModel(kind, module, inSize, outSize, argument, momentum, init, l1, l2, weight, bias, buffer));
        }

        private void CheckLossWiring(LayerKind? last, AttributeSyntax attribute)
        {
            switch (_loss)
            {
                case LossKind.CrossEntropy when last == LayerKind.Softmax:
                    Report(Descriptors.SoftmaxBeforeCrossEntropy, attribute, _layers.Count > 0 ? _layers[_layers.Count - 1].Module : 0);
                    break;
                case LossKind.BCEWithLogits when last == LayerKind.Sigmoid:
                    Report(Descriptors.SigmoidBeforeBceWithLogits, attribute, _layers[_layers.Count - 1].Module);
                    break;
                case LossKind.BCE when last != LayerKind.Sigmoid:
                    Report(Descriptors.BceWithoutSigmoid, attribute, last is null ? "[Input]" : "[" + last + "]");
                    break;
                case LossKind.MSE when last is not null && IsActivation(last.Value):
                    Report(Descriptors.ActivationBeforeMse, attribute, "[" + last + "]", _layers[_layers.Count - 1].Module);
                    break;
            }
        }

        public NetworkParseResult Finish()
        {
            if (_inputAttribute is null) Report(Descriptors.MissingInput, ClassIdentifierNode, _symbol.Name);
            if (_loss == LossKind.CrossEntropy && !_invalid && _width == 1)
                Report(Descriptors.CrossEntropySingleOutput, _lossAttribute, _symbol.Name);
            if (_loss != LossKind.None && _parameterCount == 0)
                Report(Descriptors.NoTrainableLayer, ClassIdentifierNode, _symbol.Name);

            NetworkModel? model = null;
            if (!_invalid && _inputSize is int inputSize)
            {
                string? ns = _symbol.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
                string hint = string.Join(".", new[] { ns }.Concat(_containingTypes.Select(t => t.Substring(t.LastIndexOf(' ') + 1)))
                    .Concat(new[] { _symbol.Name }).Where(s => !string.IsNullOrEmpty(s))) + ".g.cs";
                model = new NetworkModel(ns, _containingTypes.ToEquatableArray(), _symbol.Name, "class", hint, inputSize, _width,
                    _layers.ToEquatableArray(), _loss, DecidePrediction(), _parameterCount, _bufferCount);
            }
            return new NetworkParseResult(model, _diagnostics.ToEquatableArray());
        }

        private PredictionKind DecidePrediction()
        {
            LayerKind? last = _layers.Count > 0 ? _layers[_layers.Count - 1].Kind : null;
            return _loss switch
            {
                LossKind.CrossEntropy => PredictionKind.ArgMax,
                LossKind.BCEWithLogits => _width == 1 ? PredictionKind.LogitThreshold : PredictionKind.None,
                LossKind.BCE => _width == 1 ? PredictionKind.ProbabilityThreshold : PredictionKind.None,
                LossKind.MSE => PredictionKind.None,
                _ => _width > 1 ? PredictionKind.ArgMax : last == LayerKind.Sigmoid ? PredictionKind.ProbabilityThreshold : PredictionKind.None,
            };
        }

        private static int IntArgument(AttributeData data, int index, int fallback)
            => data.ConstructorArguments.Length > index && data.ConstructorArguments[index].Value is int value ? value : fallback;

        private static float FloatArgument(AttributeData data, int index, float fallback)
            => data.ConstructorArguments.Length > index ? ToFloat(data.ConstructorArguments[index].Value, fallback) : fallback;

        private static object? NamedArgument(AttributeData data, string name)
        {
            foreach (KeyValuePair<string, TypedConstant> pair in data.NamedArguments)
                if (pair.Key == name) return pair.Value.Value;
            return null;
        }

        private static float FloatNamed(AttributeData data, string name, float fallback) => ToFloat(NamedArgument(data, name), fallback);

        private static float ToFloat(object? value, float fallback) => value switch
        {
            float f => f,
            double d => (float)d,
            int i => i,
            _ => fallback,
        };
    }
}
