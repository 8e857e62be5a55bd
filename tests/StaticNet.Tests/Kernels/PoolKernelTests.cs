using StaticNet.Kernels;
using Xunit;
using static StaticNet.Tests.Kernels.KernelCheck;
using static StaticNet.Tests.Kernels.ShapedReference;

namespace StaticNet.Tests.Kernels;

public class PoolKernelTests
{
    private const int Guard = 5; // sentinel floats after each output span

    // batch, channels, H, W, kernel, stride
    public static TheoryData<int, int, int, int, int, int> Shapes2d => new()
    {
        { 1, 8, 8, 8, 2, 2 },     // digits pool 1, one sample
        { 32, 8, 8, 8, 2, 2 },    // digits pool 1, a training batch
        { 17, 16, 4, 4, 2, 2 },   // digits pool 2 (rows of 4: the narrowest vector)
        { 2, 3, 7, 7, 2, 2 },     // row 6 and column 6 are read by no window
        { 2, 2, 9, 11, 3, 2 },    // overlapping windows (stride < kernel)
        { 1, 2, 5, 5, 5, 1 },     // kernel = input size
        { 2, 3, 10, 10, 2, 3 },   // stride > kernel
        { 3, 2, 20, 37, 3, 3 },   // wide rows: whole vectors, the last one overlapping
        { 2, 2, 6, 19, 2, 1 },    // stride 1: the output row is copied whole
        { 1, 1, 3, 3, 2, 1 },     // rows narrower than any vector: the scalar path
        { 2, 1, 9, 9, 9, 1 },     // an 81-element window (more than one 64-bit match mask)
        { 2, 3, 10, 17, 2, 2 },   // 2 × 2 pools with 8 outputs per row (the 256-bit backward), odd width
        { 3, 2, 7, 38, 2, 2 },    // 19 outputs per row: vectors and an overlapping last one; odd height
        { 1, 1, 2, 2, 2, 2 },     // one window: fewer outputs than any vector
        { 40, 16, 4, 4, 2, 2 },   // 1,280 narrow output rows: the backward gathers them in several chunks
        { 1, 3, 7, 9, 2, 2 },     // 4 outputs per row (half a 256-bit vector), 9 rows: the last pair overlaps; unread row and column
        { 1, 1, 6, 5, 2, 2 },     // 2 outputs per row (half a 128-bit vector), 3 rows
        { 1, 1, 6, 4, 2, 2 },     // rows of 4 read whole, 3 pairs of rows: two pairs per 256-bit vector, the last alone
        { 2, 3, 5, 4, 2, 2 },     // the same with an unread last row: the pairs plane by plane
        { 1, 3, 6, 2, 2, 2 },     // rows of 2 read whole (half a 128-bit vector), an odd number of pairs
        { 1, 1, 6, 8, 2, 2 },     // rows of 8 read whole (half a 512-bit vector), 3 pairs
        { 2, 2, 7, 8, 2, 2 },     // the same with an unread last row
        { 2, 2, 6, 16, 2, 2 },    // rows of 16 read whole: whole vectors per row
    };

    // batch, channels, length, kernel, stride
    public static TheoryData<int, int, int, int, int> Shapes1d => new()
    {
        { 16, 12, 8, 2, 2 },  // conv1d_sequence pool 1
        { 16, 16, 4, 2, 2 },  // conv1d_sequence pool 2
        { 3, 2, 11, 4, 3 },   // the last 2 positions are read by no window
        { 2, 2, 33, 3, 1 },   // overlapping
        { 2, 3, 70, 70, 1 },  // one 70-element window
        { 1, 1, 3, 2, 1 },    // scalar path
        { 19, 3, 64, 3, 2 },  // batch > 16, overlapping, vectors and a tail
        { 3, 2, 41, 2, 2 },   // odd length: the last position is read by no window; 20 outputs per row
        { 2, 3, 64, 2, 2 },   // even length: the pairs are read straight from x
        { 5, 1, 6, 2, 2 },    // 3 outputs per row: flat vectors across rows, read straight from x, and a scalar tail
        { 4, 3, 7, 2, 2 },    // 3 outputs per row, odd length: rows gathered (the last position read by no window)
        { 3, 1, 5, 2, 2 },    // 2 outputs per row, 3 rows: two rows per 128-bit vector, the last pair overlapping
    };

