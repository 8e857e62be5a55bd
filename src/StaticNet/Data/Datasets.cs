using System.Globalization;
using System.IO.Compression;

namespace StaticNet;

/// <summary>Built-in and file-based datasets.</summary>
public static class Datasets
{
    // Parsed once per process; the Load methods hand out copies so callers may modify theirs.
    // scikit-learn's digits.csv.gz has no header line: every line is 64 pixel counts then the label.
    private static readonly Lazy<Dataset> Digits = new(() => ReadResource("digits.csv.gz", hasHeader: false, classCount: 10));

    // scikit-learn's breast_cancer.csv (gzipped here): the header line "569,30,malignant,benign", then 30 features and the label.
    private static readonly Lazy<Dataset> BreastCancer = new(() => ReadResource("breast_cancer.csv.gz", hasHeader: true, classCount: 2));

    // scikit-learn's diabetes_data_raw.csv.gz and diabetes_target.csv.gz: whitespace-separated, features and targets apart.
    private static readonly Lazy<Dataset> Diabetes = new(() =>
    {
        (float[] features, int featureCount) = ReadResourceMatrix("diabetes_data_raw.csv.gz");
        (float[] targets, int targetCount) = ReadResourceMatrix("diabetes_target.csv.gz");
        if (targetCount != 1 || features.Length / featureCount != targets.Length)
            throw new InvalidDataException(
                $"The embedded diabetes data has {features.Length / featureCount} rows of features but {targets.Length / targetCount} rows of {targetCount} targets.");
        return new Dataset(features, targets, featureCount, 1);
    });

    /// <summary>
    /// The 8×8 handwritten digits, exactly scikit-learn's <c>load_digits()</c>: 1,797 rows of 64 raw pixel counts 0..16
    /// (not scaled) in <c>data</c>'s order, labels 0..9. Each call returns fresh arrays the caller may modify.
    /// </summary>
    public static Dataset LoadDigits() => Copy(Digits.Value);

    /// <summary>
    /// The Wisconsin diagnostic breast cancer data, exactly scikit-learn's <c>load_breast_cancer()</c>: 569 rows of 30 raw
    /// tumour measurements (not scaled; standardize them, see <see cref="Standardizer"/>), labels 0 (malignant) and
    /// 1 (benign). Each call returns fresh arrays the caller may modify.
    /// </summary>
    public static Dataset LoadBreastCancer() => Copy(BreastCancer.Value);

    /// <summary>
    /// The diabetes data of Efron et al. (2004), exactly scikit-learn's <c>load_diabetes(scaled=False)</c>: 442 rows of 10
    /// raw features (age, sex, body mass index, blood pressure and six blood serum measurements) and one float target,
    /// a measure of disease progression one year later (25..346). Each call returns fresh arrays the caller may modify.
    /// </summary>
    public static Dataset LoadDiabetes() => Copy(Diabetes.Value);

    private static Dataset Copy(Dataset data) => data.WithValues((float[])data.Features.Clone(), null);

    /// <summary>
    /// Reads a plain numeric table (no quoting), comma-separated or, when the first data line has no comma,
    /// whitespace-separated. By default the last column is an integer class label and the other columns are features;
    /// with <paramref name="targetCount"/> &gt; 0 the last <paramref name="targetCount"/> columns are float targets
    /// (regression). Blank lines are skipped; a path ending in <c>.gz</c> is decompressed.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="hasHeader">Skip the first line.</param>
    /// <param name="classCount">Number of classes; 0 (the default) takes the largest label + 1.</param>
    /// <param name="targetCount">Float targets per row, taken from the last columns; 0 (the default) reads a class label.</param>
    /// <exception cref="ArgumentException">Both <paramref name="classCount"/> and <paramref name="targetCount"/> are set.</exception>
    /// <exception cref="InvalidDataException">A line has the wrong number of columns, a value that is not a finite number,
    /// or a label that is not an integer in [0, <paramref name="classCount"/>); the message names the file, line and column.</exception>
    public static Dataset LoadCsv(string path, bool hasHeader = false, int classCount = 0, int targetCount = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegative(classCount);
        ArgumentOutOfRangeException.ThrowIfNegative(targetCount);
        if (classCount > 0 && targetCount > 0)
            throw new ArgumentException("A file has a class label (classCount) or float targets (targetCount), not both.", nameof(targetCount));
        using FileStream stream = File.OpenRead(path);
        return ReadCsv(Open(stream, path), path, hasHeader, classCount, targetCount);
    }

    private static Dataset ReadResource(string name, bool hasHeader, int classCount)
    {
        using Stream stream = OpenResource(name);
        return ReadCsv(Open(stream, name), name, hasHeader, classCount, targetCount: 0);
    }

