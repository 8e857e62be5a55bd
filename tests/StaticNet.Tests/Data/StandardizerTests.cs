using StaticNet.Tests.Parity;
using StaticNet.Tests.Persistence;
using Xunit;

namespace StaticNet.Tests.Data;

public sealed class StandardizerTests
{
    private static readonly Dataset Train = new([1, 10, 3, 10, 5, 10], [0, 1, 0], 2, 2);

    [Fact]
    public void Statistics_are_mean_and_population_std_with_1_for_constant_features()
    {
        Standardizer s = Standardizer.Fit(Train);
        Assert.Equal([3.0, 10.0], s.Mean);
        Assert.Equal(Math.Sqrt(8.0 / 3), s.Scale[0], 12);
        Assert.Equal(1.0, s.Scale[1]);
    }

    [Fact]
    public void Apply_uses_the_fitted_statistics_and_copies()
    {
        Standardizer s = Standardizer.Fit(Train);
        Dataset train = s.Apply(Train);
        float z = (float)(2 / Math.Sqrt(8.0 / 3));
        Assert.Equal([-z, 0, 0, 0, z, 0], train.Features);
        Assert.Equal(Train.Labels, train.Labels);
        Assert.NotSame(Train.Labels, train.Labels);
        Assert.Equal(1, Train.Features[0]); // source untouched

        // Another dataset is transformed with the training statistics, not its own.
        Dataset test = s.Apply(new Dataset([7, 12], [1], 2, 2));
        Assert.Equal([(float)(4 / Math.Sqrt(8.0 / 3)), 2f], test.Features);
    }

    [Fact]
    public void Apply_rejects_another_feature_count()
    {
        Standardizer s = Standardizer.Fit(Train);
        var e = Assert.Throws<ArgumentException>(() => s.Apply(new Dataset(new float[3], [0], 3, 2)));
        Assert.Contains("2 features", e.Message);
        Assert.Throws<ArgumentException>(() => s.Apply(new float[3].AsSpan()));
    }

    [Fact]
    public void Standardized_digits_train_set_has_zero_mean()
    {
        (Dataset train, _) = Datasets.LoadDigits().Split(0.2, 0);
        Dataset standardized = Standardizer.Fit(train).Apply(train);
        for (int j = 0; j < 64; j++)
        {
            double mean = Enumerable.Range(0, standardized.Count).Average(i => standardized.Row(i)[j]);
            Assert.InRange(mean, -1e-5, 1e-5);
        }
    }

    private static readonly Dataset Regression = new(new float[] { 1, 10, 3, 10, 5, 10 }, new float[] { 100, -1, 200, -1, 600, -1 }, 2, 2);

    [Fact]
    public void Targets_are_scaled_with_their_own_statistics_and_inverted_back()
    {
        Standardizer s = Standardizer.Fit(Regression, scaleTargets: true);
        Assert.True(s.ScalesTargets);
        Assert.Equal([300.0, -1.0], s.TargetMean);
        Assert.Equal(Math.Sqrt((200.0 * 200 + 100 * 100 + 300 * 300) / 3), s.TargetScale[0], 10);
        Assert.Equal(1.0, s.TargetScale[1]); // constant: only centred
        Dataset scaled = s.Apply(Regression);
        Assert.Equal(0, scaled.Targets.Where((_, i) => i % 2 == 0).Sum(), 5);
        Assert.Equal([0f, 0f, 0f], scaled.Targets.Where((_, i) => i % 2 == 1));
        Assert.Equal(100f, Regression.Targets[0]); // source untouched

        float[] back = (float[])scaled.Targets.Clone();
        s.InvertTargets(back);
        for (int i = 0; i < back.Length; i++) Assert.Equal(Regression.Targets[i], back[i], 3);
        float[] features = (float[])scaled.Features.Clone();
        s.Invert(features);
        for (int i = 0; i < features.Length; i++) Assert.Equal(Regression.Features[i], features[i], 5);

        Standardizer featuresOnly = Standardizer.Fit(Regression);
        Assert.False(featuresOnly.ScalesTargets);
        Assert.Empty(featuresOnly.TargetMean);
        Assert.Equal(Regression.Targets, featuresOnly.Apply(Regression).Targets);
        Assert.Throws<InvalidOperationException>(() => featuresOnly.InvertTargets(back));
        Assert.Throws<ArgumentException>(() => Standardizer.Fit(Train, scaleTargets: true)); // labels are not scaled
        Assert.Throws<ArgumentException>(() => s.Apply(Train));
    }

