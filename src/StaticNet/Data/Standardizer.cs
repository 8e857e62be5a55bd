using System.Globalization;
using System.Text;
using System.Text.Json;

namespace StaticNet;

/// <summary>
/// Per-feature standardization, <c>(x − mean) / std</c>, like scikit-learn's <c>StandardScaler</c>: the statistics come
/// from one dataset (<see cref="Fit"/>, the training set) and are applied to any other (<see cref="Apply(Dataset)"/>), so
/// nothing leaks from validation or test data into training. Fitted with <c>scaleTargets: true</c>, it standardizes a
/// regression dataset's float targets too, and <see cref="InvertTargets"/> maps predictions back to original units.
/// </summary>
/// <remarks>
/// A fitted standardizer is part of a trained model: save it with <see cref="Save"/> (a small JSON file) or inside the
/// model's safetensors file (<c>net.Save(path, standardizer.ToMetadata())</c>, read back with
/// <c>Standardizer.FromMetadata(Safetensors.ReadMetadata(path))</c>). Both keep every statistic exactly (round-trip
/// decimal form).
/// </remarks>
public sealed class Standardizer
{
    /// <summary>The safetensors <c>__metadata__</c> key that <see cref="ToMetadata"/> writes and <see cref="FromMetadata"/> reads.</summary>
    public const string MetadataKey = "staticnet.standardizer";

    private const string Format = "staticnet.standardizer";
    private const int Version = 1;

    private readonly double[] _mean, _scale, _targetMean, _targetScale;

    private Standardizer(double[] mean, double[] scale, double[] targetMean, double[] targetScale)
    {
        _mean = mean;
        _scale = scale;
        _targetMean = targetMean;
        _targetScale = targetScale;
    }

    /// <summary>Each feature's mean.</summary>
    public IReadOnlyList<double> Mean => _mean;

    /// <summary>Each feature's population standard deviation (ddof = 0), or 1 where it is 0 (a constant feature is only centred).</summary>
    public IReadOnlyList<double> Scale => _scale;

    /// <summary>Each target's mean; empty unless fitted with <c>scaleTargets: true</c>.</summary>
    public IReadOnlyList<double> TargetMean => _targetMean;

    /// <summary>Each target's population standard deviation (1 where it is 0); empty unless fitted with <c>scaleTargets: true</c>.</summary>
    public IReadOnlyList<double> TargetScale => _targetScale;

    /// <summary>True when the standardizer has target statistics: <see cref="Apply(Dataset)"/> then standardizes targets too.</summary>
    public bool ScalesTargets => _targetMean.Length > 0;

