using System;
using Microsoft.CodeAnalysis;
using StaticNet.Generators.Diagnostics;
using StaticNet.Generators.Emitting;
using StaticNet.Generators.Model;

namespace StaticNet.Generators.Layers;

/// <summary>The loss attributes; the runtime's <c>StaticNet.LossFunction</c> has the same names.</summary>
internal enum LossKind { CrossEntropy, BCEWithLogits, BCE, MSE }

/// <summary>
/// The loss attribute (<c>[CrossEntropyLoss]</c>, <c>[BCEWithLogitsLoss]</c>, <c>[BCELoss]</c>, <c>[MSELoss]</c>): what targets
/// it takes, how they are checked, its fused kernel (loss and d(loss)/d(output) in one pass), and the wiring mistakes
/// to warn about. PyTorch's mean reduction throughout.
/// </summary>
internal sealed record Loss(LossKind Kind)
{
    /// <summary>The loss of an attribute class name, or null when the class is not a loss.</summary>
    public static Loss? Of(string attributeName) => attributeName switch
    {
        nameof(CrossEntropyLossAttribute) => new Loss(LossKind.CrossEntropy),
        nameof(BCEWithLogitsLossAttribute) => new Loss(LossKind.BCEWithLogits),
        nameof(BCELossAttribute) => new Loss(LossKind.BCE),
        nameof(MSELossAttribute) => new Loss(LossKind.MSE),
        _ => null,
    };

    public string TorchName => Kind + "Loss";

    /// <summary>The target element type: class indices for cross-entropy, floats for the others.</summary>
    public string TargetType => Kind == LossKind.CrossEntropy ? "int" : "float";

    public bool IsBinaryCrossEntropy => Kind is LossKind.BCE or LossKind.BCEWithLogits;

    public string TargetsDoc => Kind switch
    {
        LossKind.CrossEntropy => "One class index in [0, OutputSize) per sample.",
        LossKind.MSE => "OutputSize target values per sample, row-major.",
        _ => "OutputSize targets in [0, 1] per sample (the probability of class 1), row-major.",
    };

    /// <summary>The check of the targets, before anything is computed: lengths, and class indices or [0, 1] ranges.</summary>
    public string Guard => Kind switch
    {
        LossKind.CrossEntropy => "Kernels.Guard.ClassIndices(targets, batch, OutputSize, nameof(targets));",
        LossKind.MSE => "Kernels.Guard.TargetLength(targets.Length, batch * OutputSize, nameof(targets));",
        _ => "Kernels.Guard.BinaryTargets(targets, batch * OutputSize, nameof(targets));",
    };

    public string Call(string output, string gradient) => Kind switch
    {
        LossKind.CrossEntropy => $"float loss = Kernels.Losses.CrossEntropy({output}, targets, {gradient}, batch, OutputSize);",
        _ => $"float loss = Kernels.Losses.{Kind}({output}, targets, {gradient});",
    };

    /// <summary>Warnings and errors about what comes right before the loss.</summary>
    public void CheckWiring(Layer? last, Shape output, Action<DiagnosticDescriptor, object[]> report)
    {
        string display = "[" + TorchName + "]";
        if (!output.IsVector) { report(Descriptors.NeedsFlatten, new object[] { display, output.ToString() }); return; }
        bool sigmoid = last is ActivationLayer { Function: Activation.Sigmoid };
        switch (Kind)
        {
            case LossKind.CrossEntropy when last is SoftmaxLayer:
                report(Descriptors.SoftmaxBeforeCrossEntropy, new object[] { last.Module });
                break;
            case LossKind.CrossEntropy when output.Size == 1:
                report(Descriptors.CrossEntropySingleOutput, new object[] { });
                break;
            case LossKind.BCEWithLogits when sigmoid:
                report(Descriptors.SigmoidBeforeBceWithLogits, new object[] { last!.Module });
                break;
            case LossKind.BCE when !sigmoid:
                report(Descriptors.BceWithoutSigmoid, new object[] { last is null ? "[Input]" : last.Name });
                break;
            case LossKind.MSE when last is { IsActivation: true }:
                report(Descriptors.ActivationBeforeMse, new object[] { last.Name });
                break;
        }
    }

    /// <summary>How Predict decides, from the loss and the output width.</summary>
    public PredictionKind Prediction(int outputs) => Kind switch
    {
        LossKind.CrossEntropy => PredictionKind.ArgMax,
        LossKind.BCEWithLogits when outputs == 1 => PredictionKind.LogitThreshold,
        LossKind.BCE when outputs == 1 => PredictionKind.ProbabilityThreshold,
        _ => PredictionKind.None,
    };
}
