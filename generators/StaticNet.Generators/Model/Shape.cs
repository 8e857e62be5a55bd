using System.Linq;

namespace StaticNet.Generators.Model;

/// <summary>
/// The per-sample shape of an activation, PyTorch's order with channels first: <c>[features]</c>, <c>[channels, length]</c>
/// or <c>[channels, height, width]</c>. A batch is row-major <c>[batch, ...shape]</c>, each sample's floats contiguous.
/// </summary>
internal sealed record Shape(EquatableArray<int> Dimensions)
{
    public static Shape Of(params int[] dimensions) => new(dimensions.ToEquatableArray());

    public int Rank => Dimensions.Count;

    public bool IsVector => Rank == 1;

    /// <summary>Floats per sample.</summary>
    public int Size => Dimensions.Aggregate(1, (product, d) => product * d);

    /// <summary>The first dimension: features of a vector, channels of a map.</summary>
    public int Channels => Dimensions[0];

    /// <summary>Floats per channel (1 for a vector).</summary>
    public int Positions => Rank == 1 ? 1 : Size / Channels;

    /// <summary>The spatial dimensions (after the channels) of a map.</summary>
    public int Spatial(int index) => Dimensions[1 + index];

    /// <summary>As in the generated comments: <c>64</c>, <c>8x8</c>, <c>1x8x8</c>.</summary>
    public override string ToString() => string.Join("x", Dimensions);

    /// <summary>As PyTorch prints a shape: <c>[1, 8, 8]</c>.</summary>
    public string ToList() => "[" + string.Join(", ", Dimensions) + "]";
}
