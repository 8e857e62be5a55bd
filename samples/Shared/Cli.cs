using System.Globalization;

namespace Samples;

/// <summary>A flag's value after <see cref="Cli.Parse"/>: its default unless the command line gave one.</summary>
public sealed class Flag<T>(T defaultValue)
{
    /// <summary>The parsed value.</summary>
    public T Value { get; internal set; } = defaultValue;

    public static implicit operator T(Flag<T> flag) => flag.Value;

    /// <summary>The value, as an interpolated string shows it.</summary>
    public override string ToString() => Convert.ToString(Value, CultureInfo.InvariantCulture) ?? "";
}

/// <summary>
/// The command line of a sample: every flag is declared with its default and help text, <c>--help</c> prints them all,
/// and a bad value is reported with the flag's name before anything runs. Output paths are checked at parse time too
/// (their folder must exist), so a typo never costs a training run.
/// </summary>
public sealed class Cli(string name, string summary)
{
    private readonly List<(string Usage, string Help, Func<string?, string?> Set)> _flags = [];

    /// <summary>An integer flag <paramref name="flag"/> N.</summary>
    public Flag<int> Int(string flag, int defaultValue, string help, int min = int.MinValue, string meta = "N") =>
        Add(flag, meta, defaultValue, help, Format(defaultValue), text =>
            int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? (value, value < min ? $"must be at least {min}" : null)
            : (0, "is not an integer"));

    /// <summary>An optional integer flag: null unless given.</summary>
    public Flag<int?> OptionalInt(string flag, string help, int min = int.MinValue) =>
        Add<int?>(flag, "N", null, help, "none", text =>
            int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? (value, value < min ? $"must be at least {min}" : null)
            : (null, "is not an integer"));

    /// <summary>A number flag <paramref name="flag"/> X, in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public Flag<double> Number(string flag, double defaultValue, string help, double min = double.MinValue, double max = double.MaxValue) =>
        Add(flag, "X", defaultValue, help, Format(defaultValue), text => ParseNumber(text, min, max));

    /// <summary>An optional number flag: null unless given; <paramref name="defaultText"/> says what is used then.</summary>
    public Flag<double?> OptionalNumber(string flag, string help, string defaultText, double min = double.MinValue, double max = double.MaxValue) =>
        Add<double?>(flag, "X", null, help, defaultText, text => ParseNumber(text, min, max));

    /// <summary>One of <paramref name="choices"/>.</summary>
    public Flag<string> Choice(string flag, string defaultValue, string[] choices, string help) =>
        Add(flag, string.Join('|', choices), defaultValue, help, defaultValue, text =>
            choices.Contains(text) ? (text, null) : (text, $"is not one of {string.Join(", ", choices)}"));

    /// <summary>A flag without a value: true when given.</summary>
    public Flag<bool> Switch(string flag, string help)
    {
        var result = new Flag<bool>(false);
        _flags.Add((flag, help, _ => { result.Value = true; return null; }));
        return result;
    }

    /// <summary>A file to write, ending in <paramref name="extension"/>, whose folder must exist; null unless given.</summary>
    public Flag<string?> OutputFile(string flag, string extension, string help) =>
        Add<string?>(flag, "FILE" + extension, null, help + "; its folder must exist", "none", text =>
        {
            if (!text.EndsWith(extension, StringComparison.OrdinalIgnoreCase)) return (text, $"is not a {extension} file");
            string folder = Path.GetDirectoryName(Path.GetFullPath(text))!;
            return (text, Directory.Exists(folder) ? null : $"is in a folder that does not exist ({folder})");
        });

    /// <summary>A file to read, which must exist; null unless given.</summary>
    public Flag<string?> InputFile(string flag, string help) =>
        Add<string?>(flag, "FILE", null, help, "none", text => (text, File.Exists(text) ? null : "is not a file"));

    private Flag<T> Add<T>(string flag, string meta, T defaultValue, string help, string defaultText, Func<string, (T Value, string? Error)> parse)
    {
        var result = new Flag<T>(defaultValue);
        _flags.Add(($"{flag} {meta}", $"{help} (default: {defaultText})", text =>
        {
            if (text is null) return "needs a value";
            (T value, string? error) = parse(text);
            result.Value = value;
            return error is null ? null : $"'{text}' {error}";
        }));
        return result;
    }

    /// <summary>Parses <paramref name="args"/>: null to go on, or the exit code (0 after <c>--help</c>, 2 after a bad flag).</summary>
    public int? Parse(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is "--help" or "-h")
            {
                PrintHelp();
                return 0;
            }
            string flag = args[i];
            var match = _flags.FirstOrDefault(f => f.Usage == flag || f.Usage.StartsWith(flag + " ", StringComparison.Ordinal));
            if (match.Set is null) return Fail($"unknown flag '{flag}'");
            string? value = match.Usage == flag ? null : i + 1 < args.Length ? args[++i] : null; // a switch takes none
            if (match.Set(value) is string error) return Fail($"{flag}: {error}");
        }
        return null;
    }

    /// <summary>Reports a bad command line and returns the exit code 2.</summary>
    public int Fail(string message)
    {
        Console.Error.WriteLine($"{name}: {message}");
        Console.Error.WriteLine("Run with --help for every flag and its default.");
        return 2;
    }

    private void PrintHelp()
    {
        Console.WriteLine($"{name}: {summary}");
        Console.WriteLine();
        Console.WriteLine($"usage: dotnet run --project samples/{name} -c Release -- [flags]");
        Console.WriteLine();
        const int width = 26;
        foreach (var (usage, help, _) in _flags.Append(("--help", "print this help", _ => null)))
            Console.WriteLine(usage.Length < width - 1 ? $"  {usage.PadRight(width)}{help}" : $"  {usage}\n  {"".PadRight(width)}{help}");
    }

    private static (double, string?) ParseNumber(string text, double min, double max) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? (value, value < min || value >= max ? $"must be in [{Format(min)}, {Format(max)})" : null)
            : (0, "is not a number");

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
