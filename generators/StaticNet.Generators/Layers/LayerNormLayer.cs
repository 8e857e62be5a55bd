using System.Collections.Generic;
using StaticNet.Generators.Diagnostics;
using StaticNet.Generators.Emitting;
using StaticNet.Generators.Model;
using StaticNet.Generators.Parsing;

namespace StaticNet.Generators.Layers;

/// <summary><c>[LayerNorm]</c>: <c>nn.LayerNorm(features)</c> with an elementwise affine weight and bias, over each sample's vector.</summary>
internal sealed record LayerNormLayer(int Module, Shape Input, float Epsilon) : Layer(Module, Input, Input)
{
    public static Layer? Parse(LayerContext c)
    {
        if (c.Read<LayerNormAttribute>() is not { } a || !c.RequireVector()) return null;
        if (!(a.Epsilon > 0f) || float.IsInfinity(a.Epsilon))
        {
            c.Report(Descriptors.EpsilonNotPositive, c.Name, a.Epsilon);
            return null;
        }
        return c.ReserveParameters(2L * c.Input.Size) ? new LayerNormLayer(c.Module, c.Input, a.Epsilon) : null;
    }

    private int F => Input.Size;

    public override string TorchName => "LayerNorm";

    public override IReadOnlyList<Tensor> Parameters => new[] { new Tensor("weight", F), new Tensor("bias", F) };

    public override IEnumerable<Scratch> TrainingScratch => new[]
    {
        new Scratch("xHat", F, 0, $"normalised input of layer {Module}"),
        new Scratch("invStd", 1, 0, $"1/√(var + eps) per sample of layer {Module}"),
    };

    public override string Describe() => $"LayerNorm over {Input} (weight at {ParameterAt(0)}, bias at {ParameterAt(1)})";

    public override void EmitInit(CodeWriter w) => w.Line($"{ParameterSlice("parameters", 0)}.Fill(1f); // weight 1, bias 0");

    public override void EmitForward(ForwardContext c)
    {
        string saved = c.Training ? $"{c.Scratch("xHat")}, {c.Scratch("invStd")}" : "default, default";
        c.W.Line($"Kernels.Normalization.LayerNorm({c.Source}, {c.Destination}, {ParameterSlice("p", 0)}, {ParameterSlice("p", 1)}, {saved}, {c.Batch}, {F}, {Literal.Float(Epsilon)});");
    }

    public override void EmitBackward(BackwardContext c) =>
        c.W.Line($"Kernels.Normalization.LayerNormBackward({c.Gradient}, {c.Scratch("xHat")}, {c.Scratch("invStd")}, {ParameterSlice("p", 0)}, {ParameterSlice("grad", 0)}, {ParameterSlice("grad", 1)}, batch, {F});");
}
