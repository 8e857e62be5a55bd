using StaticNet.Generators.Model;
using StaticNet.Generators.Parsing;

namespace StaticNet.Generators.Layers;

/// <summary>
/// <c>[MaxPool1d(k)]</c>, <c>[MaxPool2d(k)]</c>, <c>[AvgPool1d(k)]</c>, <c>[AvgPool2d(k)]</c>: PyTorch's pools per channel,
/// without padding, in floor mode. Max sends each window's gradient to its first maximum in scan order (a NaN wins);
/// average divides by the kernel's element count.
/// </summary>
/// <param name="Max">Max pooling, else average pooling.</param>
/// <param name="Dimensions">1 on <c>[C, L]</c>, 2 on <c>[C, H, W]</c>.</param>
/// <param name="Stride">The stride used (PyTorch's default, the kernel size, already resolved).</param>
internal sealed record PoolLayer(int Module, Shape Input, bool Max, int Dimensions, int Kernel, int Stride)
    : Layer(Module, Input, SlidingWindow.Output(Input, Input.Channels, Kernel, Stride, 0))
{
    public static Layer? ParseMax1d(LayerContext c) => c.Read<MaxPool1dAttribute>() is { } a ? Create(c, true, 1, a.KernelSize, a.Stride) : null;

    public static Layer? ParseMax2d(LayerContext c) => c.Read<MaxPool2dAttribute>() is { } a ? Create(c, true, 2, a.KernelSize, a.Stride) : null;

    public static Layer? ParseAvg1d(LayerContext c) => c.Read<AvgPool1dAttribute>() is { } a ? Create(c, false, 1, a.KernelSize, a.Stride) : null;

    public static Layer? ParseAvg2d(LayerContext c) => c.Read<AvgPool2dAttribute>() is { } a ? Create(c, false, 2, a.KernelSize, a.Stride) : null;

    private static Layer? Create(LayerContext c, bool max, int dimensions, int kernel, int stride)
    {
        if (!SlidingWindow.Check(c, dimensions, kernel, stride, stride >= 0, "it must be at least 0 (0 means the kernel size)", 0)) return null;
        return new PoolLayer(c.Module, c.Input, max, dimensions, kernel, stride == 0 ? kernel : stride);
    }

    private string Kind => Max ? "Max" : "Avg";

    public override string TorchName => $"{Kind}Pool{Dimensions}d";

    public override bool InPlace => false;

    public override bool GradientToNewBuffer => true;

    public override string Describe() => $"{TorchName} {Input} -> {Output} (kernel {Kernel}, stride {Stride})";

    private string Geometry => $"{Input.Channels}, {SlidingWindow.Sizes(Input)}, {Kernel}, {Stride}";

    public override void EmitForward(ForwardContext c) =>
        c.W.Line($"Kernels.Pool.{Kind}Forward{Dimensions}d({c.Source}, {c.Destination}, {c.Batch}, {Geometry});");

    public override void EmitBackward(BackwardContext c)
    {
        if (c.InputGradient is null) return; // nothing before it has parameters
        c.W.Line(Max
            ? $"Kernels.Pool.MaxBackward{Dimensions}d({c.Input}, {c.Output}, {c.Gradient}, {c.InputGradient}, batch, {Geometry});"
            : $"Kernels.Pool.AvgBackward{Dimensions}d({c.Gradient}, {c.InputGradient}, batch, {Geometry});");
    }
}
