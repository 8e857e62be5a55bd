using System.Globalization;

namespace StaticNet;

/// <summary>
/// Regression errors of predictions against targets, as scikit-learn computes them with
/// <c>multioutput='uniform_average'</c>: each figure per output, then the mean over the outputs.
/// </summary>
public sealed class RegressionReport
{
    /// <summary>Scores row-major predictions against targets.</summary>
    /// <param name="predicted">The network's outputs, <c>rows × outputCount</c>.</param>
    /// <param name="actual">The targets, same layout.</param>
    /// <param name="outputCount">Values per row.</param>
    /// <exception cref="ArgumentException">The lengths differ, are empty, or are not whole rows of <paramref name="outputCount"/>.</exception>
    public RegressionReport(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual, int outputCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputCount);
        if (predicted.Length != actual.Length)
            throw new ArgumentException($"Expected as many predictions as targets ({actual.Length}), but got {predicted.Length}.", nameof(predicted));
        if (actual.Length == 0 || actual.Length % outputCount != 0)
            throw new ArgumentException(
                $"Expected a non-empty whole number of rows of {outputCount} values, but got {actual.Length}.", nameof(actual));
        int n = actual.Length / outputCount;
        double mse = 0, rmse = 0, mae = 0, r2 = 0;
        for (int o = 0; o < outputCount; o++)
        {
            // In double, two passes (the mean, then the sums of squares), as NumPy computes them in float64.
            double mean = 0;
            for (int i = 0; i < n; i++) mean += actual[i * outputCount + o];
            mean /= n;
            double squares = 0, absolute = 0, total = 0;
            for (int i = 0; i < n; i++)
            {
                double y = actual[i * outputCount + o], error = y - predicted[i * outputCount + o];
                squares += error * error;
                absolute += Math.Abs(error);
                total += (y - mean) * (y - mean);
            }
            mse += squares / n;
            rmse += Math.Sqrt(squares / n);
            mae += absolute / n;
            // r2_score with force_finite=True: a constant target scores 1 when predicted exactly, else 0.
            r2 += total != 0 ? 1 - squares / total : squares == 0 ? 1 : 0;
        }
        Count = n;
        OutputCount = outputCount;
        MeanSquaredError = mse / outputCount;
        RootMeanSquaredError = rmse / outputCount;
        MeanAbsoluteError = mae / outputCount;
        R2 = r2 / outputCount;
    }

    /// <summary>Number of rows scored.</summary>
    public int Count { get; }

    /// <summary>Values per row.</summary>
    public int OutputCount { get; }

    /// <summary>Mean of (prediction − target)² (<c>mean_squared_error</c>).</summary>
    public double MeanSquaredError { get; }

    /// <summary>√MSE of each output, averaged over the outputs (<c>root_mean_squared_error</c>; √<see cref="MeanSquaredError"/> for one output).</summary>
    public double RootMeanSquaredError { get; }

    /// <summary>Mean of |prediction − target| (<c>mean_absolute_error</c>).</summary>
    public double MeanAbsoluteError { get; }

    /// <summary>
    /// The coefficient of determination, 1 − Σ(y − ŷ)² / Σ(y − ȳ)², per output and averaged (<c>r2_score</c>): 1 is perfect,
    /// 0 is as good as predicting the mean, and it is negative when worse.
    /// </summary>
    public double R2 { get; }

    /// <summary>The four figures, one per line, with 4 decimals.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"mean squared error       {MeanSquaredError,12:F4}\nroot mean squared error  {RootMeanSquaredError,12:F4}\n" +
        $"mean absolute error      {MeanAbsoluteError,12:F4}\nR2                       {R2,12:F4}\n");
}
