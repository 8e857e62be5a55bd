using System;
using System.Collections.Generic;
using StaticNet.Generators.Parsing;

namespace StaticNet.Generators.Layers;

/// <summary>Which attribute makes which layer: the one list a new layer kind is added to.</summary>
internal static class LayerKinds
{
    /// <summary>Attribute class name (in namespace StaticNet) → the kind's parser.</summary>
    public static readonly IReadOnlyDictionary<string, Func<LayerContext, Layer?>> Parsers = new Dictionary<string, Func<LayerContext, Layer?>>
    {
        [nameof(DenseAttribute)] = DenseLayer.Parse,
        [nameof(ReLUAttribute)] = ActivationLayer.Parser(Activation.ReLU),
        [nameof(LeakyReLUAttribute)] = ActivationLayer.Parser(Activation.LeakyReLU),
        [nameof(SigmoidAttribute)] = ActivationLayer.Parser(Activation.Sigmoid),
        [nameof(TanhAttribute)] = ActivationLayer.Parser(Activation.Tanh),
        [nameof(GELUAttribute)] = ActivationLayer.Parser(Activation.GELU),
        [nameof(SiLUAttribute)] = ActivationLayer.Parser(Activation.SiLU),
        [nameof(ELUAttribute)] = ActivationLayer.Parser(Activation.ELU),
        [nameof(SoftmaxAttribute)] = SoftmaxLayer.Parse,
        [nameof(DropoutAttribute)] = DropoutLayer.Parse,
        [nameof(BatchNormAttribute)] = BatchNormLayer.Parse,
        [nameof(LayerNormAttribute)] = LayerNormLayer.Parse,
        [nameof(Conv1dAttribute)] = ConvLayer.Parse1d,
        [nameof(Conv2dAttribute)] = ConvLayer.Parse2d,
        [nameof(MaxPool1dAttribute)] = PoolLayer.ParseMax1d,
        [nameof(MaxPool2dAttribute)] = PoolLayer.ParseMax2d,
        [nameof(AvgPool1dAttribute)] = PoolLayer.ParseAvg1d,
        [nameof(AvgPool2dAttribute)] = PoolLayer.ParseAvg2d,
        [nameof(FlattenAttribute)] = FlattenLayer.Parse,
    };

    /// <summary>Every attribute that declares part of a network, besides [Network] itself: [Input], the layers, the losses.</summary>
    public static IEnumerable<string> DeclarationAttributes
    {
        get
        {
            yield return nameof(InputAttribute);
            foreach (string name in Parsers.Keys) yield return name;
            yield return nameof(CrossEntropyLossAttribute);
            yield return nameof(BCEWithLogitsLossAttribute);
            yield return nameof(BCELossAttribute);
            yield return nameof(MSELossAttribute);
        }
    }
}
