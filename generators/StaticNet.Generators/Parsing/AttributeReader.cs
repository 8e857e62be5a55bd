using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace StaticNet.Generators.Parsing;

/// <summary>
/// Turns an attribute application into an instance of the runtime's own attribute class, compiled into the generator
/// from <c>src/StaticNet/Attributes</c> (as System.Text.Json's generator does with its options attribute). Parameter
/// names, property names and defaults therefore exist once, in the attribute source: the constructor's optional
/// parameters come from Roslyn's argument list, and properties the user does not set keep their initialisers.
/// </summary>
internal static class AttributeReader
{
    /// <summary>
    /// The attribute as the user wrote it, or null when an argument is not a constant of the declared type (the compiler
    /// reports those itself).
    /// </summary>
    public static T? Create<T>(AttributeData data) where T : Attribute
    {
        if (HasErrors(data)) return null;
        IMethodSymbol? constructor = data.AttributeConstructor;
        if (constructor is null) return null;
        var arguments = new object?[data.ConstructorArguments.Length];
        for (int i = 0; i < arguments.Length; i++)
            arguments[i] = Value(data.ConstructorArguments[i], constructor.Parameters[i].Type);
        T attribute;
        try
        {
            attribute = (T)Activator.CreateInstance(typeof(T), arguments)!;
        }
        catch (Exception e) when (e is MissingMethodException or ArgumentException or InvalidCastException)
        {
            return null; // a runtime attribute this generator build does not know (version skew)
        }
        foreach (KeyValuePair<string, TypedConstant> named in data.NamedArguments)
        {
            var property = typeof(T).GetProperty(named.Key);
            if (property?.SetMethod is null || named.Value.Value is null) continue;
            property.SetValue(attribute, Convert(named.Value.Value, property.PropertyType));
        }
        return attribute;
    }

    /// <summary>An argument is not a constant of its parameter's type (also inside a <c>params</c> array).</summary>
    public static bool HasErrors(AttributeData data) =>
        data.ConstructorArguments.Any(IsError) || data.NamedArguments.Any(a => IsError(a.Value));

    private static bool IsError(TypedConstant constant) =>
        constant.Kind == TypedConstantKind.Error ||
        (constant.Kind == TypedConstantKind.Array ? !constant.IsNull && constant.Values.Any(IsError) : constant.Value is null && constant.Kind != TypedConstantKind.Type);

    private static object? Value(TypedConstant constant, ITypeSymbol type)
    {
        if (constant.Kind == TypedConstantKind.Array)
        {
            ITypeSymbol element = ((IArrayTypeSymbol)type).ElementType;
            return element.SpecialType switch
            {
                _ when constant.IsNull => null,
                SpecialType.System_Int32 => constant.Values.Select(v => (int)v.Value!).ToArray(),
                SpecialType.System_Single => constant.Values.Select(v => (float)v.Value!).ToArray(),
                _ => constant.Values.Select(v => v.Value).ToArray(),
            };
        }
        return constant.Value;
    }

    /// <summary>Enum arguments arrive as their underlying integer.</summary>
    private static object Convert(object value, Type type) => type.IsEnum ? Enum.ToObject(type, value) : value;
}
