namespace StaticNet;

/// <summary>
/// Samples as one row-major feature array plus, per row, either a class label (classification) or
/// <see cref="TargetCount"/> float targets (regression). A dataset keeps the arrays it is constructed with (no copy);
/// every method that derives a new dataset (<see cref="Subset"/>, <see cref="Split"/>, <see cref="KFold"/>) copies.
/// </summary>
public sealed class Dataset
{
    private readonly int[]? _labels;
    private float[]? _targets;

    /// <summary>A classification dataset: one label in [0, <paramref name="classCount"/>) per row.</summary>
    /// <param name="features">Row-major, <c>Count × featureCount</c> values.</param>
    /// <param name="labels">One class index per row.</param>
    /// <param name="featureCount">Features per row.</param>
    /// <param name="classCount">Number of classes.</param>
    /// <exception cref="ArgumentException">The lengths do not describe the same number of rows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, <paramref name="classCount"/>), or a count is not positive.</exception>
    public Dataset(float[] features, int[] labels, int featureCount, int classCount)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        Count = RowCount(features, featureCount);
        if (labels.Length != Count)
            throw new ArgumentException(
                $"Expected {Count} labels (one per row of {featureCount} features), but got {labels.Length}.", nameof(labels));
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classCount)
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i],
                    $"Label {labels[i]} at row {i} is outside the {classCount} classes [0, {classCount}).");
        Features = features;
        _labels = labels;
        FeatureCount = featureCount;
        ClassCount = classCount;
        TargetCount = 1;
    }

    /// <summary>A regression (float-target) dataset: <paramref name="targetCount"/> targets per row.</summary>
    /// <param name="features">Row-major, <c>Count × featureCount</c> values.</param>
    /// <param name="targets">Row-major, <c>Count × targetCount</c> values.</param>
    /// <param name="featureCount">Features per row.</param>
    /// <param name="targetCount">Targets per row (the network's <c>OutputSize</c>).</param>
    /// <exception cref="ArgumentException">The lengths do not describe the same number of rows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive.</exception>
    public Dataset(float[] features, float[] targets, int featureCount, int targetCount)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetCount);
        Count = RowCount(features, featureCount);
        if (targets.Length != (long)Count * targetCount)
            throw new ArgumentException(
                $"Expected {(long)Count * targetCount} targets ({Count} rows × {targetCount}), but got {targets.Length}.", nameof(targets));
        Features = features;
        _targets = targets;
        FeatureCount = featureCount;
        TargetCount = targetCount;
    }

    private static int RowCount(float[] features, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (features.Length % featureCount != 0)
            throw new ArgumentException(
                $"Expected a whole number of rows of {featureCount} features, but features has {features.Length} values " +
                $"({features.Length % featureCount} left over).", nameof(features));
        return features.Length / featureCount;
    }

    /// <summary>Row-major features, <see cref="Count"/> × <see cref="FeatureCount"/>.</summary>
    public float[] Features { get; }

    /// <summary>One class index per row.</summary>
    /// <exception cref="InvalidOperationException">The dataset has float targets, not labels (<see cref="HasLabels"/> is false).</exception>
    public int[] Labels => _labels ?? throw new InvalidOperationException("This dataset has float targets (regression), not class labels.");

    /// <summary>True for a classification dataset (constructed with labels).</summary>
    public bool HasLabels => _labels is not null;

    /// <summary>
    /// Row-major float targets, <see cref="Count"/> × <see cref="TargetCount"/>. For a classification dataset this is each
    /// label as a float (one per row), made from <see cref="Labels"/> on first access and then kept: that is what a
    /// binary (BCE) network trains on. For one-hot targets, construct a float-target dataset.
    /// </summary>
    public float[] Targets => _targets ??= Array.ConvertAll(_labels!, static label => (float)label);

    /// <summary>Number of rows (samples).</summary>
    public int Count { get; }

    /// <summary>Features per row.</summary>
    public int FeatureCount { get; }

    /// <summary>Number of classes; 0 for a float-target dataset.</summary>
    public int ClassCount { get; }

    /// <summary>Targets per row in <see cref="Targets"/>: 1 for a classification dataset.</summary>
    public int TargetCount { get; }

    /// <summary>The features of row <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Row(int index)
    {
        CheckRow(index, nameof(index));
        return Features.AsSpan(index * FeatureCount, FeatureCount);
    }

    private void CheckRow(int index, string paramName)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(paramName, index, $"Row {index} is outside the {Count} rows [0, {Count}).");
    }

    /// <summary>A copy of the given rows, in the given order (a row may repeat).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A row index is outside [0, <see cref="Count"/>).</exception>
    public Dataset Subset(ReadOnlySpan<int> rows)
    {
        int f = FeatureCount, t = TargetCount;
        var features = new float[rows.Length * f];
        var labels = _labels is null ? null : new int[rows.Length];
        var targets = _labels is null ? new float[rows.Length * t] : null;
        for (int j = 0; j < rows.Length; j++)
        {
            int row = rows[j];
            CheckRow(row, nameof(rows));
            Features.AsSpan(row * f, f).CopyTo(features.AsSpan(j * f, f));
            if (labels is not null) labels[j] = _labels![row];
            else _targets.AsSpan(row * t, t).CopyTo(targets.AsSpan(j * t, t));
        }
        return labels is not null ? new Dataset(features, labels, f, ClassCount) : new Dataset(features, targets!, f, t);
    }

    /// <summary>The same rows with other features and, for a float-target dataset, other targets (null: a copy of these);
    /// labels are copied.</summary>
    internal Dataset WithValues(float[] features, float[]? targets) => _labels is not null
        ? new Dataset(features, (int[])_labels.Clone(), FeatureCount, ClassCount)
        : new Dataset(features, targets ?? (float[])_targets!.Clone(), FeatureCount, TargetCount);

    /// <summary>
    /// Splits into shuffled train and test sets like scikit-learn's <c>train_test_split</c>: the test set gets
    /// <c>ceil(testFraction × Count)</c> rows and the training set the rest. Stratified (the default, for datasets with
    /// labels; ignored for float targets), each class contributes its proportional share of test rows, rounded so that
    /// every class is within one row of its exact share. Deterministic for a seed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not in (0, 1).</exception>
    /// <exception cref="ArgumentException">The split would leave the training set empty.</exception>
    public (Dataset Train, Dataset Test) Split(double testFraction, int seed, bool stratify = true)
    {
        int testCount = RowsFor(testFraction, nameof(testFraction));
        if (testCount >= Count)
            throw new ArgumentException(
                $"A test fraction of {testFraction} of {Count} rows takes {testCount} test rows and leaves no training row.", nameof(testFraction));
        var (train, test) = SplitRows(AllRows(), testCount, new Rng(seed), stratify);
        return (Subset(train), Subset(test));
    }

    /// <summary>
    /// Splits into shuffled train, validation and test sets: disjoint, covering every row, and stratified like
    /// <see cref="Split"/>. The test set gets <c>ceil(testFraction × Count)</c> rows and is the one
    /// <c>Split(testFraction, seed, stratify)</c> returns; the validation set then gets <c>ceil(validationFraction × Count)</c>
    /// of the remaining rows, again stratified, and the training set the rest.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A fraction is not in (0, 1).</exception>
    /// <exception cref="ArgumentException">The split would leave the training set empty.</exception>
    public (Dataset Train, Dataset Validation, Dataset Test) SplitThree(double validationFraction, double testFraction, int seed, bool stratify = true)
    {
        int validationCount = RowsFor(validationFraction, nameof(validationFraction)), testCount = RowsFor(testFraction, nameof(testFraction));
        if (validationCount + testCount >= Count)
            throw new ArgumentException(
                $"Fractions of {validationFraction} (validation) and {testFraction} (test) of {Count} rows take {validationCount} + {testCount} " +
                "rows and leave no training row.", nameof(validationFraction));
        var rng = new Rng(seed);
        var (rest, test) = SplitRows(AllRows(), testCount, rng, stratify);
        var (train, validation) = SplitRows(rest, validationCount, rng, stratify);
        return (Subset(train), Subset(validation), Subset(test));
    }

    /// <summary>scikit-learn's rule for a fraction's rows, <c>ceil(fraction · Count)</c>, so that sizes match train_test_split's.</summary>
    private int RowsFor(double fraction, string paramName)
    {
        if (!(fraction > 0 && fraction < 1))
            throw new ArgumentOutOfRangeException(paramName, fraction, "Expected a fraction in (0, 1).");
        return (int)Math.Ceiling(fraction * Count);
    }

    /// <summary>Splits <paramref name="rows"/> into shuffled kept and taken rows, <paramref name="takeCount"/> of them taken.</summary>
    private (int[] Kept, int[] Taken) SplitRows(int[] rows, int takeCount, Rng rng, bool stratify)
    {
        if (stratify && HasLabels)
        {
            int[][] byClass = ShuffledRowsByClass(rows, rng);
            int[] quota = TestQuota(byClass, takeCount);
            int[] taken = byClass.SelectMany((list, c) => list.Take(quota[c])).ToArray();
            int[] rest = byClass.SelectMany((list, c) => list.Skip(quota[c])).ToArray();
            // Interleave the classes, as train_test_split returns its rows in random order.
            rng.Shuffle<int>(taken);
            rng.Shuffle<int>(rest);
            return (rest, taken);
        }
        int[] order = (int[])rows.Clone();
        rng.Shuffle<int>(order);
        return (order[takeCount..], order[..takeCount]);
    }

    private int[] AllRows() => Enumerable.Range(0, Count).ToArray();

    /// <summary>
    /// Each class's number of test rows: the floor of its proportional share, then one more for the classes with the
    /// largest remainders until the total is reached (scikit-learn's <c>_approximate_mode</c>; ties go to the lower class
    /// index instead of a random one).
    /// </summary>
    private static int[] TestQuota(int[][] byClass, int testCount)
    {
        double total = byClass.Sum(rows => rows.Length);
        double[] share = byClass.Select(rows => rows.Length * testCount / total).ToArray();
        int[] quota = share.Select(s => (int)Math.Floor(s)).ToArray();
        int left = testCount - quota.Sum();
        // OrderByDescending is stable: equal remainders keep class order.
        foreach (int c in Enumerable.Range(0, quota.Length).OrderByDescending(c => share[c] - quota[c]).Take(left))
            quota[c]++;
        return quota;
    }

    /// <summary>
    /// <paramref name="k"/> (Train, Validation) pairs in which every row is in exactly one validation set; validation sets
    /// differ in size by at most one row and, stratified (the default, for datasets with labels), so does each class's
    /// count across folds. Rows keep dataset order within each set (like scikit-learn's KFold indices). Deterministic for a seed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 2 or more than <see cref="Count"/>.</exception>
    public IReadOnlyList<(Dataset Train, Dataset Validation)> KFold(int k, int seed, bool stratify = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, Count);
        var rng = new Rng(seed);
        // Dealing rows round-robin from a random order balances fold sizes; with the order grouped by class
        // (each class shuffled), it also balances every class across folds.
        int[] order = stratify && HasLabels ? ShuffledRowsByClass(AllRows(), rng).SelectMany(rows => rows).ToArray() : Permutation(rng);
        var fold = new int[Count];
        for (int j = 0; j < order.Length; j++) fold[order[j]] = j % k;

        var result = new (Dataset, Dataset)[k];
        for (int f = 0; f < k; f++)
        {
            int[] validation = Enumerable.Range(0, Count).Where(row => fold[row] == f).ToArray();
            int[] train = Enumerable.Range(0, Count).Where(row => fold[row] != f).ToArray();
            result[f] = (Subset(train), Subset(validation));
        }
        return result;
    }

    private int[] Permutation(Rng rng)
    {
        int[] order = AllRows();
        rng.Shuffle<int>(order);
        return order;
    }

    /// <summary>The given rows grouped by class (index = class), in their given order, then each group shuffled.</summary>
    private int[][] ShuffledRowsByClass(int[] rows, Rng rng)
    {
        var byClass = new List<int>[ClassCount];
        for (int c = 0; c < ClassCount; c++) byClass[c] = [];
        foreach (int row in rows) byClass[_labels![row]].Add(row);
        return Array.ConvertAll(byClass, list =>
        {
            int[] group = list.ToArray();
            rng.Shuffle<int>(group);
            return group;
        });
    }

    /// <summary>Throws unless the dataset has the network's number of features per row.</summary>
    internal void CheckFeatureCount(INetwork net, string paramName)
    {
        if (FeatureCount != net.InputSize)
            throw new ArgumentException(
                $"The network takes {net.InputSize} features per sample, but the dataset has {FeatureCount}.", paramName);
    }
}