    [Theory]
    [MemberData(nameof(Shapes2d))]
    public void Pool2d_matches_reference_with_many_ties(int batch, int channels, int h, int w, int k, int s) =>
        CheckAgainstReference(Geometry.Pool2d(batch, channels, h, w, k, s), twoD: true);

    [Theory]
    [MemberData(nameof(Shapes1d))]
    public void Pool1d_matches_reference_with_many_ties(int batch, int channels, int length, int k, int s) =>
        CheckAgainstReference(Geometry.Pool1d(batch, channels, length, k, s), twoD: false);

    private static void CheckAgainstReference(Geometry g, bool twoD)
    {
        // Values on a coarse grid with a third of them 0 (as after a ReLU): most windows hold their maximum more than
        // once, so the first-in-scan-order rule decides where every tied gradient goes.
        var random = new Random(g.Seed);
        float[] x = [.. Enumerable.Range(0, g.InputLength).Select(_ => random.Next(3) == 0 ? 0f : random.Next(-4, 5) * 0.5f)];
        float[] dy = Uniform(g.Seed + 1, g.OutputLength, -1f, 1f);

        CheckMax(g, twoD, x, dy, "max-pool");
        // Again with NaN, +∞ and −∞ among the values (ties at ±∞, NaN winning): 3 % of each.
        float[] special = [.. x.Select(v => random.Next(100) switch { 0 or 1 or 2 => float.NaN, 3 or 4 or 5 => float.PositiveInfinity, 6 or 7 or 8 => float.NegativeInfinity, _ => v })];
        CheckMax(g, twoD, special, dy, "max-pool with NaN and ±∞");

        // Average pooling of smooth values.
        float[] xs = Uniform(g.Seed + 2, g.InputLength, -3f, 3f);
        double[] avgRef = AvgPool(g, xs);
        float[] ya = Filled(g.OutputLength + Guard, float.NaN);
        ya.AsSpan(g.OutputLength).Fill(77f);
        AvgForward(g, twoD, xs, ya);
        AllNear(avgRef, ya.AsSpan(0, g.OutputLength), 1e-6, 1e-6, "avg-pool y");
        Assert.All(ya[g.OutputLength..], v => Assert.Equal(77f, v));

        double[] dxAvgRef = AvgPoolBackward(g, dy);
        float[] dxa = Filled(g.InputLength + Guard, float.NaN);
        dxa.AsSpan(g.InputLength).Fill(77f);
        AvgBackward(g, twoD, dy, dxa);
        AllNear(dxAvgRef, dxa.AsSpan(0, g.InputLength), 1e-6, 1e-7, "avg-pool dx");
        Assert.All(dxa[g.InputLength..], v => Assert.Equal(77f, v));
    }

    private static void CheckMax(Geometry g, bool twoD, float[] x, float[] dy, string what)
    {
        var (maxRef, index) = MaxPool(g, x);
        float[] y = Filled(g.OutputLength + Guard, -5f);
        y.AsSpan(g.OutputLength).Fill(77f);
        MaxForward(g, twoD, x, y);
        for (int i = 0; i < g.OutputLength; i++) Assert.True(((float)maxRef[i]).Equals(y[i]), $"{what} y[{i}]: expected {maxRef[i]}, got {y[i]}");
        Assert.All(y[g.OutputLength..], v => Assert.Equal(77f, v));

        double[] dxRef = MaxPoolBackward(g, index, dy);
        float[] dx = Filled(g.InputLength + Guard, float.NaN);
        dx.AsSpan(g.InputLength).Fill(77f);
        MaxBackward(g, twoD, x, y, dy, dx);
        AllNear(dxRef, dx.AsSpan(0, g.InputLength), 1e-6, 1e-7, $"{what} dx");
        Assert.All(dx[g.InputLength..], v => Assert.Equal(77f, v));
    }

