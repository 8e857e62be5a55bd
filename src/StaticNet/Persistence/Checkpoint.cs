using System.Globalization;

namespace StaticNet;

/// <summary>
/// Saves and restores everything needed to resume training bit for bit: the network's parameters and buffers and,
/// optionally, the optimizer's state, in one <see cref="Safetensors"/> file.
/// </summary>
/// <remarks>
/// The network's tensors are stored as <see cref="Safetensors.Save(INetwork, string, IReadOnlyDictionary{string, string}?)"/>
/// stores them (so PyTorch reads the file, and <see cref="Safetensors.Load(INetwork, string)"/> loads the network from
/// it, ignoring the optimizer entries). Each optimizer buffer is a 1-D <c>F32</c> tensor named
/// <c>optimizer.&lt;buffer name&gt;</c> (e.g. <c>optimizer.exp_avg</c>), and <c>__metadata__</c> holds the optimizer's
/// type (<c>"optimizer"</c>), step count (<c>"optimizer.step"</c>) and learning rate (<c>"optimizer.lr"</c>) as
/// invariant-culture strings, the rate in round-trip (<c>"R"</c>) form. Hyper-parameters other than the learning rate
/// are not stored: resume with an optimizer constructed with the same ones. A network with dropout also stores the
/// state of its mask generator (<see cref="INetwork.DropoutRandom"/>) in <c>"network.dropout_rng"</c>, so that the
/// resumed run draws the same masks; loading a checkpoint without it leaves the generator as it is.
/// </remarks>
public static class Checkpoint
{
    internal const string OptimizerKey = "optimizer";
    internal const string OptimizerPrefix = "optimizer.";
    private const string StepKey = "optimizer.step";
    private const string LearningRateKey = "optimizer.lr";
    private const string DropoutRandomKey = "network.dropout_rng";

    /// <summary>Writes a checkpoint to <paramref name="path"/>, atomically (temporary file renamed over the target).</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="network">The network whose parameters and buffers are saved.</param>
    /// <param name="optimizer">The optimizer whose state is saved, or <see langword="null"/> for the network only.</param>
    public static void Save(string path, INetwork network, IStatefulOptimizer? optimizer = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(network);
        var tensors = Safetensors.NetworkTensors(network);
        var metadata = Safetensors.WithFormat(null);
        if (network.DropoutRandom is { } random) metadata[DropoutRandomKey] = FormatState(random.GetState());
        if (optimizer is not null)
        {
            OptimizerState state = optimizer.GetState();
            metadata[OptimizerKey] = state.Optimizer;
            metadata[StepKey] = state.Step.ToString(CultureInfo.InvariantCulture);
            metadata[LearningRateKey] = state.LearningRate.ToString("R", CultureInfo.InvariantCulture);
            foreach (string name in state.Buffers.Keys.Order(StringComparer.Ordinal))
            {
                float[] values = state.Buffers[name];
                tensors.Add(new SafetensorsTensor(OptimizerPrefix + name, [values.Length], values, 0, values.Length));
            }
        }
        Safetensors.WriteAtomically(path, stream => SafetensorsFile.Write(stream, tensors, metadata));
    }

    /// <summary>Restores a checkpoint written by <see cref="Save"/> into <paramref name="network"/> and, when given,
    /// <paramref name="optimizer"/> (with <see cref="IStatefulOptimizer.SetState"/>). All-or-nothing: if anything is
    /// rejected, neither is changed.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="network">The network to load into.</param>
    /// <param name="optimizer">The optimizer to restore (same type and hyper-parameters as the saved one), or
    /// <see langword="null"/> to load the network only.</param>
    /// <exception cref="InvalidDataException">The file is malformed, does not match the network, holds no optimizer state
    /// although <paramref name="optimizer"/> was given, or its state does not fit that optimizer; the message names the file.</exception>
    public static void Load(string path, INetwork network, IStatefulOptimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        SafetensorsFile file = Safetensors.ReadFile(path);
        var (parameters, buffers) = Safetensors.ReadNetwork(file, network);
        RngState? dropoutState = null;
        if (network.DropoutRandom is not null && file.Metadata.TryGetValue(DropoutRandomKey, out string? stateText))
            dropoutState = ParseState(file, stateText);
        if (optimizer is not null)
        {
            OptimizerState state = ReadOptimizerState(file);
            try
            {
                optimizer.SetState(state); // validates before changing anything, and is the last step that can fail
            }
            catch (ArgumentException e)
            {
                throw file.Error($"the checkpoint's {state.Optimizer} state does not fit this {optimizer.GetType().Name}: {e.Message}", e);
            }
        }
        Safetensors.Apply(network, parameters, buffers);
        if (dropoutState is { } restored) network.DropoutRandom!.SetState(restored);
    }

    // "s0,s1,s2,s3,spare,hasSpare": the four words in decimal, the spare deviate in round-trip form, hasSpare as 0 or 1.
    private static string FormatState(RngState state) => string.Join(",",
        state.S0.ToString(CultureInfo.InvariantCulture), state.S1.ToString(CultureInfo.InvariantCulture),
        state.S2.ToString(CultureInfo.InvariantCulture), state.S3.ToString(CultureInfo.InvariantCulture),
        state.SpareGaussian.ToString("R", CultureInfo.InvariantCulture), state.HasSpare ? "1" : "0");

    private static RngState ParseState(SafetensorsFile file, string text)
    {
        string[] parts = text.Split(',');
        var words = new uint[4];
        float spare = 0;
        bool valid = parts.Length == 6
            && Enumerable.Range(0, 4).All(i => uint.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out words[i]))
            && (words[0] | words[1] | words[2] | words[3]) != 0
            && float.TryParse(parts[4], NumberStyles.Float, CultureInfo.InvariantCulture, out spare)
            && parts[5] is "0" or "1";
        if (!valid)
            throw file.Error($"the metadata \"{DropoutRandomKey}\" (\"{text}\") is not a dropout generator state (four words, not all zero, a float and 0 or 1).");
        return new RngState(words[0], words[1], words[2], words[3], spare, parts[5] == "1");
    }

    private static OptimizerState ReadOptimizerState(SafetensorsFile file)
    {
        if (!file.Metadata.TryGetValue(OptimizerKey, out string? type))
            throw file.Error($"the file holds no optimizer state (no \"{OptimizerKey}\" metadata), but an optimizer was given to restore.");
        if (!file.Metadata.TryGetValue(StepKey, out string? stepText)
            || !long.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out long step))
            throw file.Error($"the metadata \"{StepKey}\" ({stepText ?? "missing"}) is not a non-negative integer.");
        if (!file.Metadata.TryGetValue(LearningRateKey, out string? rateText)
            || !float.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out float learningRate))
            throw file.Error($"the metadata \"{LearningRateKey}\" ({rateText ?? "missing"}) is not a number.");

        var buffers = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (SafetensorsEntry entry in file.Entries.Where(e => e.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal)))
        {
            if (entry.DType != "F32" || entry.Shape.Length != 1)
                throw file.Error($"optimizer buffer '{entry.Name}' is {entry.DType} {entry.ShapeText}; expected a 1-D F32 tensor.");
            var values = new float[entry.Shape[0]];
            file.ReadF32(entry, values);
            buffers.Add(entry.Name[OptimizerPrefix.Length..], values);
        }
        try
        {
            return new OptimizerState(type, step, learningRate, buffers);
        }
        catch (ArgumentException e)
        {
            throw file.Error($"invalid optimizer state: {e.Message}", e);
        }
    }
}
