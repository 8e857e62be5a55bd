using System.Diagnostics;
using System.Globalization;
using Digits;
using ScottPlot;
using Spectre.Console;
using StaticNet;

// Trains the reference digits MLP (64-32-16-10, ReLU, cross-entropy, Adam) on a stratified 80/20 split.
// Flags: --epochs N, --batch-size N (0 = full batch, as the reference PyTorch program), --lr X, --seed N,
//        --plot FILE.png (loss curve), --matrix (confusion matrix of the test set).
int epochs = 100, batchSize = 32, seed = 0;
float learningRate = 1e-3f;
string? plotPath = null;
bool matrix = false;
try
{
    for (int i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
        switch (args[i])
        {
            case "--epochs": epochs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--batch-size": batchSize = int.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--lr": learningRate = float.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--seed": seed = int.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--plot": plotPath = Value(); break;
            case "--matrix": matrix = true; break;
            default: throw new ArgumentException($"Unknown option '{args[i]}'.");
        }
    }
    if (epochs < 1 || batchSize < 0 || !(learningRate > 0)) throw new ArgumentException("--epochs must be ≥ 1, --batch-size ≥ 0 and --lr > 0.");
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine("usage: Digits [--epochs N] [--batch-size N] [--lr X] [--seed N] [--plot FILE.png] [--matrix]");
    return 2;
}

var (train, test) = Datasets.LoadDigits().Split(testFraction: 0.2, seed: seed, stratify: true);
var net = new DigitsNet(seed);
var adam = new Adam(learningRate);
var options = new TrainingOptions
{
    Epochs = epochs,
    BatchSize = batchSize,
    Shuffle = true,
    Seed = seed,
    OnEpochEnd = e =>
    {
        if (e.Epoch % 10 == 0 || e.Epoch == e.TotalEpochs)
            Console.WriteLine(FormattableString.Invariant($"epoch {e.Epoch}/{e.TotalEpochs}  loss {e.Loss:F4}"));
    },
};

var stopwatch = Stopwatch.StartNew();
TrainingHistory history = Trainer.Fit(net, adam, train, options);
stopwatch.Stop();

Console.WriteLine(FormattableString.Invariant($"train accuracy: {Metrics.Accuracy(net, train):F4}"));
Console.WriteLine(FormattableString.Invariant($"test accuracy: {Metrics.Accuracy(net, test):F4}"));
Console.WriteLine(FormattableString.Invariant($"training time: {stopwatch.Elapsed.TotalSeconds:F3} s"));

if (matrix)
{
    int[,] confusion = Metrics.ConfusionMatrix(net, test);
    var table = new Table().Title("test set: actual (rows) × predicted (columns)");
    table.AddColumn("");
    for (int c = 0; c < 10; c++) table.AddColumn(c.ToString(CultureInfo.InvariantCulture));
    for (int r = 0; r < 10; r++)
        table.AddRow(new[] { r.ToString(CultureInfo.InvariantCulture) }
            .Concat(Enumerable.Range(0, 10).Select(c => r == c ? $"[green]{confusion[r, c]}[/]" : confusion[r, c] == 0 ? "." : $"[red]{confusion[r, c]}[/]"))
            .ToArray());
    AnsiConsole.Write(table);
}

if (plotPath is not null)
{
    var plot = new Plot();
    plot.Add.Scatter(Enumerable.Range(1, history.Losses.Count).Select(e => (double)e).ToArray(), history.Losses.Select(l => (double)l).ToArray());
    plot.Title("DigitsNet training loss");
    plot.XLabel("epoch");
    plot.YLabel("cross-entropy");
    plot.SavePng(plotPath, 800, 500);
    Console.WriteLine($"loss curve written to {plotPath}");
}
return 0;
