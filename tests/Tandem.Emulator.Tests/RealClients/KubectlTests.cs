using System.Text.Json.Nodes;
using Tandem.Emulator.Tests.Crds;
using Tandem.Emulator.Tests.Support;

namespace Tandem.Emulator.Tests.RealClients;

/// <summary>The real kubectl 1.34 against the emulator: what users and the issue expect to work.</summary>
public sealed class KubectlTests
{
    private static string Crds => Path.Combine(RealTools.RepoRoot, "crds");
    private static string Examples => Path.Combine(RealTools.RepoRoot, "examples");

    private static async Task<ClientSession> WithWidgets()
    {
        var s = await ClientSession.StartAsync();
        await s.KubectlOk("apply", "-f", s.WriteFile("widget-crd.yaml", TestCrds.WidgetCrdYaml));
        return s;
    }

    private const string WidgetYaml = "apiVersion: test.tandem.dev/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  replicas: 2\n  size: small\n";

    [Fact]
    public async Task Apply_of_tandem_crds_then_examples_works_client_side_and_server_side_and_get_shows_printer_columns()
    {
        await using var s = await ClientSession.StartAsync();
        Assert.Contains("created", await s.KubectlOk("apply", "-f", Crds));
        var applied = await s.KubectlOk("apply", "-R", "-f", Examples);
        Assert.Contains("inferencedeployment.serving.tandem.dev/chat created", applied);
        Assert.Contains("serverside-applied", await s.KubectlOk("apply", "--server-side", "-R", "-f", Examples));
        var table = await s.KubectlOk("get", "infd");
        var header = table.Split('\n')[0];
        foreach (var column in new[] { "NAME", "MODEL", "PREFILL", "DECODE", "STANDBY", "READY", "AGE" }) Assert.Contains(column, header);
        Assert.Contains(table.Split('\n'), l => l.StartsWith("chat ", StringComparison.Ordinal) && l.Contains("llama3-8b"));
        Assert.Contains("inferencedeployments", await s.KubectlOk("api-resources", "--api-group=serving.tandem.dev"));
    }

    [Fact]
    public async Task Edits_that_would_break_a_running_deployment_are_refused_naming_the_field()
    {
        await using var s = await ClientSession.StartAsync();
        await s.KubectlOk("apply", "-f", Crds);
        await s.KubectlOk("apply", "-R", "-f", Examples);

        var samePorts = await s.Kubectl("patch", "infd", "chat", "--type=merge", "-p", """{"spec":{"engine":{"ports":{"control":8000}}}}""");
        var badCpu = await s.Kubectl("patch", "infd", "chat", "--type=merge", "-p", """{"spec":{"engine":{"resources":{"cpu":"lots"}}}}""");
        var zeroInterval = await s.Kubectl("patch", "infd", "chat", "--type=merge", "-p", """{"spec":{"scaling":{"interval":"0s"}}}""");
        var longName = await s.Kubectl("apply", "-f", s.WriteFile("long.yaml",
            $"apiVersion: serving.tandem.dev/v1alpha1\nkind: InferenceDeployment\nmetadata:\n  name: {new string('x', 64)}\nspec:\n  model: llama3-8b\n"));

        Assert.NotEqual(0, samePorts.ExitCode);
        Assert.Contains("spec.engine.ports.control", samePorts.Stderr);
        Assert.Contains("control (8000) must differ from serving (8000)", samePorts.Stderr);
        Assert.NotEqual(0, badCpu.ExitCode);
        Assert.Contains("spec.engine.resources.cpu", badCpu.Stderr);
        Assert.NotEqual(0, zeroInterval.ExitCode);
        Assert.Contains("spec.scaling.interval", zeroInterval.Stderr);
        Assert.NotEqual(0, longName.ExitCode);
        Assert.Contains("metadata.name", longName.Stderr);
        Assert.Equal("9000", await s.KubectlOk("get", "infd", "chat", "-o", "jsonpath={.spec.engine.ports.control}"));
    }

