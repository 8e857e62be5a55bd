using System;
using StaticNet.Generators.Diagnostics;
using StaticNet.Generators.Emitting;
using StaticNet.Generators.Model;
using StaticNet.Generators.Parsing;

namespace StaticNet.Generators.Layers;

/// <summary>The elementwise activation functions: each is one row of <see cref="ActivationLayer"/>'s table.</summary>
internal enum Activation { ReLU, LeakyReLU, Sigmoid, Tanh, GELU, SiLU, ELU }

/// <summary>
/// <c>[ReLU]</c>, <c>[LeakyReLU(slope)]</c>, <c>[Sigmoid]</c>, <c>[Tanh]</c>, <c>[GELU]</c>, <c>[SiLU]</c>, <c>[ELU(alpha)]</c>:
/// PyTorch's elementwise modules, on any shape (kept). The functions differ only in their kernel names, their one
/// parameter, and whether the derivative is computed from the input or from the output, so they share one kind.
/// </summary>
/// <param name="Parameter">LeakyReLU's negative slope or ELU's alpha; 0 for the others.</param>
internal sealed record ActivationLayer(int Module, Shape Input, Activation Function, float Parameter)
    : Layer(Module, Input, Input)
{
    public static Func<LayerContext, Layer?> Parser(Activation function) => c =>
    {
        float parameter;
        switch (function)
        {
            case Activation.LeakyReLU:
                if (c.Read<LeakyReLUAttribute>() is not { } leaky) return null;
                parameter = leaky.NegativeSlope;
                break;
            case Activation.ELU:
                if (c.Read<ELUAttribute>() is not { } elu) return null;
                parameter = elu.Alpha;
                break;
            default:
                parameter = 0f;
                break;
        }
        if (float.IsNaN(parameter) || float.IsInfinity(parameter))
        {
            c.Report(Descriptors.NonFiniteArgument, c.Name, parameter);
            return null;
        }
        return new ActivationLayer(c.Module, c.Input, function, parameter);
    };

    public override string TorchName => Function.ToString();

    public override bool IsActivation => true;

    /// <summary>ReLU, Sigmoid and Tanh have derivatives in terms of their output; the others need the input.</summary>
    private bool DerivativeFromOutput => Function is Activation.ReLU or Activation.Sigmoid or Activation.Tanh;

    /// <summary>The kernels' extra argument, if the function has a parameter.</summary>
    private string Argument => Function is Activation.LeakyReLU or Activation.ELU ? ", " + Literal.Float(Parameter) : "";

    public override string Describe() => Function switch
    {
        Activation.LeakyReLU => $"LeakyReLU(negative_slope {Literal.Number(Parameter)}) over {Input}",
        Activation.ELU => $"ELU(alpha {Literal.Number(Parameter)}) over {Input}",
        _ => $"{Function} over {Input}",
    };

    public override void EmitForward(ForwardContext c) =>
        c.W.Line($"Kernels.Activations.{Function}({c.Source}, {c.Destination}{Argument});");

    public override void EmitBackward(BackwardContext c) =>
        c.W.Line($"Kernels.Activations.{Function}Backward({(DerivativeFromOutput ? c.Output : c.Input)}, {c.Gradient}{Argument});");
}
