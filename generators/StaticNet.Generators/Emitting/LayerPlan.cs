using System.Collections.Generic;
using System.Globalization;
using StaticNet.Generators.Model;

namespace StaticNet.Generators.Emitting;

/// <summary>
/// One step of the generated forward pass: a layer, with a following ReLU fused into a Dense layer
/// (the Dense kernel applies it while the sum is still in a register).
/// </summary>
internal sealed class LayerStep
{
    public LayerStep(LayerModel layer, LayerModel? fusedReLU)
    {
        Layer = layer;
        FusedReLU = fusedReLU;
    }

    public LayerModel Layer { get; }

    public LayerModel? FusedReLU { get; }

    public int InputSize => Layer.InputSize;

    public int OutputSize => Layer.OutputSize;

    /// <summary>The comment that heads this step's code in the generated file.</summary>
    public string Describe()
    {
        LayerModel l = Layer;
        string text = l.Kind switch
        {
            LayerKind.Dense => $"Layer {l.Module}: Dense {l.InputSize} -> {l.OutputSize} (weight [{l.OutputSize}, {l.InputSize}] at {l.WeightOffset}, bias at {l.BiasOffset})",
            LayerKind.LeakyReLU => $"Layer {l.Module}: LeakyReLU(negative_slope {Plan.Number(l.Argument)}) over {l.OutputSize}",
            LayerKind.ELU => $"Layer {l.Module}: ELU(alpha {Plan.Number(l.Argument)}) over {l.OutputSize}",
            LayerKind.Dropout => $"Layer {l.Module}: Dropout(p {Plan.Number(l.Argument)}) over {l.OutputSize}",
            LayerKind.BatchNorm => $"Layer {l.Module}: BatchNorm {l.OutputSize} (weight at {l.WeightOffset}, bias at {l.BiasOffset}; running_mean at {l.BufferOffset}, running_var at {l.BufferOffset + l.OutputSize} in Buffers)",
            LayerKind.LayerNorm => $"Layer {l.Module}: LayerNorm {l.OutputSize} (weight at {l.WeightOffset}, bias at {l.BiasOffset})",
            _ => $"Layer {l.Module}: {l.Kind} over {l.OutputSize}",
        };
        return FusedReLU is null ? text : text + $", then layer {FusedReLU.Module}: ReLU (fused)";
    }
}

/// <summary>The network's layers as forward steps, plus the sizes the emitters share.</summary>
internal sealed class Plan
{
    public Plan(NetworkModel model)
    {
        Model = model;
        var steps = new List<LayerStep>();
        EquatableArray<LayerModel> layers = model.Layers;
        for (int i = 0; i < layers.Count; i++)
        {
            LayerModel layer = layers[i];
            if (layer.Kind == LayerKind.Dense && i + 1 < layers.Count && layers[i + 1].Kind == LayerKind.ReLU)
            {
                steps.Add(new LayerStep(layer, layers[i + 1]));
                i++;
            }
            else steps.Add(new LayerStep(layer, null));
        }
        Steps = steps;

        int max = model.InputSize;
        foreach (LayerModel layer in layers) max = System.Math.Max(max, layer.OutputSize);
        MaxWidth = max;

        FirstTrainableStep = steps.FindIndex(s => s.Layer.HasParameters);
    }

    public NetworkModel Model { get; }

    public IReadOnlyList<LayerStep> Steps { get; }

    /// <summary>The widest activation (input included): sizes the scratch and gradient buffers.</summary>
    public int MaxWidth { get; }

    /// <summary>Steps before this one have no parameters, so backpropagation stops here (-1: none).</summary>
    public int FirstTrainableStep { get; }

    public bool HasDropout => Model.Layers.Any(l => l.Kind == LayerKind.Dropout);

    /// <summary>A float as a round-trip C# literal.</summary>
    public static string Float(float value) => Number(value) + "f";

    /// <summary>A float as round-trip text, for comments.</summary>
    public static string Number(float value) => value.ToString("R", CultureInfo.InvariantCulture);
}

internal static class EnumerableExtensions
{
    public static bool Any<T>(this EquatableArray<T> items, System.Func<T, bool> predicate) where T : System.IEquatable<T>
    {
        foreach (T item in items) if (predicate(item)) return true;
        return false;
    }
}
