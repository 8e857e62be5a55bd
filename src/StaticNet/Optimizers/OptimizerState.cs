using System.Text;

namespace StaticNet;

/// <summary>
/// A snapshot of an optimizer's state (step count, learning rate and state buffers), taken with
/// <see cref="IStatefulOptimizer.GetState"/> and restored with <see cref="IStatefulOptimizer.SetState"/> so that
/// training resumes bit for bit.
/// </summary>
/// <remarks>
/// <para>Hyper-parameters other than the learning rate are not part of the state: restore into an optimizer
/// constructed with the same ones. The buffer names are PyTorch's (<c>exp_avg</c>, <c>exp_avg_sq</c>,
/// <c>max_exp_avg_sq</c>, <c>momentum_buffer</c>, <c>square_avg</c>, <c>grad_avg</c>, <c>sum</c>).</para>
/// <para>Binary format written by <see cref="Save"/>, all little-endian:</para>
/// <code>
/// 4 bytes   magic "SNOS" (StaticNet Optimizer State)
/// int32     format version (1)
/// string    optimizer type name, e.g. "Adam"        (a string is: int32 byte count, then UTF-8 bytes)
/// int64     step count
/// float32   learning rate
/// int32     number of buffers
/// per buffer, in ordinal order of name:
///   string  name
///   int32   element count n
///   n × float32
/// </code>
/// </remarks>
public sealed class OptimizerState
{
    private const int Version = 1;
    private const int MaxNameBytes = 1024;
    private static ReadOnlySpan<byte> Magic => "SNOS"u8;

    /// <summary>Creates a state. The buffer arrays are kept, not copied.</summary>
    /// <param name="optimizer">Type name of the optimizer the state belongs to, e.g. <c>"Adam"</c>.</param>
    /// <param name="step">Number of steps taken so far.</param>
    /// <param name="learningRate">The learning rate at the time of the snapshot.</param>
    /// <param name="buffers">The state buffers by name; empty before the first step.</param>
    public OptimizerState(string optimizer, long step, float learningRate, IReadOnlyDictionary<string, float[]> buffers)
    {
        ArgumentException.ThrowIfNullOrEmpty(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentNullException.ThrowIfNull(buffers);
        foreach (var (name, values) in buffers)
        {
            if (values is null) throw new ArgumentException($"Buffer '{name}' is null.", nameof(buffers));
        }
        Optimizer = optimizer;
        Step = step;
        LearningRate = learningRate;
        Buffers = new Dictionary<string, float[]>(buffers, StringComparer.Ordinal);
    }

    /// <summary>Type name of the optimizer the state belongs to, e.g. <c>"Adam"</c>.</summary>
    public string Optimizer { get; }

    /// <summary>Number of steps taken so far (PyTorch's <c>state["step"]</c>).</summary>
    public long Step { get; }

    /// <summary>The learning rate at the time of the snapshot (it may have been changed by a schedule).</summary>
    public float LearningRate { get; }

    /// <summary>The state buffers by PyTorch name, each as long as the parameter span.</summary>
    public IReadOnlyDictionary<string, float[]> Buffers { get; }

    /// <summary>Writes the state in the binary format described on <see cref="OptimizerState"/>. The stream is left open.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true); // BinaryWriter is always little-endian
        writer.Write(Magic);
        writer.Write(Version);
        WriteString(writer, Optimizer);
        writer.Write(Step);
        writer.Write(LearningRate);
        writer.Write(Buffers.Count);
        foreach (var name in Buffers.Keys.Order(StringComparer.Ordinal))
        {
            WriteString(writer, name);
            float[] values = Buffers[name];
            writer.Write(values.Length);
            foreach (float value in values) writer.Write(value);
        }
    }

    /// <summary>Reads a state written by <see cref="Save"/>, leaving the stream just after it.</summary>
    /// <exception cref="InvalidDataException">The stream does not hold a valid state (wrong magic or version, truncated, bad lengths).</exception>
    public static OptimizerState Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            Span<byte> magic = stackalloc byte[4];
            reader.BaseStream.ReadExactly(magic);
            if (!magic.SequenceEqual(Magic))
                throw new InvalidDataException($"Not an optimizer state: expected the magic \"SNOS\", found bytes {Convert.ToHexString(magic)}.");
            int version = reader.ReadInt32();
            if (version != Version)
                throw new InvalidDataException($"Unsupported optimizer state format version {version}; this library reads version {Version}.");
            string optimizer = ReadString(reader, "optimizer name");
            long step = reader.ReadInt64();
            if (step < 0) throw new InvalidDataException($"Invalid optimizer state: negative step count {step}.");
            float learningRate = reader.ReadSingle();
            int count = reader.ReadInt32();
            if (count < 0) throw new InvalidDataException($"Invalid optimizer state: negative buffer count {count}.");
            var buffers = new Dictionary<string, float[]>(StringComparer.Ordinal);
            for (int b = 0; b < count; b++)
            {
                string name = ReadString(reader, "buffer name");
                int length = reader.ReadInt32();
                CheckLength(stream, length, 4, $"buffer '{name}'");
                var values = new float[length];
                for (int i = 0; i < values.Length; i++) values[i] = reader.ReadSingle();
                if (!buffers.TryAdd(name, values))
                    throw new InvalidDataException($"Invalid optimizer state: buffer '{name}' appears twice.");
            }
            return new OptimizerState(optimizer, step, learningRate, buffers);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("Invalid optimizer state: the stream ended early (truncated).", e);
        }
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    private static string ReadString(BinaryReader reader, string what)
    {
        int length = reader.ReadInt32();
        if (length > MaxNameBytes) throw new InvalidDataException($"Invalid optimizer state: {what} length {length} exceeds {MaxNameBytes} bytes.");
        CheckLength(reader.BaseStream, length, 1, what);
        Span<byte> bytes = stackalloc byte[length];
        reader.BaseStream.ReadExactly(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Rejects a negative length, or one longer than what is left of a seekable stream (so a corrupt length
    /// gives an error instead of a huge allocation).</summary>
    private static void CheckLength(Stream stream, int length, int elementSize, string what)
    {
        if (length < 0) throw new InvalidDataException($"Invalid optimizer state: negative length {length} for {what}.");
        if (stream.CanSeek && (long)length * elementSize > stream.Length - stream.Position)
            throw new InvalidDataException($"Invalid optimizer state: {what} claims {length} elements but the stream ended early (truncated).");
    }
}
