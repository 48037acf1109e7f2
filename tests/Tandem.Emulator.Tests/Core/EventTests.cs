using System.Text.Json.Nodes;
using Tandem.Emulator.Tests.Support;

namespace Tandem.Emulator.Tests.Core;

/// <summary>events.k8s.io/v1 and core/v1 Events are one store, as in the apiserver.</summary>
public sealed class EventTests
{
    private const string NewEvents = "/apis/events.k8s.io/v1/namespaces/default/events";

    private static JsonObject NewEvent(string name, string about, string uid = "") => JsonNode.Parse($$$"""
        {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"{{{name}}}"},
         "eventTime":"2026-01-01T00:00:00.000000Z","reportingController":"tandem.dev/operator","reportingInstance":"op-1",
         "action":"Scale","reason":"ScaledUp","type":"Normal","note":"prefill 1 -> 3",
         "regarding":{"apiVersion":"v1","kind":"ConfigMap","namespace":"default","name":"{{{about}}}","uid":"{{{uid}}}"}}
        """)!.AsObject();

    [Fact]
    public async Task An_events_k8s_io_event_reads_back_in_both_versions()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        var (code, created) = await raw.Post(NewEvents, NewEvent("e1", "target"));
        Assert.Equal(201, code);
        Assert.Equal("prefill 1 -> 3", created!["note"]!.GetValue<string>());
        Assert.Equal("events.k8s.io/v1", created["apiVersion"]!.GetValue<string>());

        var (_, core) = await raw.Get("/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dtarget");
        var item = core!["items"]!.AsArray().Single()!;
        Assert.Equal("prefill 1 -> 3", item["message"]!.GetValue<string>());
        Assert.Equal("tandem.dev/operator", item["reportingComponent"]!.GetValue<string>());

        var (_, modern) = await raw.Get($"{NewEvents}?fieldSelector=regarding.name%3Dtarget");
        Assert.Equal("ScaledUp", modern!["items"]![0]!["reason"]!.GetValue<string>());
        Assert.Equal("target", modern["items"]![0]!["regarding"]!["name"]!.GetValue<string>());

        var (patchCode, patched) = await raw.Patch($"{NewEvents}/e1", JsonNode.Parse("""{"series":{"count":2,"lastObservedTime":"2026-01-01T00:00:05.000000Z"}}""")!, "application/merge-patch+json");
        Assert.Equal(200, patchCode);
        Assert.Equal(2, patched!["series"]!["count"]!.GetValue<int>());
        Assert.Equal("prefill 1 -> 3", patched["note"]!.GetValue<string>());
    }

    [Fact]
    public async Task Kubectl_describe_shows_events_recorded_through_events_k8s_io()
    {
        await using var s = await ClientSession.StartAsync();
        await s.KubectlOk("create", "configmap", "watched", "--from-literal=a=b");
        using var raw = new RawApi(s.Cluster.Url);
        var uid = await s.KubectlOk("get", "configmap", "watched", "-o", "jsonpath={.metadata.uid}");
        Assert.Equal(201, (await raw.Post(NewEvents, NewEvent("e2", "watched", uid))).Code);
        var described = await s.KubectlOk("describe", "configmap", "watched");
        Assert.Contains("ScaledUp", described);
        Assert.Contains("prefill 1 -> 3", described);
    }
}