    [Fact]
    public async Task Get_watch_prints_a_change_made_after_it_started()
    {
        await using var s = await WithWidgets();
        await s.KubectlOk("apply", "-f", s.WriteFile("w.yaml", WidgetYaml));
        using var watch = s.Start(RealTools.Kubectl, "get", "widgets", "-w");
        await watch.WaitForLine(l => l.StartsWith("w1 ", StringComparison.Ordinal), "the initial row");
        await s.KubectlOk("patch", "widget", "w1", "--type=merge", "-p", """{"spec":{"replicas":7}}""");
        var row = await watch.WaitForLine(l => l.StartsWith("w1 ", StringComparison.Ordinal) && l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] == "7", "the changed row");
        Assert.StartsWith("w1", row);
    }

    [Fact]
    public async Task Scale_of_an_engine_pool_goes_through_the_scale_subresource()
    {
        await using var s = await ClientSession.StartAsync();
        await s.KubectlOk("apply", "-f", Crds);
        await s.KubectlOk("apply", "-f", s.WriteFile("pool.yaml", "apiVersion: serving.tandem.dev/v1alpha1\nkind: EnginePool\nmetadata:\n  name: chat-decode\nspec:\n  role: decode\n  replicas: 1\n"));
        Assert.Contains("scaled", await s.KubectlOk("scale", "enginepool", "chat-decode", "--replicas=4"));
        Assert.Equal("4", await s.KubectlOk("get", "enginepool", "chat-decode", "-o", "jsonpath={.spec.replicas}"));
        var scale = JsonNode.Parse(await s.KubectlOk("get", "--raw", "/apis/serving.tandem.dev/v1alpha1/namespaces/default/enginepools/chat-decode/scale"))!;
        Assert.Equal("Scale", scale["kind"]!.GetValue<string>());
        Assert.Equal(4, scale["spec"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task Wait_for_condition_returns_once_the_status_condition_is_set()
    {
        await using var s = await WithWidgets();
        await s.KubectlOk("apply", "-f", s.WriteFile("w.yaml", WidgetYaml));
        using var wait = s.Start(RealTools.Kubectl, "wait", "--for=condition=Ready", "widget/w1", "--timeout=90s");
        await s.KubectlOk("patch", "widget", "w1", "--subresource=status", "--type=merge", "-p", """{"status":{"conditions":[{"type":"Ready","status":"True"}]}}""");
        Assert.Equal(0, await wait.WaitForExit(90));
        Assert.Contains(wait.Lines, l => l.Contains("condition met"));
    }

    [Fact]
    public async Task Delete_collects_owned_objects_and_waits_for_finalizers()
    {
        await using var s = await ClientSession.StartAsync();
        await s.KubectlOk("create", "configmap", "owner", "--from-literal=a=b");
        var uid = await s.KubectlOk("get", "configmap", "owner", "-o", "jsonpath={.metadata.uid}");
        await s.KubectlOk("apply", "-f", s.WriteFile("child.yaml",
            $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: child\n  finalizers: [example.com/hold]\n  ownerReferences:\n  - apiVersion: v1\n    kind: ConfigMap\n    name: owner\n    uid: {uid}\n    blockOwnerDeletion: true\n"));
        await s.KubectlOk("delete", "configmap", "owner", "--cascade=foreground", "--wait=false");
        await Eventually.True(async () => (await s.Kubectl("get", "configmap", "child", "-o", "jsonpath={.metadata.deletionTimestamp}")).Stdout.Length > 0, "the child to be deleting");
        Assert.Equal(0, (await s.Kubectl("get", "configmap", "owner")).ExitCode);
        await s.KubectlOk("patch", "configmap", "child", "--type=json", "-p", """[{"op":"remove","path":"/metadata/finalizers"}]""");
        await Eventually.True(async () => (await s.Kubectl("get", "configmap", "owner")).ExitCode != 0, "the owner to go after its child");
        Assert.Contains("NotFound", (await s.Kubectl("get", "configmap", "child")).Stderr);
    }

    [Fact]
    public async Task Background_delete_of_an_owner_collects_its_dependents()
    {
        await using var s = await ClientSession.StartAsync();
        await s.KubectlOk("create", "configmap", "parent", "--from-literal=a=b");
        var uid = await s.KubectlOk("get", "configmap", "parent", "-o", "jsonpath={.metadata.uid}");
        await s.KubectlOk("apply", "-f", s.WriteFile("kid.yaml", $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kid\n  ownerReferences:\n  - apiVersion: v1\n    kind: ConfigMap\n    name: parent\n    uid: {uid}\n"));
        await s.KubectlOk("delete", "configmap", "parent");
        await Eventually.True(async () => (await s.Kubectl("get", "configmap", "kid")).ExitCode != 0, "the dependent to be collected");
    }

    [Fact]
    public async Task Patch_works_for_each_patch_type()
    {
        await using var s = await WithWidgets();
        await s.KubectlOk("apply", "-f", s.WriteFile("web.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1\n      - name: side\n        image: side:1\n"));
        await s.KubectlOk("patch", "deployment", "web", "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:2"}]}}}}""");
        Assert.Equal("nginx:2 side:1", await s.KubectlOk("get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[*].image}"));
        await s.KubectlOk("apply", "-f", s.WriteFile("w.yaml", WidgetYaml));
        await s.KubectlOk("patch", "widget", "w1", "--type=merge", "-p", """{"spec":{"size":"large"}}""");
        await s.KubectlOk("patch", "widget", "w1", "--type=json", "-p", """[{"op":"replace","path":"/spec/replicas","value":5}]""");
        Assert.Equal("large 5", await s.KubectlOk("get", "widget", "w1", "-o", "jsonpath={.spec.size} {.spec.replicas}"));
        var smp = await s.Kubectl("patch", "widget", "w1", "--type=strategic", "-p", """{"spec":{"size":"small"}}""");
        Assert.NotEqual(0, smp.ExitCode);
        Assert.Contains("application/strategic-merge-patch+json is not supported", smp.Stderr);
    }

    [Fact]
    public async Task Replace_with_a_stale_object_is_rejected_with_a_conflict()
    {
        await using var s = await ClientSession.StartAsync();
        await s.KubectlOk("create", "configmap", "cfg", "--from-literal=a=1");
        var stale = s.WriteFile("stale.json", await s.KubectlOk("get", "configmap", "cfg", "-o", "json"));
        await s.KubectlOk("patch", "configmap", "cfg", "--type=merge", "-p", """{"data":{"a":"2"}}""");
        var r = await s.Kubectl("replace", "-f", stale);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("the object has been modified", r.Stderr);
    }

    [Fact]
    public async Task A_bad_custom_resource_is_rejected_with_a_message_naming_the_field()
    {
        await using var s = await ClientSession.StartAsync();
        await s.KubectlOk("apply", "-f", Crds);
        var invalid = await s.Kubectl("apply", "-f", s.WriteFile("bad.yaml",
            "apiVersion: serving.tandem.dev/v1alpha1\nkind: InferenceDeployment\nmetadata:\n  name: bad\nspec:\n  model: m\n  scaling:\n    prefill: {min: 5, max: 2}\n"));
        Assert.NotEqual(0, invalid.ExitCode);
        Assert.Contains("spec.scaling.prefill", invalid.Stderr);
        Assert.Contains("The InferenceDeployment \"bad\" is invalid", invalid.Stderr);
        var unknown = await s.Kubectl("apply", "-f", s.WriteFile("unknown.yaml",
            "apiVersion: serving.tandem.dev/v1alpha1\nkind: InferenceDeployment\nmetadata:\n  name: odd\nspec:\n  model: m\n  bogus: 1\n"));
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("unknown field \"spec.bogus\"", unknown.Stderr);
        var typed = await s.Kubectl("apply", "-f", s.WriteFile("enum.yaml",
            "apiVersion: serving.tandem.dev/v1alpha1\nkind: EnginePool\nmetadata:\n  name: p\nspec:\n  replicas: 1\n"));
        Assert.NotEqual(0, typed.ExitCode);
        Assert.Contains("spec.role", typed.Stderr);
    }

    [Fact]
    public async Task Get_nodes_shows_the_virtual_gpu_nodes_and_pods_get_loopback_ips()
    {
        await using var s = await ClientSession.StartAsync();
        var nodes = await s.KubectlOk("get", "nodes");
        Assert.Contains("node-0", nodes);
        Assert.Equal("8", await s.KubectlOk("get", "node", "node-0", "-o", "jsonpath={.status.capacity.nvidia\\.com/gpu}"));
        await s.KubectlOk("run", "engine", "--image=engine:1");
        await s.KubectlOk("wait", "--for=condition=Ready", "pod/engine", "--timeout=60s");
        var ip = await s.KubectlOk("get", "pod", "engine", "-o", "jsonpath={.status.podIP}");
        Assert.StartsWith("127.", ip);
        Assert.NotEqual("127.0.0.1", ip);
    }

    [Fact]
    public async Task Patch_works_on_each_tandem_kind()
    {
        await using var s = await ClientSession.StartAsync();
        await s.KubectlOk("apply", "-f", Crds);
        await s.KubectlOk("apply", "-f", Path.Combine(Examples, "chat.yaml"));
        await s.KubectlOk("apply", "-f", s.WriteFile("pool.yaml", "apiVersion: serving.tandem.dev/v1alpha1\nkind: EnginePool\nmetadata:\n  name: chat-prefill\nspec:\n  role: prefill\n  replicas: 1\n"));
        await s.KubectlOk("patch", "infd", "chat", "--type=merge", "-p", """{"spec":{"scaling":{"prefill":{"max":20}}}}""");
        Assert.Equal("20", await s.KubectlOk("get", "infd", "chat", "-o", "jsonpath={.spec.scaling.prefill.max}"));
        Assert.Equal("2", await s.KubectlOk("get", "infd", "chat", "-o", "jsonpath={.metadata.generation}"));
        await s.KubectlOk("patch", "mp", "llama3-8b", "--type=json", "-p", """[{"op":"replace","path":"/spec/kvCacheBlocks","value":31000}]""");
        Assert.Equal("31000", await s.KubectlOk("get", "mp", "llama3-8b", "-o", "jsonpath={.spec.kvCacheBlocks}"));
        await s.KubectlOk("patch", "enginepool", "chat-prefill", "--subresource=status", "--type=merge", "-p", """{"status":{"replicas":1,"selector":"role=prefill"}}""");
        Assert.Equal("1 role=prefill", await s.KubectlOk("get", "enginepool", "chat-prefill", "-o", "jsonpath={.status.replicas} {.status.selector}"));
        var bad = await s.Kubectl("patch", "infd", "chat", "--type=merge", "-p", """{"spec":{"scaling":{"prefill":{"min":30}}}}""");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("spec.scaling.prefill", bad.Stderr);
    }
}
