using System.Text;

namespace StaticNet.Generators.Emitting;

/// <summary>A small indented text writer: what the emitters write is what the user reads.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public CodeWriter Line(string line = "")
    {
        if (line.Length > 0) _text.Append(' ', _indent * 4).Append(line);
        _text.Append('\n');
        return this;
    }

    /// <summary>Writes a line then <c>{</c> and indents.</summary>
    public CodeWriter Open(string line)
    {
        Line(line);
        Line("{");
        _indent++;
        return this;
    }

    /// <summary>Outdents and writes <c>}</c> plus an optional suffix.</summary>
    public CodeWriter Close(string suffix = "")
    {
        _indent--;
        return Line("}" + suffix);
    }

    public bool IsEmpty => _text.Length == 0;

    /// <summary>Writes what another writer holds, at this writer's indentation.</summary>
    public CodeWriter Append(CodeWriter other)
    {
        foreach (string line in other.ToString().TrimEnd('\n').Split('\n')) Line(line);
        return this;
    }

    public override string ToString() => _text.ToString();
}