    [Fact]
    public void MaxPool_ties_go_to_the_first_maximum_in_scan_order()
    {
        // Two 2 × 2 windows side by side: [[1, 1], [1, 1]] → top-left; [[0, 1], [1, 0]] → top-right.
        float[] x = [1f, 1f, 0f, 1f,
                     1f, 1f, 1f, 0f];
        var y = new float[2];
        Pool.MaxForward2d(x, y, 1, 1, 2, 4, 2, 2);
        Assert.Equal([1f, 1f], y);
        float[] dx = Filled(8, float.NaN);
        Pool.MaxBackward2d(x, y, [10f, 20f], dx, 1, 1, 2, 4, 2, 2);
        Assert.Equal([10f, 0f, 0f, 20f,
                      0f, 0f, 0f, 0f], dx);
    }

    [Fact]
    public void MaxPool_NaN_wins_and_takes_the_gradient()
    {
        // PyTorch's cpu_max_pool replaces the running maximum when `(val > maxval) || std::isnan(val)`: a NaN wins, and
        // every later NaN replaces it again, so a window's gradient goes to its only NaN, or to its LAST NaN.
        // Window 0: [[5, NaN], [NaN, +∞]] → NaN, gradient to the last NaN, (1, 0). Window 1: [[−∞, −∞], [−∞, −∞]] → −∞,
        // gradient to (0, 0). Window 2: [[2, 3], [NaN, 1]] → NaN, gradient to (1, 0), although 3 is the largest number.
        float inf = float.PositiveInfinity, ninf = float.NegativeInfinity, nan = float.NaN;
        float[] x = [5f, nan, ninf, ninf, 2f, 3f,
                     nan, inf, ninf, ninf, nan, 1f];
        var y = new float[3];
        Pool.MaxForward2d(x, y, 1, 1, 2, 6, 2, 2);
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal(ninf, y[1]);
        Assert.True(float.IsNaN(y[2]));
        float[] dx = Filled(12, nan);
        Pool.MaxBackward2d(x, y, [1f, 2f, 3f], dx, 1, 1, 2, 6, 2, 2);
        Assert.Equal([0f, 0f, 2f, 0f, 0f, 0f,
                      1f, 0f, 0f, 0f, 3f, 0f], dx);

        // 1-d, on a vector-wide row (the vector paths): a NaN anywhere in a window wins; [NaN, NaN] → the second.
        float[] row = [.. Enumerable.Range(0, 24).Select(i => (float)i)];
        row[5] = nan;
        row[18] = nan;
        row[19] = nan;
        var y1 = new float[12];
        Pool.MaxForward1d(row, y1, 1, 1, 24, 2, 2);
        for (int i = 0; i < 12; i++)
            if (i is 2 or 9) Assert.True(float.IsNaN(y1[i]), $"window {i}");
            else Assert.Equal((float)(2 * i + 1), y1[i]);
        float[] dx1 = Filled(24, nan);
        Pool.MaxBackward1d(row, y1, Filled(12, 1f), dx1, 1, 1, 24, 2, 2);
        for (int i = 0; i < 24; i++) Assert.Equal(i % 2 == 1 ? 1f : 0f, dx1[i]); // windows 2 and 9 too: NaN at 5, last NaN at 19

        // 2 × 2 windows on rows of 16 (eight windows per row: the 256-bit backward), one NaN pattern per window.
        float[] grid = Filled(2 * 16, 1f);
        (int, int)[][] nans = [[], [(0, 0)], [(0, 1)], [(1, 0)], [(1, 1)], [(0, 0), (1, 1)], [(0, 1), (1, 0)], [(0, 0), (0, 1), (1, 0), (1, 1)]];
        int[] chosen = [0, 0, 1, 16, 17, 17, 16, 17]; // offset within the window (16 = one row down): first 1, or last NaN
        for (int wi = 0; wi < 8; wi++) foreach (var (r, c) in nans[wi]) grid[r * 16 + 2 * wi + c] = nan;
        var y2 = new float[8];
        Pool.MaxForward2d(grid, y2, 1, 1, 2, 16, 2, 2);
        for (int wi = 0; wi < 8; wi++) Assert.Equal(wi == 0 ? 1f : float.NaN, y2[wi]);
        float[] dx2 = Filled(32, nan);
        Pool.MaxBackward2d(grid, y2, [.. Enumerable.Range(1, 8).Select(v => (float)v)], dx2, 1, 1, 2, 16, 2, 2);
        for (int wi = 0; wi < 8; wi++)
            for (int e = 0; e < 4; e++)
            {
                int at = e / 2 * 16 + 2 * wi + e % 2;
                Assert.Equal(at - 2 * wi == chosen[wi] ? wi + 1f : 0f, dx2[at]);
            }
    }

