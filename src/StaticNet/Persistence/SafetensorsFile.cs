using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace StaticNet;

/// <summary>One tensor entry of a safetensors header. Offsets are relative to the start of the data section.</summary>
internal sealed record SafetensorsEntry(string Name, string DType, long[] Shape, long Begin, long End)
{
    public string ShapeText => Format(Shape);

    public static string Format(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}

/// <summary>A tensor to write: <see cref="Length"/> floats of <see cref="Source"/> from <see cref="Offset"/>.</summary>
internal readonly record struct SafetensorsTensor(string Name, IReadOnlyList<int> Shape, float[] Source, int Offset, int Length);

/// <summary>
/// The safetensors container, read fully into memory and validated (header length, JSON, entries, offsets) before
/// anything is returned, and written with the header padded by spaces to a multiple of 8 bytes.
/// </summary>
internal sealed class SafetensorsFile
{
    private const string MetadataKey = "__metadata__";
    private const long MaxHeaderBytes = 100_000_000; // the reference implementation's limit

    private readonly byte[] _data;

    private SafetensorsFile(string source, List<SafetensorsEntry> entries, Dictionary<string, string> metadata, byte[] data)
    {
        Source = source;
        Entries = entries;
        Metadata = metadata;
        _data = data;
    }

    /// <summary>The file path (or a description of the stream), used to prefix error messages.</summary>
    public string Source { get; }

    /// <summary>Tensor entries in header order.</summary>
    public List<SafetensorsEntry> Entries { get; }

    public Dictionary<string, string> Metadata { get; }

    public InvalidDataException Error(string problem, Exception? inner = null) => new($"{Source}: {problem}", inner);

    /// <summary>Copies the values of an F32 entry (little-endian in the file) into <paramref name="destination"/>, which
    /// holds exactly its element count.</summary>
    public void ReadF32(SafetensorsEntry entry, Span<float> destination)
    {
        _data.AsSpan((int)entry.Begin, (int)(entry.End - entry.Begin)).CopyTo(MemoryMarshal.AsBytes(destination));
        if (!BitConverter.IsLittleEndian)
        {
            Span<int> bits = MemoryMarshal.Cast<float, int>(destination);
            BinaryPrimitives.ReverseEndianness(bits, bits);
        }
    }

    public static SafetensorsFile Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> prefix = stackalloc byte[8];
        int got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (got < prefix.Length)
            throw Fail(source, $"the file is truncated: it has {got} bytes, fewer than the 8-byte header length.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes)
            throw Fail(source, $"the header length {headerLength} exceeds the limit of {MaxHeaderBytes} bytes (not a safetensors file?).");
        if (stream.CanSeek && (long)headerLength > stream.Length - stream.Position)
            throw Fail(source, $"the header length {headerLength} goes beyond the end of the file ({stream.Length - stream.Position} bytes follow it).");

        var header = new byte[headerLength];
        got = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got < header.Length)
            throw Fail(source, $"the header length {headerLength} goes beyond the end of the file ({got} bytes follow it).");
        byte[] data = ReadRest(stream, source);

