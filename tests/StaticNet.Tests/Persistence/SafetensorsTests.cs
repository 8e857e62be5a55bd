using StaticNet.Tests.Parity;
using System.Text.Json;
using StaticNet.Tests.Support;
using Xunit;
using static StaticNet.Tests.Persistence.SafetensorsFiles;

namespace StaticNet.Tests.Persistence;

public sealed class SafetensorsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void PyTorch_mlp_gives_PyTorchs_logits_and_classes() => CheckPyTorchModel(new SeedDigitsNet(), "digits_mlp");

    [Fact]
    public void PyTorch_batchnorm_model_gives_PyTorchs_eval_logits_and_classes()
    {
        var net = new BatchNormNet();
        CheckPyTorchModel(net, "digits_batchnorm");
        Assert.DoesNotContain(net.Buffers.ToArray()[32..], v => v == 1f); // running_var loaded, not the initial ones
    }

    private static void CheckPyTorchModel(IClassifierNetwork net, string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(FixturePath(name + ".json")));
        JsonElement root = json.RootElement;
        int[] rows = root.GetProperty("rows").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        float[] expected = Fixture.Floats(root.GetProperty("output"));
        int[] predicted = root.GetProperty("predicted").EnumerateArray().Select(e => e.GetInt32()).ToArray();

        net.Load(FixturePath(name + ".safetensors"));

        Dataset digits = Datasets.LoadDigits();
        float[] inputs = rows.SelectMany(r => digits.Row(r).ToArray()).ToArray();
        var outputs = new float[rows.Length * net.OutputSize];
        net.Forward(inputs, outputs);
        Close.All(expected, outputs, rel: 1e-4, abs: 1e-5, $"{name} logits");
        Assert.Equal(predicted, rows.Select(r => net.Predict(digits.Row(r))));
    }

    [Fact]
    public void Round_trip_is_bit_exact_and_the_header_is_standard()
    {
        var net = new BatchNormNet(seed: 3);
        for (int i = 0; i < net.Buffers.Length; i++) net.Buffers[i] = 0.1f * i - 1f;
        string path = _folder.File("model.safetensors");
        Safetensors.Save(net, path, new Dictionary<string, string> { ["note"] = "hi" });

        var loaded = new BatchNormNet(seed: 4);
        Safetensors.Load(loaded, path);
        Assert.Equal(Bits(net.Parameters), Bits(loaded.Parameters));
        Assert.Equal(Bits(net.Buffers), Bits(loaded.Buffers));

        byte[] file = File.ReadAllBytes(path);
        var (length, header) = Header(file);
        Assert.Equal(0ul, length % 8);
        var (entries, data) = Contents(net);
        Assert.Equal(8 + (long)length + data.Length, file.Length);
        Assert.Equal(data, file[(8 + (int)length)..]);
        Assert.Equal(new[] { "__metadata__" }.Concat(entries.Select(e => e.Name)), header.EnumerateObject().Select(p => p.Name));
        Assert.Equal("pt", header.GetProperty("__metadata__").GetProperty("format").GetString());
        Assert.Equal("hi", header.GetProperty("__metadata__").GetProperty("note").GetString());
        foreach (Entry entry in entries)
        {
            JsonElement e = header.GetProperty(entry.Name);
            Assert.Equal("F32", e.GetProperty("dtype").GetString());
            Assert.Equal(entry.Shape, e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
            Assert.Equal(new[] { entry.Begin, entry.End }, e.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()));
        }
    }

    [Fact]
    public void Stream_overloads_and_extension_methods_round_trip()
    {
        var net = new SeedDigitsNet(seed: 5);
        var stream = new MemoryStream();
        Safetensors.Save(net, stream);
        var fromStream = new SeedDigitsNet(seed: 6);
        Safetensors.Load(fromStream, new MemoryStream(stream.ToArray()));
        Assert.Equal(Bits(net.Parameters), Bits(fromStream.Parameters));

        string path = _folder.File("ext.safetensors");
        net.Save(path);
        Assert.Equal(stream.ToArray(), File.ReadAllBytes(path));
        var fromFile = new SeedDigitsNet(seed: 7);
        fromFile.Load(path);
        Assert.Equal(Bits(net.Parameters), Bits(fromFile.Parameters));
    }

    [Fact]
    public void PyTorchs_integer_num_batches_tracked_is_ignored()
    {
        var source = new BatchNormNet(seed: 8);
        var (entries, data) = Contents(source);
        entries.Add(new Entry("1.num_batches_tracked", "I64", [], data.Length, data.Length + 8));
        string path = _folder.File("torch.safetensors");
        File.WriteAllBytes(path, Build(entries, [.. data, 42, 0, 0, 0, 0, 0, 0, 0]));

        var net = new BatchNormNet(seed: 9);
        net.Load(path);
        Assert.Equal(Bits(source.Parameters), Bits(net.Parameters));
        Assert.Equal(Bits(source.Buffers), Bits(net.Buffers));
    }

    [Fact]
    public void Cnn_round_trip_keeps_PyTorch_names_and_shapes_and_is_bit_exact()
    {
        var source = new Conv2dBatchNormNet(seed: 3);
        for (int i = 0; i < source.Buffers.Length; i++) source.Buffers[i] = 0.25f * (i + 1);
        string path = _folder.File("cnn.safetensors");
        source.Save(path);
        (_, JsonElement header) = Header(File.ReadAllBytes(path));
        Assert.Equal([8, 1, 3, 3], header.GetProperty("0.weight").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([8], header.GetProperty("1.running_var").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([10, 128], header.GetProperty("5.weight").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        var loaded = new Conv2dBatchNormNet(seed: 4);
        loaded.Load(path);
        Assert.Equal(Bits(source.Parameters), Bits(loaded.Parameters));
        Assert.Equal(Bits(source.Buffers), Bits(loaded.Buffers));
    }

    /// <summary>
    /// A file laid out as <c>safetensors.torch.save_file(model.state_dict())</c> writes it for the conv2d_batchnorm case
    /// (state_dict order, PyTorch shapes, the int64 num_batches_tracked): loaded, it gives PyTorch's eval outputs.
    /// </summary>
    [Fact]
    public void PyTorch_cnn_state_dict_gives_PyTorchs_eval_outputs()
    {
        Fixture f = Fixture.Load("conv2d_batchnorm");
        float[] parameters = f.Parameters, buffers = Fixture.Buffers(f.Root.GetProperty("buffers"));
        var entries = new List<Entry>();
        var bytes = new List<byte>();
        void Add(string name, long[] shape, ReadOnlySpan<float> values)
        {
            entries.Add(new Entry(name, "F32", shape, bytes.Count, bytes.Count + 4L * values.Length));
            foreach (float v in values) bytes.AddRange(BitConverter.GetBytes(v));
        }
        foreach (var (name, offset, length, shape) in f.ParameterNames.Where(p => p.Name.StartsWith("0.")))
            Add(name, shape.Select(d => (long)d).ToArray(), parameters.AsSpan(offset, length));
        foreach (var (name, offset, length, shape) in f.ParameterNames.Where(p => p.Name.StartsWith("1.")))
            Add(name, shape.Select(d => (long)d).ToArray(), parameters.AsSpan(offset, length));
        Add("1.running_mean", [8], buffers.AsSpan(0, 8));
        Add("1.running_var", [8], buffers.AsSpan(8, 8));
        entries.Add(new Entry("1.num_batches_tracked", "I64", [], bytes.Count, bytes.Count + 8));
        bytes.AddRange(BitConverter.GetBytes(0L));
        foreach (var (name, offset, length, shape) in f.ParameterNames.Where(p => p.Name.StartsWith("5.")))
            Add(name, shape.Select(d => (long)d).ToArray(), parameters.AsSpan(offset, length));
        string path = _folder.File("torch_cnn.safetensors");
        File.WriteAllBytes(path, Build(entries, bytes.ToArray()));

        var net = new Conv2dBatchNormNet();
        net.Load(path);
        var output = new float[f.EvalOutput.Length];
        net.Forward(f.Input, output);
        Close.All(f.EvalOutput, output, 1e-4, 1e-5, "eval output of the loaded CNN");
    }

    public static TheoryData<string> BadFiles => new(BadFile.Keys);

    /// <summary>Each bad file, built from a valid <see cref="BatchNormNet"/> file, and what the message must say.</summary>
    private static readonly Dictionary<string, (Func<byte[]> Build, string Problem)> BadFile = new()
    {
        ["truncated"] = (() => Valid()[..^100], "tensor '1.running_var' has data_offsets [10024, 10152] beyond the 10052 bytes of data (truncated file?)"),
        ["too short for the header length"] = (() => Valid()[..5], "truncated: it has 5 bytes"),
        ["header length beyond the file"] = (() => Edit((e, d) => Build(Json(e), d, headerLength: 1_000_000)), "header length 1000000 goes beyond the end of the file"),
        ["invalid JSON"] = (() => Build("{\"0.weight\": {\"dtype\": ", new byte[8]), "the header is not valid JSON"),
        ["invalid UTF-8"] = (() => WithByte(Build("{\"a\":{}}", []), 10, 0xFF), "the header is not valid JSON"),
        ["header not an object"] = (() => Build("[1, 2]", []), "the header is a JSON Array, not an object"),
        ["missing tensor"] = (() => Edit((e, d) => Build(e.Where(x => x.Name != "3.bias"), d)), "the network's tensor '3.bias' is missing."),
        ["missing tensors"] = (() => Edit((e, d) => Build(e.Where(x => !x.Name.StartsWith('1')), d)), "tensors '1.weight', '1.bias', '1.running_mean', '1.running_var' are missing."),
        ["wrong shape"] = (() => Saved(new NarrowBatchNormNet()), "tensor '0.weight' has shape [16, 64], but the network expects [32, 64]."),
        ["wrong dtype"] = (() => Edit((e, d) => Build(e.Select(x => x.Name == "1.bias" ? x with { DType = "I32" } : x), d)), "tensor '1.bias' has dtype I32, but the network expects F32."),
        ["unknown tensor"] = (() => Edit((e, d) => Build([.. e, new Entry("4.weight", "F32", [0], 0, 0)], d)), "tensor '4.weight' is not part of the network"),
        ["offsets out of range"] = (() => Edit((e, d) => Build(e.Select(x => x.Name == "3.bias" ? x with { Begin = 10150, End = 10190 } : x), d)), "tensor '3.bias' has data_offsets [10150, 10190] beyond the 10152 bytes of data"),
        ["begin after end"] = (() => Edit((e, d) => Build(e.Select(x => x.Name == "1.weight" ? x with { Begin = x.End, End = x.Begin } : x), d)), "data_offsets [8448, 8320] with begin after end"),
        ["byte length not 4 x numel"] = (() => Edit((e, d) => Build(e.Select(x => x.Name == "1.weight" ? x with { Shape = [31] } : x), d)), "tensor '1.weight' (F32 [31]) needs 124 bytes but its data_offsets [8320, 8448] span 128"),
        ["negative dimension"] = (() => Edit((e, d) => Build(e.Select(x => x.Name == "1.weight" ? x with { Shape = [-32] } : x), d)), "'shape' element -32 that is not a non-negative integer"),
        ["optimizer entry outside a checkpoint"] = (() => Edit((e, d) => Build([.. e, new Entry("optimizer.exp_avg", "F32", [0], 0, 0)], d)), "tensor 'optimizer.exp_avg' is not part of the network"),
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Bad_file_throws_naming_file_and_problem_and_changes_nothing(string name)
    {
        var (build, problem) = BadFile[name];
        string path = _folder.File("bad.safetensors");
        File.WriteAllBytes(path, build());
        var net = new BatchNormNet(seed: 11);
        for (int i = 0; i < net.Buffers.Length; i++) net.Buffers[i] = i;
        uint[] parameters = Bits(net.Parameters), buffers = Bits(net.Buffers);

        var error = Assert.Throws<InvalidDataException>(() => Safetensors.Load(net, path));
        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.Equal(parameters, Bits(net.Parameters));
        Assert.Equal(buffers, Bits(net.Buffers));
    }

    private static byte[] Saved(INetwork network)
    {
        var stream = new MemoryStream();
        Safetensors.Save(network, stream);
        return stream.ToArray();
    }

    private static byte[] WithByte(byte[] file, int index, byte value)
    {
        file[index] = value;
        return file;
    }

    private static byte[] Valid() => Saved(new BatchNormNet(seed: 10));

    private static byte[] Edit(Func<List<Entry>, byte[], byte[]> edit)
    {
        var (entries, data) = Contents(new BatchNormNet(seed: 10));
        return edit(entries, data);
    }

    [Fact]
    public void Saving_over_a_file_replaces_it_and_leaves_no_temporary_file()
    {
        string path = _folder.File("model.safetensors");
        File.WriteAllText(path, "an older, different file");
        var net = new SeedDigitsNet(seed: 12);
        net.Save(path);
        new SeedDigitsNet(seed: 13).Save(path);

        var loaded = new SeedDigitsNet(seed: 12);
        loaded.Load(path);
        Assert.Equal(Bits(new SeedDigitsNet(seed: 13).Parameters), Bits(loaded.Parameters));
        Assert.Equal(new[] { path }, Directory.GetFiles(_folder.Path));
    }

    internal static uint[] Bits(Span<float> values) => values.ToArray().Select(BitConverter.SingleToUInt32Bits).ToArray();
}
