using System.Collections.Generic;
using StaticNet.Generators.Model;

namespace StaticNet.Generators.Emitting;

/// <summary>
/// Writes <c>ComputeGradients</c> and <c>TrainStep</c>: a train-mode forward that keeps what the backward pass needs in
/// one workspace (sized on the first call of a batch size, reused after), the fused loss, and the backward pass in
/// reverse layer order, writing every gradient once (overwrite, never accumulate).
/// </summary>
internal static class TrainingEmitter
{
    public static string TargetType(LossKind loss) => loss == LossKind.CrossEntropy ? "int" : "float";

    /// <summary>A slice of the workspace: <c>batch * PerSample + Fixed</c> floats at <c>batch * SampleOffset + FixedOffset</c>.</summary>
    private sealed class Region
    {
        public Region(string name, int perSample, int fixedLength, string comment)
        {
            Name = name; PerSample = perSample; Fixed = fixedLength; Comment = comment;
        }
        public string Name { get; }
        public int PerSample { get; }
        public int Fixed { get; }
        public string Comment { get; }
        public int SampleOffset { get; set; }
        public int FixedOffset { get; set; }

        public string Slice()
        {
            string offset = Sum($"batch * {SampleOffset}", SampleOffset, FixedOffset);
            string length = Sum($"batch * {PerSample}", PerSample, Fixed);
            return $"ws.Slice({offset}, {length})";
        }

        private static string Sum(string scaled, int perSample, int constant)
            => perSample == 0 ? constant.ToString() : constant == 0 ? scaled : $"{scaled} + {constant}";
    }

