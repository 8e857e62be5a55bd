using System.Collections.Generic;
using System.Linq;
using StaticNet.Generators.Layers;
using StaticNet.Generators.Model;

namespace StaticNet.Generators.Emitting;

/// <summary>
/// Writes <c>ComputeGradients</c> and <c>TrainStep</c>: a train-mode forward that keeps what the backward pass needs in
/// one workspace (sized on the first call of a batch size, reused after), the fused loss, and the backward pass in
/// reverse layer order, writing every gradient once (overwrite, never accumulate).
/// </summary>
internal static class TrainingEmitter
{
    /// <summary>A slice of the workspace: <c>batch * PerSample + Fixed</c> floats at <c>batch * SampleOffset + FixedOffset</c>.</summary>
    private sealed class Region
    {
        public Region(string name, int perSample, int fixedLength, string comment, int sampleOffset, int fixedOffset)
        {
            Name = name; PerSample = perSample; Fixed = fixedLength; Comment = comment; SampleOffset = sampleOffset; FixedOffset = fixedOffset;
        }

        public string Name { get; }
        public int PerSample { get; }
        public int Fixed { get; }
        public string Comment { get; }
        public int SampleOffset { get; }
        public int FixedOffset { get; }

        public string Slice() => $"ws.Slice({Sum($"batch * {SampleOffset}", SampleOffset, FixedOffset)}, {Sum($"batch * {PerSample}", PerSample, Fixed)})";

        private static string Sum(string scaled, int perSample, int constant)
            => perSample == 0 ? constant.ToString() : constant == 0 ? scaled : $"{scaled} + {constant}";
    }

    /// <summary>The workspace: regions in order, each placed after the previous ones.</summary>
    private sealed class Workspace
    {
        public List<Region> Regions { get; } = new();

        public string Add(string name, int perSample, int fixedLength, string comment)
        {
            Regions.Add(new Region(name, perSample, fixedLength, comment, PerSample, Fixed));
            return name;
        }

        public int PerSample => Regions.Sum(r => r.PerSample);

        public int Fixed => Regions.Sum(r => r.Fixed);
    }

