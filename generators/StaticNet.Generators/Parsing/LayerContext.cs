using System;
using Microsoft.CodeAnalysis;
using StaticNet.Generators.Diagnostics;
using StaticNet.Generators.Model;

namespace StaticNet.Generators.Parsing;

/// <summary>What a layer kind's <c>Parse</c> sees: its attribute, where it stands, the shape it receives, and a place for diagnostics.</summary>
internal sealed class LayerContext
{
    private readonly Action<DiagnosticDescriptor, Location?, object[]> _report;
    private readonly Func<LayerContext, long, bool> _reserveParameters;

    public LayerContext(AttributeData data, Location location, string display, int module, Shape input, bool shapeKnown,
        Action<DiagnosticDescriptor, Location?, object[]> report, Func<LayerContext, long, bool> reserveParameters)
    {
        Data = data; Location = location; Display = display; Module = module; Input = input; ShapeKnown = shapeKnown;
        _report = report; _reserveParameters = reserveParameters;
    }

    public AttributeData Data { get; }

    /// <summary>The attribute in source: every diagnostic of the layer points here.</summary>
    public Location Location { get; }

    /// <summary>The attribute as the user wrote its name, e.g. <c>[Dense]</c>.</summary>
    public string Display { get; }

    /// <summary>The module index in the equivalent <c>nn.Sequential</c>, used by every message to name the layer.</summary>
    public int Module { get; }

    /// <summary>The per-sample shape this layer receives.</summary>
    public Shape Input { get; }

    /// <summary>
    /// False after an earlier layer failed: <see cref="Input"/> is then a guess, so shape rules report nothing (one
    /// mistake, one error).
    /// </summary>
    public bool ShapeKnown { get; }

    /// <summary>How every message names the layer: <c>[Dense] (module 2)</c>.</summary>
    public string Name => $"{Display} (module {Module})";

    /// <summary>The runtime attribute with the user's arguments, or null when an argument is not a constant.</summary>
    public T? Read<T>() where T : Attribute => AttributeReader.Create<T>(Data);

    public void Report(DiagnosticDescriptor descriptor, params object[] args) => _report(descriptor, Location, args);

    /// <summary>
    /// Adds <paramref name="count"/> parameters to the network's total; false (and SN0024 reported) when that passes the
    /// limit. Counted in 64 bits, so a layer can check before its tensor sizes would overflow an int.
    /// </summary>
    public bool ReserveParameters(long count) => _reserveParameters(this, count);

    /// <summary>Checks a size (units, channels) and reports SN0007/SN0008.</summary>
    public bool CheckSize(int size)
    {
        if (size <= 0) { Report(Descriptors.SizeNotPositive, Name, size); return false; }
        if (size > NetworkParser.MaxUnits) { Report(Descriptors.SizeTooLarge, Name, size); return false; }
        return true;
    }

    /// <summary>Reports SN0026 unless the input is a vector (layers that mix all features, and losses).</summary>
    public bool RequireVector()
    {
        if (Input.IsVector || !ShapeKnown) return true;
        Report(Descriptors.NeedsFlatten, Name, Input.ToString());
        return false;
    }
}
