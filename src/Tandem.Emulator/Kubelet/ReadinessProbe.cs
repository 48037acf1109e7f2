using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Kubelet;

/// <summary>
/// Runs a container's readinessProbe against the pod IP until it passes or is cancelled: httpGet (2xx/3xx), tcpSocket
/// (connect), and grpc approximated by a TCP connect to its port (no gRPC health call).
/// </summary>
public static class ReadinessProbe
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>True when the container has a probe the emulator can run.</summary>
    public static bool Has(JsonObject container) =>
        container["readinessProbe"] is JsonObject p && (p["httpGet"] is JsonObject || p["tcpSocket"] is JsonObject || p["grpc"] is JsonObject);

    public static async Task WaitUntilReady(JsonObject container, IPAddress ip, TimeProvider time, CancellationToken ct)
    {
        var probe = (JsonObject)container["readinessProbe"]!;
        var initial = JsonPaths.Long(probe["initialDelaySeconds"]);
        var period = Math.Max(1, JsonPaths.LongOrNull(probe["periodSeconds"]) ?? 10);
        if (initial > 0) await Task.Delay(TimeSpan.FromSeconds(initial), time, ct);
        while (!await Passes(probe, container, ip, ct))
            await Task.Delay(TimeSpan.FromSeconds(period), time, ct);
    }

    private static async Task<bool> Passes(JsonObject probe, JsonObject container, IPAddress ip, CancellationToken ct)
    {
        try
        {
            if (probe["httpGet"] is JsonObject get)
            {
                var port = Port(get["port"], container);
                var path = JsonPaths.Str(get, "path") ?? "/";
                using var response = await Http.GetAsync(new Uri($"http://{ip}:{port}{(path.StartsWith('/') ? path : "/" + path)}"), ct);
                return (int)response.StatusCode is >= 200 and < 400;
            }
            if ((probe["tcpSocket"] ?? probe["grpc"]) is JsonObject tcp)
            {
                using var client = new TcpClient();
                await client.ConnectAsync(ip, Port(tcp["port"], container), ct);
                return true;
            }
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or TaskCanceledException && !ct.IsCancellationRequested) { }
        return false;
    }

    private static int Port(JsonNode? port, JsonObject container)
    {
        if (JsonPaths.LongOrNull(port) is { } n) return (int)n;
        var name = port?.GetValue<string>();
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)) return parsed;
        var match = (container["ports"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(p => JsonPaths.Str(p, "name") == name);
        return (int)JsonPaths.Long(match?["containerPort"]);
    }
}
