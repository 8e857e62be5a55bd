using Overfitting;
using Samples;
using StaticNet;

// Overfitting and four remedies: a wide network trained on a small subset of the digits, watched on a validation set.
// Every variant starts from the same data; the validation curves show where each stops improving.
var cli = new Cli("Overfitting", "trains a wide network on a few digits with no regularisation, dropout, L2, augmentation and early stopping.");
var epochs = cli.Int("--epochs", 100, "most passes over the training subset", min: 1);
var trainSize = cli.Int("--train-size", 150, "training rows, a stratified subset of the digits", min: 10);
var batchSize = cli.Int("--batch-size", 32, "rows per step; 0 = full batch", min: 0);
var learningRate = cli.Number("--lr", 1e-3, "Adam's learning rate", min: double.Epsilon);
var patience = cli.Int("--patience", 10, "epochs without a better validation loss before the early-stopping variant stops", min: 0);
var seed = cli.Int("--seed", 0, "seed of the subsets, the initial parameters, the shuffling and the augmentation");
var plot = cli.OutputFile("--plot", ".png", "draw every variant's validation loss and accuracy");
if (cli.Parse(args) is int exit) return exit;

var (pool, validation) = Datasets.LoadDigits().Split(0.3, seed);
if (trainSize >= pool.Count) return cli.Fail($"--train-size: '{trainSize.Value}' must be below the {pool.Count} rows left beside the validation set");
Dataset train = pool.Split((double)trainSize / pool.Count, seed).Test; // a stratified subset of exactly that many rows

TrainingOptions Options(BatchAugmenter? augment = null, int? stopAfter = null) => new()
{
    Epochs = epochs,
    BatchSize = batchSize,
    Seed = seed,
    Validation = validation,
    Augment = augment,
    EarlyStoppingPatience = stopAfter,
};
var variants = new[]
{
    Train("none", new WideNet(seed), Options()),
    Train("dropout", new WideDropoutNet(seed), Options()),
    Train("l2", new WideL2Net(seed), Options()),
    Train("augmentation", new WideNet(seed), Options(augment: DigitShifts.Augment)),
    Train("early-stopping", new WideNet(seed), Options(stopAfter: patience)),
};

if (plot.Value is string plotPath)
{
    var (figure, panels) = Plots.Panels(("validation loss", "epoch", "cross-entropy"), ("validation accuracy", "epoch", "accuracy"));
    foreach (var v in variants)
    {
        Plots.Line(panels[0], v.History.ValidationLosses.Select(l => (double)l), v.Name);
        Plots.Line(panels[1], v.History.ValidationAccuracies, v.Name);
    }
    Plots.Save(figure, plotPath);
}

// The accuracy of the network each variant ends with (early stopping: the best epoch's, restored).
foreach (var v in variants)
    Console.WriteLine(FormattableString.Invariant($"validation accuracy {v.Name}: {v.Accuracy:F4}"));
return 0;

(string Name, TrainingHistory History, double Accuracy) Train<TNet>(string name, TNet net, TrainingOptions options)
    where TNet : ITrainableNetwork<int>, IClassifierNetwork
{
    TrainingHistory history = TrainingConsole.Run(name, options, () => Trainer.Fit(net, new Adam((float)learningRate.Value), train, options));
    TrainingConsole.Summary(name, history);
    return (name, history, Metrics.Accuracy(net, validation));
}