    private static (float[] Values, int Columns) ReadResourceMatrix(string name)
    {
        using Stream stream = OpenResource(name);
        using TextReader reader = Open(stream, name);
        var values = new List<float>();
        int columns = ReadTable(reader, name, hasHeader: false, minColumns: 1, "values",
            (_, row, _, _) => { foreach (double value in row) values.Add((float)value); });
        return (values.ToArray(), columns);
    }

    private static Stream OpenResource(string name) =>
        typeof(Datasets).Assembly.GetManifestResourceStream("StaticNet.Data." + name)
        ?? throw new InvalidOperationException($"The embedded resource StaticNet.Data.{name} is missing from {typeof(Datasets).Assembly.GetName().Name}.");

    private static TextReader Open(Stream stream, string source) =>
        new StreamReader(source.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(stream, CompressionMode.Decompress) : stream);

    private static Dataset ReadCsv(TextReader reader, string source, bool hasHeader, int classCount, int targetCount)
    {
        using (reader)
        {
            var features = new List<float>();
            var labels = new List<int>();
            var targets = new List<float>();
            int valueColumns = Math.Max(targetCount, 1);
            int columns = ReadTable(reader, source, hasHeader, valueColumns + 1,
                targetCount > 0 ? $"features, then {targetCount} target{(targetCount > 1 ? "s" : "")}" : "features, then the label",
                (line, values, text, fields) =>
                {
                    int featureCount = values.Length - valueColumns;
                    // Parsed as double then rounded to float, like NumPy's loadtxt (float64) followed by torch.float32.
                    for (int j = 0; j < featureCount; j++) features.Add((float)values[j]);
                    if (targetCount > 0)
                    {
                        for (int j = featureCount; j < values.Length; j++) targets.Add((float)values[j]);
                        return;
                    }
                    double label = values[^1];
                    if (label < 0 || label != Math.Floor(label) || label >= (classCount > 0 ? classCount : int.MaxValue))
                        throw Bad(source, line, classCount > 0
                            ? $"the label '{text[fields[^1]].Trim()}' is not an integer in [0, {classCount})"
                            : $"the label '{text[fields[^1]].Trim()}' is not a non-negative integer");
                    labels.Add((int)label);
                });
            if (columns == 0) throw new InvalidDataException($"{source}: no data line.");
            return targetCount > 0
                ? new Dataset(features.ToArray(), targets.ToArray(), columns - targetCount, targetCount)
                : new Dataset(features.ToArray(), labels.ToArray(), columns - 1, classCount > 0 ? classCount : labels.Max() + 1);
        }
    }

    private delegate void RowReader(int line, double[] values, string text, List<Range> fields);

    /// <summary>
    /// Parses every data line into finite doubles and hands them to <paramref name="onRow"/>; returns the column count
    /// (0 without a data line). Every line must have the first data line's count, at least <paramref name="minColumns"/>.
    /// </summary>
    private static int ReadTable(TextReader reader, string source, bool hasHeader, int minColumns, string layout, RowReader onRow)
    {
        var fields = new List<Range>();
        double[] values = [];
        bool? comma = null;
        int lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if ((hasHeader && lineNumber == 1) || string.IsNullOrWhiteSpace(line)) continue;
            comma ??= line.Contains(',');
            Fields(line, comma.Value, fields);
            if (values.Length == 0)
            {
                if (fields.Count < minColumns)
                    throw Bad(source, lineNumber, $"expected at least {minColumns} columns ({layout}), found {fields.Count}");
                values = new double[fields.Count];
            }
            else if (fields.Count != values.Length)
                throw Bad(source, lineNumber, $"expected {values.Length} columns like the first data line, found {fields.Count}");
            for (int column = 0; column < fields.Count; column++)
            {
                ReadOnlySpan<char> field = line.AsSpan(fields[column]).Trim();
                if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out values[column]) || !double.IsFinite(values[column]))
                    throw Bad(source, lineNumber, $"column {column + 1}: '{field}' is not a finite number");
            }
            onRow(lineNumber, values, line, fields);
        }
        return values.Length;
    }

    /// <summary>The ranges of a line's fields: between commas, or runs of non-whitespace.</summary>
    private static void Fields(string line, bool comma, List<Range> fields)
    {
        fields.Clear();
        if (comma)
        {
            foreach (Range range in line.AsSpan().Split(',')) fields.Add(range);
            return;
        }
        for (int i = 0; i < line.Length;)
        {
            while (i < line.Length && char.IsWhiteSpace(line[i])) i++;
            int start = i;
            while (i < line.Length && !char.IsWhiteSpace(line[i])) i++;
            if (i > start) fields.Add(start..i);
        }
    }

    private static InvalidDataException Bad(string source, int line, string what) => new($"{source}, line {line}: {what}.");
}
