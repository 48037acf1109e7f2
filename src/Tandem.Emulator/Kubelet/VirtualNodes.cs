using System.Text.Json.Nodes;

namespace Tandem.Emulator.Kubelet;

/// <summary>The Node objects of the emulated cluster: Ready, with `nvidia.com/gpu` capacity.</summary>
public static class VirtualNodes
{
    public const string GpuResource = "nvidia.com/gpu";

    public static JsonObject Node(string name, int gpus, string now)
    {
        JsonObject Resources() => new() { ["cpu"] = "64", ["memory"] = "512Gi", ["pods"] = "110", [GpuResource] = gpus.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = new JsonObject { ["kubernetes.io/hostname"] = name, ["kubernetes.io/os"] = "linux", ["tandem.dev/emulated"] = "true" },
            },
            ["spec"] = new JsonObject(),
            ["status"] = new JsonObject
            {
                ["capacity"] = Resources(),
                ["allocatable"] = Resources(),
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Ready", ["status"] = "True", ["reason"] = "KubeletReady", ["message"] = "emulated kubelet is posting ready status",
                    ["lastHeartbeatTime"] = now, ["lastTransitionTime"] = now,
                }),
                ["addresses"] = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["address"] = "127.0.0.1" }, new JsonObject { ["type"] = "Hostname", ["address"] = name }),
                ["nodeInfo"] = new JsonObject { ["kubeletVersion"] = "v1.34.0-tandem-emulator", ["operatingSystem"] = "linux", ["architecture"] = "amd64" },
            },
        };
    }
}