    /// <summary>Computes the statistics of <paramref name="data"/>'s features and, with <paramref name="scaleTargets"/>, of its float targets.</summary>
    /// <param name="data">The training set.</param>
    /// <param name="scaleTargets">Also standardize the targets (regression): fit on the training split, invert for reporting.</param>
    /// <exception cref="ArgumentException"><paramref name="data"/> has no rows, or has labels and <paramref name="scaleTargets"/> is set.</exception>
    public static Standardizer Fit(Dataset data, bool scaleTargets = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) throw new ArgumentException("Cannot compute statistics of an empty dataset.", nameof(data));
        if (scaleTargets && data.HasLabels)
            throw new ArgumentException("Class labels are not scaled: scaleTargets needs a dataset with float targets.", nameof(data));
        var (mean, scale) = Statistics(data.Features, data.FeatureCount);
        var (targetMean, targetScale) = scaleTargets ? Statistics(data.Targets, data.TargetCount) : ([], []);
        return new Standardizer(mean, scale, targetMean, targetScale);
    }

    /// <summary>Per-column mean and population standard deviation (1 where it is 0) of row-major values.</summary>
    private static (double[] Mean, double[] Scale) Statistics(float[] values, int columns)
    {
        int n = values.Length / columns;
        // Double accumulation and two passes (mean, then squared deviations), as NumPy computes them in float64.
        var mean = new double[columns];
        var scale = new double[columns];
        for (int i = 0; i < values.Length; i++) mean[i % columns] += values[i];
        for (int j = 0; j < columns; j++) mean[j] /= n;
        for (int i = 0; i < values.Length; i++)
        {
            double d = values[i] - mean[i % columns];
            scale[i % columns] += d * d;
        }
        for (int j = 0; j < columns; j++)
        {
            double std = Math.Sqrt(scale[j] / n);
            scale[j] = std == 0 ? 1 : std;
        }
        return (mean, scale);
    }

    /// <summary>A standardized copy of <paramref name="data"/>: features and, when <see cref="ScalesTargets"/>, targets
    /// (labels are copied unchanged).</summary>
    /// <exception cref="ArgumentException">The dataset does not have the fitted number of features (or targets), or has
    /// labels although the standardizer scales targets.</exception>
    public Dataset Apply(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.FeatureCount != _mean.Length)
            throw new ArgumentException(
                $"The statistics are for {_mean.Length} features, but the dataset has {data.FeatureCount}.", nameof(data));
        var features = (float[])data.Features.Clone();
        Apply(features);
        if (!ScalesTargets) return data.WithValues(features, null);
        if (data.HasLabels)
            throw new ArgumentException("This standardizer scales float targets, but the dataset has class labels.", nameof(data));
        if (data.TargetCount != _targetMean.Length)
            throw new ArgumentException(
                $"The statistics are for {_targetMean.Length} targets per row, but the dataset has {data.TargetCount}.", nameof(data));
        var targets = (float[])data.Targets.Clone();
        ApplyToTargets(targets);
        return data.WithValues(features, targets);
    }

    /// <summary>Standardizes row-major features in place.</summary>
    /// <exception cref="ArgumentException">The length is not a whole number of rows of <c>Mean.Count</c> features.</exception>
    public void Apply(Span<float> features) => Transform(features, _mean, _scale, inverse: false, nameof(features));

    /// <summary>Maps standardized features back to original units in place (the inverse of <see cref="Apply(Span{float})"/>).</summary>
    /// <exception cref="ArgumentException">The length is not a whole number of rows of <c>Mean.Count</c> features.</exception>
    public void Invert(Span<float> features) => Transform(features, _mean, _scale, inverse: true, nameof(features));

    /// <summary>Standardizes row-major targets in place.</summary>
    /// <exception cref="InvalidOperationException">The standardizer has no target statistics.</exception>
    /// <exception cref="ArgumentException">The length is not a whole number of rows of <c>TargetMean.Count</c> targets.</exception>
    public void ApplyToTargets(Span<float> targets) => Transform(targets, TargetStatistics().Mean, _targetScale, inverse: false, nameof(targets));

    /// <summary>Maps standardized targets, or a network's predictions of them, back to original units in place.</summary>
    /// <exception cref="InvalidOperationException">The standardizer has no target statistics.</exception>
    /// <exception cref="ArgumentException">The length is not a whole number of rows of <c>TargetMean.Count</c> targets.</exception>
    public void InvertTargets(Span<float> targets) => Transform(targets, TargetStatistics().Mean, _targetScale, inverse: true, nameof(targets));

    private (double[] Mean, double[] Scale) TargetStatistics() => ScalesTargets
        ? (_targetMean, _targetScale)
        : throw new InvalidOperationException("This standardizer has no target statistics: fit it with scaleTargets: true.");

    private static void Transform(Span<float> values, double[] mean, double[] scale, bool inverse, string paramName)
    {
        int f = mean.Length;
        if (values.Length % f != 0)
            throw new ArgumentException(
                $"Expected a whole number of rows of {f} values, but the span has {values.Length}.", paramName);
        for (int i = 0; i < values.Length; i++)
            values[i] = inverse
                ? (float)(values[i] * scale[i % f] + mean[i % f])
                : (float)((values[i] - mean[i % f]) / scale[i % f]);
    }

    /// <summary>
    /// Writes the statistics to <paramref name="path"/> as JSON (<c>{"format": "staticnet.standardizer", "version": 1,
    /// "mean": [...], "scale": [...]}</c>, plus <c>"target_mean"</c> and <c>"target_scale"</c> when it scales targets),
    /// atomically: a temporary file beside the target is renamed over it.
    /// </summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] json = ToJson(indented: true);
        Safetensors.WriteAtomically(path, stream => stream.Write(json));
    }

    /// <summary>Reads a standardizer written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not such a standardizer; the message names the file, and the
    /// line and column of a JSON syntax error.</exception>
    public static Standardizer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>The standardizer as safetensors metadata (<see cref="MetadataKey"/> → its JSON), to save inside a model:
    /// <c>net.Save(path, standardizer.ToMetadata())</c>. Add other entries to the returned dictionary freely.</summary>
    public Dictionary<string, string> ToMetadata() =>
        new(StringComparer.Ordinal) { [MetadataKey] = Encoding.UTF8.GetString(ToJson(indented: false)) };

    /// <summary>Reads the standardizer saved in a model's metadata, e.g. <c>Standardizer.FromMetadata(Safetensors.ReadMetadata(path))</c>.</summary>
    /// <exception cref="InvalidDataException">The metadata has no <see cref="MetadataKey"/> entry, or it is not a standardizer.</exception>
    public static Standardizer FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (!metadata.TryGetValue(MetadataKey, out string? json))
            throw new InvalidDataException(
                $"The metadata has no '{MetadataKey}' entry (it has {(metadata.Count == 0 ? "none" : string.Join(", ", metadata.Keys.Select(k => $"'{k}'")))}): " +
                "was the model saved with standardizer.ToMetadata()?");
        return Parse(Encoding.UTF8.GetBytes(json), $"metadata '{MetadataKey}'");
    }

    private byte[] ToJson(bool indented)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            writer.WriteStartObject();
            writer.WriteString("format", Format);
            writer.WriteNumber("version", Version);
            // Utf8JsonWriter writes the shortest decimal form that parses back to the same double: the round trip is exact.
            void Array(string name, double[] values)
            {
                writer.WriteStartArray(name);
                foreach (double value in values) writer.WriteNumberValue(value);
                writer.WriteEndArray();
            }
            Array("mean", _mean);
            Array("scale", _scale);
            if (ScalesTargets)
            {
                Array("target_mean", _targetMean);
                Array("target_scale", _targetScale);
            }
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static Standardizer Parse(byte[] json, string source)
    {
        InvalidDataException Bad(string problem, Exception? inner = null) => new($"{source}: {problem}", inner);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw Bad($"line {e.LineNumber + 1}, column {e.BytePositionInLine + 1}: not valid JSON ({e.Message})", e);
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Bad($"expected a JSON object with \"format\": \"{Format}\", found a {root.ValueKind}.");
            if (!root.TryGetProperty("format", out JsonElement format) || format.ValueKind != JsonValueKind.String || format.GetString() != Format)
                throw Bad($"not a standardizer: expected \"format\": \"{Format}\".");
            bool hasVersion = root.TryGetProperty("version", out JsonElement version);
            if (!hasVersion || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int v) || v != Version)
                throw Bad($"\"version\" is {(hasVersion ? version.GetRawText() : "missing")}; this library reads version {Version}.");

            double[]? Numbers(string name, bool positive)
            {
                if (!root.TryGetProperty(name, out JsonElement array)) return null;
                if (array.ValueKind != JsonValueKind.Array) throw Bad($"\"{name}\" is a {array.ValueKind}, not an array of numbers.");
                var values = new double[array.GetArrayLength()];
                int i = 0;
                foreach (JsonElement item in array.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Number || !item.TryGetDouble(out double value) || !double.IsFinite(value) || (positive && !(value > 0)))
                        throw Bad($"\"{name}\"[{i}] is {item.GetRawText()}, not a {(positive ? "positive" : "finite")} number.");
                    values[i++] = value;
                }
                return values;
            }
            double[] mean = Numbers("mean", false) ?? throw Bad("\"mean\" is missing."), scale = Numbers("scale", true) ?? throw Bad("\"scale\" is missing.");
            double[] targetMean = Numbers("target_mean", false) ?? [], targetScale = Numbers("target_scale", true) ?? [];
            if (mean.Length == 0) throw Bad("\"mean\" is empty: a standardizer has at least one feature.");
            if (scale.Length != mean.Length) throw Bad($"\"scale\" has {scale.Length} values but \"mean\" has {mean.Length}.");
            if (targetScale.Length != targetMean.Length)
                throw Bad($"\"target_scale\" has {targetScale.Length} values but \"target_mean\" has {targetMean.Length}.");
            return new Standardizer(mean, scale, targetMean, targetScale);
        }
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"Standardizer: {_mean.Length} features{(ScalesTargets ? $", {_targetMean.Length} targets" : "")}");
}
