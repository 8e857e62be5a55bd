using Microsoft.CodeAnalysis;

namespace StaticNet.Generators.Diagnostics;

/// <summary>
/// Every StaticNet diagnostic, in one place. docs/diagnostics.md explains each with an example and the fix. Messages
/// name a layer by its attribute and its module index in the equivalent <c>nn.Sequential</c> (the prefix of its
/// PyTorch parameter names), e.g. "[Dense] (module 2)"; [Input] and the loss are not modules and have no index.
/// </summary>
internal static class Descriptors
{
    private const string Category = "StaticNet";

    /// <summary>
    /// The documentation of every id: docs/diagnostics.md in the repository, shipped at the same path in the package
    /// (there is no web site to link to, and a guessed address would be worse than a path that exists).
    /// </summary>
    private const string HelpBase = "docs/diagnostics.md#";

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
        "Network '{0}' has no [Input(size)] attribute; add one before the first layer to give the shape of each input sample",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InputNotFirst = Make("SN0005",
        "[Input] must come first",
        "[Input] of network '{0}' comes after a layer; it must be the first layer attribute, before module 0",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor DuplicateInput = Make("SN0006",
        "More than one [Input]",
        "Network '{0}' declares [Input] more than once; keep one, as the first layer attribute",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor SizeNotPositive = Make("SN0007",
        "Size must be positive",
        "{0} has size {1}; sizes must be at least 1",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor SizeTooLarge = Make("SN0008",
        "Size is too large",
        "{0} has size {1}; StaticNet supports at most 1048576 (1 << 20) values per sample in a layer",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor NoTrainableLayer = Make("SN0009",
        "Network has no trainable layer",
        "Network '{0}' has a loss but no layer with parameters; add a [Dense] layer",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor LayerAfterLoss = Make("SN0010",
        "Layer after the loss",
        "{0} comes after the loss; the loss must be the last attribute",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor DuplicateLoss = Make("SN0011",
        "More than one loss",
        "{0} is a second loss; a network has at most one loss attribute, the last one",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor SoftmaxBeforeCrossEntropy = Make("SN0012",
        "Softmax before CrossEntropyLoss",
        "[CrossEntropyLoss] already applies softmax to logits; the [Softmax] (module {0}) makes a double softmax that trains poorly: remove it",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor SigmoidBeforeBceWithLogits = Make("SN0013",
        "Sigmoid before BCEWithLogitsLoss",
        "[BCEWithLogitsLoss] already applies a sigmoid to logits; remove the [Sigmoid] (module {0}), or use [BCELoss]",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor BceWithoutSigmoid = Make("SN0014",
        "BCELoss expects probabilities",
        "[BCELoss] expects probabilities but the layer before it, {0}, is not [Sigmoid]; add [Sigmoid] or use [BCEWithLogitsLoss]",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor CrossEntropySingleOutput = Make("SN0015",
        "CrossEntropyLoss needs at least two outputs",
        "[CrossEntropyLoss] on a single output cannot classify; use [BCEWithLogitsLoss] for a binary classifier or widen the last layer",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor DropoutOutOfRange = Make("SN0016",
        "Dropout probability out of range",
        "{0} has p = {1}; p must be in [0, 1)",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor NonFiniteArgument = Make("SN0017",
        "Activation parameter is not finite",
        "{0} has a non-finite parameter ({1}); use a finite number",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor EpsilonNotPositive = Make("SN0018",
        "Normalisation epsilon must be positive",
        "{0} has Epsilon = {1}; it must be greater than 0",
        DiagnosticSeverity.Error);

    // Warnings, not infos: the command-line build never prints infos, and both are worth a look (#pragma or NoWarn
    // silences them where intended).
    public static readonly DiagnosticDescriptor ConsecutiveActivations = Make("SN0019",
        "Two activations in a row",
        "{0} follows another activation; two activations in a row are rarely intended",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor ActivationBeforeMse = Make("SN0020",
        "Activation before MSELoss",
        "{0} squashes the output of a regression network; [MSELoss] usually wants a linear last layer",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor MemberCollision = Make("SN0021",
        "Member collides with a generated member",
        "'{0}' declares a member named '{1}', which StaticNet generates; rename it",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor MomentumOutOfRange = Make("SN0022",
        "BatchNorm momentum out of range",
        "{0} has Momentum = {1}; it must be in [0, 1]",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor PenaltyInvalid = Make("SN0023",
        "Penalty must be a finite non-negative number",
        "{0} has {1} = {2}; penalties must be finite and at least 0",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor TooManyParameters = Make("SN0024",
        "Network has too many parameters",
        "{0} brings the parameter count to {1}; StaticNet supports at most 268435456 (1 << 28) parameters",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor NotANetwork = Make("SN0025",
        "Layer attributes on a class without [Network]",
        "'{0}' has {1} but no [Network] attribute, so nothing is generated for it; add [Network] to the class",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor NeedsFlatten = Make("SN0026",
        "A shaped output needs [Flatten]",
        "{0} needs a vector, but it receives a map of {1}; add [Flatten] before it",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor NeedsMap = Make("SN0027",
        "Convolution or pooling needs a map of its rank",
        "{0} needs a {1} input, but it receives {2}; declare the input's shape in [Input], or move the layer before [Flatten]",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor OutputTooSmall = Make("SN0028",
        "Convolution or pooling output would be empty",
        "{0} on an input of {1} with kernel {2}, stride {3} and padding {4} has no output: every spatial size n needs n + 2·padding ≥ kernel (PyTorch: floor((n + 2·padding − kernel) / stride) + 1 ≥ 1); use a smaller kernel or more padding",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InputRank = Make("SN0029",
        "[Input] needs one to three sizes",
        "[Input] of network '{0}' has {1} sizes; give [Input(features)], [Input(channels, length)] or [Input(channels, height, width)]",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor KernelTooSmall = Make("SN0030",
        "Kernel size must be positive",
        "{0} has kernel size {1}; it must be at least 1",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor StrideInvalid = Make("SN0031",
        "Stride out of range",
        "{0} has Stride = {1}; {2}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor PaddingNegative = Make("SN0032",
        "Padding must not be negative",
        "{0} has Padding = {1}; it must be at least 0",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor PaddingAtLeastKernel = Make("SN0033",
        "Padding as large as the kernel",
        "{0} has Padding = {1} with kernel {2}; border outputs then see only zeros (PyTorch allows it, but it is rarely intended)",
        DiagnosticSeverity.Warning);
}
