using Xunit;

namespace StaticNet.Tests.Data;

public sealed class RngTests
{
    [Fact]
    public void A_restored_state_continues_the_same_sequence_including_the_spare_normal_deviate()
    {
        var original = new Rng(7);
        original.NextUInt32();
        original.NextGaussian(); // leaves a spare deviate in the state
        RngState state = original.GetState();
        Assert.True(state.HasSpare);

        var copy = new Rng(99);
        copy.SetState(state);
        Assert.Equal(original.NextGaussian(), copy.NextGaussian()); // the spare
        for (int i = 0; i < 100; i++) Assert.Equal(original.NextUInt32(), copy.NextUInt32());
    }

    [Fact]
    public void NextSingles_returns_what_NextSingle_would_and_leaves_the_same_state()
    {
        var one = new Rng(11);
        var many = new Rng(11);
        var expected = new float[37];
        for (int i = 0; i < expected.Length; i++) expected[i] = one.NextSingle();
        var actual = new float[37];
        many.NextSingles(actual);
        Assert.Equal(expected, actual);
        Assert.Equal(one.GetState(), many.GetState());
    }

    [Fact]
    public void An_all_zero_state_is_rejected_and_changes_nothing()
    {
        var rng = new Rng(3);
        RngState before = rng.GetState();
        var e = Assert.Throws<ArgumentException>(() => rng.SetState(new RngState(0, 0, 0, 0, 0f, false)));
        Assert.Contains("all zero", e.Message);
        Assert.Equal(before, rng.GetState());
    }
}
