using System.Text.Json;

namespace StaticNet.Tests.Support;

/// <summary>One PyTorch golden file from Fixtures/pytorch (schema in ../shared/fixtures/README.md).</summary>
public sealed class Fixture
{
    private Fixture(string name, JsonElement root)
    {
        Name = name;
        Root = root;
    }

    public string Name { get; }

    public JsonElement Root { get; }

    public static Fixture Load(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch", name + ".json");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        return new Fixture(name, document.RootElement.Clone());
    }

    public int Batch => Root.GetProperty("batch").GetInt32();

    public float[] Input => Floats(Root.GetProperty("input"));

    public float[] Parameters => Floats(Root.GetProperty("parameters"));

    public int[] ClassTargets => Root.GetProperty("target").EnumerateArray().Select(e => e.GetInt32()).ToArray();

    public float[] FloatTargets => Floats(Root.GetProperty("target"));

    public JsonElement Train => Root.GetProperty("train");

    public float[] EvalOutput => Floats(Root.GetProperty("eval").GetProperty("output"));

    public IEnumerable<JsonElement> Optimizers =>
        Root.TryGetProperty("optimizers", out JsonElement list) ? list.EnumerateArray() : Enumerable.Empty<JsonElement>();

    /// <summary>Names and offsets as the file lists them, to compare with a network's ParameterLayout.</summary>
    public IReadOnlyList<(string Name, int Offset, int Length, int[] Shape)> ParameterNames =>
        Root.GetProperty("parameter_names").EnumerateArray()
            .Select(e => (e.GetProperty("name").GetString()!, e.GetProperty("offset").GetInt32(), e.GetProperty("numel").GetInt32(),
                e.GetProperty("shape").EnumerateArray().Select(s => s.GetInt32()).ToArray()))
            .ToList();

    /// <summary>BatchNorm buffers in the file's key order (running_mean then running_var per layer), concatenated.</summary>
    public static float[] Buffers(JsonElement buffers) =>
        buffers.EnumerateObject().SelectMany(p => Floats(p.Value)).ToArray();

    public static float[] Floats(JsonElement array) =>
        array.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
}
