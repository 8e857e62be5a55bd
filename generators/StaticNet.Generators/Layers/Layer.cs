using System.Collections.Generic;
using System.Linq;
using StaticNet.Generators.Emitting;
using StaticNet.Generators.Model;

namespace StaticNet.Generators.Layers;

/// <summary>
/// One module of the network: what a layer kind knows about itself. Each kind is one sealed record in its own file
/// under <c>Layers/</c>, holding how it reads its attribute (a static <c>Parse</c> registered in
/// <see cref="LayerKinds"/>), its shape rule, its tensors, its initialisation, the code of its forward and backward
/// passes, the training workspace it needs and the comment that heads its block. The record's fields are plain
/// values, so the model compares by value and the incremental pipeline caches.
/// </summary>
/// <param name="Module">Index in the equivalent <c>nn.Sequential</c>: the prefix of the PyTorch parameter names.</param>
/// <param name="Input">Per-sample input shape.</param>
/// <param name="Output">Per-sample output shape.</param>
internal abstract record Layer(int Module, Shape Input, Shape Output)
{
    /// <summary>Where this layer's first parameter tensor starts in the flat Parameters span (set by the parser).</summary>
    public int ParameterOffset { get; init; }

    /// <summary>Where this layer's first buffer starts in the flat Buffers span (set by the parser).</summary>
    public int BufferOffset { get; init; }

    /// <summary>The PyTorch module class, as <c>print(model)</c> names it (<c>Linear</c>, <c>ReLU</c>, ...).</summary>
    public abstract string TorchName { get; }

    /// <summary>The attribute as the user writes it, for messages: <c>[Dense]</c>.</summary>
    public virtual string Display => "[" + TorchName + "]";

    /// <summary>How every message names the layer: <c>[Dense] (module 2)</c>.</summary>
    public string Name => $"{Display} (module {Module})";

    /// <summary>Trainable tensors in <c>named_parameters()</c> order, with PyTorch shapes.</summary>
    public virtual IReadOnlyList<Tensor> Parameters => Tensor.None;

    /// <summary>Non-trainable tensors in <c>state_dict</c> order (BatchNorm running statistics).</summary>
    public virtual IReadOnlyList<Tensor> Buffers => Tensor.None;

    /// <summary>The block heading after <c>Layer N: </c>, with shapes and where the tensors live.</summary>
    public abstract string Describe();

    /// <summary>Writes the constructor's initialisation of this layer's tensors from <c>random</c>.</summary>
    public virtual void EmitInit(CodeWriter w) { }

    /// <summary>Writes the forward pass (inference or training semantics, per <see cref="ForwardContext.Training"/>).</summary>
    public abstract void EmitForward(ForwardContext c);

    /// <summary>Writes the backward pass: turns the output gradient into the parameter gradients and, when asked, the input gradient.</summary>
    public virtual void EmitBackward(BackwardContext c) { }

    /// <summary>The layer declares an L1 or L2 penalty (see <see cref="EmitPenalty"/>).</summary>
    public virtual bool HasPenalty => false;

    /// <summary>Writes the L1/L2 penalty declared on the layer: adds it to <c>loss</c> and its gradient to <c>grad</c>.</summary>
    public virtual void EmitPenalty(CodeWriter w) { }

    /// <summary>What the training forward keeps for the backward pass, besides the layer's output.</summary>
    public virtual IEnumerable<Scratch> TrainingScratch => Enumerable.Empty<Scratch>();

    /// <summary>At inference the output may overwrite the input (elementwise layers).</summary>
    public virtual bool InPlace => true;

    /// <summary>Forward at inference changes nothing (Dropout), so no code is written for it.</summary>
    public virtual bool IdentityAtInference => false;

    /// <summary>The output is the input's floats with another shape (Flatten): no code and no buffer, in any pass.</summary>
    public virtual bool IsView => false;

