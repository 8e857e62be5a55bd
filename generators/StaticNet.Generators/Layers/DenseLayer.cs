using System.Collections.Generic;
using StaticNet.Generators.Diagnostics;
using StaticNet.Generators.Emitting;
using StaticNet.Generators.Model;
using StaticNet.Generators.Parsing;

namespace StaticNet.Generators.Layers;

/// <summary><c>[Dense(units)]</c>: <c>nn.Linear(in, units)</c>, y = x·Wᵀ + b, weight <c>[units, in]</c> then bias.</summary>
internal sealed record DenseLayer(int Module, Shape Input, int Units, Init Init, float L1, float L2)
    : Layer(Module, Input, Shape.Of(Units))
{
    public static Layer? Parse(LayerContext c)
    {
        if (c.Read<DenseAttribute>() is not { } a) return null;
        bool valid = c.RequireVector() & c.CheckSize(a.Units);
        if (!(a.L1 >= 0f) || float.IsInfinity(a.L1)) { c.Report(Descriptors.PenaltyInvalid, c.Name, "L1", a.L1); valid = false; }
        if (!(a.L2 >= 0f) || float.IsInfinity(a.L2)) { c.Report(Descriptors.PenaltyInvalid, c.Name, "L2", a.L2); valid = false; }
        if (!valid || !c.ReserveParameters((long)c.Input.Size * a.Units + a.Units)) return null;
        return new DenseLayer(c.Module, c.Input, a.Units, a.Init, a.L1, a.L2);
    }

    private int In => Input.Size;

    public override string TorchName => "Linear";

    public override string Display => "[Dense]";

    public override IReadOnlyList<Tensor> Parameters => new[] { new Tensor("weight", Units, In), new Tensor("bias", Units) };

    public override bool InPlace => false;

    public override bool GradientToNewBuffer => true;

    public override bool FusesReLU => true;

    public override string Describe() => $"Dense {In} -> {Units} ({TensorPlaces()})";

    public override void EmitInit(CodeWriter w) =>
        w.Line($"Kernels.Initializers.Dense({ParameterSlice("parameters", 0)}, {ParameterSlice("parameters", 1)}, {In}, {Units}, global::StaticNet.Init.{Init}, random);");

    public override string? PackedLength => $"Kernels.Dense.PackedLength({In}, {Units})";

    public override bool StoresWholeVectors => true;

    public override void EmitPack(CodeWriter w, string packed) =>
        w.Line($"Kernels.Dense.Pack({ParameterSlice("parameters", 0)}, {ParameterSlice("parameters", 1)}, {packed}, {In}, {Units});");

    public override IEnumerable<int> SizeTypes => new[] { In, Units };

    public override void EmitForward(ForwardContext c) => c.W.Line(c.OneSample
        ? $"Kernels.Dense.ForwardOne<Size{In}, Size{Units}>({c.Source}, {Packed}, {c.Destination}, relu: {c.ReLU});"
        : c.Frozen
        ? $"Kernels.Dense.ForwardPacked({c.Source}, {Packed}, {c.Destination}, {c.Batch}, {In}, {Units}, relu: {c.ReLU});"
        : $"Kernels.Dense.Forward({c.Source}, {ParameterSlice("p", 0)}, {ParameterSlice("p", 1)}, {c.Destination}, {c.Batch}, {In}, {Units}, relu: {c.ReLU});");

    /// <summary>The snapshot's packed copy of this layer (its offset is a field set by Freeze).</summary>
    private string Packed => $"_packed.Slice(_packed{Module}, {PackedLength})";

    public override void EmitBackward(BackwardContext c)
    {
        c.W.Line($"Kernels.Dense.BackwardParameters({c.Gradient}, {c.Input}, {ParameterSlice("grad", 0)}, {ParameterSlice("grad", 1)}, batch, {In}, {Units});");
        if (c.InputGradient is not null)
            c.W.Line(c.InputThroughReLU
                ? $"Kernels.Dense.BackwardInput({c.Gradient}, {ParameterSlice("p", 0)}, {c.InputGradient}, batch, {In}, {Units}, reluOutput: {c.Input}); // and through the ReLU before"
                : $"Kernels.Dense.BackwardInput({c.Gradient}, {ParameterSlice("p", 0)}, {c.InputGradient}, batch, {In}, {Units});");
    }

    public override bool MasksInputGradient => true;

    public override bool HasPenalty => L1 != 0f || L2 != 0f;

    public override void EmitPenalty(CodeWriter w)
    {
        if (!HasPenalty) return;
        w.Line($"loss += Kernels.Losses.Penalty({ParameterSlice("p", 0)}, {ParameterSlice("grad", 0)}, {Literal.Float(L1)}, {Literal.Float(L2)}); // layer {Module}");
    }
}