    [Fact]
    public void Overlapping_windows_sum_their_gradients()
    {
        // k = 3, s = 1 over [1, 5, 2, 0, 4]: windows [1 5 2], [5 2 0], [2 0 4] choose 5, 5, 4.
        float[] x = [1f, 5f, 2f, 0f, 4f];
        var y = new float[3];
        Pool.MaxForward1d(x, y, 1, 1, 5, 3, 1);
        Assert.Equal([5f, 5f, 4f], y);
        var dx = Filled(5, float.NaN);
        Pool.MaxBackward1d(x, y, [1f, 10f, 100f], dx, 1, 1, 5, 3, 1);
        Assert.Equal([0f, 11f, 0f, 0f, 100f], dx);

        // Average, 2-d, k = 2, s = 1 on 3 × 3: the centre is in all four windows.
        var dxa = Filled(9, float.NaN);
        Pool.AvgBackward2d([4f, 8f, 12f, 16f], dxa, 1, 1, 3, 3, 2, 1);
        Assert.Equal([1f, 3f, 2f, 4f, 10f, 6f, 3f, 7f, 4f], dxa);
    }

    [Fact]
    public void Inputs_read_by_no_window_get_zero_gradient()
    {
        // 7 × 7, k = 2, s = 2 → 3 × 3: row 6 and column 6 are never read.
        float[] x = Uniform(5, 49, 1f, 2f);
        var y = new float[9];
        Pool.MaxForward2d(x, y, 1, 1, 7, 7, 2, 2);
        var dx = Filled(49, float.NaN);
        Pool.MaxBackward2d(x, y, Filled(9, 1f), dx, 1, 1, 7, 7, 2, 2);
        var dxa = Filled(49, float.NaN);
        Pool.AvgBackward2d(Filled(9, 1f), dxa, 1, 1, 7, 7, 2, 2);
        for (int i = 0; i < 7; i++)
        {
            Assert.Equal(0f, dx[6 * 7 + i]);
            Assert.Equal(0f, dx[i * 7 + 6]);
            Assert.Equal(0f, dxa[6 * 7 + i]);
            Assert.Equal(0f, dxa[i * 7 + 6]);
        }
        Assert.Equal(9f, dx.Sum());
        Assert.Equal(9f, dxa.Sum());
    }

