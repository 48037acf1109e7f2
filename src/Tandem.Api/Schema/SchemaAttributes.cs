namespace Tandem.Api.Schema;

/// <summary>The schema default of a property (a scalar). The C# initializer must hold the same value; a test checks it.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DefaultAttribute(object value) : Attribute
{
    public object Value { get; } = value;
}

/// <summary>The schema default of a property given as JSON (for objects and lists).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DefaultJsonAttribute(string json) : Attribute
{
    public string Json { get; } = json;
}

/// <summary>Inclusive lower bound of a number (<c>minimum</c>), or exclusive when <see cref="Exclusive"/> is set.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MinimumAttribute(double value) : Attribute
{
    public double Value { get; } = value;

    public bool Exclusive { get; init; }
}

/// <summary>Inclusive upper bound of a number (<c>maximum</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MaximumAttribute(double value) : Attribute
{
    public double Value { get; } = value;
}

/// <summary>A regular expression a string must match (<c>pattern</c>), with a plain-words name of the form.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PatternAttribute(string regex, string form) : Attribute
{
    public string Regex { get; } = regex;

    public string Form { get; } = form;
}

/// <summary>Minimum string length (<c>minLength</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MinLengthAttribute(int value) : Attribute
{
    public int Value { get; } = value;
}

/// <summary>The property must be present (goes into the parent's <c>required</c> list).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredAttribute : Attribute;

/// <summary>A list is a set (<c>x-kubernetes-list-type: set</c>) or a map keyed by <see cref="Keys"/>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListTypeAttribute(string type, params string[] keys) : Attribute
{
    public string Type { get; } = type;

    public string[] Keys { get; } = keys;
}

/// <summary>Attaches a rule of <see cref="Validation.ValidationRules"/> (by id) to a type or property, as <c>x-kubernetes-validations</c>.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true)]
public sealed class RuleAttribute(string id) : Attribute
{
    public string Id { get; } = id;
}

/// <summary>The value is a Go-style duration string (<c>500ms</c>, <c>1m30s</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DurationAttribute : Attribute;

/// <summary>The allowed values of a string property (<c>enum</c>) when no C# enum names them.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class EnumValuesAttribute(params string[] values) : Attribute
{
    public string[] Values { get; } = values;
}

/// <summary>Names the printer columns of a kind (<c>additionalPrinterColumns</c>), in order.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class PrinterColumnAttribute(string name, string type, string jsonPath) : Attribute
{
    public string Name { get; } = name;

    public string Type { get; } = type;

    public string JsonPath { get; } = jsonPath;

    public string? Description { get; init; }

    /// <summary>0 shows the column always; higher only with <c>-o wide</c>.</summary>
    public int Priority { get; init; }
}

/// <summary>Describes a kind's CRD: short names, categories, and whether it has the status and scale subresources.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class CustomResourceAttribute(string singular, string plural) : Attribute
{
    public string Singular { get; } = singular;

    public string Plural { get; } = plural;

    public string[] ShortNames { get; init; } = [];

    public string[] Categories { get; init; } = [];

    public bool StatusSubresource { get; init; }

    public string? ScaleSpecReplicasPath { get; init; }

    public string? ScaleStatusReplicasPath { get; init; }

    public string? ScaleLabelSelectorPath { get; init; }
}

/// <summary>Most items a list may hold (<c>maxItems</c>); also bounds the cost of CEL rules over the list.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MaxItemsAttribute(int value) : Attribute
{
    public int Value { get; } = value;
}
