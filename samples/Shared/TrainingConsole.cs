using Spectre.Console;
using StaticNet;

namespace Samples;

/// <summary>
/// Shows training progress: a Spectre.Console progress bar on an interactive console, plain epoch lines when the output
/// is redirected (a log or a pipe, where a bar would be noise).
/// </summary>
public static class TrainingConsole
{
    /// <summary>
    /// Runs <paramref name="fit"/> with progress shown through <paramref name="options"/>' batch and epoch callbacks.
    /// <paramref name="runs"/> fits in a row (cross-validation folds) share one bar; each restarts at epoch 1.
    /// </summary>
    /// <param name="title">Names the run on the bar and in each line ("" for none); with several runs, "title 2/5".</param>
    /// <param name="options">The options <paramref name="fit"/> trains with; its callbacks are set here.</param>
    /// <param name="fit">The training.</param>
    /// <param name="runs">How many fits <paramref name="fit"/> performs.</param>
    /// <param name="every">Plain mode prints every that many epochs, and the last.</param>
    public static T Run<T>(string title, TrainingOptions options, Func<T> fit, int runs = 1, int every = 10)
    {
        int run = 0, lastEpoch = 0;
        void Track(int epoch)
        {
            if (epoch < lastEpoch || run == 0) run++; // a new fit started at epoch 1
            lastEpoch = epoch;
        }
        string Prefix() => runs > 1 ? $"[{title} {run}/{runs}] " : title.Length == 0 ? "" : $"[{title}] ";
        string Line(EpochResult e) => Prefix() + FormattableString.Invariant(
            $"epoch {e.Epoch}/{e.TotalEpochs}  loss {e.Loss:F4}") +
            (e.ValidationLoss is float v ? FormattableString.Invariant($"  val_loss {v:F4}") : "") +
            (e.ValidationAccuracy is double a ? FormattableString.Invariant($"  val_acc {a:F4}") : "");

        if (Console.IsOutputRedirected)
        {
            options.OnEpochEnd = e =>
            {
                Track(e.Epoch);
                if (e.Epoch % every == 0 || e.Epoch == e.TotalEpochs) Console.WriteLine(Line(e));
            };
            return fit();
        }
        return AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask(Markup.Escape(title.Length == 0 ? "training" : title), maxValue: Math.Max(1, runs * options.Epochs));
                TimeSpan lastUpdate = TimeSpan.Zero;
                options.OnBatchEnd = b =>
                {
                    Track(b.Epoch);
                    // A bar redrawn 10 times a second is smooth; updating it on every step of microseconds would cost more than the step.
                    if (b.Elapsed - lastUpdate < TimeSpan.FromMilliseconds(100)) return;
                    lastUpdate = b.Elapsed;
                    task.Value = (run - 1) * b.TotalEpochs + b.Epoch - 1 + (double)b.Batch / b.BatchesPerEpoch;
                };
                options.OnEpochEnd = e => task.Description = Markup.Escape(Line(e));
                T result = fit();
                task.Value = task.MaxValue; // early stopping ends before the last epoch
                return result;
            });
    }

    /// <summary>One line on how a fit ended: the epochs run, and the best and last validation loss (early stopping keeps the best).</summary>
    public static void Summary(string title, TrainingHistory history)
    {
        string prefix = title.Length == 0 ? "" : $"[{title}] ";
        string seconds = FormattableString.Invariant($"{history.Elapsed.TotalSeconds:F2} s");
        IReadOnlyList<float> losses = history.ValidationLosses;
        string line = history.StoppedEarly
            ? FormattableString.Invariant($"stopped early after epoch {history.EpochsRun} in {seconds} and kept the best epoch {history.BestEpoch} (validation loss {losses[history.BestEpoch - 1]:F4})")
            : losses.Count > 0
                ? FormattableString.Invariant($"trained {history.EpochsRun} epochs in {seconds}; lowest validation loss {losses[history.BestEpoch - 1]:F4} at epoch {history.BestEpoch}, {losses[^1]:F4} at the end")
                : $"trained {history.EpochsRun} epochs in {seconds}";
        Console.WriteLine(prefix + line);
    }
}