    private static void AssertSame(Standardizer expected, Standardizer actual)
    {
        Assert.Equal(expected.Mean, actual.Mean);
        Assert.Equal(expected.Scale, actual.Scale);
        Assert.Equal(expected.TargetMean, actual.TargetMean);
        Assert.Equal(expected.TargetScale, actual.TargetScale);
    }

    [Fact]
    public void A_saved_standardizer_loads_back_exactly()
    {
        using var folder = new TempFolder();
        // Statistics with many significant digits: the round trip must keep every bit of each double.
        Standardizer s = Standardizer.Fit(Datasets.LoadDiabetes(), scaleTargets: true);
        string path = folder.File("scaler.json");
        s.Save(path);
        AssertSame(s, Standardizer.Load(path));
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(folder.Path).Select(Path.GetFileName)); // no temporary file left

        Standardizer features = Standardizer.Fit(Datasets.LoadDigits());
        features.Save(path); // replaces the file
        AssertSame(features, Standardizer.Load(path));
    }

    [Fact]
    public void A_standardizer_travels_inside_the_model_file()
    {
        using var folder = new TempFolder();
        var (train, _) = Datasets.LoadBreastCancer().Split(0.2, 0);
        Standardizer s = Standardizer.Fit(train);
        var net = new BinaryLogitsNet(3);
        string path = folder.File("model.safetensors");
        Dictionary<string, string> metadata = s.ToMetadata();
        metadata["epochs"] = "10";
        net.Save(path, metadata);

        IReadOnlyDictionary<string, string> read = Safetensors.ReadMetadata(path);
        Assert.Equal("10", read["epochs"]);
        Assert.Equal("pt", read["format"]);
        AssertSame(s, Standardizer.FromMetadata(read));
        var loaded = new BinaryLogitsNet(4);
        loaded.Load(path);
        Assert.Equal(net.Parameters.ToArray(), loaded.Parameters.ToArray());

        net.Save(folder.File("plain.safetensors"));
        var e = Assert.Throws<InvalidDataException>(() => Standardizer.FromMetadata(Safetensors.ReadMetadata(folder.File("plain.safetensors"))));
        Assert.Contains(Standardizer.MetadataKey, e.Message);
    }

    [Theory]
    [InlineData("{\"format\": \"staticnet.standardizer\",\n \"version\": 1,\n \"mean\": [1, 2,]}", "line 3, column")]
    [InlineData("[1, 2]", "expected a JSON object")]
    [InlineData("{\"format\": \"other\"}", "not a standardizer")]
    [InlineData("{\"format\": \"staticnet.standardizer\", \"version\": 2, \"mean\": [1], \"scale\": [1]}", "\"version\" is 2")]
    [InlineData("{\"format\": \"staticnet.standardizer\", \"version\": \"1\", \"mean\": [1], \"scale\": [1]}", "\"version\" is \"1\"")]
    [InlineData("{\"format\": \"staticnet.standardizer\", \"version\": 1, \"mean\": [1, 2], \"scale\": [1]}", "\"scale\" has 1 values but \"mean\" has 2")]
    [InlineData("{\"format\": \"staticnet.standardizer\", \"version\": 1, \"mean\": [1], \"scale\": [0]}", "\"scale\"[0] is 0, not a positive number")]
    [InlineData("{\"format\": \"staticnet.standardizer\", \"version\": 1, \"scale\": [1]}", "\"mean\" is missing")]
    public void A_bad_file_names_the_file_and_the_problem(string json, string problem)
    {
        using var folder = new TempFolder();
        string path = folder.File("bad.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<InvalidDataException>(() => Standardizer.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(problem, e.Message);
    }
}
