using System.Globalization;

namespace StaticNet.Generators.Emitting;

/// <summary>Numbers as the generated code and its comments write them: invariant culture, round-trip precision.</summary>
internal static class Literal
{
    /// <summary>A float as a round-trip C# literal: <c>0.1f</c>.</summary>
    public static string Float(float value) => Number(value) + "f";

    /// <summary>A float as round-trip text, for comments and messages.</summary>
    public static string Number(float value) => value.ToString("R", CultureInfo.InvariantCulture);
}
