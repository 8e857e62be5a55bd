using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests.Kernels;

/// <summary>
/// The packed, register-tiled product against a double-precision reference, over the shapes that reach each of its
/// paths: A in place row-major or rows-adjacent, or packed (four panels or more, other strides); one- and two-vector
/// panels; edges in rows and columns; more than one depth block (k &gt; 256) and row block (m &gt; 96).
/// </summary>
public sealed class GemmTests
{
    public static TheoryData<int, int, int, int> Shapes => new()
    {
        // m, n, k, layout of A: 0 row-major, 1 rows adjacent (A = dyᵀ), 2 general strides
        { 1, 1, 1, 0 }, { 7, 3, 5, 0 }, { 13, 10, 16, 0 }, { 32, 16, 32, 0 }, { 97, 33, 64, 0 }, { 200, 70, 300, 0 },
        { 6, 64, 9, 0 }, { 50, 129, 70, 0 }, { 130, 17, 600, 0 }, { 1, 300, 3, 0 },
        { 7, 3, 5, 1 }, { 25, 40, 19, 1 }, { 100, 200, 257, 1 }, { 12, 8, 30, 1 },
        { 9, 20, 11, 2 }, { 31, 5, 270, 2 },
        // Deeper than a packed pass (1,024): two depth blocks with B packed, five by rows; and with A packed too
        { 40, 37, 1100, 0 }, { 29, 50, 1030, 2 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Product_matches_a_double_reference(int m, int n, int k, int layout)
    {
        // A is read at a[i·aRow + p·aDepth]; B at b[p·pStride + j·jStride] (transposed storage when jStride > 1).
        (nint aRow, nint aDepth) = layout switch { 0 => ((nint)k, (nint)1), 1 => (1, m), _ => (2 * k + 1, 2) };
        float[] a = KernelCheck.Uniform(1, (int)((m - 1) * aRow + (k - 1) * aDepth + 1), -1f, 1f);
        // B by rows (n + 2 apart: the gap must not be read into C) or transposed (packed).
        foreach ((nint pStride, nint jStride) in new[] { ((nint)n + 2, (nint)1), (1, k) })
        {
            float[] b = KernelCheck.Uniform(2, (int)((k - 1) * pStride + (n - 1) * jStride + 1), -1f, 1f);
            float[] bias = KernelCheck.Uniform(3, n, -1f, 1f);
            var packed = new float[Gemm.PackedLength(k, n) + 5];
            Gemm.PackB(ref b[0], pStride, jStride, k, n, packed);
            foreach (bool relu in new[] { false, true })
                foreach (int init in new[] { 0, 1, 2 }) // bias, zero, accumulate
                {
                    const int ldc = 3; // C rows are n + ldc apart: the gaps must stay untouched
                    float[] c = KernelCheck.Uniform(4, m * (n + ldc), -1f, 1f);
                    float[] before = (float[])c.Clone();
                    if (jStride == 1) // B by rows: read in place
                        Gemm.MultiplyByRows(ref a[0], aRow, aDepth, ref b[0], pStride, ref c[0], n + ldc, m, n, k, init == 0 ? bias : default, accumulate: init == 2, relu);
                    else
                        Gemm.Multiply(ref a[0], aRow, aDepth, packed, ref c[0], n + ldc, m, n, k, init == 0 ? bias : default, accumulate: init == 2, relu);
                    for (int i = 0; i < m; i++)
                    {
                        for (int j = 0; j < n; j++)
                        {
                            double sum = init == 0 ? bias[j] : init == 2 ? before[i * (n + ldc) + j] : 0;
                            for (int p = 0; p < k; p++) sum += (double)a[i * aRow + p * aDepth] * b[p * pStride + j * jStride];
                            if (relu) sum = Math.Max(sum, 0);
                            KernelCheck.Near(sum, c[i * (n + ldc) + j], 1e-5, 1e-5 * k, $"C[{i}, {j}] ({m}x{n}x{k}, layout {layout}, init {init}, relu {relu})");
                        }
                        for (int j = n; j < n + ldc; j++) Assert.Equal(before[i * (n + ldc) + j], c[i * (n + ldc) + j]);
                    }
                }
        }
    }

    [Theory]
    [InlineData(13, 10, 16)]
    [InlineData(50, 10, 9)]
    [InlineData(31, 40, 70)]
    [InlineData(7, 3, 5)]
    [InlineData(97, 21, 256)]
    [InlineData(37, 10, 600)] // one packed pass deeper than 256
    public void Contiguous_rows_of_C_are_written_exactly(int m, int n, int k)
    {
        // ldc = n: the partial last panel may spill into the next row (which is overwritten) but never past C.
        float[] a = KernelCheck.Uniform(8, m * k, -1f, 1f), b = KernelCheck.Uniform(9, k * n, -1f, 1f), bias = KernelCheck.Uniform(10, n, -1f, 1f);
        var packed = new float[Gemm.PackedLength(k, n)];
        Gemm.PackB(ref b[0], n, 1, k, n, packed);
        var c = new float[m * n + 64];
        c.AsSpan(m * n).Fill(42f);
        Gemm.Multiply(ref a[0], k, 1, packed, ref c[0], n, m, n, k, bias, accumulate: false, relu: false);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = bias[j];
                for (int p = 0; p < k; p++) sum += (double)a[i * k + p] * b[p * n + j];
                KernelCheck.Near(sum, c[i * n + j], 1e-5, 1e-5 * k, $"C[{i}, {j}]");
            }
        Assert.All(c.AsSpan(m * n).ToArray(), v => Assert.Equal(42f, v));
    }

    [Theory]
    [InlineData(9, 8)]
    [InlineData(10, 16)]
    [InlineData(11, 64)]
    [InlineData(12, 256)]
    [InlineData(10, 24)]
    public void Few_outputs_give_the_bits_of_the_fused_chain(int n, int k)
    {
        // 9 to 12 columns over whole 8-deep blocks take the transposed kernel on AVX2 (blocks of 16 rows, the rest in
        // panels): every element is bias + Σₚ a·b fused in order of p, as in the panels, so with FMA the bits must match
        // that chain exactly; C's rows contiguous or with gaps, which must stay untouched, and guarded past the end.
        foreach (int m in new[] { 16, 21, 48, 1797 })
            foreach (int gap in new[] { 0, 3 })
                foreach (bool relu in new[] { false, true })
                {
                    int ldc = n + gap;
                    float[] a = KernelCheck.Uniform(m + k, m * k, -1f, 1f), b = KernelCheck.Uniform(13, k * n, -1f, 1f), bias = KernelCheck.Uniform(14, n, -1f, 1f);
                    var packed = new float[Gemm.PackedLength(k, n)];
                    Gemm.PackB(ref b[0], n, 1, k, n, packed);
                    float[] c = KernelCheck.Uniform(15, m * ldc + 64, -1f, 1f), before = (float[])c.Clone();
                    Gemm.Multiply(ref a[0], k, 1, packed, ref c[0], ldc, m, n, k, bias, accumulate: false, relu);
                    for (int i = 0; i < m; i++)
                    {
                        for (int j = 0; j < n; j++)
                        {
                            float chain = bias[j];
                            double sum = bias[j];
                            for (int p = 0; p < k; p++)
                            {
                                chain = MathF.FusedMultiplyAdd(a[i * k + p], b[p * n + j], chain);
                                sum += (double)a[i * k + p] * b[p * n + j];
                            }
                            if (relu) { chain = MathF.Max(chain, 0f); sum = Math.Max(sum, 0); }
                            string at = $"C[{i}, {j}] ({m}x{n}x{k}, gap {gap}, relu {relu})";
                            if (System.Runtime.Intrinsics.X86.Fma.IsSupported) Assert.True(chain.Equals(c[i * ldc + j]), $"{at}: {chain} expected, {c[i * ldc + j]} computed");
                            else KernelCheck.Near(sum, c[i * ldc + j], 1e-5, 1e-5 * k, at);
                        }
                        for (int j = n; j < ldc; j++) Assert.Equal(before[i * ldc + j], c[i * ldc + j]);
                    }
                    Assert.Equal(before.AsSpan(m * ldc).ToArray(), c.AsSpan(m * ldc).ToArray());
                }
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(0, 20)]
    [InlineData(0, 10)]
    [InlineData(1, 5)]
    [InlineData(1, 20)]
    public void Every_row_count_reads_A_in_place_exactly(int layout, int n)
    {
        // Rows read in place that do not fill a tile take a remainder tile of their exact height (1 to 11 rows): every
        // m from 1 to 2 tiles of 12 plus one, A ending where its last row ends (nothing past it may be read into C), C's
        // rows contiguous (the spill path when n is not whole panels) and guarded past its end.
        const int k = 9;
        for (int m = 1; m <= 25; m++)
        {
            (nint aRow, nint aDepth) = layout == 0 ? ((nint)k, (nint)1) : (1, m);
            float[] a = KernelCheck.Uniform(m, m * k, -1f, 1f), b = KernelCheck.Uniform(11, k * n, -1f, 1f), bias = KernelCheck.Uniform(12, n, -1f, 1f);
            var c = new float[m * n + 64];
            c.AsSpan(m * n).Fill(42f);
            Gemm.MultiplyByRows(ref a[0], aRow, aDepth, ref b[0], n, ref c[0], n, m, n, k, bias, accumulate: false, relu: true);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double sum = bias[j];
                    for (int p = 0; p < k; p++) sum += (double)a[i * aRow + p * aDepth] * b[p * n + j];
                    KernelCheck.Near(Math.Max(sum, 0), c[i * n + j], 1e-5, 1e-5 * k, $"C[{i}, {j}] of {m} rows");
                }
            Assert.All(c.AsSpan(m * n).ToArray(), v => Assert.Equal(42f, v));
        }
    }

