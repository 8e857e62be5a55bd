using System.Globalization;
using System.IO.Compression;

namespace StaticNet;

/// <summary>Built-in and file-based datasets.</summary>
public static class Datasets
{
    private const string DigitsResource = "StaticNet.Data.digits.csv.gz";

    // Parsed once per process; LoadDigits hands out copies so callers may modify theirs.
    private static readonly Lazy<Dataset> Digits = new(() =>
    {
        using Stream stream = typeof(Datasets).Assembly.GetManifestResourceStream(DigitsResource)
            ?? throw new InvalidOperationException($"The embedded resource {DigitsResource} is missing from {typeof(Datasets).Assembly.GetName().Name}.");
        // scikit-learn's digits.csv.gz has no header line: every line is 64 pixel counts then the label.
        return ReadCsv(stream, gzip: true, DigitsResource, hasHeader: false, classCount: 10);
    });

    /// <summary>
    /// The 8×8 handwritten digits, exactly scikit-learn's <c>load_digits()</c>: 1,797 rows of 64 raw pixel counts 0..16
    /// (not scaled) in <c>data</c>'s order, labels 0..9. Each call returns fresh arrays the caller may modify.
    /// </summary>
    public static Dataset LoadDigits() => Digits.Value.WithFeatures((float[])Digits.Value.Features.Clone());

    /// <summary>
    /// Reads a plain numeric CSV (no quoting) whose last column is an integer class label and the other columns are
    /// features. Blank lines are skipped; a path ending in <c>.gz</c> is decompressed.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="hasHeader">Skip the first line.</param>
    /// <param name="classCount">Number of classes; 0 (the default) takes the largest label + 1.</param>
    /// <exception cref="InvalidDataException">A line has the wrong number of columns, a value that is not a finite number,
    /// or a label that is not an integer in [0, <paramref name="classCount"/>); the message names the file and line.</exception>
    public static Dataset LoadCsv(string path, bool hasHeader = false, int classCount = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegative(classCount);
        using FileStream stream = File.OpenRead(path);
        return ReadCsv(stream, path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase), path, hasHeader, classCount);
    }

    private static Dataset ReadCsv(Stream stream, bool gzip, string source, bool hasHeader, int classCount)
    {
        using var reader = new StreamReader(gzip ? new GZipStream(stream, CompressionMode.Decompress) : stream);
        var features = new List<float>();
        var labels = new List<int>();
        int columns = 0, lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if ((hasHeader && lineNumber == 1) || string.IsNullOrWhiteSpace(line)) continue;
            int fields = line.AsSpan().Count(',') + 1;
            if (columns == 0)
            {
                if (fields < 2) throw Bad(source, lineNumber, $"expected at least 2 columns (features, then the label), found {fields}");
                columns = fields;
            }
            else if (fields != columns)
                throw Bad(source, lineNumber, $"expected {columns} columns like the first data line, found {fields}");

            int column = 0;
            foreach (Range range in line.AsSpan().Split(','))
            {
                ReadOnlySpan<char> field = line.AsSpan(range).Trim();
                column++;
                // Parsed as double then rounded to float, like NumPy's loadtxt (float64) followed by torch.float32.
                if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
                    throw Bad(source, lineNumber, $"column {column}: '{field}' is not a finite number");
                if (column < columns)
                {
                    features.Add((float)value);
                    continue;
                }
                if (value < 0 || value != Math.Floor(value) || value >= (classCount > 0 ? classCount : int.MaxValue))
                    throw Bad(source, lineNumber, classCount > 0
                        ? $"the label '{field}' is not an integer in [0, {classCount})"
                        : $"the label '{field}' is not a non-negative integer");
                labels.Add((int)value);
            }
        }
        if (labels.Count == 0) throw new InvalidDataException($"{source}: no data line.");
        return new Dataset(features.ToArray(), labels.ToArray(), columns - 1, classCount > 0 ? classCount : labels.Max() + 1);
    }

    private static InvalidDataException Bad(string source, int line, string what) => new($"{source}, line {line}: {what}.");
}
