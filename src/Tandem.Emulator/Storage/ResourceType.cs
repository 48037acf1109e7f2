using System.Text.Json.Nodes;

namespace Tandem.Emulator.Storage;

/// <summary>One served resource (group, version, plural) and what the emulator knows about it.</summary>
public sealed record ResourceType(string Group, string Version, string Plural, string Singular, string Kind, bool Namespaced)
{
    public IReadOnlyList<string> ShortNames { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];
    public bool HasStatus { get; init; }
    public ScaleMapping? Scale { get; init; }
    public bool IsCustom { get; init; }
    /// <summary>The CRD's openAPIV3Schema for this version (custom resources only).</summary>
    public JsonObject? Schema { get; init; }
    public IReadOnlyList<PrinterColumn> PrinterColumns { get; init; } = [];
    /// <summary>The verbs discovery advertises for the resource.</summary>
    public IReadOnlyList<string> Verbs { get; init; } = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    /// <summary>Versions of one group-resource share storage (no conversion: the emulator serves the same JSON).</summary>
    public string StorageKey => $"{Group}/{Plural}";
    /// <summary>The name Kubernetes uses in messages: "pods" or "inferencedeployments.serving.tandem.dev".</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}

/// <summary>Where a resource keeps its replica count and selector, for the `scale` subresource.</summary>
public sealed record ScaleMapping(string SpecReplicasPath, string StatusReplicasPath, string? LabelSelectorPath);

/// <summary>A column of `kubectl get` (a CRD's additionalPrinterColumns or a built-in default).</summary>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, string Description = "", int Priority = 0, string Format = "");
