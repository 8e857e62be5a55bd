namespace StaticNet;

/// <summary>
/// <c>nn.Conv1d(in, outChannels, kernelSize, stride, padding)</c> on a <c>[channels, length]</c> input: a
/// cross-correlation over the zero-padded input, weight <c>[outChannels, in, kernelSize]</c> then bias.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv1dAttribute(int outChannels, int kernelSize) : Attribute
{
    /// <summary>Output channels (filters).</summary>
    public int OutChannels { get; } = outChannels;

    /// <summary>Kernel length.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>Step between output positions; at least 1.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Zeros added at each end of the input.</summary>
    public int Padding { get; set; }

    /// <summary>How the weight is initialised; the default is PyTorch's (weight and bias U(±1/√fan_in), fan_in = in·k).</summary>
    public Init Init { get; set; }
}

/// <summary>
/// <c>nn.Conv2d(in, outChannels, kernelSize, stride, padding)</c> on a <c>[channels, height, width]</c> input, with a
/// square kernel and zero padding on every side: weight <c>[outChannels, in, kernelSize, kernelSize]</c> then bias.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv2dAttribute(int outChannels, int kernelSize) : Attribute
{
    /// <summary>Output channels (filters).</summary>
    public int OutChannels { get; } = outChannels;

    /// <summary>Kernel height and width.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>Step between output positions, in both directions; at least 1.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Zeros added on every side of the input.</summary>
    public int Padding { get; set; }

    /// <summary>How the weight is initialised; the default is PyTorch's (weight and bias U(±1/√fan_in), fan_in = in·k²).</summary>
    public Init Init { get; set; }
}

/// <summary><c>nn.MaxPool1d(kernelSize, stride)</c> on <c>[channels, length]</c>: no padding, floor mode; the gradient goes to the first maximum.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool1dAttribute(int kernelSize) : Attribute
{
    /// <summary>Window length.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>Step between windows; 0 (the default) means the kernel size, as PyTorch's <c>stride=None</c>.</summary>
    public int Stride { get; set; }
}

/// <summary><c>nn.MaxPool2d(kernelSize, stride)</c> on <c>[channels, height, width]</c>: square windows, no padding, floor mode; the gradient goes to the first maximum in scan order.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool2dAttribute(int kernelSize) : Attribute
{
    /// <summary>Window height and width.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>Step between windows; 0 (the default) means the kernel size, as PyTorch's <c>stride=None</c>.</summary>
    public int Stride { get; set; }
}

/// <summary><c>nn.AvgPool1d(kernelSize, stride)</c> on <c>[channels, length]</c>: the mean of each window, no padding, floor mode.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AvgPool1dAttribute(int kernelSize) : Attribute
{
    /// <summary>Window length.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>Step between windows; 0 (the default) means the kernel size, as PyTorch's <c>stride=None</c>.</summary>
    public int Stride { get; set; }
}

/// <summary><c>nn.AvgPool2d(kernelSize, stride)</c> on <c>[channels, height, width]</c>: the mean of each square window, no padding, floor mode.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AvgPool2dAttribute(int kernelSize) : Attribute
{
    /// <summary>Window height and width.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>Step between windows; 0 (the default) means the kernel size, as PyTorch's <c>stride=None</c>.</summary>
    public int Stride { get; set; }
}

/// <summary><c>nn.Flatten()</c>: a <c>[C, L]</c> or <c>[C, H, W]</c> output as one vector per sample, without moving any value. A module of its own (it takes a module index).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FlattenAttribute : Attribute;
