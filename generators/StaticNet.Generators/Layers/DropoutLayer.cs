using System.Collections.Generic;
using StaticNet.Generators.Diagnostics;
using StaticNet.Generators.Emitting;
using StaticNet.Generators.Model;
using StaticNet.Generators.Parsing;

namespace StaticNet.Generators.Layers;

/// <summary>
/// <c>[Dropout(p)]</c>: <c>nn.Dropout(p)</c>, inverted dropout while training (masks from the network's own generator),
/// the identity at inference. Any shape.
/// </summary>
internal sealed record DropoutLayer(int Module, Shape Input, float P) : Layer(Module, Input, Input)
{
    public static Layer? Parse(LayerContext c)
    {
        if (c.Read<DropoutAttribute>() is not { } a) return null;
        if (!(a.P >= 0f && a.P < 1f))
        {
            c.Report(Descriptors.DropoutOutOfRange, c.Name, a.P);
            return null;
        }
        return new DropoutLayer(c.Module, c.Input, a.P);
    }

    public override string TorchName => "Dropout";

    public override bool IdentityAtInference => true;

    public override bool UsesRandom => true;

    public override IEnumerable<Scratch> TrainingScratch => new[] { new Scratch("mask", Input.Size, 0, $"dropout mask of layer {Module}") };

    public override string Describe() => $"Dropout(p {Literal.Number(P)}) over {Input}";

    public override void EmitForward(ForwardContext c) =>
        c.W.Line($"Kernels.DropoutKernel.Forward({c.Source}, {c.Destination}, {c.Scratch("mask")}, {Literal.Float(P)}, _dropoutRandom);");

    public override void EmitBackward(BackwardContext c) =>
        c.W.Line($"Kernels.DropoutKernel.Backward({c.Scratch("mask")}, {c.Gradient});");
}
