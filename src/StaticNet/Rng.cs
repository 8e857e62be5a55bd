namespace StaticNet;

/// <summary>
/// A small, fast, deterministic random generator (xoshiro128** seeded by SplitMix64). The same seed gives the
/// same sequence on every platform and runtime version, unlike <see cref="Random"/>, whose algorithm may change.
/// </summary>
public sealed class Rng
{
    private uint _s0, _s1, _s2, _s3;
    private float _spareGaussian;
    private bool _hasSpare;

    /// <summary>Creates a generator from a seed.</summary>
    public Rng(int seed)
    {
        ulong z = unchecked((ulong)(uint)seed * 0x5DEECE66DUL + 0x2545F4914F6CDD1DUL);
        _s0 = (uint)SplitMix(ref z); _s1 = (uint)SplitMix(ref z); _s2 = (uint)SplitMix(ref z); _s3 = (uint)SplitMix(ref z);
        if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1;
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 32 random bits.</summary>
    public uint NextUInt32() => Next(ref _s0, ref _s1, ref _s2, ref _s3);

    /// <summary>One xoshiro128** step on the given state words.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static uint Next(ref uint s0, ref uint s1, ref uint s2, ref uint s3)
    {
        uint result = uint.RotateLeft(s1 * 5, 7) * 9;
        uint t = s1 << 9;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
        s2 ^= t;
        s3 = uint.RotateLeft(s3, 11);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 24 random bits.</summary>
    public float NextSingle() => (NextUInt32() >> 8) * (1f / (1 << 24));

    /// <summary>
    /// Fills <paramref name="destination"/> with what as many <see cref="NextSingle"/> calls would return, in order, with
    /// the generator's state in registers for the whole span (several times faster than one call per value).
    /// </summary>
    public void NextSingles(Span<float> destination)
    {
        uint s0 = _s0, s1 = _s1, s2 = _s2, s3 = _s3;
        for (int i = 0; i < destination.Length; i++)
            destination[i] = (Next(ref s0, ref s1, ref s2, ref s3) >> 8) * (1f / (1 << 24));
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (((ulong)NextUInt32() << 21) ^ (NextUInt32() >> 11)) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public float NextUniform(float low, float high) => (float)(low + (high - low) * NextDouble());

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>), by multiply-shift (Lemire), no division.</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)(((ulong)NextUInt32() * (ulong)maxExclusive) >> 32);
    }

    /// <summary>Standard normal (Box–Muller, both values used).</summary>
    public float NextGaussian()
    {
        if (_hasSpare) { _hasSpare = false; return _spareGaussian; }
        double u1 = 1.0 - NextDouble(), u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1)), theta = 2.0 * Math.PI * u2;
        _spareGaussian = (float)(r * Math.Sin(theta));
        _hasSpare = true;
        return (float)(r * Math.Cos(theta));
    }

    /// <summary>The generator's whole state: a generator given it with <see cref="SetState"/> continues the same sequence.</summary>
    public RngState GetState() => new(_s0, _s1, _s2, _s3, _spareGaussian, _hasSpare);

    /// <summary>Continues from a state returned by <see cref="GetState"/> (of this or another generator).</summary>
    /// <exception cref="ArgumentException">All four state words are zero (not a state xoshiro128** can be in).</exception>
    public void SetState(RngState state)
    {
        if ((state.S0 | state.S1 | state.S2 | state.S3) == 0)
            throw new ArgumentException("The generator state words are all zero, which xoshiro128** never reaches.", nameof(state));
        (_s0, _s1, _s2, _s3) = (state.S0, state.S1, state.S2, state.S3);
        (_spareGaussian, _hasSpare) = (state.SpareGaussian, state.HasSpare);
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}

/// <summary>The state of an <see cref="Rng"/>: the four xoshiro128** words and the normal deviate kept for the next call.</summary>
public readonly record struct RngState(uint S0, uint S1, uint S2, uint S3, float SpareGaussian, bool HasSpare);
