using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace StaticNet.Generators.Diagnostics;

/// <summary>Every StaticNet diagnostic, in one place. docs/diagnostics.md explains each with an example and the fix.</summary>
internal static class Descriptors
{
    private const string Category = "StaticNet";
    private const string HelpBase = "https://github.com/staticnet/staticnet/blob/main/docs/diagnostics.md#";

    private static DiagnosticDescriptor Make(string id, string title, string message, DiagnosticSeverity severity)
        => new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: HelpBase + id.ToLowerInvariant());

    public static readonly DiagnosticDescriptor NotPartial = Make("SN0001",
        "Network class must be partial",
        "Network class '{0}' must be declared partial so that StaticNet can generate its members; add the 'partial' modifier",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Make("SN0002",
        "Containing type must be partial",
        "Network class '{0}' is nested in '{1}', which is not partial; make '{1}' partial or move the network out of it",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor Generic = Make("SN0003",
        "Network class cannot be generic",
        "Network class '{0}' is generic (or nested in a generic type); sizes are compile-time constants, so declare a non-generic class",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor MissingInput = Make("SN0004",
        "Network has no [Input]",
        "Network '{0}' has no [Input(size)] attribute; add one before the first layer to give the number of input features",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InputNotFirst = Make("SN0005",
        "[Input] must come first",
        "[Input] is at position {0} of network '{1}'; it must be the first layer attribute, before any layer",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor DuplicateInput = Make("SN0006",
        "More than one [Input]",
        "Network '{0}' declares [Input] more than once; keep one, as the first layer attribute",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor SizeNotPositive = Make("SN0007",
        "Size must be positive",
        "{0} at position {1} has size {2}; sizes must be at least 1",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor SizeTooLarge = Make("SN0008",
        "Size is too large",
        "{0} at position {1} has size {2}; StaticNet supports at most 1048576 (1 << 20) units per layer",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor NoTrainableLayer = Make("SN0009",
        "Network has no trainable layer",
        "Network '{0}' has a loss but no layer with parameters; add a [Dense] layer",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor LayerAfterLoss = Make("SN0010",
        "Layer after the loss",
        "{0} at position {1} comes after the loss; the loss must be the last attribute",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor DuplicateLoss = Make("SN0011",
        "More than one loss",
        "{0} at position {1} is a second loss; a network has at most one loss attribute, the last one",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor SoftmaxBeforeCrossEntropy = Make("SN0012",
        "Softmax before CrossEntropyLoss",
        "[CrossEntropyLoss] already applies softmax to logits; the [Softmax] (layer {0}) makes a double softmax that trains poorly: remove it",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor SigmoidBeforeBceWithLogits = Make("SN0013",
        "Sigmoid before BCEWithLogitsLoss",
        "[BCEWithLogitsLoss] already applies a sigmoid to logits; remove the [Sigmoid] (layer {0}), or use [BCELoss]",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor BceWithoutSigmoid = Make("SN0014",
        "BCELoss expects probabilities",
        "[BCELoss] expects probabilities but the layer before it ({0}) does not end in [Sigmoid]; add [Sigmoid] or use [BCEWithLogitsLoss]",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor CrossEntropySingleOutput = Make("SN0015",
        "CrossEntropyLoss needs at least two outputs",
        "[CrossEntropyLoss] on network '{0}' with a single output cannot classify; use [BCEWithLogitsLoss] for a binary classifier or widen the last layer",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor DropoutOutOfRange = Make("SN0016",
        "Dropout probability out of range",
        "[Dropout] at position {0} has p = {1}; p must be in [0, 1)",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor NonFiniteArgument = Make("SN0017",
        "Activation parameter is not finite",
        "{0} at position {1} has a non-finite parameter ({2}); use a finite number",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor EpsilonNotPositive = Make("SN0018",
        "Normalisation epsilon must be positive",
        "{0} at position {1} has Epsilon = {2}; it must be greater than 0",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor ConsecutiveActivations = Make("SN0019",
        "Two activations in a row",
        "{0} at position {1} follows another activation; two activations in a row are rarely intended",
        DiagnosticSeverity.Info);

    public static readonly DiagnosticDescriptor ActivationBeforeMse = Make("SN0020",
        "Activation before MSELoss",
        "{0} (layer {1}) squashes the output of a regression network; [MSELoss] usually wants a linear last layer",
        DiagnosticSeverity.Info);

    public static readonly DiagnosticDescriptor MemberCollision = Make("SN0021",
        "Member collides with a generated member",
        "'{0}' declares a member named '{1}', which StaticNet generates; rename it",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor MomentumOutOfRange = Make("SN0022",
        "BatchNorm momentum out of range",
        "[BatchNorm] at position {0} has Momentum = {1}; it must be in [0, 1]",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor PenaltyInvalid = Make("SN0023",
        "Penalty must be a finite non-negative number",
        "[Dense] at position {0} has {1} = {2}; penalties must be finite and at least 0",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor TooManyParameters = Make("SN0024",
        "Network has too many parameters",
        "{0} at position {1} brings the parameter count to {2}; StaticNet supports at most 268435456 (1 << 28) parameters",
        DiagnosticSeverity.Error);

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = new()
    {
        [NotPartial.Id] = NotPartial, [ContainingTypeNotPartial.Id] = ContainingTypeNotPartial, [Generic.Id] = Generic,
        [MissingInput.Id] = MissingInput, [InputNotFirst.Id] = InputNotFirst, [DuplicateInput.Id] = DuplicateInput,
        [SizeNotPositive.Id] = SizeNotPositive, [SizeTooLarge.Id] = SizeTooLarge, [NoTrainableLayer.Id] = NoTrainableLayer,
        [LayerAfterLoss.Id] = LayerAfterLoss, [DuplicateLoss.Id] = DuplicateLoss,
        [SoftmaxBeforeCrossEntropy.Id] = SoftmaxBeforeCrossEntropy, [SigmoidBeforeBceWithLogits.Id] = SigmoidBeforeBceWithLogits,
        [BceWithoutSigmoid.Id] = BceWithoutSigmoid, [CrossEntropySingleOutput.Id] = CrossEntropySingleOutput,
        [DropoutOutOfRange.Id] = DropoutOutOfRange, [NonFiniteArgument.Id] = NonFiniteArgument,
        [EpsilonNotPositive.Id] = EpsilonNotPositive, [ConsecutiveActivations.Id] = ConsecutiveActivations,
        [ActivationBeforeMse.Id] = ActivationBeforeMse, [MemberCollision.Id] = MemberCollision,
        [MomentumOutOfRange.Id] = MomentumOutOfRange, [PenaltyInvalid.Id] = PenaltyInvalid,
        [TooManyParameters.Id] = TooManyParameters,
    };

    public static DiagnosticDescriptor Get(string id) => ById[id];
}
