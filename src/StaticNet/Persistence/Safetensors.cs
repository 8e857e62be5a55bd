namespace StaticNet;

/// <summary>
/// Saves and loads a network's parameters and buffers in the
/// <a href="https://github.com/huggingface/safetensors">safetensors</a> format, under PyTorch's <c>state_dict</c> names, so
/// files interoperate with <c>safetensors.torch.save_file(model.state_dict(), …)</c> and <c>load_file</c>.
/// </summary>
/// <remarks>
/// <para>Layout: an 8-byte little-endian header length N, an N-byte UTF-8 JSON header
/// <c>{"__metadata__": {...}, "0.weight": {"dtype": "F32", "shape": [32, 64], "data_offsets": [0, 8192]}, ...}</c>
/// padded with spaces to a multiple of 8, then the raw little-endian data (offsets relative to its start).
/// <see cref="Save(INetwork, string, IReadOnlyDictionary{string, string}?)"/> writes the tensors of
/// <see cref="INetwork.ParameterLayout"/> then <see cref="INetwork.BufferLayout"/>, contiguous in that order, as
/// <c>F32</c>, and the metadata <c>"format": "pt"</c> (what PyTorch tooling expects) unless given another.</para>
/// <para>Load requires every parameter and buffer of the network, with its exact shape and dtype <c>F32</c>. Entries
/// whose name ends in <c>num_batches_tracked</c> (PyTorch's integer BatchNorm counter) are ignored, and so are the
/// <c>optimizer.*</c> entries of a <see cref="Checkpoint"/> file (one whose metadata has an <c>"optimizer"</c> key);
/// any other extra entry is an error. Loading is all-or-nothing: the whole file is read and validated before the
/// network is changed, so a bad file leaves it as it was.</para>
/// </remarks>
public static class Safetensors
{
    /// <summary>Writes the network's parameters and buffers to <paramref name="path"/>, atomically: the file is written
    /// beside the target under a temporary name and then renamed over it, so a crash never leaves a half-written model.</summary>
    /// <param name="network">The network to save.</param>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="metadata">Extra <c>__metadata__</c> strings; <c>"format": "pt"</c> is added unless present.</param>
    public static void Save(INetwork network, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var tensors = NetworkTensors(network);
        var allMetadata = WithFormat(metadata);
        WriteAtomically(path, stream => SafetensorsFile.Write(stream, tensors, allMetadata));
    }

    /// <summary>Writes the network's parameters and buffers to <paramref name="stream"/> from its current position; the stream is left open.</summary>
    /// <param name="network">The network to save.</param>
    /// <param name="stream">A writable stream.</param>
    /// <param name="metadata">Extra <c>__metadata__</c> strings; <c>"format": "pt"</c> is added unless present.</param>
    public static void Save(INetwork network, Stream stream, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        SafetensorsFile.Write(stream, NetworkTensors(network), WithFormat(metadata));
    }

    /// <summary>Replaces the network's parameters and buffers with those stored in <paramref name="path"/>.</summary>
    /// <param name="network">The network to load into; unchanged if the file is rejected.</param>
    /// <param name="path">A safetensors file.</param>
    /// <exception cref="InvalidDataException">The file is malformed or does not match the network; the message names the
    /// file and the problem (e.g. a missing tensor, a wrong shape or dtype, an unknown entry).</exception>
    public static void Load(INetwork network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        var (parameters, buffers) = ReadNetwork(ReadFile(path), network);
        Apply(network, parameters, buffers);
    }

    /// <summary>Replaces the network's parameters and buffers with those read from <paramref name="stream"/> (its current
    /// position to its end); the stream is left open.</summary>
    /// <param name="network">The network to load into; unchanged if the data is rejected.</param>
    /// <param name="stream">A readable stream holding a safetensors file.</param>
    /// <exception cref="InvalidDataException">The data is malformed or does not match the network; the message names the
    /// stream (its file name for a <see cref="FileStream"/>) and the problem.</exception>
    public static void Load(INetwork network, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        var (parameters, buffers) = ReadNetwork(SafetensorsFile.Read(stream, (stream as FileStream)?.Name ?? "stream"), network);
        Apply(network, parameters, buffers);
    }

