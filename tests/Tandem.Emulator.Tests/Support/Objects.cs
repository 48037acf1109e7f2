using System.Text.Json.Nodes;

namespace Tandem.Emulator.Tests.Support;

/// <summary>Small JSON object builders for tests.</summary>
public static class Objects
{
    public static JsonObject ConfigMap(string name, Dictionary<string, string>? labels = null, string data = "v") => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "ConfigMap",
        ["metadata"] = Meta(name, labels),
        ["data"] = new JsonObject { ["k"] = data },
    };

    public static JsonObject Deployment(string name, int replicas = 1) => new()
    {
        ["apiVersion"] = "apps/v1", ["kind"] = "Deployment",
        ["metadata"] = Meta(name, null),
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "app:1" }) },
            },
        },
    };

    public static JsonObject Pod(string name, int gpus = 0, int graceSeconds = 30) => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "Pod",
        ["metadata"] = Meta(name, null),
        ["spec"] = new JsonObject
        {
            ["terminationGracePeriodSeconds"] = graceSeconds,
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = "engine", ["image"] = "engine:1",
                ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 8000 }),
                ["resources"] = gpus == 0 ? new JsonObject() : new JsonObject { ["limits"] = new JsonObject { ["nvidia.com/gpu"] = gpus.ToString() } },
            }),
        },
    };

    public static JsonObject Meta(string name, Dictionary<string, string>? labels)
    {
        var meta = new JsonObject { ["name"] = name };
        if (labels is not null) meta["labels"] = new JsonObject(labels.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        return meta;
    }
}
