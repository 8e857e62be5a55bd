using StaticNet.Generators.Model;
using StaticNet.Generators.Parsing;

namespace StaticNet.Generators.Layers;

/// <summary><c>[Softmax]</c>: <c>nn.Softmax(dim=1)</c>, probabilities over the features of each sample (a vector).</summary>
internal sealed record SoftmaxLayer(int Module, Shape Input) : Layer(Module, Input, Input)
{
    public static Layer? Parse(LayerContext c) => c.RequireVector() ? new SoftmaxLayer(c.Module, c.Input) : null;

    public override string TorchName => "Softmax";

    public override bool IsActivation => true;

    public override string Describe() => $"Softmax over {Input}";

    public override void EmitForward(ForwardContext c) =>
        c.W.Line($"Kernels.Activations.Softmax({c.Source}, {c.Destination}, {c.Batch}, {Input.Size});");

    public override void EmitBackward(BackwardContext c) =>
        c.W.Line($"Kernels.Activations.SoftmaxBackward({c.Output}, {c.Gradient}, batch, {Input.Size});");
}