    /// <summary>
    /// The <c>__metadata__</c> strings of a safetensors file (e.g. <c>"format": "pt"</c>, and what was passed to
    /// <see cref="Save(INetwork, string, IReadOnlyDictionary{string, string}?)"/>, such as a
    /// <see cref="Standardizer.ToMetadata"/>); empty when the file has none. The whole file is validated as by <see cref="Load(INetwork, string)"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is malformed; the message names the file and the problem.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path) => ReadFile(path).Metadata;

    internal static SafetensorsFile ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return SafetensorsFile.Read(stream, path);
    }

    /// <summary>The network's tensors as they are saved: parameters, then buffers, each a copy taken now.</summary>
    internal static List<SafetensorsTensor> NetworkTensors(INetwork network)
    {
        float[] parameters = network.Parameters.ToArray(), buffers = network.Buffers.ToArray();
        return network.ParameterLayout.Select(t => new SafetensorsTensor(t.Name, t.Shape, parameters, t.Offset, t.Length))
            .Concat(network.BufferLayout.Select(t => new SafetensorsTensor(t.Name, t.Shape, buffers, t.Offset, t.Length)))
            .ToList();
    }

    internal static Dictionary<string, string> WithFormat(IReadOnlyDictionary<string, string>? metadata)
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = "pt" };
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
            all[key] = value ?? throw new ArgumentException($"Metadata '{key}' is null.", nameof(metadata));
        return all;
    }

    /// <summary>Validates the file against the network and returns new parameter and buffer arrays; changes nothing.</summary>
    internal static (float[] Parameters, float[] Buffers) ReadNetwork(SafetensorsFile file, INetwork network)
    {
        var expected = new Dictionary<string, (ParameterInfo Info, float[] Target)>(StringComparer.Ordinal);
        var parameters = new float[network.Parameters.Length];
        var buffers = new float[network.Buffers.Length];
        foreach (ParameterInfo info in network.ParameterLayout) expected.Add(info.Name, (info, parameters));
        foreach (ParameterInfo info in network.BufferLayout) expected.Add(info.Name, (info, buffers));

        bool checkpoint = file.Metadata.ContainsKey(Checkpoint.OptimizerKey);
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (SafetensorsEntry entry in file.Entries)
        {
            if (!expected.TryGetValue(entry.Name, out var tensor))
            {
                if (entry.Name.EndsWith("num_batches_tracked", StringComparison.Ordinal)) continue;
                if (checkpoint && entry.Name.StartsWith(Checkpoint.OptimizerPrefix, StringComparison.Ordinal)) continue;
                throw file.Error($"tensor '{entry.Name}' is not part of the network (it has {string.Join(", ", expected.Keys)}).");
            }
            if (entry.DType != "F32")
                throw file.Error($"tensor '{entry.Name}' has dtype {entry.DType}, but the network expects F32.");
            if (!entry.Shape.SequenceEqual(tensor.Info.Shape.Select(d => (long)d)))
                throw file.Error($"tensor '{entry.Name}' has shape {entry.ShapeText}, but the network expects {SafetensorsEntry.Format(tensor.Info.Shape.Select(d => (long)d))}.");
            file.ReadF32(entry, tensor.Target.AsSpan(tensor.Info.Offset, tensor.Info.Length));
            found.Add(entry.Name);
        }
        var missing = expected.Keys.Where(name => !found.Contains(name)).ToList();
        if (missing.Count > 0)
            throw file.Error($"the network's tensor{(missing.Count > 1 ? "s" : "")} '{string.Join("', '", missing)}' {(missing.Count > 1 ? "are" : "is")} missing.");
        return (parameters, buffers);
    }

    internal static void Apply(INetwork network, float[] parameters, float[] buffers)
    {
        parameters.CopyTo(network.Parameters);
        buffers.CopyTo(network.Buffers);
    }

    /// <summary>Writes a temporary file in the target's folder, flushes it to disk and renames it over the target; the
    /// temporary file is removed if anything fails.</summary>
    internal static void WriteAtomically(string path, Action<Stream> write)
    {
        string target = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
