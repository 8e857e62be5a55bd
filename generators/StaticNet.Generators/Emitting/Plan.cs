using System.Collections.Generic;
using System.Linq;
using StaticNet.Generators.Layers;
using StaticNet.Generators.Model;

namespace StaticNet.Generators.Emitting;

/// <summary>
/// One step of the generated passes: a layer, with a following ReLU fused into it when its kernel can apply it, and, in
/// the inference passes only, a following 2 × 2 max pool (<see cref="Layer.FusesMaxPool"/>).
/// </summary>
internal sealed class Step
{
    public Step(Layer layer, Layer? fusedReLU, PoolLayer? fusedPool = null)
    {
        Layer = layer;
        FusedReLU = fusedReLU;
        FusedPool = fusedPool;
    }

    public Layer Layer { get; }

    public Layer? FusedReLU { get; }

    public PoolLayer? FusedPool { get; }

    /// <summary>What the step writes: the fused pool's output, or the layer's.</summary>
    public Shape Output => FusedPool?.Output ?? Layer.Output;

    /// <summary>The comment that heads this step's code in the generated file.</summary>
    public string Heading
    {
        get
        {
            string text = $"Layer {Layer.Module}: {Layer.Describe()}";
            if (FusedReLU is not null) text += $", then layer {FusedReLU.Module}: ReLU (fused)";
            return FusedPool is null ? text : text + $", then layer {FusedPool.Module}: {FusedPool.TorchName} -> {FusedPool.Output} (fused)";
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
        var inference = new List<Step>();
        for (int i = 0; i < steps.Count; i++)
        {
            Step step = steps[i];
            bool pool = step.Layer.FusesMaxPool && i + 1 < steps.Count
                && steps[i + 1].Layer is PoolLayer { Max: true, Dimensions: 2, Kernel: 2, Stride: 2 };
            inference.Add(pool ? new Step(step.Layer, step.FusedReLU, (PoolLayer)steps[++i].Layer) : step);
        }
        InferenceSteps = inference;
        MaxWidth = layers.Select(l => l.Output.Size).Concat(new[] { model.Input.Size }).Max();
        FirstTrainableStep = steps.FindIndex(s => s.Layer.ParameterCount > 0);
        UsesRandom = model.Loss is not null && layers.Any(l => l.UsesRandom);
    }

    public NetworkModel Model { get; }

    public IReadOnlyList<Step> Steps { get; }

    /// <summary>The steps of the inference passes: <see cref="Steps"/> with 2 × 2 max pools fused into the layer before.</summary>
    public IReadOnlyList<Step> InferenceSteps { get; }

    /// <summary>The widest activation (input included): sizes the scratch and gradient buffers.</summary>
    public int MaxWidth { get; }

    /// <summary>Steps before this one have no parameters, so backpropagation stops here (-1: none).</summary>
    public int FirstTrainableStep { get; }

    /// <summary>The network trains with random masks, so it owns a generator seeded by its constructor.</summary>
    public bool UsesRandom { get; }
}
