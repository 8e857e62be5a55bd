using System.IO.Compression;
using Xunit;

namespace StaticNet.Tests.Data;

public sealed class CsvTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("staticnet-csv-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Reads_features_then_label_skipping_header_and_blank_lines()
    {
        string path = Write("ok.csv", "a,b,label\n1.5, -2 ,0\n\n3e1,4,2\n");
        Dataset data = Datasets.LoadCsv(path, hasHeader: true);
        Assert.Equal(2, data.Count);
        Assert.Equal(2, data.FeatureCount);
        Assert.Equal(3, data.ClassCount); // largest label + 1
        Assert.Equal([1.5f, -2f, 30f, 4f], data.Features);
        Assert.Equal([0, 2], data.Labels);
        Assert.Equal(5, Datasets.LoadCsv(path, hasHeader: true, classCount: 5).ClassCount);
    }

    [Fact]
    public void Gzip_round_trip_of_digits_is_identical()
    {
        Dataset digits = Datasets.LoadDigits();
        string path = Path.Combine(_directory, "digits.csv.gz");
        using (var writer = new StreamWriter(new GZipStream(File.Create(path), CompressionLevel.Fastest)))
            for (int i = 0; i < digits.Count; i++)
                writer.WriteLine(string.Join(',', digits.Row(i).ToArray()) + "," + digits.Labels[i]);
        Dataset read = Datasets.LoadCsv(path);
        Assert.Equal(digits.Features, read.Features);
        Assert.Equal(digits.Labels, read.Labels);
        Assert.Equal(10, read.ClassCount);
    }

    [Theory]
    [InlineData("1,2,0\n3,abc,1\n", "line 2", "column 2: 'abc' is not a finite number")]
    [InlineData("1,2,0\n\n3,4\n", "line 3", "expected 3 columns like the first data line, found 2")]
    [InlineData("7\n", "line 1", "at least 2 columns")]
    [InlineData("1,2,0\n3,4,-1\n", "line 2", "'-1' is not a non-negative integer")]
    [InlineData("1,2,1.5\n", "line 1", "'1.5' is not a non-negative integer")]
    [InlineData("1,NaN,1\n", "line 1", "'NaN' is not a finite number")]
    [InlineData("h1,h2,h3\n1,2,0\n", "line 1", "'h1' is not a finite number")] // a header without hasHeader
    public void Bad_lines_name_the_file_line_and_problem(string text, string line, string problem)
    {
        string path = Write("bad.csv", text);
        var e = Assert.Throws<InvalidDataException>(() => Datasets.LoadCsv(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(line + ":", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Label_beyond_the_class_count_is_reported()
    {
        string path = Write("classes.csv", "1,0\n2,3\n");
        var e = Assert.Throws<InvalidDataException>(() => Datasets.LoadCsv(path, classCount: 3));
        Assert.Contains("line 2: the label '3' is not an integer in [0, 3)", e.Message);
    }

    [Fact]
    public void Regression_files_take_float_targets_from_the_last_columns()
    {
        string path = Write("regression.csv", "x1,x2,y1,y2\n1,2,0.5,-3\n4,5,1e2,7.25\n");
        Dataset data = Datasets.LoadCsv(path, hasHeader: true, targetCount: 2);
        Assert.False(data.HasLabels);
        Assert.Equal((2, 2, 2), (data.Count, data.FeatureCount, data.TargetCount));
        Assert.Equal([1f, 2f, 4f, 5f], data.Features);
        Assert.Equal([0.5f, -3f, 100f, 7.25f], data.Targets);
        Assert.Equal([1f, 4f], Datasets.LoadCsv(path, hasHeader: true, targetCount: 3).Features); // one feature, three targets
    }

    [Fact]
    public void Whitespace_separated_files_are_read_too()
    {
        string path = Write("spaces.txt", "  59 2\t32.1   151.0\n\n48 1 21.6 75\n");
        Dataset data = Datasets.LoadCsv(path, targetCount: 1);
        Assert.Equal([59f, 2f, 32.1f, 48f, 1f, 21.6f], data.Features);
        Assert.Equal([151f, 75f], data.Targets);
        Dataset labelled = Datasets.LoadCsv(Write("labels.txt", "1.5 2 1\n3 4 0\n"));
        Assert.Equal([1, 0], labelled.Labels);

        var e = Assert.Throws<InvalidDataException>(() => Datasets.LoadCsv(Write("bad.txt", "1 2 3\n4 x 6\n"), targetCount: 1));
        Assert.Contains("line 2: column 2: 'x' is not a finite number", e.Message);
        e = Assert.Throws<InvalidDataException>(() => Datasets.LoadCsv(Write("short.txt", "1 2 3\n4 6\n"), targetCount: 1));
        Assert.Contains("line 2: expected 3 columns like the first data line, found 2", e.Message);
    }

    [Fact]
    public void A_regression_file_needs_a_feature_column_besides_its_targets()
    {
        string path = Write("narrow.csv", "1,2\n3,4\n");
        var e = Assert.Throws<InvalidDataException>(() => Datasets.LoadCsv(path, targetCount: 2));
        Assert.Contains(path, e.Message);
        Assert.Contains("line 1: expected at least 3 columns (features, then 2 targets), found 2", e.Message);
        Assert.Throws<ArgumentException>(() => Datasets.LoadCsv(path, classCount: 2, targetCount: 1));
    }

    [Fact]
    public void Empty_file_is_reported()
    {
        string path = Write("empty.csv", "x,y\n\n");
        var e = Assert.Throws<InvalidDataException>(() => Datasets.LoadCsv(path, hasHeader: true));
        Assert.Contains(path, e.Message);
        Assert.Contains("no data line", e.Message);
    }
}
