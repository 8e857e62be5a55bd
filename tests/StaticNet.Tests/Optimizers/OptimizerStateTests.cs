using Xunit;
namespace StaticNet.Tests.Optimizers;

public class OptimizerStateTests
{
    public static TheoryData<string> Names => OptimizerCases.Names;

    [Theory]
    [MemberData(nameof(Names))]
    public void Save_load_SetState_resumes_bit_for_bit(string name)
    {
        var (p0, gradients) = OptimizerCases.Data(37, steps: 6);
        var create = OptimizerCases.All[name].Create;

        var uninterrupted = create();
        float[] expected = (float[])p0.Clone();
        for (int t = 0; t < 6; t++)
        {
            if (t == 2) uninterrupted.LearningRate *= 0.5f; // as a schedule would: the rate must be part of the state
            uninterrupted.Step(expected, gradients[t]);
        }

        var first = create();
        float[] p = (float[])p0.Clone();
        for (int t = 0; t < 3; t++)
        {
            if (t == 2) first.LearningRate *= 0.5f;
            first.Step(p, gradients[t]);
        }
        var stream = new MemoryStream();
        first.GetState().Save(stream);
        var resumed = create();
        resumed.SetState(OptimizerState.Load(new MemoryStream(stream.ToArray())));
        for (int t = 3; t < 6; t++) resumed.Step(p, gradients[t]);

        Assert.Equal(Bits(expected), Bits(p));
        Assert.Equal(6, resumed.GetState().Step);
    }

    [Fact]
    public void Save_and_load_round_trip_every_field()
    {
        var state = new OptimizerState("Adam", 42, 0.125f, new Dictionary<string, float[]>
        {
            ["exp_avg_sq"] = [1f, float.Epsilon, -0f],
            ["exp_avg"] = [float.NaN, 3.5f, -2f],
        });
        var stream = new MemoryStream();
        state.Save(stream);
        stream.Position = 0;
        var loaded = OptimizerState.Load(stream);
        Assert.Equal(stream.Length, stream.Position); // reads exactly what was written
        Assert.Equal("Adam", loaded.Optimizer);
        Assert.Equal(42, loaded.Step);
        Assert.Equal(0.125f, loaded.LearningRate);
        Assert.Equal(["exp_avg", "exp_avg_sq"], loaded.Buffers.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, values) in state.Buffers) Assert.Equal(Bits(values), Bits(loaded.Buffers[key]));
    }

    [Fact]
    public void Save_writes_the_documented_little_endian_layout()
    {
        var stream = new MemoryStream();
        new OptimizerState("Sgd", 1, 0.5f, new Dictionary<string, float[]> { ["b"] = [1f] }).Save(stream);
        byte[] expected =
        [
            (byte)'S', (byte)'N', (byte)'O', (byte)'S', 1, 0, 0, 0,
            3, 0, 0, 0, (byte)'S', (byte)'g', (byte)'d',
            1, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0x3F,            // 0.5f
            1, 0, 0, 0,
            1, 0, 0, 0, (byte)'b', 1, 0, 0, 0,
            0, 0, 0x80, 0x3F,         // 1f
        ];
        Assert.Equal(expected, stream.ToArray());
    }

    [Fact]
    public void GetState_is_a_copy()
    {
        var adam = new Adam(0.1f);
        float[] p = [1f, 2f];
        adam.Step(p, [0.5f, 0.5f]);
        var state = adam.GetState();
        float[] before = (float[])state.Buffers["exp_avg"].Clone();
        adam.Step(p, [0.5f, 0.5f]);
        Assert.Equal(before, state.Buffers["exp_avg"]);
        Assert.Equal(1, state.Step);
    }

    [Fact]
    public void State_before_the_first_step_has_no_buffers_and_restores_a_fresh_optimizer()
    {
        var state = new Adam(0.1f).GetState();
        Assert.Empty(state.Buffers);
        Assert.Equal(0, state.Step);
        var (p0, gradients) = OptimizerCases.Data(5, steps: 2);
        var restored = new Adam(0.1f);
        restored.Step((float[])p0.Clone(), gradients[0]);
        restored.SetState(state);
        Assert.Equal(Bits(OptimizerCases.Run(new Adam(0.1f), p0, gradients)), Bits(OptimizerCases.Run(restored, p0, gradients)));
    }

    [Fact]
    public void SetState_rejects_another_optimizer_type()
    {
        var sgd = new Sgd(0.1f, momentum: 0.9f);
        sgd.Step(new float[3], [1f, 1f, 1f]);
        var ex = Assert.Throws<ArgumentException>(() => new Adam().SetState(sgd.GetState()));
        Assert.Contains("Sgd", ex.Message);
        Assert.Equal("state", ex.ParamName);
    }

    [Fact]
    public void SetState_rejects_another_configuration()
    {
        var ams = new Adam(amsgrad: true);
        ams.Step(new float[3], [1f, 1f, 1f]);
        var ex = Assert.Throws<ArgumentException>(() => new Adam().SetState(ams.GetState()));
        Assert.Contains("max_exp_avg_sq", ex.Message);
    }

    [Fact]
    public void SetState_rejects_buffers_of_different_lengths()
    {
        var state = new OptimizerState("Adam", 1, 0.1f, new Dictionary<string, float[]> { ["exp_avg"] = new float[3], ["exp_avg_sq"] = new float[4] });
        Assert.Throws<ArgumentException>(() => new Adam().SetState(state));
    }

    [Fact]
    public void Restored_state_binds_the_parameter_length()
    {
        var adam = new Adam();
        adam.Step(new float[3], [1f, 1f, 1f]);
        var restored = new Adam();
        restored.SetState(adam.GetState());
        Assert.Throws<ArgumentException>(() => restored.Step(new float[4], new float[4]));
    }

    public static TheoryData<string, byte[]> BadStreams()
    {
        var stream = new MemoryStream();
        var adam = new Adam();
        adam.Step(new float[8], new float[8]);
        adam.GetState().Save(stream);
        byte[] good = stream.ToArray();

        byte[] wrongVersion = (byte[])good.Clone();
        wrongVersion[4] = 9;
        byte[] negativeCount = (byte[])good.Clone();
        BitConverter.TryWriteBytes(negativeCount.AsSpan(4 + 4 + 4 + 4 + 8 + 4), -1); // after magic, version, "Adam", step, lr
        byte[] hugeLength = (byte[])good.Clone();
        BitConverter.TryWriteBytes(hugeLength.AsSpan(4 + 4 + 4 + 4 + 8 + 4 + 4 + 4 + 7), int.MaxValue); // first buffer ("exp_avg") length
        return new TheoryData<string, byte[]>
        {
            { "truncated", [] },
            { "magic", "NOPE"u8.ToArray().Concat(good.Skip(4)).ToArray() },
            { "version", wrongVersion },
            { "truncated", good[..(good.Length - 3)] },
            { "truncated", good[..10] },
            { "negative", negativeCount },
            { "truncated", hugeLength },
        };
    }

    [Theory]
    [MemberData(nameof(BadStreams))]
    public void Load_rejects_a_bad_stream_saying_what_is_wrong(string reason, byte[] bytes)
    {
        var ex = Assert.Throws<InvalidDataException>(() => OptimizerState.Load(new MemoryStream(bytes)));
        Assert.Contains(reason, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);
}