    [Fact]
    public void Packed_panels_hold_the_columns_and_zero_padding()
    {
        const int k = 3, n = 5;
        float[] w = Enumerable.Range(0, k * n).Select(v => (float)v + 1).ToArray(); // W[j, p] = j·k + p + 1
        var packed = new float[Gemm.PackedLength(k, n)];
        Gemm.PackB(ref w[0], 1, k, k, n, packed); // B = Wᵀ
        int width = Gemm.PanelWidth(n);
        for (int q = 0; q < packed.Length / (k * width); q++)
            for (int p = 0; p < k; p++)
                for (int jj = 0; jj < width; jj++)
                {
                    int j = q * width + jj;
                    Assert.Equal(j < n ? w[j * k + p] : 0f, packed[q * k * width + p * width + jj]);
                }
    }

    [Fact]
    public void Short_spans_are_rejected()
    {
        var a = new float[4];
        var ex = Assert.Throws<ArgumentException>(() => Gemm.PackB(ref a[0], 1, 2, 2, 2, new float[1]));
        Assert.Contains($"{Gemm.PackedLength(2, 2)}", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Gemm.Multiply(ref a[0], 2, 1, new float[1], ref a[0], 2, 2, 2, 2, default, false, false));
        Assert.Contains("1", ex.Message);
    }
}

