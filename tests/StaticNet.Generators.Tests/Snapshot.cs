using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Xunit.Sdk;

namespace StaticNet.Generators.Tests;

/// <summary>
/// Snapshot assertions in Verify's convention (Verify itself is not available here): the accepted text lives in
/// <c>Snapshots/Name.verified.cs</c>, committed; a mismatch writes <c>Name.received.cs</c> beside it and fails with a
/// line diff. Set <c>STATICNET_ACCEPT_SNAPSHOTS=1</c> to accept every received file as the new verified one.
/// </summary>
internal static class Snapshot
{
    public static void Match(string actual, string name, string extension = "cs")
    {
        string directory = Path.Combine(ProjectDirectory(), "Snapshots");
        string verified = Path.Combine(directory, $"{name}.verified.{extension}");
        string received = Path.Combine(directory, $"{name}.received.{extension}");
        actual = Normalize(actual);
        string? expected = File.Exists(verified) ? Normalize(File.ReadAllText(verified)) : null;
        if (expected == actual)
        {
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        Directory.CreateDirectory(directory);
        if (Environment.GetEnvironmentVariable("STATICNET_ACCEPT_SNAPSHOTS") == "1")
        {
            File.WriteAllText(verified, actual);
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        File.WriteAllText(received, actual);
        throw new XunitException(expected is null
            ? $"No snapshot {verified} yet; wrote {received}. Review it, then rename it to .verified.{extension} (or run with STATICNET_ACCEPT_SNAPSHOTS=1)."
            : $"Snapshot {name} differs; wrote {received}.\n{Diff(expected, actual)}");
    }

    /// <summary>
    /// The test project's folder, found from the test assembly's location (CallerFilePath is no help: CI builds map
    /// source paths to /_/ for deterministic output).
    /// </summary>
    private static string ProjectDirectory()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "StaticNet.Generators.Tests.csproj"))) return dir.FullName;
        throw new InvalidOperationException($"No StaticNet.Generators.Tests.csproj above {AppContext.BaseDirectory}.");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimStart('\uFEFF');

    private static string Diff(string expected, string actual)
    {
        DiffPaneModel diff = InlineDiffBuilder.Diff(expected, actual);
        var text = new StringBuilder();
        int shown = 0;
        foreach (DiffPiece line in diff.Lines)
        {
            if (line.Type == ChangeType.Unchanged) continue;
            text.Append(line.Type == ChangeType.Inserted ? "+ " : "- ").Append(line.Position).Append(": ").AppendLine(line.Text);
            if (++shown == 40) { text.AppendLine("..."); break; }
        }
        return text.ToString();
    }
}