    /// <summary>
    /// The backward pass writes the input gradient into another buffer (matrix layers, pooling) rather than turning the
    /// output gradient into it in place (elementwise layers, normalisation).
    /// </summary>
    public virtual bool GradientToNewBuffer => false;

    /// <summary>
    /// The backward pass can take the gradient of a ReLU fused into the previous layer inside its input-gradient product
    /// (<see cref="BackwardContext.InputThroughReLU"/>), instead of a separate pass over the gradient.
    /// </summary>
    public virtual bool MasksInputGradient => false;

    /// <summary>
    /// The code that makes this layer's packed copy in a frozen snapshot, or null when it reads the parameters as they
    /// are: a length (an expression, since it depends on the machine's vector width) and the packing into a span of it.
    /// </summary>
    public virtual string? PackedLength => null;

    /// <summary>Writes the packing of this layer's weights into <paramref name="packed"/> (a span of <see cref="PackedLength"/> floats).</summary>
    public virtual void EmitPack(CodeWriter w, string packed) { }

    /// <summary>
    /// The frozen kernel stores whole vectors for one sample (up to the width rounded up to 32), so its destination
    /// must be scratch with that room, never the caller's output.
    /// </summary>
    public virtual bool StoresWholeVectors => false;

    /// <summary>Sizes the frozen one-sample kernels take as type arguments (<c>SizeN</c> structs declared in the snapshot).</summary>
    public virtual IEnumerable<int> SizeTypes => Enumerable.Empty<int>();

    /// <summary>A following ReLU can be applied inside this layer's kernel (while the sum is in a register).</summary>
    public virtual bool FusesReLU => false;

    /// <summary>Its inference kernel can also apply a following <c>MaxPool2d(2)</c> (after its ReLU, if fused too).</summary>
    public virtual bool FusesMaxPool => false;

    /// <summary>An activation function, for the "two activations in a row" and loss-wiring checks.</summary>
    public virtual bool IsActivation => false;

    /// <summary>The layer draws random numbers while training (dropout masks).</summary>
    public virtual bool UsesRandom => false;

    public int ParameterCount => Parameters.Sum(t => t.Length);

    public int BufferCount => Buffers.Sum(t => t.Length);

    /// <summary>Offset of parameter tensor <paramref name="index"/> in the flat Parameters span.</summary>
    public int ParameterAt(int index) => ParameterOffset + Parameters.Take(index).Sum(t => t.Length);

    /// <summary>Offset of buffer <paramref name="index"/> in the flat Buffers span.</summary>
    public int BufferAt(int index) => BufferOffset + Buffers.Take(index).Sum(t => t.Length);

    /// <summary><c>span.Slice(offset, length)</c> of parameter tensor <paramref name="index"/> (in Parameters or Gradients).</summary>
    public string ParameterSlice(string span, int index) => $"{span}.Slice({ParameterAt(index)}, {Parameters[index].Length})";

    /// <summary><c>buffers.Slice(offset, length)</c> of buffer <paramref name="index"/>.</summary>
    public string BufferSlice(int index) => $"buffers.Slice({BufferAt(index)}, {Buffers[index].Length})";

    /// <summary>"weight [16, 1, 3, 3] at 0, bias at 144": where the parameter tensors live, for the block comment.</summary>
    protected string TensorPlaces() =>
        string.Join(", ", Parameters.Select((t, i) => i == 0 ? $"{t.Name} {t.ShapeText} at {ParameterAt(i)}" : $"{t.Name} at {ParameterAt(i)}"));
}

/// <summary>A named tensor of a layer: <c>weight</c>, <c>bias</c>, <c>running_mean</c>, ... with its PyTorch shape.</summary>
internal sealed class Tensor
{
    public static readonly IReadOnlyList<Tensor> None = new Tensor[0];

    public Tensor(string name, params int[] shape)
    {
        Name = name;
        Shape = shape;
    }

    public string Name { get; }

    public int[] Shape { get; }

