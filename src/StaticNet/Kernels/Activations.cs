using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

/// <summary>
/// Activation kernels on row-major <c>[batch, features]</c> spans. Forward kernels write y from x (x and y may be the
/// same span). Backward kernels take what the forward saved and turn the upstream gradient dy into dx in place.
/// </summary>
/// <remarks>
/// The formulas follow PyTorch 1.13's CPU kernels, including the order of the float operations where it is cheap to
/// (for example sigmoid' = dy·(1 − y)·y). Elementwise kernels with only +, −, ×, ÷ and comparisons give identical bits
/// on every vector width. Sigmoid, SiLU and Softmax use float exp, whose vector form can differ from
/// <see cref="MathF.Exp"/> in the last bit. Tanh is computed in double (vectorised), and GELU and ELU per element in
/// double (an accurate erf and expm1 matter more than speed there), so those three are within rounding of the true value.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Activations
{
    /// <summary>y = max(x, 0).</summary>
    public static void ReLU(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

    /// <summary>dy ← dy where y &gt; 0, else 0 (PyTorch's gradient at exactly 0 is 0). Uses the output y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReLUBackward(ReadOnlySpan<float> y, Span<float> dy)
    {
        if (y.Length < dy.Length) throw new ArgumentException($"Expected at least {dy.Length} outputs, got {y.Length}.", nameof(y));
        SimdMap.Binary(y, dy, default(ReLUBackwardOp));
    }

    /// <summary>dy where y &gt; 0, else 0 (also 0 for a NaN y, as the scalar form).</summary>
    private readonly struct ReLUBackwardOp : IBinaryOperator
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public TVec Invoke<TSimd, TVec>(TVec y, TVec dy) where TSimd : struct, ISimd<TVec> where TVec : struct =>
            TSimd.ConditionalSelect(TSimd.GreaterThan(y, TSimd.Zero), dy, TSimd.Zero);

        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public float Invoke(float y, float dy) => y > 0f ? dy : 0f;
    }

    /// <summary>y = x where x &gt; 0, else <paramref name="negativeSlope"/>·x.</summary>
    public static void LeakyReLU(ReadOnlySpan<float> x, Span<float> y, float negativeSlope) =>
        SimdMap.Unary(x, y, new LeakyReLUOp(negativeSlope));

    /// <summary>dy ← dy where x &gt; 0, else <paramref name="negativeSlope"/>·dy (the gradient at exactly 0 is the slope, as in PyTorch). Uses the input x.</summary>
    public static void LeakyReLUBackward(ReadOnlySpan<float> x, Span<float> dy, float negativeSlope) =>
        SimdMap.Binary(x, dy, new LeakyReLUBackwardOp(negativeSlope));

    /// <summary>y = 1/(1 + e⁻ˣ); finite for every finite x (0 or 1 at the extremes).</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);

    /// <summary>dy ← dy·(1 − y)·y, from the forward output y.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, Span<float> dy) => SimdMap.Binary(y, dy, default(SigmoidBackwardOp));

    /// <summary>
    /// y = tanh(x) to within float rounding: evaluated in double (vectorised) as sign(x)·(1 − 2/(e^(2|x|) + 1)), or
    /// x·(1 − x²/3) below |x| = 1e-4; ±1 for large |x|. The same bits on every vector path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y)
    {
        // Not TensorPrimitives.Tanh: its float vector path in System.Numerics.Tensors 10.0 loses all relative accuracy
        // near 0 (tanh(0) = −5.96e-8, tanh(1e-6) = 9.54e-7), which PyTorch does not.
        CheckOutput(x.Length, y.Length);
        int n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            for (; i + Vector512<float>.Count <= n; i += Vector512<float>.Count)
            {
                (Vector512<double> lo, Vector512<double> hi) = Vector512.Widen(Vector512.LoadUnsafe(ref xr, (nuint)i));
                Vector512.Narrow(TanhCore(lo), TanhCore(hi)).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            for (; i + Vector256<float>.Count <= n; i += Vector256<float>.Count)
            {
                (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i));
                Vector256.Narrow(TanhCore(lo), TanhCore(hi)).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            for (; i + Vector128<float>.Count <= n; i += Vector128<float>.Count)
            {
                (Vector128<double> lo, Vector128<double> hi) = Vector128.Widen(Vector128.LoadUnsafe(ref xr, (nuint)i));
                Vector128.Narrow(TanhCore(lo), TanhCore(hi)).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref yr, i) = (float)TanhCore(Unsafe.Add(ref xr, i));
    }

    /// <summary>dy ← dy·(1 − y²), from the forward output y.</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, Span<float> dy) => SimdMap.Binary(y, dy, default(TanhBackwardOp));

    /// <summary>
    /// Exact (erf) GELU: y = x·Φ(x) = 0.5·x·(1 + erf(x/√2)), PyTorch's default <c>approximate='none'</c>.
    /// Evaluated in double as x·erfc(−x/√2)/2, so it is accurate for large negative x too.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GELU(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckOutput(x.Length, y.Length);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Four lanes of double at a time (see IDoubleLanes), the tail one by one.
            ref float xr = ref MemoryMarshal.GetReference(x);
            ref float yr = ref MemoryMarshal.GetReference(y);
            for (; i + 4 <= x.Length; i += 4)
            {
                var v = new Vector256Double(Widen(Vector128.LoadUnsafe(ref xr, (nuint)i)));
                Narrow((v * NormalCdf(v)).Value).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
        {
            double v = x[i];
            y[i] = (float)(v * NormalCdf(v));
        }
    }

    /// <summary>dy ← dy·(Φ(x) + x·φ(x)), from the forward input x (φ is the standard normal density).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GELUBackward(ReadOnlySpan<float> x, Span<float> dy)
    {
        CheckSaved(x.Length, dy.Length);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float xr = ref MemoryMarshal.GetReference(x);
            ref float gr = ref MemoryMarshal.GetReference(dy);
            for (; i + 4 <= dy.Length; i += 4)
            {
                var v = new Vector256Double(Widen(Vector128.LoadUnsafe(ref xr, (nuint)i)));
                var g = new Vector256Double(Widen(Vector128.LoadUnsafe(ref gr, (nuint)i)));
                Vector256Double pdf = Vector256Double.Exp(Vector256Double.Create(-0.5) * v * v) * Vector256Double.Create(InvSqrt2Pi);
                Narrow((g * (NormalCdf(v) + v * pdf)).Value).StoreUnsafe(ref gr, (nuint)i);
            }
        }
        for (; i < dy.Length; i++)
        {
            double v = x[i];
            double pdf = Math.Exp(-0.5 * v * v) * InvSqrt2Pi;
            dy[i] = (float)(dy[i] * (NormalCdf(v) + v * pdf));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Widen(Vector128<float> v) => Vector256.Create(Vector128.WidenLower(v), Vector128.WidenUpper(v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Narrow(Vector256<double> v) => Vector128.Narrow(v.GetLower(), v.GetUpper());

    /// <summary>SiLU (swish): y = x·σ(x), computed as x/(1 + e⁻ˣ) like PyTorch.</summary>
    public static void SiLU(ReadOnlySpan<float> x, Span<float> y) => SimdMap.Unary(x, y, default(SiLUOp));

    /// <summary>dy ← dy·σ(x)·(1 + x·(1 − σ(x))), from the forward input x.</summary>
    public static void SiLUBackward(ReadOnlySpan<float> x, Span<float> dy) => SimdMap.Binary(x, dy, default(SiLUBackwardOp));

    /// <summary>y = x where x &gt; 0, else <paramref name="alpha"/>·(eˣ − 1) (expm1 evaluated accurately in double).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ELU(ReadOnlySpan<float> x, Span<float> y, float alpha)
    {
        CheckOutput(x.Length, y.Length);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Four lanes of double at a time (see IDoubleLanes), the tail one by one.
            ref float xr = ref MemoryMarshal.GetReference(x);
            ref float yr = ref MemoryMarshal.GetReference(y);
            var a = Vector256Double.Create(alpha);
            for (; i + 4 <= x.Length; i += 4)
            {
                Vector128<float> v = Vector128.LoadUnsafe(ref xr, (nuint)i);
                Vector128<float> negative = Narrow((a * ExpM1(new Vector256Double(Widen(v)))).Value);
                Vector128.ConditionalSelect(Vector128.GreaterThan(v, Vector128<float>.Zero), v, negative).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
        {
            float v = x[i];
            y[i] = v > 0f ? v : (float)(alpha * ExpM1(v));
        }
    }

    /// <summary>dy ← dy where x &gt; 0, else dy·<paramref name="alpha"/>·eˣ (PyTorch's form for x ≤ 0), from the forward input x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ELUBackward(ReadOnlySpan<float> x, Span<float> dy, float alpha)
    {
        CheckSaved(x.Length, dy.Length);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float xr = ref MemoryMarshal.GetReference(x);
            ref float gr = ref MemoryMarshal.GetReference(dy);
            var a = Vector256Double.Create(alpha);
            for (; i + 4 <= dy.Length; i += 4)
            {
                Vector128<float> v = Vector128.LoadUnsafe(ref xr, (nuint)i), g = Vector128.LoadUnsafe(ref gr, (nuint)i);
                var scaled = new Vector256Double(Widen(g)) * a * Vector256Double.Exp(new Vector256Double(Widen(v)));
                Vector128.ConditionalSelect(Vector128.GreaterThan(v, Vector128<float>.Zero), g, Narrow(scaled.Value)).StoreUnsafe(ref gr, (nuint)i);
            }
        }
        for (; i < dy.Length; i++)
        {
            float v = x[i];
            if (!(v > 0f)) dy[i] = (float)((double)dy[i] * alpha * Math.Exp(v));
        }
    }

    /// <summary>
    /// Row-wise softmax over the <paramref name="features"/> of each of <paramref name="batch"/> rows:
    /// y = e^(x − max) / Σ e^(x − max). The sum is accumulated in double.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, int batch, int features)
    {
        CheckRows(x.Length, y.Length, batch, features);
        for (int s = 0; s < batch; s++)
        {
            ReadOnlySpan<float> xs = x.Slice(s * features, features);
            Span<float> ys = y.Slice(s * features, features);
            float max = TensorPrimitives.Max(xs);
            TensorPrimitives.Subtract(xs, max, ys); // in place is fine: each element is read before it is written
            TensorPrimitives.Exp(ys, ys);
            double sum = 0;
            for (int f = 0; f < ys.Length; f++) sum += ys[f];
            TensorPrimitives.Divide(ys, (float)sum, ys);
        }
    }

    /// <summary>dy ← y ⊙ (dy − Σⱼ dyⱼ·yⱼ) per row, from the forward output y (the dot product is accumulated in double).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftmaxBackward(ReadOnlySpan<float> y, Span<float> dy, int batch, int features)
    {
        CheckRows(y.Length, dy.Length, batch, features);
        for (int s = 0; s < batch; s++)
        {
            ReadOnlySpan<float> ys = y.Slice(s * features, features);
            Span<float> gs = dy.Slice(s * features, features);
            double dot = 0;
            for (int f = 0; f < gs.Length; f++) dot += (double)gs[f] * ys[f];
            TensorPrimitives.Subtract(gs, (float)dot, gs);
            TensorPrimitives.Multiply(gs, ys, gs);
        }
    }

    // ---- scalar special functions (double) ----

    private const double InvSqrt2 = 0.70710678118654752440;
    private const double InvSqrt2Pi = 0.39894228040143267794;
    private const double InvSqrtPi = 0.56418958354775628695;

    /// <summary>Φ(x), the standard normal CDF, as erfc(−x/√2)/2: no cancellation in the lower tail.</summary>
    internal static double NormalCdf(double x) => NormalCdf(new ScalarDouble(x)).Value;

    /// <summary>Φ(x) on every lane (see <see cref="IDoubleLanes{T}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static T NormalCdf<T>(T x) where T : struct, IDoubleLanes<T> => T.Create(0.5) * Erfc(-x * T.Create(InvSqrt2));

    /// <summary>
    /// The error function, from W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev approximations for
    /// the error function", Math. Comp. 23, 1969; the netlib SPECFUN CALERF coefficients), relative error well below 1e-15.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double Erf(double x)
    {
        double y = Math.Abs(x);
        if (y <= 0.46875) return x * ErfOverX(new ScalarDouble(y * y)).Value;
        double result = (0.5 - ErfcPositive(new ScalarDouble(y)).Value) + 0.5;
        return x < 0 ? -result : result;
    }

    /// <summary>The complementary error function 1 − erf(x), accurate in relative terms for large x (0 beyond x ≈ 26.5).</summary>
    internal static double Erfc(double x) => Erfc(new ScalarDouble(x)).Value;

    /// <summary>erfc on every lane; the branches of the scalar form are selects.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static T Erfc<T>(T x) where T : struct, IDoubleLanes<T>
    {
        T y = T.Abs(x);
        T small = T.Create(1.0) - x * ErfOverX(y * y);
        T positive = ErfcPositive(y);
        T large = T.SelectIfLessOrEqual(T.Create(0.0), x, positive, T.Create(2.0) - positive); // x ≥ 0: erfc(y); else 2 − erfc(y)
        return T.SelectIfLessOrEqual(y, T.Create(0.46875), small, large);
    }

    /// <summary>erf(y)/y for y² = <paramref name="s"/> ≤ 0.46875².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static T ErfOverX<T>(T s) where T : struct, IDoubleLanes<T>
    {
        T num = T.Create(3.20937758913846947E03) + s * (T.Create(3.77485237685302021E02) + s * (T.Create(1.13864154151050156E02)
            + s * (T.Create(3.16112374387056560E00) + s * T.Create(1.85777706184603153E-1))));
        T den = T.Create(2.84423683343917062E03) + s * (T.Create(1.28261652607737228E03) + s * (T.Create(2.44024637934444173E02)
            + s * (T.Create(2.36012909523441209E01) + s)));
        return num / den;
    }

    /// <summary>erfc(y) for y &gt; 0.46875 (NaN stays NaN; 0 from y ≈ 26.5, where it underflows double).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static T ErfcPositive<T>(T y) where T : struct, IDoubleLanes<T>
    {
        // y ≤ 4
        T middle = (T.Create(1.23033935479799725E03) + y * (T.Create(2.05107837782607147E03) + y * (T.Create(1.71204761263407058E03)
                + y * (T.Create(8.81952221241769090E02) + y * (T.Create(2.98635138197400131E02) + y * (T.Create(6.61191906371416295E01)
                + y * (T.Create(8.88314979438837594E00) + y * (T.Create(5.64188496988670089E-1) + y * T.Create(2.15311535474403846E-8)))))))))
            / (T.Create(1.23033935480374942E03) + y * (T.Create(3.43936767414372164E03) + y * (T.Create(4.36261909014324716E03)
                + y * (T.Create(3.29079923573345963E03) + y * (T.Create(1.62138957456669019E03) + y * (T.Create(5.37181101862009858E02)
                + y * (T.Create(1.17693950891312499E02) + y * (T.Create(1.57449261107098347E01) + y))))))));
        // y > 4
        T z = T.Create(1.0) / (y * y);
        T tail = z * (T.Create(6.58749161529837803E-4) + z * (T.Create(1.60837851487422766E-2) + z * (T.Create(1.25781726111229246E-1)
                + z * (T.Create(3.60344899949804439E-1) + z * (T.Create(3.05326634961232344E-1) + z * T.Create(1.63153871373020978E-2))))))
            / (T.Create(2.33520497626869185E-3) + z * (T.Create(6.05183413124413191E-2) + z * (T.Create(5.27905102951428412E-1)
                + z * (T.Create(1.87295284992346047E00) + z * (T.Create(2.56852019228982242E00) + z)))));
        T large = (T.Create(InvSqrtPi) - tail) / y;
        T r = T.SelectIfLessOrEqual(y, T.Create(4.0), middle, large);
        // exp(−y²) split as exp(−h²)·exp(−(y − h)(y + h)) with h = y rounded down to 1/16, so y² loses no bits (Cody).
        T h = T.Truncate(y * T.Create(16.0)) / T.Create(16.0);
        T result = T.Exp(-h * h) * T.Exp(-(y - h) * (y + h)) * r;
        return T.SelectIfLessOrEqual(T.Create(26.543), y, T.Create(0.0), result); // erfc underflows double
    }

    // Below this |x|, tanh x = x·(1 − x²/3) to 2x⁴/15 < 2e-17 relative; above it, 1 − 2/(e²ˣ + 1) in double loses at most
    // ~1e-16/|x| < 1e-12 relative to cancellation. Either way the float result is within rounding of the true value.
    private const double TanhSeriesBelow = 1e-4;

    /// <summary>
    /// tanh in double for a float argument: sign(x)·(1 − 2/(e^(2|x|) + 1)), or x·(1 − x²/3) for tiny |x|. Saturates to ±1
    /// (exp overflows to ∞, giving exactly 1), propagates NaN. The vector overloads perform the same operations.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static double TanhCore(double v)
    {
        double a = Math.Abs(v);
        if (a < TanhSeriesBelow) return v * (1.0 - v * v * (1.0 / 3.0));
        double t = 1.0 - 2.0 / (Math.Exp(a + a) + 1.0);
        return v < 0 ? -t : t;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector512<double> TanhCore(Vector512<double> v)
    {
        Vector512<double> a = Vector512.Abs(v), one = Vector512<double>.One;
        Vector512<double> t = one - Vector512.Create(2.0) / (Vector512.Exp(a + a) + one);
        t = Vector512.ConditionalSelect(Vector512.LessThan(v, Vector512<double>.Zero), -t, t);
        Vector512<double> series = v * (one - v * v * Vector512.Create(1.0 / 3.0));
        return Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512.Create(TanhSeriesBelow)), series, t);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector256<double> TanhCore(Vector256<double> v)
    {
        Vector256<double> a = Vector256.Abs(v), one = Vector256<double>.One;
        Vector256<double> t = one - Vector256.Create(2.0) / (Vector256.Exp(a + a) + one);
        t = Vector256.ConditionalSelect(Vector256.LessThan(v, Vector256<double>.Zero), -t, t);
        Vector256<double> series = v * (one - v * v * Vector256.Create(1.0 / 3.0));
        return Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256.Create(TanhSeriesBelow)), series, t);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector128<double> TanhCore(Vector128<double> v)
    {
        Vector128<double> a = Vector128.Abs(v), one = Vector128<double>.One;
        Vector128<double> t = one - Vector128.Create(2.0) / (Vector128.Exp(a + a) + one);
        t = Vector128.ConditionalSelect(Vector128.LessThan(v, Vector128<double>.Zero), -t, t);
        Vector128<double> series = v * (one - v * v * Vector128.Create(1.0 / 3.0));
        return Vector128.ConditionalSelect(Vector128.LessThan(a, Vector128.Create(TanhSeriesBelow)), series, t);
    }

    /// <summary>eˣ − 1 without the cancellation near 0 (.NET's ExpM1 is exp(x) − 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double ExpM1(double x) => ExpM1(new ScalarDouble(x)).Value;

    /// <summary>eˣ − 1 on every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static T ExpM1<T>(T x) where T : struct, IDoubleLanes<T>
    {
        // Below 1e-5 the cubic Taylor polynomial is exact to ~x⁴/24 (relative 1e-16); above it exp(x) − 1 in double
        // keeps at least 11 significant digits, far more than the float result needs.
        T series = x + x * x * (T.Create(0.5) + x * T.Create(1.0 / 6.0));
        return T.SelectIfLessOrEqual(T.Create(1e-5), T.Abs(x), T.Exp(x) - T.Create(1.0), series);
    }

    // ---- argument checks ----

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckOutput(int inputs, int outputs)
    {
        if (outputs < inputs) throw new ArgumentException($"Expected at least {inputs} outputs, got {outputs}.", "y");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckSaved(int saved, int gradients)
    {
        if (saved < gradients) throw new ArgumentException($"Expected at least {gradients} saved forward values, got {saved}.", "x");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckRows(int inputs, int outputs, int batch, int features)
    {
        if (batch < 0 || features <= 0) throw new ArgumentOutOfRangeException(nameof(features), $"Expected batch ≥ 0 and features > 0, got {batch} × {features}.");
        int n = batch * features;
        if (inputs < n || outputs < n)
            throw new ArgumentException($"Softmax spans too short for {batch} × {features}: {inputs} and {outputs} floats.");
    }

    // ---- elementwise operators (vector and scalar forms perform the same IEEE operations in the same order) ----

    private readonly struct LeakyReLUOp(float slope) : IUnaryOperator
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public TVec Invoke<TSimd, TVec>(TVec x) where TSimd : struct, ISimd<TVec> where TVec : struct =>
            TSimd.ConditionalSelect(TSimd.GreaterThan(x, TSimd.Zero), x, TSimd.Multiply(x, TSimd.Broadcast(slope)));

        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public float Invoke(float x) => x > 0f ? x : x * slope;
    }

    private readonly struct LeakyReLUBackwardOp(float slope) : IBinaryOperator
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public TVec Invoke<TSimd, TVec>(TVec x, TVec dy) where TSimd : struct, ISimd<TVec> where TVec : struct =>
            TSimd.ConditionalSelect(TSimd.GreaterThan(x, TSimd.Zero), dy, TSimd.Multiply(dy, TSimd.Broadcast(slope)));

        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public float Invoke(float x, float dy) => x > 0f ? dy : dy * slope;
    }

    private readonly struct SigmoidBackwardOp : IBinaryOperator
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public TVec Invoke<TSimd, TVec>(TVec y, TVec dy) where TSimd : struct, ISimd<TVec> where TVec : struct =>
            TSimd.Multiply(TSimd.Multiply(dy, TSimd.Subtract(TSimd.Broadcast(1f), y)), y);

        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public float Invoke(float y, float dy) => dy * (1f - y) * y;
    }

    private readonly struct TanhBackwardOp : IBinaryOperator
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public TVec Invoke<TSimd, TVec>(TVec y, TVec dy) where TSimd : struct, ISimd<TVec> where TVec : struct =>
            TSimd.Multiply(dy, TSimd.Subtract(TSimd.Broadcast(1f), TSimd.Multiply(y, y)));

        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public float Invoke(float y, float dy) => dy * (1f - y * y);
    }

    private readonly struct SiLUOp : IUnaryOperator
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public TVec Invoke<TSimd, TVec>(TVec x) where TSimd : struct, ISimd<TVec> where TVec : struct =>
            TSimd.Divide(x, TSimd.Add(TSimd.Broadcast(1f), TSimd.Exp(TSimd.Subtract(TSimd.Zero, x))));

        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public float Invoke(float x) => x / (1f + MathF.Exp(0f - x));
    }

    private readonly struct SiLUBackwardOp : IBinaryOperator
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public TVec Invoke<TSimd, TVec>(TVec x, TVec dy) where TSimd : struct, ISimd<TVec> where TVec : struct
        {
            TVec one = TSimd.Broadcast(1f);
            TVec s = TSimd.Divide(one, TSimd.Add(one, TSimd.Exp(TSimd.Subtract(TSimd.Zero, x))));
            return TSimd.Multiply(TSimd.Multiply(dy, s), TSimd.Add(one, TSimd.Multiply(x, TSimd.Subtract(one, s))));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public float Invoke(float x, float dy)
        {
            float s = 1f / (1f + MathF.Exp(0f - x));
            return dy * s * (1f + x * (1f - s));
        }
    }
}
