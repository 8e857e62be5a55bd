using System.Linq;
using StaticNet.Generators.Diagnostics;
using StaticNet.Generators.Model;
using StaticNet.Generators.Parsing;

namespace StaticNet.Generators.Layers;

/// <summary>
/// The geometry convolutions and pools share: a kernel sliding over the last one or two dimensions of a
/// <c>[C, L]</c> or <c>[C, H, W]</c> map with a stride, over zero padding; PyTorch's output size per spatial dimension,
/// floor((n + 2·padding − kernel) / stride) + 1.
/// </summary>
internal static class SlidingWindow
{
    /// <summary>
    /// Checks the input rank and the window's arguments (reporting SN0027, SN0028, SN0030–SN0033); false when invalid,
    /// or when an earlier layer failed (the input shape is then unknown).
    /// </summary>
    /// <param name="dimensions">1 for the 1-d layers (<c>[C, L]</c>), 2 for the 2-d ones (<c>[C, H, W]</c>).</param>
    /// <param name="strideRule">What the stride must be, for the message (its check is the caller's).</param>
    public static bool Check(LayerContext c, int dimensions, int kernel, int stride, bool strideValid, string strideRule, int padding)
    {
        bool valid = true;
        if (c.ShapeKnown && c.Input.Rank != dimensions + 1)
        {
            string wanted = dimensions == 1 ? "[channels, length]" : "[channels, height, width]";
            string got = c.Input.IsVector ? $"a vector of {c.Input.Size}" : $"a map of {c.Input}";
            c.Report(Descriptors.NeedsMap, c.Name, wanted, got);
            valid = false;
        }
        if (kernel < 1) { c.Report(Descriptors.KernelTooSmall, c.Name, kernel); valid = false; }
        if (!strideValid) { c.Report(Descriptors.StrideInvalid, c.Name, stride, strideRule); valid = false; }
        if (padding < 0) { c.Report(Descriptors.PaddingNegative, c.Name, padding); valid = false; }
        else if (kernel >= 1 && padding >= kernel) c.Report(Descriptors.PaddingAtLeastKernel, c.Name, padding, kernel);
        // After an earlier mistake the input shape is a guess: check the arguments, not the sizes.
        if (!valid || !c.ShapeKnown) return false;
        for (int d = 0; d < dimensions; d++)
        {
            int n = c.Input.Spatial(d);
            if ((long)n + 2L * padding - kernel < 0)
            {
                string size = string.Join("x", Enumerable.Range(0, dimensions).Select(c.Input.Spatial));
                c.Report(Descriptors.OutputTooSmall, c.Name, size, kernel, stride == 0 ? kernel : stride, padding);
                return false;
            }
        }
        return true;
    }

    /// <summary>The output shape: <paramref name="channels"/>, then each spatial size slid over.</summary>
    public static Shape Output(Shape input, int channels, int kernel, int stride, int padding)
    {
        var dimensions = new int[input.Rank];
        dimensions[0] = channels;
        for (int d = 1; d < input.Rank; d++) dimensions[d] = (input.Dimensions[d] + 2 * padding - kernel) / stride + 1;
        return Shape.Of(dimensions);
    }

    /// <summary>The kernels' spatial size arguments: <c>length</c>, or <c>height, width</c>.</summary>
    public static string Sizes(Shape shape) => string.Join(", ", shape.Dimensions.Skip(1));
}
