using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using Tandem.Runtime.Resources;

namespace Tandem.Runtime.Client;

/// <summary>
/// Reads one watch (<c>?watch=true</c>) as newline-delimited events over KubernetesClient's own HttpClient and
/// credentials. Written here because KubernetesClient's watch enumerator abandons a pending line read when cancelled
/// (its ContinueWith wrapper), and that orphaned read can swallow the response of the next request on a reused
/// connection; <see cref="StreamReader.ReadLineAsync(CancellationToken)"/> cancels the socket read itself.
/// An in-stream ERROR Status with code 410 (or an HTTP 410) becomes <see cref="ResourceExpiredException"/>.
/// </summary>
internal static class WatchStream
{
    public static async IAsyncEnumerable<(WatchEventType Type, JsonElement Object)> ReadAsync(
        Kubernetes kubernetes, ResourceType type, string? ns, string resourceVersion, string? labelSelector, int timeoutSeconds,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = new StringBuilder(string.IsNullOrEmpty(type.Group) ? $"api/{type.Version}" : $"apis/{type.Group}/{type.Version}");
        if (!string.IsNullOrEmpty(ns)) path.Append("/namespaces/").Append(Uri.EscapeDataString(ns));
        path.Append('/').Append(type.Plural)
            .Append("?watch=true&allowWatchBookmarks=true")
            .Append("&resourceVersion=").Append(Uri.EscapeDataString(resourceVersion))
            .Append("&timeoutSeconds=").Append(timeoutSeconds);
        if (!string.IsNullOrEmpty(labelSelector)) path.Append("&labelSelector=").Append(Uri.EscapeDataString(labelSelector));

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(kubernetes.BaseUri, path.ToString()));
        if (kubernetes.Credentials is { } credentials) await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        using var response = await kubernetes.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Gone) throw new ResourceExpiredException($"watch {type} from resourceVersion {resourceVersion}: 410 Gone: {body}");
            throw new HttpRequestException($"watch {type}: {(int)response.StatusCode} {response.ReasonPhrase}: {body}", null, response.StatusCode);
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            var eventType = doc.RootElement.GetProperty("type").GetString();
            var obj = doc.RootElement.GetProperty("object").Clone();
            if (eventType == "ERROR")
            {
                var status = KubernetesJson.Deserialize<V1Status>(obj);
                if (status.Code == 410) throw new ResourceExpiredException($"watch {type} from resourceVersion {resourceVersion}: 410 Gone ({status.Message})");
                throw new WatchFailedException($"watch {type}: {status.Code} {status.Reason}: {status.Message}", new KubernetesException(status));
            }

            yield return (eventType switch
            {
                "ADDED" => WatchEventType.Added,
                "MODIFIED" => WatchEventType.Modified,
                "DELETED" => WatchEventType.Deleted,
                "BOOKMARK" => WatchEventType.Bookmark,
                _ => throw new WatchFailedException($"watch {type}: unknown event type '{eventType}'", new FormatException(line)),
            }, obj);
        }
    }
}
