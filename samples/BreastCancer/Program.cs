using BreastCancer;
using Samples;
using StaticNet;

// Binary classification of tumours: standardized features (statistics of the training split only), a stratified
// train/validation/test split, early stopping on the validation loss, and the classification report of the test set.
var cli = new Cli("BreastCancer", "classifies tumours of the Wisconsin breast cancer data as malignant (0) or benign (1).");
var epochs = cli.Int("--epochs", 500, "most passes over the training set", min: 1);
var batchSize = cli.Int("--batch-size", 32, "rows per step; 0 = full batch", min: 0);
var learningRate = cli.Number("--lr", 3e-3, "Adam's learning rate", min: double.Epsilon);
var seed = cli.Int("--seed", 0, "seed of the split, the initial parameters and the shuffling");
var validation = cli.Number("--validation", 0.2, "fraction of the data held out for early stopping", min: 0.01, max: 0.5);
var testFraction = cli.Number("--test", 0.2, "fraction of the data held out for the final score", min: 0.01, max: 0.5);
var patience = cli.Int("--patience", 20, "stop after N epochs without a better validation loss; the best epoch is kept", min: 0);
var sigmoid = cli.Switch("--sigmoid", "a [Sigmoid] output with [BCELoss] instead of a logit with [BCEWithLogitsLoss]");
var plot = cli.OutputFile("--plot", ".png", "draw the loss and validation accuracy curves");
if (cli.Parse(args) is int exit) return exit;

var (train, watched, test) = Datasets.LoadBreastCancer().SplitThree(validation, testFraction, seed);
Standardizer scaler = Standardizer.Fit(train);
(train, watched, test) = (scaler.Apply(train), scaler.Apply(watched), scaler.Apply(test));
return sigmoid ? Run(new TumourSigmoidNet(seed)) : Run(new TumourNet(seed));

int Run<TNet>(TNet net) where TNet : ITrainableNetwork<float>, IClassifierNetwork
{
    var options = new TrainingOptions
    {
        Epochs = epochs,
        BatchSize = batchSize,
        Seed = seed,
        Validation = watched,
        EarlyStoppingPatience = patience,
    };
    TrainingHistory history = TrainingConsole.Run("", options, () => Trainer.Fit(net, new Adam((float)learningRate.Value), train, options));
    TrainingConsole.Summary("", history);

    ClassificationReport report = Metrics.Classification(net, test);
    Console.Write(report.ToString(4, ["malignant", "benign"]));
    if (plot.Value is string plotPath)
    {
        var (figure, panels) = Plots.Panels((net.GetType().Name + " loss", "epoch", "binary cross-entropy"), ("validation accuracy", "epoch", "accuracy"));
        Plots.Losses(panels[0], history);
        Plots.Line(panels[1], history.ValidationAccuracies, "validation accuracy");
        Plots.Save(figure, plotPath);
    }
    Console.WriteLine(FormattableString.Invariant($"test accuracy: {report.Accuracy:F4}"));
    Console.WriteLine(FormattableString.Invariant($"test F1: {report.F1[1]:F4}")); // of class 1, benign: scikit-learn's f1_score default
    return 0;
}
