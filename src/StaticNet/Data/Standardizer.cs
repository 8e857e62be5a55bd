namespace StaticNet;

/// <summary>
/// Per-feature standardization, <c>(x − mean) / std</c>, like scikit-learn's <c>StandardScaler</c>: the statistics come
/// from one dataset (<see cref="Fit"/>, the training set) and are applied to any other (<see cref="Apply(Dataset)"/>), so
/// nothing leaks from validation or test data into training.
/// </summary>
public sealed class Standardizer
{
    private readonly double[] _mean, _scale;

    private Standardizer(double[] mean, double[] scale)
    {
        _mean = mean;
        _scale = scale;
    }

    /// <summary>Each feature's mean.</summary>
    public IReadOnlyList<double> Mean => _mean;

    /// <summary>Each feature's population standard deviation (ddof = 0), or 1 where it is 0 (a constant feature is only centred).</summary>
    public IReadOnlyList<double> Scale => _scale;

    /// <summary>Computes the statistics of <paramref name="data"/>'s features.</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> has no rows.</exception>
    public static Standardizer Fit(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) throw new ArgumentException("Cannot compute statistics of an empty dataset.", nameof(data));
        int n = data.Count, f = data.FeatureCount;
        // Double accumulation and two passes (mean, then squared deviations), as NumPy computes them in float64.
        var mean = new double[f];
        var scale = new double[f];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> row = data.Row(i);
            for (int j = 0; j < f; j++) mean[j] += row[j];
        }
        for (int j = 0; j < f; j++) mean[j] /= n;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> row = data.Row(i);
            for (int j = 0; j < f; j++) scale[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
        }
        for (int j = 0; j < f; j++)
        {
            double std = Math.Sqrt(scale[j] / n);
            scale[j] = std == 0 ? 1 : std;
        }
        return new Standardizer(mean, scale);
    }

    /// <summary>A standardized copy of <paramref name="data"/> (labels or targets copied unchanged).</summary>
    public Dataset Apply(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.FeatureCount != _mean.Length)
            throw new ArgumentException(
                $"The statistics are for {_mean.Length} features, but the dataset has {data.FeatureCount}.", nameof(data));
        var features = (float[])data.Features.Clone();
        Apply(features);
        return data.WithFeatures(features);
    }

    /// <summary>Standardizes row-major features in place.</summary>
    /// <exception cref="ArgumentException">The length is not a whole number of rows of <c>Mean.Count</c> features.</exception>
    public void Apply(Span<float> features)
    {
        int f = _mean.Length;
        if (features.Length % f != 0)
            throw new ArgumentException(
                $"Expected a whole number of rows of {f} features, but the span has {features.Length} values.", nameof(features));
        for (int i = 0; i < features.Length; i++)
            features[i] = (float)((features[i] - _mean[i % f]) / _scale[i % f]);
    }
}
