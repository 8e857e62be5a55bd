using System.Collections.Generic;
using System.Linq;
using StaticNet.Generators.Layers;
using StaticNet.Generators.Model;

namespace StaticNet.Generators.Emitting;

/// <summary>
/// Writes <c>Forward</c>, for the network and for its frozen snapshot: inference semantics (dropout is the identity,
/// BatchNorm uses its running statistics), tiles of samples through two scratch buffers on the stack (or, for a large
/// tile, rented from ArrayPool and returned), so it allocates nothing and is safe to call concurrently on one instance.
/// The snapshot's dense layers read weights packed once by <c>Freeze()</c>, and one sample takes its own method in
/// which the batch is the constant 1, so every kernel inlines with constant sizes.
/// </summary>
internal static class ForwardEmitter
{
    /// <summary>Scratch of 2 × tile × MaxWidth floats up to this many lives on the stack; more is rented from ArrayPool.</summary>
    private const int MaxStackFloats = 2048;

    /// <summary>The frozen one-sample path keeps its scratch on the stack up to this many floats (32 KB).</summary>
    private const int MaxOneSampleFloats = 8192;

    /// <summary>
    /// Floats of scratch a tile's two buffers may use: 256 KB, so that each layer's output is still in L2 when the next
    /// layer reads it (measured on the digits CNN: tiles of 512 samples, whose 1 MB activations left L2, made each
    /// max pool 2-3 times slower).
    /// </summary>
    private const int CachedTileFloats = 1 << 16;

    /// <summary>
    /// A layer with at least this many weights streams them from beyond L2 for every tile, and the network packs them
    /// for every tile: then tiles are long instead (up to 2 MB of scratch, at least <see cref="MinLongTile"/> samples).
    /// </summary>
    private const int LargeWeights = 1 << 16;

    private const int LongTileFloats = 1 << 19, MinLongTile = 64, MinTile = 16, MaxTile = 1024;

    /// <summary>Samples per tile: cache-sized, unless large weights make long tiles pay (see <see cref="LargeWeights"/>).</summary>
    public static int TileSize(Plan plan)
    {
        bool largeWeights = plan.Model.Layers.Any(l => l.Parameters.Count > 0 && l.Parameters[0].Length >= LargeWeights);
        int tile = largeWeights
            ? System.Math.Max(MinLongTile, LongTileFloats / (2 * plan.MaxWidth))
            : System.Math.Max(MinTile, CachedTileFloats / (2 * plan.MaxWidth));
        return System.Math.Min(MaxTile, tile);
    }

    /// <summary>Where an activation lives: the caller's input or output, or one of the two scratch buffers.</summary>
    private enum Place { Input, A, B, Output }

    /// <summary>
    /// Widths rounded up to whole panels of any vector width, for kernels that store whole vectors: a panel is one vector
    /// for up to a vector's width (16 floats at most, AVX-512), else two (32 floats at most).
    /// </summary>
    public static int Padded(int width) => width <= 16 ? 16 : (width + 31) / 32 * 32;

    /// <summary>
    /// Floats of the frozen one-sample path's two scratch buffers: each holds the widest output routed to it, rounded up
    /// to whole vectors where the kernel stores whole vectors (the input is read where it is; C# zeroes stack scratch,
    /// and the JIT zeroes up to 256 bytes inline but calls a helper beyond, so less is faster).
    /// </summary>
    public static (int A, int B) OneSampleWidths(Plan plan)
    {
        int a = 0, b = 0;
        foreach (var (step, _, target, whole) in Route(plan, one: true))
        {
            int width = whole ? Padded(step.Output.Size) : step.Output.Size;
            if (target == Place.A) a = System.Math.Max(a, width);
            else if (target == Place.B) b = System.Math.Max(b, width);
        }
        return (System.Math.Max(a, 1), System.Math.Max(b, 1));
    }

    public static bool HasOneSamplePath(Plan plan)
    {
        var (a, b) = OneSampleWidths(plan);
        return a + b <= MaxOneSampleFloats;
    }