    public static void Emit(CodeWriter w, Plan plan)
    {
        NetworkModel m = plan.Model;
        Loss loss = m.Loss!;
        string target = loss.TargetType;
        var steps = plan.Steps;

        // Each step's output (a view shares its input's floats), what its backward needs, then two gradient buffers.
        var workspace = new Workspace();
        var outputs = new string[steps.Count];
        for (int i = 0; i < steps.Count; i++)
        {
            Layer l = steps[i].Layer;
            outputs[i] = l.IsView ? (i == 0 ? "inputs" : outputs[i - 1])
                : workspace.Add($"a{i + 1}", l.Output.Size, 0, $"output of layer {(steps[i].FusedReLU ?? l).Module}");
            foreach (Scratch s in l.TrainingScratch) workspace.Add(s.Name + (i + 1), s.PerSample, s.Fixed, s.Comment);
        }
        workspace.Add("g0", plan.MaxWidth, 0, "gradient buffer");
        workspace.Add("g1", plan.MaxWidth, 0, "gradient buffer");

        w.Line("// Training workspace: WorkspacePerSample floats per sample plus WorkspaceFixed, grown only when a larger batch arrives.");
        w.Line($"private const int WorkspacePerSample = {workspace.PerSample};");
        w.Line($"private const int WorkspaceFixed = {workspace.Fixed};");
        w.Line("private float[] _workspace = global::System.Array.Empty<float>();");
        w.Line("private int _workspaceBatch;");
        w.Line();

        w.Line("/// <summary>");
        w.Line("/// Train-mode forward and backward for a batch: returns the mean loss (plus any L1/L2 penalties declared on layers)");
        w.Line("/// and overwrites <see cref=\"Gradients\"/> with d(loss)/d(parameters). When <paramref name=\"outputs\"/> is not");
        w.Line("/// empty it receives the train-mode output. Allocates only when a batch is larger than any before.");
        w.Line("/// </summary>");
        w.Line($"/// <param name=\"targets\">{loss.TargetsDoc}</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span length does not match the batch.</exception>");
        if (loss.Kind == LossKind.CrossEntropy)
            w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">A class index is outside [0, OutputSize).</exception>");
        if (loss.IsBinaryCrossEntropy)
            w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">A target is outside [0, 1].</exception>");
        w.Line(NetworkEmitter.HotPath);
        w.Open($"public float ComputeGradients(global::System.ReadOnlySpan<float> inputs, global::System.ReadOnlySpan<{target}> targets, global::System.Span<float> outputs = default)");
        w.Line("int batch = Kernels.Guard.BatchSize(inputs.Length, InputSize, nameof(inputs));");
        w.Line(loss.Guard);
        w.Line("if (!outputs.IsEmpty) Kernels.Guard.Length(outputs.Length, batch * OutputSize, nameof(outputs));");
        w.Open("if (batch > _workspaceBatch)");
        w.Line("_workspace = new float[batch * WorkspacePerSample + WorkspaceFixed];");
        w.Line("_workspaceBatch = batch;");
        w.Close();
        w.Line("global::System.Span<float> ws = _workspace;");
        w.Line("global::System.Span<float> p = _parameters;");
        w.Line("global::System.Span<float> grad = _gradients;");
        if (m.BufferCount > 0) w.Line("global::System.Span<float> buffers = _buffers;");
        foreach (Region r in workspace.Regions) w.Line($"var {r.Name} = {r.Slice()}; // {r.Comment}");

        w.Line();
        w.Line("// ---- Forward (train mode) ----");
        for (int i = 0; i < steps.Count; i++)
        {
            Step step = steps[i];
            w.Line("// " + step.Heading);
            if (step.Layer.IsView) { w.Line("// (a view: the same floats, nothing to do)"); continue; }
            step.Layer.EmitForward(new ForwardContext(w, training: true, frozen: false, oneSample: false, "batch", i == 0 ? "inputs" : outputs[i - 1], outputs[i], step.FusedReLU is not null, i + 1));
        }

        string output = outputs[steps.Count - 1];
        w.Line();
        w.Line("// ---- " + loss.TorchName + " and its gradient with respect to the output ----");
        w.Line(loss.Call(output, "g0.Slice(0, batch * OutputSize)"));
        w.Line($"if (!outputs.IsEmpty) {output}.CopyTo(outputs);");

        w.Line();
        w.Line("// ---- Backward, from the last layer to the first that has parameters ----");
        bool inG0 = true, throughReLU = false;
        for (int i = steps.Count - 1; i >= plan.FirstTrainableStep && i >= 0; i--)
        {
            Step step = steps[i];
            Layer l = step.Layer;
            w.Line("// " + step.Heading);
            if (l.IsView) { w.Line("// (a view: the gradient is the same floats)"); continue; }
            string g = $"{(inG0 ? "g0" : "g1")}.Slice(0, batch * {l.Output.Size})";
            string? inputGradient = i == plan.FirstTrainableStep ? null
                : l.GradientToNewBuffer ? $"{(inG0 ? "g1" : "g0")}.Slice(0, batch * {l.Input.Size})"
                : g;
            // The ReLU fused into this layer: its gradient is taken by the next layer's input-gradient product when it
            // can (throughReLU), else here in a pass of its own.
            if (step.FusedReLU is not null && !throughReLU) w.Line($"Kernels.Activations.ReLUBackward({outputs[i]}, {g});");
            throughReLU = inputGradient is not null && l.MasksInputGradient && l.GradientToNewBuffer
                && steps[i - 1].FusedReLU is not null && !steps[i - 1].Layer.IsView;
            l.EmitBackward(new BackwardContext(w, i == 0 ? "inputs" : outputs[i - 1], outputs[i], g, inputGradient, step.FusedReLU is not null, i + 1, throughReLU));
            if (l.GradientToNewBuffer) inG0 = !inG0;
        }

        if (m.Layers.Any(l => l.HasPenalty))
        {
            w.Line();
            w.Line("// ---- Penalties declared on layers (weights only, not biases) ----");
            foreach (Layer l in m.Layers) l.EmitPenalty(w);
        }
        w.Line("return loss;");
        w.Close();
        w.Line();

        w.Line("/// <summary><see cref=\"ComputeGradients\"/> then <c>optimizer.Step(Parameters, Gradients)</c>; returns the loss.</summary>");
        w.Line(NetworkEmitter.HotPath);
        w.Open($"public float TrainStep(global::System.ReadOnlySpan<float> inputs, global::System.ReadOnlySpan<{target}> targets, global::StaticNet.IOptimizer optimizer)");
        w.Line("global::System.ArgumentNullException.ThrowIfNull(optimizer);");
        w.Line("float loss = ComputeGradients(inputs, targets);");
        w.Line("optimizer.Step(_parameters, _gradients);");
        w.Line("return loss;");
        w.Close();
    }
}
