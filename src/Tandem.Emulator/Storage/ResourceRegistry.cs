namespace Tandem.Emulator.Storage;

/// <summary>Every resource the emulator serves: the built-ins plus those CRDs register at runtime. Thread-safe.</summary>
public sealed class ResourceRegistry
{
    private readonly object _gate = new();
    private Dictionary<(string Group, string Version, string Plural), ResourceType> _byPath = [];
    private readonly Dictionary<string, List<ResourceType>> _byCrd = [];

    public ResourceRegistry()
    {
        foreach (var t in BuiltinResources.All()) _byPath[(t.Group, t.Version, t.Plural)] = t;
    }

    /// <summary>Raised after the set of resources changed (a CRD was established or removed).</summary>
    public event Action? Changed;

    public ResourceType? Find(string group, string version, string plural)
    {
        lock (_gate) return _byPath.GetValueOrDefault((group, version, plural));
    }

    public IReadOnlyList<ResourceType> All()
    {
        lock (_gate) return [.. _byPath.Values];
    }

    /// <summary>The served type for a kind in a group-version (used to route owner references and apply requests).</summary>
    public ResourceType? FindKind(string apiVersion, string kind)
    {
        var (group, version) = SplitApiVersion(apiVersion);
        lock (_gate) return _byPath.Values.FirstOrDefault(t => t.Group == group && t.Version == version && t.Kind == kind);
    }

    /// <summary>Every served version of the group-resource that shares <paramref name="storageKey"/>.</summary>
    public IReadOnlyList<ResourceType> ByStorageKey(string storageKey)
    {
        lock (_gate) return [.. _byPath.Values.Where(t => t.StorageKey == storageKey)];
    }

    /// <summary>Replaces the resources registered by one CRD (empty list = the CRD is gone).</summary>
    public void SetCrdResources(string crdName, IReadOnlyList<ResourceType> types)
    {
        lock (_gate)
        {
            var next = new Dictionary<(string, string, string), ResourceType>(_byPath);
            if (_byCrd.TryGetValue(crdName, out var old))
                foreach (var t in old) next.Remove((t.Group, t.Version, t.Plural));
            foreach (var t in types) next[(t.Group, t.Version, t.Plural)] = t;
            _byCrd[crdName] = [.. types];
            _byPath = next;
        }
        Changed?.Invoke();
    }

    public static (string Group, string Version) SplitApiVersion(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/');
        return slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
    }
}
