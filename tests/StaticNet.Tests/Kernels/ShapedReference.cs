using Xunit.Sdk;

namespace StaticNet.Tests.Kernels;

/// <summary>The sizes of a convolution or pooling case, per axis (1-d: height 1, kernel height 1, stride 1, no padding).</summary>
internal readonly record struct Geometry(int Batch, int InC, int H, int W, int OutC, int KH, int KW, int SH, int SW, int PH, int PW)
{
    public int OutH => (H + 2 * PH - KH) / SH + 1;
    public int OutW => (W + 2 * PW - KW) / SW + 1;
    public int InputLength => Batch * InC * H * W;
    public int OutputLength => Batch * OutC * OutH * OutW;
    public int WeightLength => OutC * InC * KH * KW;
    /// <summary>A seed that differs between cases and is the same on every run.</summary>
    public int Seed => unchecked(((((Batch * 31 + InC) * 31 + H) * 31 + W) * 31 + OutC) * 31 + KH * 7 + KW * 5 + SH * 3 + SW + PH * 11 + PW * 13);

    public static Geometry Conv2d(int batch, int inC, int h, int w, int outC, int k, int s, int p) => new(batch, inC, h, w, outC, k, k, s, s, p, p);
    public static Geometry Conv1d(int batch, int inC, int length, int outC, int k, int s, int p) => new(batch, inC, 1, length, outC, 1, k, 1, s, 0, p);
    /// <summary>A pool keeps the channels (OutC = InC) and has no padding.</summary>
    public static Geometry Pool2d(int batch, int channels, int h, int w, int k, int s) => new(batch, channels, h, w, channels, k, k, s, s, 0, 0);
    public static Geometry Pool1d(int batch, int channels, int length, int k, int s) => new(batch, channels, 1, length, channels, 1, k, 1, s, 0, 0);

    public int In(int n, int c, int u, int v) => ((n * InC + c) * H + u) * W + v;
    public int Out(int n, int o, int y, int x) => ((n * OutC + o) * OutH + y) * OutW + x;
    public int Weight(int o, int c, int i, int j) => ((o * InC + c) * KH + i) * KW + j;
}

/// <summary>
/// Straightforward double-precision forms of the README's "Shaped layers" formulas, written from the definitions and
/// nothing else. Each sum also returns Σ|term| (its magnitude), so a float result can be judged by its rounding error.
/// </summary>
internal static class ShapedReference
{
    /// <summary><c>out[n,o,y,x] = b[o] + Σ_c Σ_i Σ_j W[o,c,i,j]·xpad[n, c, y·s + i, x·s + j]</c>.</summary>
    public static (double[] Value, double[] Magnitude) ConvForward(Geometry g, float[] x, float[] w, float[] b)
    {
        var value = new double[g.OutputLength];
        var magnitude = new double[g.OutputLength];
        for (int n = 0; n < g.Batch; n++)
            for (int o = 0; o < g.OutC; o++)
                for (int y = 0; y < g.OutH; y++)
                    for (int xo = 0; xo < g.OutW; xo++)
                    {
                        double sum = b[o], mag = Math.Abs(b[o]);
                        for (int c = 0; c < g.InC; c++)
                            for (int i = 0; i < g.KH; i++)
                                for (int j = 0; j < g.KW; j++)
                                {
                                    int u = y * g.SH + i - g.PH, v = xo * g.SW + j - g.PW;
                                    if (u < 0 || u >= g.H || v < 0 || v >= g.W) continue; // zero padding
                                    double t = (double)w[g.Weight(o, c, i, j)] * x[g.In(n, c, u, v)];
                                    sum += t;
                                    mag += Math.Abs(t);
                                }
                        value[g.Out(n, o, y, xo)] = sum;
                        magnitude[g.Out(n, o, y, xo)] = mag;
                    }
        return (value, magnitude);
    }

    /// <summary>∂L/∂W, ∂L/∂b and ∂L/∂x of the convolution for the incoming gradient <paramref name="dy"/>.</summary>
    public static (double[] DW, double[] DWMag, double[] DB, double[] DBMag, double[] DX, double[] DXMag) ConvBackward(
        Geometry g, float[] x, float[] w, float[] dy)
    {
        var dw = new double[g.WeightLength];
        var dwMag = new double[g.WeightLength];
        var db = new double[g.OutC];
        var dbMag = new double[g.OutC];
        var dx = new double[g.InputLength];
        var dxMag = new double[g.InputLength];
        for (int n = 0; n < g.Batch; n++)
            for (int o = 0; o < g.OutC; o++)
                for (int y = 0; y < g.OutH; y++)
                    for (int xo = 0; xo < g.OutW; xo++)
                    {
                        double grad = dy[g.Out(n, o, y, xo)];
                        db[o] += grad;
                        dbMag[o] += Math.Abs(grad);
                        for (int c = 0; c < g.InC; c++)
                            for (int i = 0; i < g.KH; i++)
                                for (int j = 0; j < g.KW; j++)
                                {
                                    int u = y * g.SH + i - g.PH, v = xo * g.SW + j - g.PW;
                                    if (u < 0 || u >= g.H || v < 0 || v >= g.W) continue; // the padding's gradient is dropped
                                    int wi = g.Weight(o, c, i, j), xi = g.In(n, c, u, v);
                                    dw[wi] += grad * x[xi];
                                    dwMag[wi] += Math.Abs(grad * x[xi]);
                                    dx[xi] += grad * w[wi];
                                    dxMag[xi] += Math.Abs(grad * w[wi]);
                                }
                    }
        return (dw, dwMag, db, dbMag, dx, dxMag);
    }

