namespace Tandem.Emulator.Http;

/// <summary>What a request path addresses: a discovery document or a resource (collection, object, subresource).</summary>
public enum ApiPathKind { Unknown, Version, CoreVersions, GroupList, Group, ResourceList, Resource, OpenApi, Health }

/// <summary>A parsed apiserver URL path (`/api/v1/namespaces/ns/pods/name/status`, `/apis/g/v/watch/...`).</summary>
public sealed record ApiPath(ApiPathKind Kind, string Group = "", string Version = "", string? Namespace = null,
    string Resource = "", string? Name = null, string Subresource = "", bool LegacyWatch = false)
{
    public static ApiPath Parse(string path)
    {
        var s = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (s.Length == 0) return new(ApiPathKind.Unknown);
        if (s[0] == "version" && s.Length == 1) return new(ApiPathKind.Version);
        if (s[0] == "openapi") return new(ApiPathKind.OpenApi);
        if (s[0] is "healthz" or "readyz" or "livez") return new(ApiPathKind.Health);
        string group, version;
        int rest;
        if (s[0] == "api")
        {
            if (s.Length == 1) return new(ApiPathKind.CoreVersions);
            (group, version, rest) = ("", s[1], 2);
        }
        else if (s[0] == "apis")
        {
            if (s.Length == 1) return new(ApiPathKind.GroupList);
            if (s.Length == 2) return new(ApiPathKind.Group, s[1]);
            (group, version, rest) = (s[1], s[2], 3);
        }
        else return new(ApiPathKind.Unknown);

        var r = s[rest..];
        if (r.Length == 0) return new(ApiPathKind.ResourceList, group, version);
        bool watch = false;
        if (r[0] == "watch") { watch = true; r = r[1..]; if (r.Length == 0) return new(ApiPathKind.Unknown); }
        // /api/v1/namespaces/{name}[/status|/finalize] addresses the namespace itself.
        if (r[0] == "namespaces" && r.Length >= 3 && !(group == "" && r.Length == 3 && r[2] is "status" or "finalize"))
            return new(ApiPathKind.Resource, group, version, r[1], r[2], r.Length > 3 ? r[3] : null, r.Length > 4 ? r[4] : "", watch);
        if (r.Length > 3) return new(ApiPathKind.Unknown);
        return new(ApiPathKind.Resource, group, version, null, r[0], r.Length > 1 ? r[1] : null, r.Length > 2 ? r[2] : "", watch);
    }
}
