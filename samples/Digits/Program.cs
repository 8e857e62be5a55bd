using System.Diagnostics;
using System.Globalization;
using Digits;
using ScottPlot;
using Spectre.Console;
using StaticNet;

// Trains the reference digits MLP (64-32-16-10, ReLU, cross-entropy, Adam) on a stratified 80/20 split.
// Flags: --epochs N, --batch-size N (0 = full batch, as the reference PyTorch program), --lr X, --seed N,
//        --optimizer adam|adamw|sgd|rmsprop|adagrad, --weight-decay X,
//        --plot FILE.png (loss curve), --matrix (confusion matrix of the test set).
int epochs = 100, batchSize = 32, seed = 0;
float? learningRate = null, weightDecay = null;
string optimizerName = "adam";
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
            case "--optimizer": optimizerName = Value().ToLowerInvariant(); break;
            case "--weight-decay": weightDecay = float.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--plot": plotPath = Value(); break;
            case "--matrix": matrix = true; break;
            default: throw new ArgumentException($"Unknown option '{args[i]}'.");
        }
    }
    if (epochs < 1 || batchSize < 0 || learningRate is <= 0f || weightDecay is < 0f)
        throw new ArgumentException("--epochs must be ≥ 1, --batch-size ≥ 0, --lr > 0 and --weight-decay ≥ 0.");
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine("usage: Digits [--epochs N] [--batch-size N] [--lr X] [--seed N] [--optimizer adam|adamw|sgd|rmsprop|adagrad] [--weight-decay X] [--plot FILE.png] [--matrix]");
    return 2;
}

// Learning rates default to what trains this network well with each optimizer; weight decay to PyTorch's defaults.
IOptimizer? optimizer = optimizerName switch
{
    "adam" => new Adam(learningRate ?? 1e-3f, weightDecay: weightDecay ?? 0f),
    "adamw" => new AdamW(learningRate ?? 1e-3f, weightDecay: weightDecay ?? 1e-2f),
    "sgd" => new Sgd(learningRate ?? 1e-2f, momentum: 0.9f, weightDecay: weightDecay ?? 0f),
    "rmsprop" => new RmsProp(learningRate ?? 1e-3f, weightDecay: weightDecay ?? 0f),
    "adagrad" => new Adagrad(learningRate ?? 1e-2f, weightDecay: weightDecay ?? 0f),
    _ => null,
};
if (optimizer is null)
{
    Console.Error.WriteLine($"Unknown optimizer '{optimizerName}': use adam, adamw, sgd, rmsprop or adagrad.");
    return 2;
}

var (train, test) = Datasets.LoadDigits().Split(testFraction: 0.2, seed: seed, stratify: true);
var net = new DigitsNet(seed);
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
TrainingHistory history = Trainer.Fit(net, optimizer, train, options);
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
