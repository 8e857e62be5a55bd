using System.Collections.Generic;
using System.Linq;
using StaticNet.Generators.Layers;
using StaticNet.Generators.Model;

namespace StaticNet.Generators.Emitting;

/// <summary>One step of the generated passes: a layer, with a following ReLU fused into it when its kernel can apply it.</summary>
internal sealed class Step
{
    public Step(Layer layer, Layer? fusedReLU)
    {
        Layer = layer;
        FusedReLU = fusedReLU;
    }

    public Layer Layer { get; }

    public Layer? FusedReLU { get; }

    /// <summary>The comment that heads this step's code in the generated file.</summary>
    public string Heading
    {
        get
        {
            string text = $"Layer {Layer.Module}: {Layer.Describe()}";
            return FusedReLU is null ? text : text + $", then layer {FusedReLU.Module}: ReLU (fused)";
        }
    }
}

/// <summary>The network's layers as steps, plus the sizes the emitters share.</summary>
internal sealed class Plan
{
    public Plan(NetworkModel model)
    {
        Model = model;
        var steps = new List<Step>();
        EquatableArray<Layer> layers = model.Layers;
        for (int i = 0; i < layers.Count; i++)
        {
            Layer layer = layers[i];
            bool fuse = layer.FusesReLU && i + 1 < layers.Count && layers[i + 1] is ActivationLayer { Function: Activation.ReLU };
            steps.Add(new Step(layer, fuse ? layers[++i] : null));
        }
        Steps = steps;
        MaxWidth = layers.Select(l => l.Output.Size).Concat(new[] { model.Input.Size }).Max();
        FirstTrainableStep = steps.FindIndex(s => s.Layer.ParameterCount > 0);
        UsesRandom = model.Loss is not null && layers.Any(l => l.UsesRandom);
    }

    public NetworkModel Model { get; }

    public IReadOnlyList<Step> Steps { get; }

    /// <summary>The widest activation (input included): sizes the scratch and gradient buffers.</summary>
    public int MaxWidth { get; }

    /// <summary>Steps before this one have no parameters, so backpropagation stops here (-1: none).</summary>
    public int FirstTrainableStep { get; }

    /// <summary>The network trains with random masks, so it owns a generator seeded by its constructor.</summary>
    public bool UsesRandom { get; }
}
