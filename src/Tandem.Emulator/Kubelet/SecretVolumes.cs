using System.Text;
using System.Text.Json.Nodes;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Kubelet;

/// <summary>
/// The kubelet's Secret volumes: each Secret volume of a pod is written as one file per key into a host directory of
/// its own, which the pod runtime sees as the container's mountPath (<see cref="PodStartContext.HostPath"/>). A missing
/// Secret (not optional) holds the pod in ContainerCreating, as a real kubelet's FailedMount does; a Secret that changes
/// is written again into the running pods that mount it (the real kubelet's periodic sync), file by file atomically.
/// </summary>
internal sealed class SecretVolumes : IDisposable
{
    private static readonly ResourceType SecretType = BuiltinResources.All().First(t => t.Kind == "Secret");

    private readonly ObjectStore _store;
    private readonly DirectoryInfo _root = System.IO.Directory.CreateTempSubdirectory("tandem-kubelet-");

    public SecretVolumes(ObjectStore store) => _store = store;

    /// <summary>A pod's Secret volumes: volume name, Secret name, key→file items (null = every key), and whether optional.</summary>
    public static IReadOnlyList<SecretVolume> Of(JsonObject pod) =>
        (pod["spec"]?["volumes"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(v => v["secret"] is JsonObject)
            .Select(v =>
            {
                var secret = (JsonObject)v["secret"]!;
                var items = (secret["items"] as JsonArray)?.OfType<JsonObject>().ToDictionary(i => JsonPaths.Str(i, "key") ?? "", i => JsonPaths.Str(i, "path") ?? "", StringComparer.Ordinal);
                return new SecretVolume(JsonPaths.Str(v, "name") ?? "", JsonPaths.Str(secret, "secretName") ?? "", items, secret["optional"]?.GetValue<bool>() == true);
            })
            .ToArray();

    /// <summary>The host directory of volume <paramref name="volume"/> of pod <paramref name="uid"/>.</summary>
    public string Directory(string uid, string volume) => Path.Combine(_root.FullName, uid, volume);

    /// <summary>Writes every Secret volume of the pod; the first missing non-optional Secret's message, or null when all are written.</summary>
    public string? Write(string ns, string uid, IReadOnlyList<SecretVolume> volumes)
    {
        foreach (var volume in volumes)
        {
            var secret = _store.Get(SecretType, ns, volume.SecretName);
            if (secret is null && !volume.Optional)
            {
                return $"MountVolume.SetUp failed for volume \"{volume.Name}\" : secret \"{volume.SecretName}\" not found";
            }

            WriteFiles(Directory(uid, volume.Name), secret is null ? [] : Files(secret, volume.Items));
        }

        return null;
    }

    /// <summary>Rewrites volume <paramref name="volume"/> of pod <paramref name="uid"/> from <paramref name="secret"/>.</summary>
    public void Refresh(string uid, SecretVolume volume, JsonObject secret) => WriteFiles(Directory(uid, volume.Name), Files(secret, volume.Items));

    /// <summary>Deletes the pod's volumes.</summary>
    public void Remove(string uid)
    {
        var path = Path.Combine(_root.FullName, uid);
        if (System.IO.Directory.Exists(path))
        {
            System.IO.Directory.Delete(path, recursive: true);
        }
    }

    public void Dispose()
    {
        if (_root.Exists)
        {
            _root.Delete(recursive: true);
        }
    }

    private static IEnumerable<(string File, byte[] Content)> Files(JsonObject secret, IReadOnlyDictionary<string, string>? items)
    {
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, value) in secret["data"] as JsonObject ?? [])
        {
            data[key] = Convert.FromBase64String(value?.GetValue<string>() ?? "");
        }

        foreach (var (key, value) in secret["stringData"] as JsonObject ?? [])
        {
            data[key] = Encoding.UTF8.GetBytes(value?.GetValue<string>() ?? "");
        }

        return items is null
            ? data.Select(kv => (kv.Key, kv.Value))
            : items.Where(i => data.ContainsKey(i.Key)).Select(i => (i.Value, data[i.Key]));
    }

    private static void WriteFiles(string directory, IEnumerable<(string File, byte[] Content)> files)
    {
        System.IO.Directory.CreateDirectory(directory);
        foreach (var (file, content) in files)
        {
            var path = Path.GetFullPath(Path.Combine(directory, file));
            if (!path.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue; // A path escaping the volume is refused by the apiserver; never written here.
            }

            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = path + ".tmp";
            File.WriteAllBytes(temporary, content);
            File.Move(temporary, path, overwrite: true);
        }
    }
}

/// <summary>One Secret volume of a pod.</summary>
internal sealed record SecretVolume(string Name, string SecretName, IReadOnlyDictionary<string, string>? Items, bool Optional);
