namespace Tandem.Api.Docs;

/// <summary>One field of an object type as the reference lists it; <see cref="Type"/> is markdown (it may link to a nested table).</summary>
public sealed record FieldRow(string Name, string Type, string? Default, IReadOnlyList<string> Constraints, bool Required, string? Description)
{
    /// <summary>What each allowed value means, when the field is an enum whose C# values are documented.</summary>
    public IReadOnlyList<(string Value, string? Meaning)>? Values { get; init; }
}

/// <summary>One object type of a kind's schema, at <see cref="Path"/> (empty for the top level; <c>[]</c> marks list items).</summary>
public sealed record ObjectTable(string Path, string Anchor, string? Description, IReadOnlyList<FieldRow> Fields, IReadOnlyList<RuleEntry> Rules);

/// <summary>A cross-field rule (<c>x-kubernetes-validations</c>) and the object path it applies to; <see cref="Id"/> names it in ValidationRules.</summary>
public sealed record RuleEntry(string Path, string? Id, string Message, string Cel);
