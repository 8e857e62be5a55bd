using StaticNet.Generators.Model;
using StaticNet.Generators.Parsing;

namespace StaticNet.Generators.Layers;

/// <summary>
/// <c>[Flatten]</c>: <c>nn.Flatten()</c>, <c>[C, L]</c> or <c>[C, H, W]</c> to <c>[C·L]</c> or <c>[C·H·W]</c>. A sample's floats
/// are already contiguous in that order, so it is a view: no code and no buffer in any pass.
/// </summary>
internal sealed record FlattenLayer(int Module, Shape Input) : Layer(Module, Input, Shape.Of(Input.Size))
{
    public static Layer? Parse(LayerContext c) => new FlattenLayer(c.Module, c.Input);

    public override string TorchName => "Flatten";

    public override bool IsView => true;

    public override string Describe() => $"Flatten {Input} -> {Output}";

    public override void EmitForward(ForwardContext c) { }
}
