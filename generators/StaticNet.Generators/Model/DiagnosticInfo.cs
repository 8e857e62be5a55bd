using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace StaticNet.Generators.Model;

/// <summary>A source location as plain values (a <see cref="Location"/> holds the syntax tree, which defeats caching).</summary>
internal sealed record LocationInfo(string FilePath, TextSpan TextSpan, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, TextSpan, LineSpan);

    public static LocationInfo? From(Location? location) =>
        location?.SourceTree is null ? null : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
}

/// <summary>A diagnostic to report: the descriptor's id, where, and the message arguments, all plain values.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> MessageArgs);