/// <summary>
/// <see cref="Parallelism.MaxDegree"/> is process-wide, so these run alone: allocation tests elsewhere must not see a
/// product split while they measure.
/// </summary>
[Collection(nameof(ParallelismTests))]
public sealed class ParallelismTests
{
    [Fact]
    public void Two_threads_give_the_same_bits_as_one()
    {
        const int m = 300, n = 200, k = 150;
        float[] a = KernelCheck.Uniform(5, m * k, -1f, 1f), b = KernelCheck.Uniform(6, k * n, -1f, 1f), bias = KernelCheck.Uniform(7, n, -1f, 1f);
        var packed = new float[Gemm.PackedLength(k, n)];
        Gemm.PackB(ref b[0], n, 1, k, n, packed);
        float[] mask = KernelCheck.Uniform(8, m * n, -1f, 1f); // half the entries ≤ 0
        var one = new float[m * n];
        var two = new float[m * n];
        var maskedOne = new float[m * n];
        var maskedTwo = new float[m * n];
        Gemm.Multiply(ref a[0], k, 1, packed, ref one[0], n, m, n, k, bias, false, true);
        Gemm.MultiplyByRows(ref a[0], k, 1, ref b[0], n, ref maskedOne[0], n, m, n, k, bias, false, false, mask);
        try
        {
            Parallelism.MaxDegree = 2;
            Gemm.Multiply(ref a[0], k, 1, packed, ref two[0], n, m, n, k, bias, false, true);
            Gemm.MultiplyByRows(ref a[0], k, 1, ref b[0], n, ref maskedTwo[0], n, m, n, k, bias, false, false, mask);
        }
        finally
        {
            Parallelism.MaxDegree = 1;
        }
        Assert.Equal(one, two);
        Assert.Equal(maskedOne, maskedTwo);
        Assert.Contains(maskedOne, v => v == 0f);
        Assert.Contains(maskedOne, v => v != 0f);
        Assert.Throws<ArgumentOutOfRangeException>(() => Parallelism.MaxDegree = 0);
    }
}

[CollectionDefinition(nameof(ParallelismTests), DisableParallelization = true)]
public sealed class ParallelismCollection;
