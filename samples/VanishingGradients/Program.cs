using Samples;
using StaticNet;
using VanishingGradients;

// The vanishing gradient, made visible: the same ten dense layers with four activation/initialisation choices. At
// initialisation, on one batch, the gradient of the first layer's weights is compared with the last layer's; then each
// network trains for the same epochs, so the curves show what a vanished gradient costs.
var cli = new Cli("VanishingGradients", "compares how the gradient reaches the first of ten dense layers with sigmoid, tanh + Xavier, ReLU + He and sigmoid + BatchNorm.");
var epochs = cli.Int("--epochs", 30, "passes over the training set for the training curves", min: 1);
var batchSize = cli.Int("--batch-size", 32, "rows per step, and of the batch whose gradients are compared", min: 2);
var learningRate = cli.Number("--lr", 1e-3, "Adam's learning rate", min: double.Epsilon);
var seed = cli.Int("--seed", 0, "seed of the split, the initial parameters and the shuffling");
var plot = cli.OutputFile("--plot", ".png", "draw the per-layer gradient norms and the training curves");
if (cli.Parse(args) is int exit) return exit;

var (rawTrain, rawTest) = Datasets.LoadDigits().Split(0.2, seed);
Standardizer scaler = Standardizer.Fit(rawTrain);
Dataset train = scaler.Apply(rawTrain), test = scaler.Apply(rawTest);

var variants = new[]
{
    Study("sigmoid", new DeepSigmoidNet(seed)),
    Study("tanh-xavier", new DeepTanhXavierNet(seed)),
    Study("relu-he", new DeepReluHeNet(seed)),
    Study("sigmoid-batchnorm", new DeepSigmoidBatchNormNet(seed)),
};

if (plot.Value is string plotPath)
{
    var (figure, panels) = Plots.Panels(("‖∇W‖ per dense layer at initialisation", "dense layer", "gradient norm"),
        ("training loss", "epoch", "cross-entropy"), ("test accuracy", "epoch", "accuracy"));
    foreach (var v in variants)
    {
        Plots.Line(panels[0], v.Norms.Select(Math.Log10), v.Name);
        Plots.Line(panels[1], v.History.Losses.Select(l => (double)l), v.Name);
        Plots.Line(panels[2], v.History.ValidationAccuracies, v.Name);
    }
    Plots.LogScaleY(panels[0]);
    Plots.Save(figure, plotPath, width: 1500);
}

foreach (var v in variants)
    Console.WriteLine(FormattableString.Invariant($"gradient ratio {v.Name}: {v.Norms[0] / v.Norms[^1]:0.00e+00}"));
return 0;

// The gradient norm of every dense weight on the first training batch, then a fit whose curves show what follows.
(string Name, double[] Norms, TrainingHistory History) Study<TNet>(string name, TNet net) where TNet : ITrainableNetwork<int>, IClassifierNetwork
{
    int rows = Math.Min(batchSize, train.Count);
    net.ComputeGradients(train.Features.AsSpan(0, rows * train.FeatureCount), train.Labels.AsSpan(0, rows));
    // Dense weights are the 2-D tensors ([out, in]); BatchNorm's weight and every bias are 1-D.
    double[] norms = net.ParameterLayout.Where(t => t.Shape.Count == 2)
        .Select(t => Math.Sqrt(net.Gradients.Slice(t.Offset, t.Length).ToArray().Sum(g => (double)g * g)))
        .ToArray();

    var options = new TrainingOptions { Epochs = epochs, BatchSize = batchSize, Seed = seed, Validation = test };
    TrainingHistory history = TrainingConsole.Run(name, options, () => Trainer.Fit(net, new Adam((float)learningRate.Value), train, options));
    Console.WriteLine(FormattableString.Invariant($"[{name}] test accuracy {history.ValidationAccuracies[^1]:F4} after {history.EpochsRun} epochs"));
    return (name, norms, history);
}
