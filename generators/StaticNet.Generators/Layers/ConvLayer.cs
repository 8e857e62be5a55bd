using System.Collections.Generic;
using System.Linq;
using StaticNet.Generators.Emitting;
using StaticNet.Generators.Model;
using StaticNet.Generators.Parsing;

namespace StaticNet.Generators.Layers;

/// <summary>
/// <c>[Conv1d(out, k)]</c> and <c>[Conv2d(out, k)]</c>: <c>nn.Conv1d</c>/<c>nn.Conv2d</c> with a square kernel, stride and
/// zero padding; a cross-correlation (no kernel flip). Weight <c>[out, in, k]</c> or <c>[out, in, k, k]</c>, then bias.
/// </summary>
/// <param name="Dimensions">1 for Conv1d on <c>[C, L]</c>, 2 for Conv2d on <c>[C, H, W]</c>.</param>
internal sealed record ConvLayer(int Module, Shape Input, int Dimensions, int OutChannels, int Kernel, int Stride, int Padding, Init Init)
    : Layer(Module, Input, SlidingWindow.Output(Input, OutChannels, Kernel, Stride, Padding))
{
    public static Layer? Parse1d(LayerContext c) =>
        c.Read<Conv1dAttribute>() is { } a ? Create(c, 1, a.OutChannels, a.KernelSize, a.Stride, a.Padding, a.Init) : null;

    public static Layer? Parse2d(LayerContext c) =>
        c.Read<Conv2dAttribute>() is { } a ? Create(c, 2, a.OutChannels, a.KernelSize, a.Stride, a.Padding, a.Init) : null;

    private static Layer? Create(LayerContext c, int dimensions, int outChannels, int kernel, int stride, int padding, Init init)
    {
        bool valid = c.CheckSize(outChannels) & SlidingWindow.Check(c, dimensions, kernel, stride, stride >= 1, "it must be at least 1", padding);
        if (!valid) return null;
        long weights = (long)outChannels * c.Input.Channels * (dimensions == 1 ? kernel : (long)kernel * kernel);
        var layer = new ConvLayer(c.Module, c.Input, dimensions, outChannels, kernel, stride, padding, init);
        if (!c.CheckSize(layer.Output.Size) || !c.ReserveParameters(weights + outChannels)) return null;
        return layer;
    }

    private int InChannels => Input.Channels;

    /// <summary>Kernel elements per input channel: k or k².</summary>
    private int KernelElements => Dimensions == 1 ? Kernel : Kernel * Kernel;

    public override string TorchName => $"Conv{Dimensions}d";

    public override IReadOnlyList<Tensor> Parameters => new[]
    {
        new Tensor("weight", new[] { OutChannels, InChannels }.Concat(Enumerable.Repeat(Kernel, Dimensions)).ToArray()),
        new Tensor("bias", OutChannels),
    };

    public override bool InPlace => false;

    public override bool GradientToNewBuffer => true;

    public override bool FusesReLU => true;

    public override bool FusesMaxPool => Dimensions == 2;

    public override string Describe() =>
        $"{TorchName} {Input} -> {Output} (kernel {Kernel}, stride {Stride}, padding {Padding}; {TensorPlaces()})";

    public override void EmitInit(CodeWriter w) =>
        w.Line($"Kernels.Initializers.Weights({ParameterSlice("parameters", 0)}, {ParameterSlice("parameters", 1)}, {InChannels * KernelElements}, {OutChannels * KernelElements}, global::StaticNet.Init.{Init}, random);");

    /// <summary>The size arguments every conv kernel takes after the batch: input channels and sizes, output channels, kernel, stride, padding.</summary>
    private string Geometry => $"{InChannels}, {SlidingWindow.Sizes(Input)}, {OutChannels}, {Kernel}, {Stride}, {Padding}";

    public override void EmitForward(ForwardContext c) =>
        c.W.Line($"Kernels.Conv.Forward{Dimensions}d{(c.FusedMaxPool ? "MaxPool" : "")}({c.Source}, {ParameterSlice("p", 0)}, {ParameterSlice("p", 1)}, {c.Destination}, {c.Batch}, {Geometry}, relu: {c.ReLU});");

    public override void EmitBackward(BackwardContext c) =>
        c.W.Line($"Kernels.Conv.Backward{Dimensions}d({c.Gradient}, {c.Input}, {ParameterSlice("p", 0)}, {ParameterSlice("grad", 0)}, {ParameterSlice("grad", 1)}, {c.InputGradient ?? "default"}, batch, {Geometry});");
}
