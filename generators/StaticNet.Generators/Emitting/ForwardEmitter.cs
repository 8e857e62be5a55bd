using StaticNet.Generators.Layers;
using StaticNet.Generators.Model;

namespace StaticNet.Generators.Emitting;

/// <summary>
/// Writes <c>Forward</c>: inference semantics (dropout is the identity, BatchNorm uses its running statistics), tiles
/// of samples through two scratch buffers on the stack (or, for a large tile, rented from ArrayPool and returned), so
/// it allocates nothing and is safe to call concurrently on one instance.
/// </summary>
internal static class ForwardEmitter
{
    /// <summary>Scratch of 2 × tile × MaxWidth floats up to this many lives on the stack; more is rented from ArrayPool.</summary>
    private const int MaxStackFloats = 2048;

    /// <summary>
    /// Floats of scratch a full tile may use (both buffers, 2 MB). Each tile packs every layer's weights once, so tiles of
    /// a wide network must still be long (at least <see cref="MinTile"/> samples) for the packing to be a small part.
    /// </summary>
    private const int MaxTileFloats = 1 << 19;

    private const int MinTile = 64, MaxTile = 1024;

    /// <summary>Where an activation lives: the caller's input or output, or one of the two scratch buffers.</summary>
    private enum Place { Input, A, B, Output }

    public static void Emit(CodeWriter w, Plan plan)
    {
        NetworkModel m = plan.Model;
        int tile = System.Math.Max(MinTile, System.Math.Min(MaxTile, MaxTileFloats / (2 * plan.MaxWidth)));

        w.Line("// Samples per inference tile: many, so that each dense call, which packs its weights once, serves many samples.");
        w.Line($"private const int TileSize = {tile};");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Inference for a batch of <c>inputs.Length / InputSize</c> row-major samples, writing <c>batch * OutputSize</c> floats");
        w.Line(m.Loss is { Kind: LossKind.CrossEntropy or LossKind.BCEWithLogits }
            ? "/// (logits). Dropout is the identity and BatchNorm uses its running statistics. Allocates nothing; thread-safe."
            : "/// Dropout is the identity and BatchNorm uses its running statistics. Allocates nothing; thread-safe.");
        w.Line("/// </summary>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">The span lengths do not match InputSize and OutputSize.</exception>");
        w.Open("public void Forward(global::System.ReadOnlySpan<float> inputs, global::System.Span<float> outputs)");
        w.Line("int batch = Kernels.Guard.BatchSize(inputs.Length, InputSize, nameof(inputs));");
        w.Line("Kernels.Guard.Length(outputs.Length, batch * OutputSize, nameof(outputs));");
        if (2 * plan.MaxWidth <= MaxStackFloats)
        {
            w.Open("if (batch == 1)");
            w.Line("// One sample (Predict too): constant-size scratch on the stack, no tiles.");
            w.Line("ForwardTile(inputs, outputs, stackalloc float[2 * MaxWidth], 1);");
            w.Line("return;");
            w.Close();
        }
        w.Line("int tile = global::System.Math.Min(batch, TileSize);");
        w.Line("int length = 2 * tile * MaxWidth;");
        w.Line("// A few samples' scratch lives on the stack; a larger tile's is rented (pooled, so still no garbage).");
        w.Line("float[]? rented = null;");
        w.Line($"global::System.Span<float> scratch = length <= {MaxStackFloats} ? stackalloc float[length] : (rented = global::System.Buffers.ArrayPool<float>.Shared.Rent(length));");
        w.Open("for (int start = 0; start < batch; start += tile)");
        w.Line("int n = global::System.Math.Min(tile, batch - start);");
        w.Line("ForwardTile(inputs.Slice(start * InputSize, n * InputSize), outputs.Slice(start * OutputSize, n * OutputSize), scratch, n);");
        w.Close();
        w.Line("if (rented is not null) global::System.Buffers.ArrayPool<float>.Shared.Return(rented);");
        w.Close();
        w.Line();

        w.Line(NetworkEmitter.HotPath);
        w.Open("private void ForwardTile(global::System.ReadOnlySpan<float> x, global::System.Span<float> y, global::System.Span<float> scratch, int n)");
        w.Line("global::System.ReadOnlySpan<float> p = _parameters;");
        if (m.BufferCount > 0) w.Line("global::System.ReadOnlySpan<float> buffers = _buffers;");
        w.Line("var a = scratch.Slice(0, n * MaxWidth);");
        w.Line("var b = scratch.Slice(n * MaxWidth, n * MaxWidth);");

        var steps = plan.Steps;
        int last = -1;
        for (int i = 0; i < steps.Count; i++) if (!steps[i].Layer.IdentityAtInference && !steps[i].Layer.IsView) last = i;
        if (last < 0) w.Line("x.CopyTo(y); // no layer changes values at inference");
        Place current = Place.Input;
        for (int i = 0; i < steps.Count; i++)
        {
            Step step = steps[i];
            Layer l = step.Layer;
            w.Line();
            w.Line("// " + step.Heading);
            if (l.IsView || l.IdentityAtInference)
            {
                w.Line(l.IsView ? "// (a view: the same floats, nothing to do)" : "// (the identity at inference)");
                continue;
            }
            Place target = i == last ? Place.Output
                : !l.InPlace ? (current == Place.A ? Place.B : Place.A)
                : current == Place.Input ? Place.A : current;
            l.EmitForward(new ForwardContext(w, training: false, "n", Span(current, l.Input.Size), Span(target, l.Output.Size), step.FusedReLU is not null, i + 1));
            current = target;
        }
        w.Close();
        w.Line();
    }

    private static string Span(Place place, int width) => place switch
    {
        Place.Input => "x",
        Place.Output => "y",
        Place.A => $"a.Slice(0, n * {width})",
        _ => $"b.Slice(0, n * {width})",
    };
}
