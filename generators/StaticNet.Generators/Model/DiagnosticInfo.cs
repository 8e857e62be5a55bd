using System.Linq;
using Microsoft.CodeAnalysis;

namespace StaticNet.Generators.Model;

/// <summary>
/// A diagnostic to report: its descriptor, where, and the message arguments. The location is the attribute's or the
/// class's own <see cref="Location"/> in its syntax tree, so <c>#pragma warning disable</c> and
/// <c>[SuppressMessage]</c> apply to it (a location rebuilt from a path and span is an external-file location, which
/// the compiler never checks against pragmas: dotnet/roslyn#68291). It keeps the tree alive, so it flows only into
/// the diagnostics output, never into the model that drives source generation.
/// </summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, Location? Location, EquatableArray<string> MessageArgs)
{
    public Diagnostic ToDiagnostic() => Diagnostic.Create(Descriptor, Location, MessageArgs.Cast<object?>().ToArray());
}
