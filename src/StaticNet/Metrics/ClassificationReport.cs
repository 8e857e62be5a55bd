using System.Globalization;
using System.Text;

namespace StaticNet;

/// <summary>
/// Per-class precision, recall, F1 and support, their macro and weighted averages and the accuracy, computed from a
/// confusion matrix like scikit-learn's <c>classification_report(..., zero_division=0)</c>: a class that is never
/// predicted has precision 0, a class with no support has recall 0, and F1 is 0 when both are.
/// </summary>
public sealed class ClassificationReport
{
    private readonly int[,] _matrix;
    private readonly double[] _precision, _recall, _f1;
    private readonly int[] _support;

    /// <summary>Computes the report of a confusion matrix.</summary>
    /// <param name="confusionMatrix">Square counts indexed <c>[actual, predicted]</c> (rows are true classes); it is copied.</param>
    /// <exception cref="ArgumentException">The matrix is not square, is empty, or holds a negative count.</exception>
    public ClassificationReport(int[,] confusionMatrix)
    {
        ArgumentNullException.ThrowIfNull(confusionMatrix);
        int k = confusionMatrix.GetLength(0);
        if (k == 0 || confusionMatrix.GetLength(1) != k)
            throw new ArgumentException(
                $"Expected a square, non-empty confusion matrix, but it is {k} × {confusionMatrix.GetLength(1)}.", nameof(confusionMatrix));
        _matrix = (int[,])confusionMatrix.Clone();
        _precision = new double[k];
        _recall = new double[k];
        _f1 = new double[k];
        _support = new int[k];
        var predicted = new int[k];
        long correct = 0;
        for (int actual = 0; actual < k; actual++)
            for (int p = 0; p < k; p++)
            {
                int count = _matrix[actual, p];
                if (count < 0)
                    throw new ArgumentException($"The confusion matrix holds {count} at [{actual}, {p}]; counts cannot be negative.", nameof(confusionMatrix));
                _support[actual] += count;
                predicted[p] += count;
                if (actual == p) correct += count;
            }
        Total = _support.Sum();
        for (int c = 0; c < k; c++)
        {
            int tp = _matrix[c, c], fp = predicted[c] - tp, fn = _support[c] - tp;
            _precision[c] = Ratio(tp, tp + fp);
            _recall[c] = Ratio(tp, tp + fn);
            _f1[c] = Ratio(2.0 * tp, 2.0 * tp + fp + fn); // = 2PR/(P + R) where both are defined
        }
        Accuracy = Ratio(correct, Total);
        MacroPrecision = _precision.Average();
        MacroRecall = _recall.Average();
        MacroF1 = _f1.Average();
        WeightedPrecision = Weighted(_precision);
        WeightedRecall = Weighted(_recall);
        WeightedF1 = Weighted(_f1);
    }

    // zero_division=0: a metric whose denominator is 0 is 0.
    private static double Ratio(double numerator, double denominator) => denominator == 0 ? 0 : numerator / denominator;

    private double Weighted(double[] perClass) => Ratio(perClass.Select((value, c) => value * _support[c]).Sum(), Total);

    /// <summary>Number of classes (rows and columns of <see cref="ConfusionMatrix"/>).</summary>
    public int ClassCount => _support.Length;

    /// <summary>Number of rows scored (the sum of <see cref="Support"/>).</summary>
    public int Total { get; }

    /// <summary>Correct predictions over all rows; 0 for an empty matrix.</summary>
    public double Accuracy { get; }

    /// <summary>A copy of the counts indexed <c>[actual, predicted]</c>.</summary>
    public int[,] ConfusionMatrix => (int[,])_matrix.Clone();

    /// <summary>Per class: true positives over predicted positives (0 when the class is never predicted).</summary>
    public IReadOnlyList<double> Precision => _precision;

    /// <summary>Per class: true positives over actual positives (0 when the class has no support).</summary>
    public IReadOnlyList<double> Recall => _recall;

    /// <summary>Per class: the harmonic mean of precision and recall, 2·TP / (2·TP + FP + FN) (0 when TP is 0).</summary>
    public IReadOnlyList<double> F1 => _f1;

    /// <summary>Per class: the number of rows whose true class it is.</summary>
    public IReadOnlyList<int> Support => _support;

    /// <summary>The unweighted mean of <see cref="Precision"/> over the classes.</summary>
    public double MacroPrecision { get; }

    /// <summary>The unweighted mean of <see cref="Recall"/> over the classes.</summary>
    public double MacroRecall { get; }

    /// <summary>The unweighted mean of <see cref="F1"/> over the classes.</summary>
    public double MacroF1 { get; }

    /// <summary>The mean of <see cref="Precision"/> weighted by <see cref="Support"/>.</summary>
    public double WeightedPrecision { get; }

    /// <summary>The mean of <see cref="Recall"/> weighted by <see cref="Support"/> (equal to <see cref="Accuracy"/>).</summary>
    public double WeightedRecall { get; }

    /// <summary>The mean of <see cref="F1"/> weighted by <see cref="Support"/>.</summary>
    public double WeightedF1 { get; }

    /// <summary>The report as scikit-learn's <c>classification_report</c> prints it, with 2 decimals and class numbers as names.</summary>
    public override string ToString() => ToString(2);

    /// <summary>The report as an aligned text table like scikit-learn's <c>classification_report</c>.</summary>
    /// <param name="digits">Decimals of the figures.</param>
    /// <param name="classNames">A name per class for the first column; null for the class numbers.</param>
    /// <exception cref="ArgumentException"><paramref name="classNames"/> does not have one name per class.</exception>
    public string ToString(int digits, IReadOnlyList<string>? classNames = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digits);
        if (classNames is not null && classNames.Count != ClassCount)
            throw new ArgumentException($"Expected {ClassCount} class names, but got {classNames.Count}.", nameof(classNames));
        string[] names = Enumerable.Range(0, ClassCount)
            .Select(c => classNames?[c] ?? c.ToString(CultureInfo.InvariantCulture)).ToArray();
        // scikit-learn's layout: names right-aligned to the widest of them and "weighted avg", then 9-wide columns.
        int width = Math.Max(names.Max(name => name.Length), Math.Max("weighted avg".Length, digits));
        string number = "F" + digits.ToString(CultureInfo.InvariantCulture);
        string Figure(double value) => value.ToString(number, CultureInfo.InvariantCulture).PadLeft(9);
        string Count(int value) => value.ToString(CultureInfo.InvariantCulture).PadLeft(9);
        var text = new StringBuilder();
        void Row(string name, string precision, string recall, string f1, string support) =>
            text.Append(name.PadLeft(width)).Append(' ').Append(' ').Append(precision).Append(' ').Append(recall)
                .Append(' ').Append(f1).Append(' ').Append(support).Append('\n');

        Row("", "precision".PadLeft(9), "recall".PadLeft(9), "f1-score".PadLeft(9), "support".PadLeft(9));
        text.Append('\n');
        for (int c = 0; c < ClassCount; c++)
            Row(names[c], Figure(_precision[c]), Figure(_recall[c]), Figure(_f1[c]), Count(_support[c]));
        text.Append('\n');
        Row("accuracy", "".PadLeft(9), "".PadLeft(9), Figure(Accuracy), Count(Total));
        Row("macro avg", Figure(MacroPrecision), Figure(MacroRecall), Figure(MacroF1), Count(Total));
        Row("weighted avg", Figure(WeightedPrecision), Figure(WeightedRecall), Figure(WeightedF1), Count(Total));
        return text.ToString();
    }
}
