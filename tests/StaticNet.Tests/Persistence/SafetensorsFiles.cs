using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace StaticNet.Tests.Persistence;

/// <summary>Reads and builds safetensors bytes independently of the library, to check its output and feed it bad files.</summary>
public static class SafetensorsFiles
{
    public sealed record Entry(string Name, string DType, long[] Shape, long Begin, long End);

    public static string FixturePath(string fileName) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "safetensors", fileName);

    /// <summary>The header length and the parsed header of a file.</summary>
    public static (ulong Length, JsonElement Header) Header(byte[] file)
    {
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file);
        using var document = JsonDocument.Parse(file.AsMemory(8, (int)length));
        return (length, document.RootElement.Clone());
    }

    /// <summary>A valid file of the network's tensors (parameters then buffers, contiguous) as entries and data.</summary>
    public static (List<Entry> Entries, byte[] Data) Contents(INetwork network)
    {
        var entries = new List<Entry>();
        long offset = 0;
        foreach (ParameterInfo info in network.ParameterLayout.Concat(network.BufferLayout))
        {
            entries.Add(new Entry(info.Name, "F32", info.Shape.Select(d => (long)d).ToArray(), offset, offset + 4L * info.Length));
            offset += 4L * info.Length;
        }
        float[] values = network.Parameters.ToArray().Concat(network.Buffers.ToArray()).ToArray();
        var data = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), values[i]);
        return (entries, data);
    }

    public static string Json(IEnumerable<Entry> entries) =>
        "{" + string.Join(",", entries.Select(e => string.Create(CultureInfo.InvariantCulture,
            $"\"{e.Name}\":{{\"dtype\":\"{e.DType}\",\"shape\":[{string.Join(",", e.Shape)}],\"data_offsets\":[{e.Begin},{e.End}]}}"))) + "}";

    public static byte[] Build(string header, byte[] data, ulong? headerLength = null)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, headerLength ?? (ulong)json.Length);
        json.CopyTo(file, 8);
        data.CopyTo(file, 8 + json.Length);
        return file;
    }

    public static byte[] Build(IEnumerable<Entry> entries, byte[] data) => Build(Json(entries), data);
}
