using System.Collections.Generic;
using StaticNet.Generators.Diagnostics;
using StaticNet.Generators.Emitting;
using StaticNet.Generators.Model;
using StaticNet.Generators.Parsing;

namespace StaticNet.Generators.Layers;

/// <summary>
/// <c>[BatchNorm]</c>: <c>nn.BatchNorm1d(features)</c> on a vector, and over channels on a map: <c>nn.BatchNorm1d(C)</c>
/// on <c>[C, L]</c>, <c>nn.BatchNorm2d(C)</c> on <c>[C, H, W]</c> (statistics per channel over the batch and the positions).
/// Batch statistics while training (updating the running ones), running statistics at inference.
/// </summary>
internal sealed record BatchNormLayer(int Module, Shape Input, float Epsilon, float Momentum) : Layer(Module, Input, Input)
{
    public static Layer? Parse(LayerContext c)
    {
        if (c.Read<BatchNormAttribute>() is not { } a) return null;
        bool valid = true;
        if (!(a.Epsilon > 0f) || float.IsInfinity(a.Epsilon)) { c.Report(Descriptors.EpsilonNotPositive, c.Name, a.Epsilon); valid = false; }
        if (!(a.Momentum >= 0f && a.Momentum <= 1f)) { c.Report(Descriptors.MomentumOutOfRange, c.Name, a.Momentum); valid = false; }
        if (!valid || !c.ReserveParameters(2L * c.Input.Channels)) return null;
        return new BatchNormLayer(c.Module, c.Input, a.Epsilon, a.Momentum);
    }

    private int C => Input.Channels;

    public override string TorchName => Input.Rank == 3 ? "BatchNorm2d" : "BatchNorm1d";

    public override string Display => "[BatchNorm]";

    public override IReadOnlyList<Tensor> Parameters => new[] { new Tensor("weight", C), new Tensor("bias", C) };

    public override IReadOnlyList<Tensor> Buffers => new[] { new Tensor("running_mean", C), new Tensor("running_var", C) };

    public override IEnumerable<Scratch> TrainingScratch => new[]
    {
        new Scratch("xHat", Input.Size, 0, $"normalised input of layer {Module}"),
        new Scratch("invStd", 0, C, $"1/√(var + eps) per {(Input.IsVector ? "feature" : "channel")} of layer {Module}"),
    };

    public override string Describe() =>
        $"{TorchName} over {Input} ({(Input.IsVector ? "" : $"{C} channels of {Input.Positions} positions; ")}weight at {ParameterAt(0)}, bias at {ParameterAt(1)}; running_mean at {BufferAt(0)}, running_var at {BufferAt(1)} in Buffers)";

    public override void EmitInit(CodeWriter w)
    {
        w.Line($"{ParameterSlice("parameters", 0)}.Fill(1f); // weight 1, bias 0");
        w.Line($"{BufferSlice(1)}.Fill(1f); // running_var 1, running_mean 0");
    }

    /// <summary>The kernels' size arguments: features for a vector, channels and positions for a map.</summary>
    private string Sizes(string batch) => Input.IsVector ? $"{batch}, {C}" : $"{batch}, {C}, {Input.Positions}";

    private string Kernel(string name) => Input.IsVector ? $"Kernels.Normalization.BatchNorm{name}" : $"Kernels.Normalization.BatchNormChannels{name}";

    public override void EmitForward(ForwardContext c)
    {
        string common = $"{c.Source}, {c.Destination}, {ParameterSlice("p", 0)}, {ParameterSlice("p", 1)}, {BufferSlice(0)}, {BufferSlice(1)}";
        c.W.Line(c.Training
            ? $"{Kernel("Train")}({common}, {c.Scratch("xHat")}, {c.Scratch("invStd")}, {Sizes(c.Batch)}, {Literal.Float(Epsilon)}, {Literal.Float(Momentum)});"
            : $"{Kernel("Eval")}({common}, {Sizes(c.Batch)}, {Literal.Float(Epsilon)});");
    }

    public override void EmitBackward(BackwardContext c) =>
        c.W.Line($"{Kernel("Backward")}({c.Gradient}, {c.Scratch("xHat")}, {c.Scratch("invStd")}, {ParameterSlice("p", 0)}, {ParameterSlice("grad", 0)}, {ParameterSlice("grad", 1)}, {Sizes("batch")});");
}
