namespace StaticNet.Tests.Data;

/// <summary>Datasets whose rows carry their own id (feature 0), so tests can follow rows through splits and batches.</summary>
internal static class IdData
{
    /// <summary>Row i: features [i, −i, ...], label <c>labelOf(i)</c> (default i % classes).</summary>
    public static Dataset Labelled(int count, int classes, int featureCount = 2, Func<int, int>? labelOf = null) =>
        new(Features(count, featureCount), Enumerable.Range(0, count).Select(labelOf ?? (i => i % classes)).ToArray(), featureCount, classes);

    /// <summary>Row i: features [i, −i, ...], every one of its <paramref name="targetCount"/> targets i % classes.</summary>
    public static Dataset Regression(int count, int classes, int targetCount, int featureCount = 2) =>
        new(Features(count, featureCount),
            Enumerable.Range(0, count * targetCount).Select(k => (float)(k / targetCount % classes)).ToArray(), featureCount, targetCount);

    /// <summary>The ids of a dataset built here, in row order.</summary>
    public static int[] Ids(Dataset data) => Enumerable.Range(0, data.Count).Select(i => (int)data.Row(i)[0]).ToArray();

    private static float[] Features(int count, int featureCount) =>
        Enumerable.Range(0, count * featureCount).Select(k => k % featureCount == 0 ? k / featureCount : -(float)(k / featureCount)).ToArray();
}