    [Theory]
    [InlineData(true, 2, 3, 7, 9, 2, 2)]
    [InlineData(true, 1, 2, 8, 8, 3, 2)]
    [InlineData(false, 3, 2, 0, 17, 3, 2)]
    public void Pool_backward_matches_finite_differences(bool twoD, int batch, int channels, int h, int w, int k, int s)
    {
        Geometry g = twoD ? Geometry.Pool2d(batch, channels, h, w, k, s) : Geometry.Pool1d(batch, channels, w, k, s);
        // Distinct values 0.01 apart (a shuffled ramp): no two in a window are within 2h, so the maximum never switches.
        var random = new Random(7);
        float[] x = [.. Enumerable.Range(0, g.InputLength).Select(i => (i - g.InputLength / 2) * 0.01f).OrderBy(_ => random.Next())];
        float[] r = Uniform(8, g.OutputLength, -1f, 1f);
        var y = new float[g.OutputLength];
        const float step = 2e-3f;

        double MaxObjective()
        {
            MaxForward(g, twoD, x, y);
            return Project(r, y);
        }
        double[] numeric = NumericGradient(x, MaxObjective, step);
        MaxObjective();
        var dx = new float[g.InputLength];
        MaxBackward(g, twoD, x, y, r, dx);
        for (int i = 0; i < dx.Length; i++) Near(numeric[i], dx[i], 1e-3, 1e-3, $"max-pool dx[{i}]");
        Assert.Contains(dx, v => v != 0f);

        double AvgObjective()
        {
            AvgForward(g, twoD, x, y);
            return Project(r, y);
        }
        numeric = NumericGradient(x, AvgObjective, step);
        AvgBackward(g, twoD, r, dx);
        for (int i = 0; i < dx.Length; i++) Near(numeric[i], dx[i], 1e-3, 1e-3, $"avg-pool dx[{i}]");
    }

    [Fact]
    public void Short_spans_throw_naming_given_and_needed_lengths()
    {
        // 2 × 3 × 7 × 7 → 2 × 3 × 3 × 3: 294 inputs, 54 outputs.
        float[] x = new float[294], y = new float[54];
        var ex = Assert.Throws<ArgumentException>(() => Pool.MaxForward2d(x, y.AsSpan(1), 2, 3, 7, 7, 2, 2));
        Assert.Contains("y 53/54", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Pool.AvgForward2d(x.AsSpan(1), y, 2, 3, 7, 7, 2, 2));
        Assert.Contains("x 293/294", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Pool.MaxBackward2d(x, y, y.AsSpan(2), x, 2, 3, 7, 7, 2, 2));
        Assert.Contains("dy 52/54", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Pool.MaxBackward2d(x, y, y, x.AsSpan(4), 2, 3, 7, 7, 2, 2));
        Assert.Contains("dx 290/294", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Pool.AvgBackward1d(new float[10], new float[20], 1, 1, 21, 2, 2));
        Assert.Contains("dx 20/21", ex.Message);
        Assert.Throws<ArgumentException>(() => Pool.MaxForward1d(x, y, 1, 1, 3, 4, 1)); // window larger than the input
        Assert.Throws<ArgumentOutOfRangeException>(() => Pool.MaxForward2d(x, y, 1, 1, 4, 4, 2, 0)); // stride 0
    }

    // ---- dispatch to the 1-d or 2-d entry point ----

    private static void MaxForward(Geometry g, bool twoD, float[] x, Span<float> y)
    {
        if (twoD) Pool.MaxForward2d(x, y, g.Batch, g.InC, g.H, g.W, g.KW, g.SW);
        else Pool.MaxForward1d(x, y, g.Batch, g.InC, g.W, g.KW, g.SW);
    }

    private static void MaxBackward(Geometry g, bool twoD, float[] x, float[] y, float[] dy, Span<float> dx)
    {
        if (twoD) Pool.MaxBackward2d(x, y, dy, dx, g.Batch, g.InC, g.H, g.W, g.KW, g.SW);
        else Pool.MaxBackward1d(x, y, dy, dx, g.Batch, g.InC, g.W, g.KW, g.SW);
    }

    private static void AvgForward(Geometry g, bool twoD, float[] x, Span<float> y)
    {
        if (twoD) Pool.AvgForward2d(x, y, g.Batch, g.InC, g.H, g.W, g.KW, g.SW);
        else Pool.AvgForward1d(x, y, g.Batch, g.InC, g.W, g.KW, g.SW);
    }

    private static void AvgBackward(Geometry g, bool twoD, float[] dy, Span<float> dx)
    {
        if (twoD) Pool.AvgBackward2d(dy, dx, g.Batch, g.InC, g.H, g.W, g.KW, g.SW);
        else Pool.AvgBackward1d(dy, dx, g.Batch, g.InC, g.W, g.KW, g.SW);
    }
}
