namespace StaticNet;

/// <summary>Where one named tensor lives in a network's flat <c>Parameters</c> (or <c>Buffers</c>) span.</summary>
public sealed class ParameterInfo
{
    /// <summary>Creates a description of one tensor.</summary>
    public ParameterInfo(string name, int offset, int length, params int[] shape)
    {
        Name = name;
        Offset = offset;
        Length = length;
        Shape = shape;
    }

    /// <summary>PyTorch's name, e.g. <c>"0.weight"</c>.</summary>
    public string Name { get; }

    /// <summary>Index of the first element in the flat span.</summary>
    public int Offset { get; }

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>Tensor shape, row-major (a dense weight is <c>[out, in]</c>).</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} [{string.Join(", ", Shape)}] at {Offset}";
}
