using Diabetes;
using Samples;
using ScottPlot;
using StaticNet;

// Regression: disease progression one year after the baseline measurements. Features and target are standardized
// with the training split's statistics; the test set is reported in the original units, after inverting the target scaling.
var cli = new Cli("Diabetes", "predicts disease progression in the diabetes data of Efron et al. (2004), an MSE regression.");
var epochs = cli.Int("--epochs", 500, "most passes over the training set", min: 1);
var batchSize = cli.Int("--batch-size", 32, "rows per step; 0 = full batch", min: 0);
var learningRate = cli.Number("--lr", 1e-3, "AdamW's learning rate", min: double.Epsilon);
var weightDecay = cli.Number("--weight-decay", 1e-3, "AdamW's decoupled weight decay", min: 0);
var seed = cli.Int("--seed", 0, "seed of the split, the initial parameters and the shuffling");
var validation = cli.Number("--validation", 0.2, "fraction of the data held out for early stopping", min: 0.01, max: 0.5);
var testFraction = cli.Number("--test", 0.2, "fraction of the data held out for the final score", min: 0.01, max: 0.5);
var patience = cli.Int("--patience", 30, "stop after N epochs without a better validation loss; the best epoch is kept", min: 0);
var save = cli.OutputFile("--save", ".safetensors", "save the network with its standardizer in the file's metadata");
var plot = cli.OutputFile("--plot", ".png", "draw the loss curves and predicted against actual progression");
if (cli.Parse(args) is int exit) return exit;

var (train, watched, test) = Datasets.LoadDiabetes().SplitThree(validation, testFraction, seed);
Standardizer scaler = Standardizer.Fit(train, scaleTargets: true);
var net = new DiabetesNet(seed);
var options = new TrainingOptions
{
    Epochs = epochs,
    BatchSize = batchSize,
    Seed = seed,
    Validation = scaler.Apply(watched),
    EarlyStoppingPatience = patience,
};
Dataset scaledTrain = scaler.Apply(train);
TrainingHistory history = TrainingConsole.Run("", options,
    () => Trainer.Fit(net, new AdamW((float)learningRate.Value, weightDecay: (float)weightDecay.Value), scaledTrain, options));
TrainingConsole.Summary("", history);

// Reported in the data's units: the standardizer maps predictions and targets back.
Dataset scaledTest = scaler.Apply(test);
RegressionReport report = Metrics.Regression(net, scaledTest, scaler);
Console.Write(report);

if (save.Value is string savePath)
{
    // One file holds everything needed to predict: Standardizer.FromMetadata(Safetensors.ReadMetadata(path)) reads the scaler back.
    net.Save(savePath, scaler.ToMetadata());
    Console.WriteLine($"network and standardizer saved to {savePath}");
}

if (plot.Value is string plotPath)
{
    var predicted = new float[test.Count];
    net.Forward(scaledTest.Features, predicted);
    scaler.InvertTargets(predicted);
    var (figure, panels) = Plots.Panels(("DiabetesNet loss (standardized)", "epoch", "mean squared error"), ("test set", "actual progression", "predicted progression"));
    Plots.Losses(panels[0], history);
    double[] actual = test.Targets.Select(t => (double)t).ToArray();
    var points = panels[1].Add.ScatterPoints(actual, predicted.Select(p => (double)p).ToArray());
    points.LegendText = FormattableString.Invariant($"R² {report.R2:F2}");
    var perfect = panels[1].Add.Line(actual.Min(), actual.Min(), actual.Max(), actual.Max());
    perfect.LegendText = "predicted = actual";
    perfect.LinePattern = LinePattern.Dashed;
    Plots.Save(figure, plotPath);
}

Console.WriteLine(FormattableString.Invariant($"test R2: {report.R2:F4}"));
Console.WriteLine(FormattableString.Invariant($"test MAE: {report.MeanAbsoluteError:F2}"));
return 0;