    public static void Emit(CodeWriter w, Plan plan, bool frozen)
    {
        NetworkModel m = plan.Model;
        w.Line("// Samples per inference tile: as many as keep the activations in L2, or more where large weights pay for it.");
        w.Line($"private const int TileSize = {TileSize(plan)};");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Inference for a batch of <c>inputs.Length / InputSize</c> row-major samples, writing <c>batch * OutputSize</c> floats");
        w.Line(m.Loss is { Kind: LossKind.CrossEntropy or LossKind.BCEWithLogits }
            ? "/// (logits). Dropout is the identity and BatchNorm uses its running statistics. Allocates nothing; thread-safe."
            : "/// Dropout is the identity and BatchNorm uses its running statistics. Allocates nothing; thread-safe.");
        w.Line("/// </summary>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">The span lengths do not match InputSize and OutputSize.</exception>");
        w.Line(NetworkEmitter.HotPath);
        w.Open("public void Forward(global::System.ReadOnlySpan<float> inputs, global::System.Span<float> outputs)");
        w.Line("int batch = Kernels.Guard.BatchSize(inputs.Length, InputSize, nameof(inputs));");
        w.Line("Kernels.Guard.Length(outputs.Length, batch * OutputSize, nameof(outputs));");
        bool one = frozen ? HasOneSamplePath(plan) : 2 * plan.MaxWidth <= MaxStackFloats;
        if (one)
        {
            w.Open("if (batch == 1)");
            if (frozen) w.Line("// One sample (Predict too): its own path, with the batch a constant.");
            else w.Line("// One sample (Predict too): constant-size scratch on the stack, no tiles.");
            w.Line(frozen ? "ForwardOne(inputs, outputs);" : "ForwardTile(inputs, outputs, stackalloc float[2 * MaxWidth], 1);");
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
        w.Line("var a = scratch.Slice(0, n * MaxWidth);");
        w.Line("var b = scratch.Slice(n * MaxWidth, n * MaxWidth);");
        Body(w, plan, frozen, one: false);
        w.Close();
        w.Line();

        if (frozen && one)
        {
            var (a, b) = OneSampleWidths(plan);
            w.Line(NetworkEmitter.HotPath);
            w.Open("private void ForwardOne(global::System.ReadOnlySpan<float> x, global::System.Span<float> y)");
            w.Line("const int n = 1;");
            w.Line($"// Scratch rounded up to whole vectors (the dense kernel stores whole vectors), cache-line aligned.");
            w.Line($"global::System.Span<float> scratch = Kernels.AlignedStore.Align(stackalloc float[{a + b} + Kernels.AlignedStore.Slack]);");
            w.Line($"var a = scratch.Slice(0, {a});");
            w.Line($"var b = scratch.Slice({a}, {b});");
            Body(w, plan, frozen, one: true);
            w.Close();
            w.Line();
        }
    }

    private static void Body(CodeWriter w, Plan plan, bool frozen, bool one)
    {
        NetworkModel m = plan.Model;
        w.Line("global::System.ReadOnlySpan<float> p = _parameters;");
        if (m.BufferCount > 0) w.Line("global::System.ReadOnlySpan<float> buffers = _buffers;");
        var route = Route(plan, one);
        if (route.Count == 0) w.Line("x.CopyTo(y); // no layer changes values at inference");
        int next = 0;
        for (int i = 0; i < plan.InferenceSteps.Count; i++)
        {
            Step step = plan.InferenceSteps[i];
            Layer l = step.Layer;
            w.Line();
            w.Line("// " + step.Heading);
            if (next == route.Count || route[next].Step != step)
            {
                w.Line(l.IsView ? "// (a view: the same floats, nothing to do)" : "// (the identity at inference)");
                continue;
            }
            var (_, source, target, whole) = route[next++];
            string destination = whole ? Span(target, Padded(step.Output.Size), exact: false) : Span(target, step.Output.Size, exact: true);
            l.EmitForward(new ForwardContext(w, training: false, frozen, one, "n", Span(source, l.Input.Size, exact: true), destination, step.FusedReLU is not null, i + 1,
                fusedMaxPool: step.FusedPool is not null));
        }
        // In the one-sample path a kernel that stores whole vectors cannot write the caller's y: it ends in scratch, then a copy.
        if (route.Count > 0 && route[route.Count - 1].Target != Place.Output)
            w.Line($"{Span(route[route.Count - 1].Target, m.Output.Size, exact: true)}.CopyTo(y);");
    }

    /// <summary>
    /// Where each step that computes something reads and writes: the scratch buffers alternate (a layer that works in
    /// place stays where it is), and the last step writes y, unless, in the one-sample path, its kernel stores whole
    /// vectors (<c>Whole</c>): then it ends in scratch and the caller copies it out.
    /// </summary>
    private static List<(Step Step, Place Source, Place Target, bool Whole)> Route(Plan plan, bool one)
    {
        var steps = plan.InferenceSteps;
        int last = -1;
        for (int i = 0; i < steps.Count; i++) if (!steps[i].Layer.IdentityAtInference && !steps[i].Layer.IsView) last = i;
        bool copyOut = one && last >= 0 && steps[last].Layer.StoresWholeVectors;
        var route = new List<(Step, Place, Place, bool)>();
        Place current = Place.Input;
        for (int i = 0; i <= last; i++)
        {
            Layer l = steps[i].Layer;
            if (l.IsView || l.IdentityAtInference) continue;
            Place other = current == Place.A ? Place.B : Place.A;
            Place target = i == last && !copyOut ? Place.Output
                : !l.InPlace || i == last ? other
                : current == Place.Input ? Place.A : current;
            route.Add((steps[i], current, target, one && l.StoresWholeVectors && target != Place.Output));
            current = target;
        }
        return route;
    }

    /// <summary>An activation's span; <paramref name="exact"/> false gives the scratch's room for whole vectors instead.</summary>
    private static string Span(Place place, int width, bool exact) => place switch
    {
        Place.Input => "x",
        Place.Output => "y",
        Place.A => exact ? $"a.Slice(0, n * {width})" : $"a.Slice(0, {width})",
        _ => exact ? $"b.Slice(0, n * {width})" : $"b.Slice(0, {width})",
    };
}
