using System.Diagnostics;
using System.Globalization;
using Digits;
using Samples;
using Spectre.Console;
using StaticNet;

// Trains the reference digits MLP (64-32-16-10, ReLU, cross-entropy, Adam) on a stratified 80/20 split of the digits,
// with optional validation and early stopping, augmentation, cross-validation, saving and loading.
var cli = new Cli("Digits", "trains the reference digits MLP (64-32-16-10, ReLU, cross-entropy) on a stratified 80/20 split of scikit-learn's digits.");
var epochs = cli.Int("--epochs", 100, "passes over the training set; 0 with --load evaluates the loaded network", min: 0);
var batchSize = cli.Int("--batch-size", 32, "rows per step; 0 = full batch, as the reference PyTorch program", min: 0);
var learningRate = cli.OptionalNumber("--lr", "learning rate", "1e-3; 1e-2 for sgd and adagrad", min: double.Epsilon);
var seed = cli.Int("--seed", 0, "seed of the split, the initial parameters, the shuffling and the augmentation");
var optimizerName = cli.Choice("--optimizer", "adam", ["adam", "adamw", "sgd", "rmsprop", "adagrad"], "optimizer");
var weightDecay = cli.OptionalNumber("--weight-decay", "L2 weight decay", "PyTorch's: 0; 1e-2 for adamw", min: 0);
var validation = cli.Number("--validation", 0, "fraction of the data held out to watch the validation loss; 0 = none", min: 0, max: 0.8);
var patience = cli.OptionalInt("--patience", "stop after N epochs without a better validation loss and keep the best epoch (needs --validation)", min: 0);
var augment = cli.Switch("--augment", "shift each training image by a random ±1 pixel in every epoch");
var kfold = cli.Int("--kfold", 0, "first cross-validate on the training data with K folds; 0 = no", min: 0, meta: "K");
var save = cli.OutputFile("--save", ".safetensors", "save the trained network");
var load = cli.InputFile("--load", "start from a network saved with --save");
var matrix = cli.Switch("--matrix", "print the classification report and the confusion matrix of the test set");
var plot = cli.OutputFile("--plot", ".png", "draw the loss and accuracy curves");
if (cli.Parse(args) is int exit) return exit;
if (patience.Value is not null && validation == 0) return cli.Fail("--patience: needs --validation F, the data whose loss it watches");
if (kfold == 1) return cli.Fail("--kfold: '1' must be 0 or at least 2");

var net = new DigitsNet(seed);
if (load.Value is string loadPath)
{
    try
    {
        net.Load(loadPath);
    }
    catch (InvalidDataException e)
    {
        Console.Error.WriteLine($"--load: {e.Message}");
        return 1;
    }
}

// Learning rates default to what trains this network well with each optimizer; weight decay to PyTorch's defaults.
IOptimizer CreateOptimizer()
{
    float lr = (float?)learningRate.Value ?? 0, decay = (float?)weightDecay.Value ?? 0;
    return optimizerName.Value switch
    {
        "adamw" => new AdamW(lr > 0 ? lr : 1e-3f, weightDecay: weightDecay.Value is null ? 1e-2f : decay),
        "sgd" => new Sgd(lr > 0 ? lr : 1e-2f, momentum: 0.9f, weightDecay: decay),
        "rmsprop" => new RmsProp(lr > 0 ? lr : 1e-3f, weightDecay: decay),
        "adagrad" => new Adagrad(lr > 0 ? lr : 1e-2f, weightDecay: decay),
        _ => new Adam(lr > 0 ? lr : 1e-3f, weightDecay: decay),
    };
}

// The test set is the same 20 % with or without validation (SplitThree takes it exactly as Split does).
Dataset all = Datasets.LoadDigits(), train, test;
Dataset? watched = null;
if (validation > 0) (train, watched, test) = all.SplitThree(validation, 0.2, seed);
else (train, test) = all.Split(0.2, seed);

TrainingOptions Options(Dataset? validationSet) => new()
{
    Epochs = epochs,
    BatchSize = batchSize,
    Seed = seed,
    Validation = validationSet,
    EarlyStoppingPatience = patience,
    Augment = augment ? DigitShifts.Augment : null,
};

if (kfold > 0)
{
    TrainingOptions foldOptions = Options(null);
    CrossValidationResult cv = TrainingConsole.Run("fold", foldOptions,
        () => CrossValidation.Run(() => new DigitsNet(seed), CreateOptimizer, train, kfold, foldOptions, seed), runs: kfold);
    foreach (CrossValidationFold fold in cv.Folds)
        Console.WriteLine(FormattableString.Invariant(
            $"fold {fold.Fold}/{kfold}: {fold.History.EpochsRun} epochs, validation loss {fold.ValidationLoss:F4}, accuracy {fold.ValidationAccuracy:F4}"));
    Console.WriteLine(FormattableString.Invariant(
        $"cross-validation: loss {cv.MeanValidationLoss:F4} ± {cv.StdValidationLoss:F4}, accuracy {cv.MeanAccuracy:F4} ± {cv.StdAccuracy:F4}"));
}

TrainingOptions options = Options(watched);
IOptimizer optimizer = CreateOptimizer();
var stopwatch = Stopwatch.StartNew();
TrainingHistory history = TrainingConsole.Run("", options, () => Trainer.Fit(net, optimizer, train, options));
stopwatch.Stop();
if (epochs > 0) TrainingConsole.Summary("", history);

if (save.Value is string savePath)
{
    net.Save(savePath);
    Console.WriteLine($"network saved to {savePath}");
}

if (matrix)
{
    Console.Write(Metrics.Classification(net, test).ToString(4));
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

if (plot.Value is string plotPath && history.EpochsRun > 0)
{
    // The accuracy panel needs --validation.
    bool accuracy = history.ValidationAccuracies.Count > 0;
    var loss = ("DigitsNet loss", "epoch", "cross-entropy");
    var (figure, panels) = accuracy ? Plots.Panels(loss, ("DigitsNet validation accuracy", "epoch", "accuracy")) : Plots.Panels(loss);
    Plots.Losses(panels[0], history);
    if (accuracy) Plots.Line(panels[1], history.ValidationAccuracies, "validation accuracy");
    Plots.Save(figure, plotPath, width: accuracy ? 1200 : 800);
}

// The last three lines, in this format, are what CI and the README read.
Console.WriteLine(FormattableString.Invariant($"train accuracy: {Metrics.Accuracy(net, train):F4}"));
Console.WriteLine(FormattableString.Invariant($"test accuracy: {Metrics.Accuracy(net, test):F4}"));
Console.WriteLine(FormattableString.Invariant($"training time: {stopwatch.Elapsed.TotalSeconds:F3} s"));
return 0;