        var entries = new List<SafetensorsEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using JsonDocument document = JsonDocument.Parse(header);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Fail(source, $"the header is a JSON {document.RootElement.ValueKind}, not an object.");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name)) throw Fail(source, $"the header lists '{property.Name}' twice.");
                if (property.Name == MetadataKey) ReadMetadata(property.Value, metadata, source);
                else entries.Add(ReadEntry(property, data.Length, source));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) // InvalidOperationException: invalid UTF-8 in a string
        {
            throw Fail(source, $"the header is not valid JSON ({e.Message})", e);
        }
        return new SafetensorsFile(source, entries, metadata, data);
    }

    /// <summary>Writes the header (<c>__metadata__</c> first, then the tensors in the given order, contiguous) and the data.</summary>
    public static void Write(Stream stream, IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata) writer.WriteString(key, value);
                writer.WriteEndObject();
            }
            long offset = 0;
            foreach (SafetensorsTensor tensor in tensors)
            {
                writer.WriteStartObject(tensor.Name);
                writer.WriteString("dtype", "F32");
                writer.WriteStartArray("shape");
                foreach (int dimension in tensor.Shape) writer.WriteNumberValue(dimension);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset += (long)tensor.Length * sizeof(float));
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }

        int padded = (json.WrittenCount + 7) & ~7;
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
        stream.Write(prefix);
        stream.Write(json.WrittenSpan);
        for (int i = json.WrittenCount; i < padded; i++) stream.WriteByte((byte)' ');
        Span<byte> scalar = stackalloc byte[4];
        foreach (SafetensorsTensor tensor in tensors)
        {
            ReadOnlySpan<float> values = tensor.Source.AsSpan(tensor.Offset, tensor.Length);
            if (BitConverter.IsLittleEndian)
            {
                stream.Write(MemoryMarshal.AsBytes(values));
                continue;
            }
            foreach (float value in values)
            {
                BinaryPrimitives.WriteSingleLittleEndian(scalar, value);
                stream.Write(scalar);
            }
        }
    }

    private static byte[] ReadRest(Stream stream, string source)
    {
        if (stream.CanSeek)
        {
            long remaining = stream.Length - stream.Position;
            if (remaining > Array.MaxLength) throw Fail(source, $"the data section of {remaining} bytes is too large to load.");
            var data = new byte[remaining];
            stream.ReadExactly(data);
            return data;
        }
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static void ReadMetadata(JsonElement element, Dictionary<string, string> metadata, string source)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw Fail(source, $"'{MetadataKey}' is a JSON {element.ValueKind}, not an object of strings.");
        foreach (JsonProperty item in element.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw Fail(source, $"'{MetadataKey}' entry '{item.Name}' is a JSON {item.Value.ValueKind}, not a string.");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static SafetensorsEntry ReadEntry(JsonProperty property, long dataLength, string source)
    {
        string name = property.Name;
        JsonElement value = property.Value;
        if (value.ValueKind != JsonValueKind.Object)
            throw Fail(source, $"tensor '{name}' is a JSON {value.ValueKind}, not an object with dtype, shape and data_offsets.");
        if (!value.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Fail(source, $"tensor '{name}' has no string 'dtype'.");
        string dtype = dtypeElement.GetString()!;
        long[] shape = Integers(value, "shape", name, source);
        long[] offsets = Integers(value, "data_offsets", name, source);
        if (offsets.Length != 2)
            throw Fail(source, $"tensor '{name}' has {offsets.Length} data_offsets; expected [begin, end].");
        long begin = offsets[0], end = offsets[1];
        if (begin > end) throw Fail(source, $"tensor '{name}' has data_offsets [{begin}, {end}] with begin after end.");
        if (end > dataLength)
            throw Fail(source, $"tensor '{name}' has data_offsets [{begin}, {end}] beyond the {dataLength} bytes of data (truncated file?).");

        var entry = new SafetensorsEntry(name, dtype, shape, begin, end);
        if (ElementSize(dtype) is int size)
        {
            long bytes = size; // saturates at long.MaxValue instead of overflowing
            foreach (long dimension in shape) bytes = dimension == 0 ? 0 : bytes > long.MaxValue / dimension ? long.MaxValue : bytes * dimension;
            if (bytes != end - begin)
                throw Fail(source, $"tensor '{name}' ({dtype} {entry.ShapeText}) needs {bytes} bytes but its data_offsets [{begin}, {end}] span {end - begin}.");
        }
        return entry;
    }

    private static long[] Integers(JsonElement value, string key, string name, string source)
    {
        if (!value.TryGetProperty(key, out JsonElement array) || array.ValueKind != JsonValueKind.Array)
            throw Fail(source, $"tensor '{name}' has no '{key}' array.");
        var result = new long[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long number) || number < 0)
                throw Fail(source, $"tensor '{name}' has a '{key}' element {item.GetRawText()} that is not a non-negative integer.");
            result[i++] = number;
        }
        return result;
    }

    private static int? ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => null,
    };

    private static InvalidDataException Fail(string source, string problem, Exception? inner = null) => new($"{source}: {problem}", inner);
}
