using System.Net;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Tandem.Api.Schema;
using Tandem.Api.Serialization;
using Tandem.Api.V1Alpha1;
using Tandem.Emulator;
using Tandem.Operator.Hosting;

namespace Tandem.Cli.Embedded;

/// <summary>Settings of the embedded stack.</summary>
public sealed record EmbeddedStackOptions
{
    public int Nodes { get; init; } = 4;

    public int GpusPerNode { get; init; } = 8;

    /// <summary>Mock engines run this many times faster than the ModelProfile says.</summary>
    public double EngineSpeed { get; init; } = 1.0;

    public LogLevel OperatorLogLevel { get; init; } = LogLevel.Warning;

    /// <summary>Where the kubeconfig for kubectl is written (a temporary file when null).</summary>
    public string? KubeconfigPath { get; init; }

    /// <summary>False leaves the operator out, for runs that start it as separate processes (the reliability benchmark).</summary>
    public bool StartOperator { get; init; } = true;
}

/// <summary>
/// The embedded default: the API emulator with Tandem's CRDs, mock engines and routers running in-process on pod IPs,
/// and the operator running in-process against it — what <c>tandem demo</c> and the end-to-end tests use.
/// </summary>
public sealed class EmbeddedStack : IAsyncDisposable
{
    private WebApplication? _operator;

    // The temporary folder holding the kubeconfig when the caller gave no path; deleted on dispose.
    private readonly string? _temporaryFolder;

    private EmbeddedStack(EmulatedCluster cluster, IKubernetes client, string kubeconfig, string? temporaryFolder)
    {
        Cluster = cluster;
        Client = client;
        KubeconfigPath = kubeconfig;
        _temporaryFolder = temporaryFolder;
    }

    public EmulatedCluster Cluster { get; }

    public IKubernetes Client { get; }

    public string KubeconfigPath { get; }

    /// <summary>Starts the emulator, installs the CRDs and starts the operator.</summary>
    public static async Task<EmbeddedStack> StartAsync(EmbeddedStackOptions options, CancellationToken cancel = default)
    {
        var cluster = await EmulatedCluster.StartAsync(new EmulatedClusterOptions
        {
            Nodes = options.Nodes,
            GpusPerNode = options.GpusPerNode,
            PodRuntime = new TandemPodRuntime(options.EngineSpeed),
        }, cancel).ConfigureAwait(false);
        var temporary = options.KubeconfigPath is null ? Directory.CreateTempSubdirectory("tandem-").FullName : null;
        var kubeconfig = cluster.WriteKubeconfig(options.KubeconfigPath ?? Path.Combine(temporary!, "kubeconfig"));
        var stack = new EmbeddedStack(cluster, new Kubernetes(cluster.ClientConfiguration), kubeconfig, temporary);
        await stack.InstallCrdsAsync(cancel).ConfigureAwait(false);
        if (options.StartOperator)
        {
            await stack.StartOperatorAsync(options.OperatorLogLevel, cancel).ConfigureAwait(false);
        }

        return stack;
    }

    /// <summary>Starts the operator in-process (again, after <see cref="StopOperatorAsync"/>: a restart).</summary>
    public async Task StartOperatorAsync(LogLevel logLevel = LogLevel.Warning, CancellationToken cancel = default)
    {
        _operator = OperatorHost.Build(new OperatorHostSettings
        {
            MetricsAddress = "127.0.0.1:0",
            ClientConfiguration = Cluster.ClientConfiguration,
            MinimumLogLevel = logLevel,
            Configuration = new Dictionary<string, string?> { ["Runtime:ResyncPeriod"] = "00:01:00" },
        });
        await _operator.StartAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>Stops the operator gracefully (its pods, engines and routers keep running).</summary>
    public async Task StopOperatorAsync(CancellationToken cancel = default)
    {
        if (_operator is { } app)
        {
            _operator = null;
            await app.StopAsync(cancel).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The operator's /metrics URL.</summary>
    public string? OperatorMetricsUrl => _operator?.Urls.FirstOrDefault() is { } url ? url.TrimEnd('/') + "/metrics" : null;

    /// <summary>Creates (or replaces the spec of) every Tandem object in a YAML stream, like <c>kubectl apply</c>.</summary>
    public async Task ApplyAsync(string yaml, string ns = "default", CancellationToken cancel = default)
    {
        foreach (var document in YamlJson.ParseAll(yaml))
        {
            var kind = document["kind"]?.GetValue<string>();
            var plural = kind switch
            {
                ModelProfile.KubeKind => "modelprofiles",
                InferenceDeployment.KubeKind => "inferencedeployments",
                _ => throw new InvalidOperationException($"the embedded stack applies Tandem kinds only, not {kind}"),
            };
            var name = document["metadata"]!["name"]!.GetValue<string>();
            document["metadata"]!["namespace"] = ns;
            try
            {
                await Client.CustomObjects.CreateNamespacedCustomObjectAsync(document, ApiGroup.Group, ApiGroup.Version, ns, plural, cancellationToken: cancel).ConfigureAwait(false);
            }
            catch (k8s.Autorest.HttpOperationException error) when (error.Response.StatusCode == HttpStatusCode.Conflict)
            {
                var patch = new V1Patch(new System.Text.Json.Nodes.JsonObject { ["spec"] = document["spec"]!.DeepClone() }.ToJsonString(), V1Patch.PatchType.MergePatch);
                await Client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, ApiGroup.Group, ApiGroup.Version, ns, plural, name, cancellationToken: cancel).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The router's OpenAI endpoint (its first pod's IP), once a router pod runs.</summary>
    public async Task<Uri?> RouterUrlAsync(string deployment, string ns = "default", CancellationToken cancel = default)
    {
        var pods = await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"{WellKnownLabels.Deployment}={deployment},{WellKnownLabels.Component}=router", cancellationToken: cancel).ConfigureAwait(false);
        var pod = pods.Items.FirstOrDefault(p => p.Status?.PodIP is not null && p.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true);
        var port = pod?.Spec.Containers[0].Ports?.FirstOrDefault(p => p.Name == "http")?.ContainerPort ?? 11236;
        return pod is null ? null : new Uri($"http://{pod.Status.PodIP}:{port}");
    }

    private async Task InstallCrdsAsync(CancellationToken cancel)
    {
        foreach (var (_, yaml) in CrdFiles.Render())
        {
            var crd = KubernetesJson.Deserialize<V1CustomResourceDefinition>(YamlJson.ParseAll(yaml).Single().ToJsonString());
            await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: cancel).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopOperatorAsync().ConfigureAwait(false);
        Client.Dispose();
        await Cluster.DisposeAsync().ConfigureAwait(false);
        if (_temporaryFolder is not null && Directory.Exists(_temporaryFolder))
        {
            Directory.Delete(_temporaryFolder, recursive: true);
        }
    }
}