    /// <summary>
    /// PyTorch's CPU max pool: the running maximum starts at −∞ with the index of the window's first element and is
    /// replaced only by a later value that is strictly greater or NaN. Returns the values and, per output, the input index chosen.
    /// </summary>
    public static (double[] Value, int[] Index) MaxPool(Geometry g, float[] x)
    {
        var value = new double[g.OutputLength];
        var index = new int[g.OutputLength];
        for (int n = 0; n < g.Batch; n++)
            for (int c = 0; c < g.InC; c++)
                for (int y = 0; y < g.OutH; y++)
                    for (int xo = 0; xo < g.OutW; xo++)
                    {
                        double max = double.NegativeInfinity;
                        int at = g.In(n, c, y * g.SH, xo * g.SW);
                        for (int i = 0; i < g.KH; i++)
                            for (int j = 0; j < g.KW; j++)
                            {
                                int k = g.In(n, c, y * g.SH + i, xo * g.SW + j);
                                double v = x[k];
                                if (v > max || double.IsNaN(v))
                                {
                                    max = v;
                                    at = k;
                                }
                            }
                        value[g.Out(n, c, y, xo)] = max;
                        index[g.Out(n, c, y, xo)] = at;
                    }
        return (value, index);
    }

    /// <summary>The whole gradient of each output to its chosen input, summed over overlapping windows; 0 elsewhere.</summary>
    public static double[] MaxPoolBackward(Geometry g, int[] index, float[] dy)
    {
        var dx = new double[g.InputLength];
        for (int o = 0; o < dy.Length; o++) dx[index[o]] += dy[o];
        return dx;
    }

    /// <summary>The window's sum divided by its element count.</summary>
    public static double[] AvgPool(Geometry g, float[] x)
    {
        var value = new double[g.OutputLength];
        for (int n = 0; n < g.Batch; n++)
            for (int c = 0; c < g.InC; c++)
                for (int y = 0; y < g.OutH; y++)
                    for (int xo = 0; xo < g.OutW; xo++)
                    {
                        double sum = 0;
                        for (int i = 0; i < g.KH; i++)
                            for (int j = 0; j < g.KW; j++) sum += x[g.In(n, c, y * g.SH + i, xo * g.SW + j)];
                        value[g.Out(n, c, y, xo)] = sum / (g.KH * g.KW);
                    }
        return value;
    }

    /// <summary>Every element of a window receives dy/count, summed over overlapping windows.</summary>
    public static double[] AvgPoolBackward(Geometry g, float[] dy)
    {
        var dx = new double[g.InputLength];
        for (int n = 0; n < g.Batch; n++)
            for (int c = 0; c < g.InC; c++)
                for (int y = 0; y < g.OutH; y++)
                    for (int xo = 0; xo < g.OutW; xo++)
                    {
                        double share = dy[g.Out(n, c, y, xo)] / (double)(g.KH * g.KW);
                        for (int i = 0; i < g.KH; i++)
                            for (int j = 0; j < g.KW; j++) dx[g.In(n, c, y * g.SH + i, xo * g.SW + j)] += share;
                    }
        return dx;
    }

    /// <summary>Passes when |actual − expected| ≤ relToMagnitude·Σ|terms| + abs: the rounding a float sum of those terms may have.</summary>
    public static void AllClose(double[] expected, double[] magnitude, ReadOnlySpan<float> actual, double relToMagnitude, double abs, string what)
    {
        if (actual.Length < expected.Length) throw new XunitException($"{what}: {expected.Length} expected values, {actual.Length} actual.");
        for (int i = 0; i < expected.Length; i++)
        {
            double allowed = relToMagnitude * magnitude[i] + abs;
            double diff = Math.Abs(actual[i] - expected[i]);
            if (!(diff <= allowed))
                throw new XunitException($"{what} [{i}]: expected {expected[i]:R}, actual {actual[i]:R} (|diff| {diff:G4}, allowed {allowed:G4}).");
        }
    }

    public static float[] Filled(int n, float value)
    {
        var a = new float[n];
        Array.Fill(a, value);
        return a;
    }
}