    public static void Emit(CodeWriter w, Plan plan)
    {
        NetworkModel m = plan.Model;
        string k = NetworkEmitter.Kernels;
        string target = TargetType(m.Loss);
        var steps = plan.Steps;

        // Workspace layout: each step's output, what its backward needs, then two gradient buffers.
        var regions = new List<Region>();
        var outputs = new Region[steps.Count];
        var extra = new Region?[steps.Count];
        var extra2 = new Region?[steps.Count];
        for (int i = 0; i < steps.Count; i++)
        {
            LayerModel l = steps[i].Layer;
            outputs[i] = Add(regions, new Region($"a{i + 1}", l.OutputSize, 0, $"output of layer {(steps[i].FusedReLU ?? l).Module}"));
            switch (l.Kind)
            {
                case LayerKind.Dropout:
                    extra[i] = Add(regions, new Region($"mask{i + 1}", l.OutputSize, 0, $"dropout mask of layer {l.Module}"));
                    break;
                case LayerKind.BatchNorm:
                    extra[i] = Add(regions, new Region($"xHat{i + 1}", l.OutputSize, 0, $"normalised input of layer {l.Module}"));
                    extra2[i] = Add(regions, new Region($"invStd{i + 1}", 0, l.OutputSize, $"1/√(var + eps) per feature of layer {l.Module}"));
                    break;
                case LayerKind.LayerNorm:
                    extra[i] = Add(regions, new Region($"xHat{i + 1}", l.OutputSize, 0, $"normalised input of layer {l.Module}"));
                    extra2[i] = Add(regions, new Region($"invStd{i + 1}", 1, 0, $"1/√(var + eps) per sample of layer {l.Module}"));
                    break;
            }
        }
        Region g0 = Add(regions, new Region("g0", plan.MaxWidth, 0, "gradient buffer"));
        Region g1 = Add(regions, new Region("g1", plan.MaxWidth, 0, "gradient buffer"));
        int perSample = 0, fixedTotal = 0;
        foreach (Region r in regions) { perSample += r.PerSample; fixedTotal += r.Fixed; }

        w.Line("// Training workspace: WorkspacePerSample floats per sample plus WorkspaceFixed, grown only when a larger batch arrives.");
        w.Line($"private const int WorkspacePerSample = {perSample};");
        w.Line($"private const int WorkspaceFixed = {fixedTotal};");
        w.Line("private float[] _workspace = global::System.Array.Empty<float>();");
        w.Line("private int _workspaceBatch;");
        w.Line();

        w.Line("/// <summary>");
        w.Line("/// Train-mode forward and backward for a batch: returns the mean loss (plus any L1/L2 penalties declared on layers)");
        w.Line("/// and overwrites <see cref=\"Gradients\"/> with d(loss)/d(parameters). When <paramref name=\"outputs\"/> is not");
        w.Line("/// empty it receives the train-mode output. Allocates only when a batch is larger than any before.");
        w.Line("/// </summary>");
        w.Line(m.Loss == LossKind.CrossEntropy
            ? "/// <param name=\"targets\">One class index in [0, OutputSize) per sample.</param>"
            : "/// <param name=\"targets\">OutputSize target values per sample, row-major.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span length does not match the batch.</exception>");
        if (m.Loss == LossKind.CrossEntropy)
            w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">A class index is outside [0, OutputSize).</exception>");
        if (m.Loss is LossKind.BCE or LossKind.BCEWithLogits)
            w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">A target is outside [0, 1].</exception>");
        w.Line(NetworkEmitter.HotPath);
        w.Open($"public float ComputeGradients(global::System.ReadOnlySpan<float> inputs, global::System.ReadOnlySpan<{target}> targets, global::System.Span<float> outputs = default)");
        w.Line($"int batch = {k}Guard.BatchSize(inputs.Length, InputSize, nameof(inputs));");
        w.Line(m.Loss switch
        {
            LossKind.CrossEntropy => $"{k}Guard.ClassIndices(targets, batch, OutputSize, nameof(targets));",
            LossKind.BCE or LossKind.BCEWithLogits => $"{k}Guard.BinaryTargets(targets, batch * OutputSize, nameof(targets));",
            _ => $"{k}Guard.TargetLength(targets.Length, batch * OutputSize, nameof(targets));",
        });
        w.Line($"if (!outputs.IsEmpty) {k}Guard.Length(outputs.Length, batch * OutputSize, nameof(outputs));");
        w.Open("if (batch > _workspaceBatch)");
        w.Line("_workspace = new float[batch * WorkspacePerSample + WorkspaceFixed];");
        w.Line("_workspaceBatch = batch;");
        w.Close();
        w.Line("global::System.Span<float> ws = _workspace;");
        w.Line("global::System.Span<float> p = _parameters;");
        w.Line("global::System.Span<float> grad = _gradients;");
        if (m.BufferCount > 0) w.Line("global::System.Span<float> buffers = _buffers;");
        foreach (Region r in regions) w.Line($"global::System.Span<float> {r.Name} = {r.Slice()}; // {r.Comment}");

        w.Line();
        w.Line("// ---- Forward (train mode) ----");
        for (int i = 0; i < steps.Count; i++)
        {
            LayerStep step = steps[i];
            LayerModel l = step.Layer;
            string src = i == 0 ? "inputs" : outputs[i - 1].Name, dst = outputs[i].Name, arg = Plan.Float(l.Argument);
            w.Line("// " + step.Describe());
            w.Line(l.Kind switch
            {
                LayerKind.Dense => $"{k}Dense.Forward({src}, p.Slice({l.WeightOffset}, {l.WeightLength}), p.Slice({l.BiasOffset}, {l.OutputSize}), {dst}, batch, {l.InputSize}, {l.OutputSize}, relu: {(step.FusedReLU is null ? "false" : "true")});",
                LayerKind.ReLU => $"{k}Activations.ReLU({src}, {dst});",
                LayerKind.LeakyReLU => $"{k}Activations.LeakyReLU({src}, {dst}, {arg});",
                LayerKind.ELU => $"{k}Activations.ELU({src}, {dst}, {arg});",
                LayerKind.Softmax => $"{k}Activations.Softmax({src}, {dst}, batch, {l.OutputSize});",
                LayerKind.Dropout => $"{k}DropoutKernel.Forward({src}, {dst}, {extra[i]!.Name}, {arg}, _dropoutRandom);",
                LayerKind.BatchNorm => $"{k}Normalization.BatchNormTrain({src}, {dst}, p.Slice({l.WeightOffset}, {l.OutputSize}), p.Slice({l.BiasOffset}, {l.OutputSize}), buffers.Slice({l.BufferOffset}, {l.OutputSize}), buffers.Slice({l.BufferOffset + l.OutputSize}, {l.OutputSize}), {extra[i]!.Name}, {extra2[i]!.Name}, batch, {l.OutputSize}, {arg}, {Plan.Float(l.Momentum)});",
                LayerKind.LayerNorm => $"{k}Normalization.LayerNorm({src}, {dst}, p.Slice({l.WeightOffset}, {l.OutputSize}), p.Slice({l.BiasOffset}, {l.OutputSize}), {extra[i]!.Name}, {extra2[i]!.Name}, batch, {l.OutputSize}, {arg});",
                _ => $"{k}Activations.{l.Kind}({src}, {dst});",
            });
        }

        string output = outputs[steps.Count - 1].Name;
        string dOut = "g0.Slice(0, batch * OutputSize)";
        w.Line();
        w.Line("// ---- Loss and its gradient with respect to the output ----");
        w.Line(m.Loss switch
        {
            LossKind.CrossEntropy => $"float loss = {k}Losses.CrossEntropy({output}, targets, {dOut}, batch, OutputSize);",
            LossKind.BCEWithLogits => $"float loss = {k}Losses.BCEWithLogits({output}, targets, {dOut});",
            LossKind.BCE => $"float loss = {k}Losses.BCE({output}, targets, {dOut});",
            _ => $"float loss = {k}Losses.MSE({output}, targets, {dOut});",
        });
        w.Line($"if (!outputs.IsEmpty) {output}.CopyTo(outputs);");

        w.Line();
        w.Line("// ---- Backward, from the last layer to the first that has parameters ----");
        bool inG0 = true;
        for (int i = steps.Count - 1; i >= plan.FirstTrainableStep && i >= 0; i--)
        {
            LayerStep step = steps[i];
            LayerModel l = step.Layer;
            string g = $"{(inG0 ? "g0" : "g1")}.Slice(0, batch * {l.OutputSize})";
            string input = i == 0 ? "inputs" : outputs[i - 1].Name, output_i = outputs[i].Name, arg = Plan.Float(l.Argument);
            w.Line("// " + step.Describe());
            switch (l.Kind)
            {
                case LayerKind.Dense:
                    if (step.FusedReLU is not null) w.Line($"{k}Activations.ReLUBackward({output_i}, {g});");
                    w.Line($"{k}Dense.BackwardParameters({g}, {input}, grad.Slice({l.WeightOffset}, {l.WeightLength}), grad.Slice({l.BiasOffset}, {l.OutputSize}), batch, {l.InputSize}, {l.OutputSize});");
                    if (i > plan.FirstTrainableStep)
                    {
                        string other = $"{(inG0 ? "g1" : "g0")}.Slice(0, batch * {l.InputSize})";
                        w.Line($"{k}Dense.BackwardInput({g}, p.Slice({l.WeightOffset}, {l.WeightLength}), {other}, batch, {l.InputSize}, {l.OutputSize});");
                        inG0 = !inG0;
                    }
                    break;
                case LayerKind.ReLU: w.Line($"{k}Activations.ReLUBackward({output_i}, {g});"); break;
                case LayerKind.Sigmoid: w.Line($"{k}Activations.SigmoidBackward({output_i}, {g});"); break;
                case LayerKind.Tanh: w.Line($"{k}Activations.TanhBackward({output_i}, {g});"); break;
                case LayerKind.Softmax: w.Line($"{k}Activations.SoftmaxBackward({output_i}, {g}, batch, {l.OutputSize});"); break;
                case LayerKind.LeakyReLU: w.Line($"{k}Activations.LeakyReLUBackward({input}, {g}, {arg});"); break;
                case LayerKind.ELU: w.Line($"{k}Activations.ELUBackward({input}, {g}, {arg});"); break;
                case LayerKind.GELU: w.Line($"{k}Activations.GELUBackward({input}, {g});"); break;
                case LayerKind.SiLU: w.Line($"{k}Activations.SiLUBackward({input}, {g});"); break;
                case LayerKind.Dropout: w.Line($"{k}DropoutKernel.Backward({extra[i]!.Name}, {g});"); break;
                case LayerKind.BatchNorm:
                case LayerKind.LayerNorm:
                    w.Line($"{k}Normalization.{l.Kind}Backward({g}, {extra[i]!.Name}, {extra2[i]!.Name}, p.Slice({l.WeightOffset}, {l.OutputSize}), grad.Slice({l.WeightOffset}, {l.OutputSize}), grad.Slice({l.BiasOffset}, {l.OutputSize}), batch, {l.OutputSize});");
                    break;
            }
        }

        bool anyPenalty = false;
        foreach (LayerModel l in m.Layers)
        {
            if (l.Kind != LayerKind.Dense || (l.L1 == 0f && l.L2 == 0f)) continue;
            if (!anyPenalty) { w.Line(); w.Line("// ---- Penalties declared on layers (weights only, not biases) ----"); anyPenalty = true; }
            w.Line($"loss += {k}Losses.Penalty(p.Slice({l.WeightOffset}, {l.WeightLength}), grad.Slice({l.WeightOffset}, {l.WeightLength}), {Plan.Float(l.L1)}, {Plan.Float(l.L2)}); // layer {l.Module}");
        }
        w.Line("return loss;");
        w.Close();
        w.Line();

        w.Line("/// <summary><see cref=\"ComputeGradients\"/> then <c>optimizer.Step(Parameters, Gradients)</c>; returns the loss.</summary>");
        w.Open($"public float TrainStep(global::System.ReadOnlySpan<float> inputs, global::System.ReadOnlySpan<{target}> targets, global::StaticNet.IOptimizer optimizer)");
        w.Line("global::System.ArgumentNullException.ThrowIfNull(optimizer);");
        w.Line("float loss = ComputeGradients(inputs, targets);");
        w.Line("optimizer.Step(_parameters, _gradients);");
        w.Line("return loss;");
        w.Close();
    }

    private static Region Add(List<Region> regions, Region region)
    {
        int sampleOffset = 0, fixedOffset = 0;
        foreach (Region r in regions) { sampleOffset += r.PerSample; fixedOffset += r.Fixed; }
        region.SampleOffset = sampleOffset;
        region.FixedOffset = fixedOffset;
        regions.Add(region);
        return region;
    }
}
