using ScottPlot;
using StaticNet;

namespace Samples;

/// <summary>The few ScottPlot recipes the samples share: per-epoch curves, a log-scale axis and saving.</summary>
public static class Plots
{
    /// <summary>A line with markers through <paramref name="ys"/> at x = 1, 2, … (epochs or layers), labelled for the legend.</summary>
    public static void Line(Plot plot, IEnumerable<double> ys, string label)
    {
        double[] values = ys.ToArray();
        var line = plot.Add.Scatter(Enumerable.Range(1, values.Length).Select(x => (double)x).ToArray(), values);
        line.LegendText = label;
        line.MarkerSize = values.Length > 40 ? 0 : 4;
    }

    /// <summary>The training and validation loss per epoch, and a mark at the best epoch (the one early stopping keeps).</summary>
    public static void Losses(Plot plot, TrainingHistory history)
    {
        Line(plot, history.Losses.Select(l => (double)l), "training loss");
        if (history.ValidationLosses.Count == 0) return;
        Line(plot, history.ValidationLosses.Select(l => (double)l), "validation loss");
        var best = plot.Add.VerticalLine(history.BestEpoch);
        best.LegendText = $"best epoch ({history.BestEpoch})";
        best.LinePattern = LinePattern.Dashed;
        best.LineWidth = 1;
    }

    /// <summary>Plots values as log10 and labels the ticks as powers of ten.</summary>
    public static void LogScaleY(Plot plot)
    {
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => $"1e{y:0}",
        };
    }

    /// <summary>Side by side plots in one image, each with a title and axis labels.</summary>
    public static (Multiplot Figure, Plot[] Panels) Panels(params (string Title, string X, string Y)[] panels)
    {
        var figure = new Multiplot();
        figure.Layout = new ScottPlot.MultiplotLayouts.Columns();
        var plots = new Plot[panels.Length];
        for (int i = 0; i < panels.Length; i++)
        {
            plots[i] = i < figure.Count() ? figure.GetPlot(i) : figure.AddPlot();
            plots[i].Title(panels[i].Title);
            plots[i].XLabel(panels[i].X);
            plots[i].YLabel(panels[i].Y);
        }
        return (figure, plots);
    }

    /// <summary>Shows every panel's legend, writes the PNG and says where.</summary>
    public static void Save(Multiplot figure, string path, int width = 1200, int height = 500)
    {
        foreach (Plot plot in figure.GetPlots()) plot.ShowLegend(Edge.Bottom); // below the data, never over it
        figure.SavePng(path, width, height);
        Console.WriteLine($"plot written to {path}");
    }
}