    public int Length => Shape.Aggregate(1, (product, d) => product * d);

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>A slice of the training workspace that one layer keeps between its forward and backward passes.</summary>
/// <param name="Name">Variable name prefix; the step number is appended.</param>
/// <param name="PerSample">Floats per sample of the batch.</param>
/// <param name="Fixed">Floats independent of the batch size.</param>
internal sealed record Scratch(string Name, int PerSample, int Fixed, string Comment);

/// <summary>What a layer's forward code reads and writes. The same call serves inference and training.</summary>
internal sealed class ForwardContext
{
    public ForwardContext(CodeWriter writer, bool training, bool frozen, bool oneSample, string batch, string source, string destination, bool fusedReLU, int step,
        bool fusedMaxPool = false)
    {
        W = writer; Training = training; Frozen = frozen; OneSample = oneSample; Batch = batch; Source = source; Destination = destination; FusedReLU = fusedReLU; Step = step;
        FusedMaxPool = fusedMaxPool;
    }

    public CodeWriter W { get; }

    /// <summary>Training semantics (dropout drops, BatchNorm uses and updates batch statistics) rather than inference.</summary>
    public bool Training { get; }

    /// <summary>In a frozen snapshot: weights packed by <see cref="Layer.EmitPack"/> are there to read.</summary>
    public bool Frozen { get; }

    /// <summary>The frozen snapshot's one-sample path: the batch is 1, and the sizes of <see cref="Layer.SizeTypes"/> exist as types.</summary>
    public bool OneSample { get; }

    /// <summary>The variable holding the number of samples.</summary>
    public string Batch { get; }

    /// <summary>The input activation span.</summary>
    public string Source { get; }

    /// <summary>The output activation span.</summary>
    public string Destination { get; }

    /// <summary>The next module is a ReLU that this layer applies itself.</summary>
    public bool FusedReLU { get; }

    /// <summary>A <c>MaxPool2d(2)</c> follows (after the ReLU, if fused), and this layer applies it too (<see cref="Layer.FusesMaxPool"/>).</summary>
    public bool FusedMaxPool { get; }

    private int Step { get; }

    /// <summary>The workspace slice named <paramref name="name"/> in <see cref="Layer.TrainingScratch"/> (training only).</summary>
    public string Scratch(string name) => name + Step;

    public string ReLU => FusedReLU ? "true" : "false";
}

/// <summary>What a layer's backward code reads and writes.</summary>
internal sealed class BackwardContext
{
    public BackwardContext(CodeWriter writer, string input, string output, string gradient, string? inputGradient, bool fusedReLU, int step,
        bool inputThroughReLU = false)
    {
        W = writer; Input = input; Output = output; Gradient = gradient; InputGradient = inputGradient; FusedReLU = fusedReLU; Step = step;
        InputThroughReLU = inputThroughReLU;
    }

    public CodeWriter W { get; }

    public string Batch => "batch";

    /// <summary>The layer's input activation, saved by the training forward.</summary>
    public string Input { get; }

    /// <summary>The layer's output activation (after a fused ReLU).</summary>
    public string Output { get; }

    /// <summary>d(loss)/d(output), which the layer may overwrite (in-place layers turn it into d(loss)/d(input)).</summary>
    public string Gradient { get; }

    /// <summary>
    /// Where a <see cref="Layer.GradientToNewBuffer"/> layer writes d(loss)/d(input); null when no earlier layer has
    /// parameters, so the input gradient is not needed.
    /// </summary>
    public string? InputGradient { get; }

    public bool FusedReLU { get; }

    /// <summary>
    /// The input is the output of the previous layer's fused ReLU, and the input gradient must pass through that ReLU
    /// here (<see cref="Layer.MasksInputGradient"/>): masked by <see cref="Input"/> &gt; 0 as it is written.
    /// </summary>
    public bool InputThroughReLU { get; }

    private int Step { get; }

    public string Scratch(string name) => name + Step;
}
