using Tandem.Api.V1Alpha1;

namespace Tandem.Cli.Tests.EndToEnd;

/// <summary>One look at a deployment's engine pods: counts by role and state (from the pods' labels).</summary>
internal sealed record FleetSample(DateTime At, int ActivePrefill, int ActiveDecode, int Warm, int Standby, int Draining, int Pods)
{
    public override string ToString() => $"P{ActivePrefill} D{ActiveDecode} warm{Warm} standby{Standby} draining{Draining} pods{Pods}";
}

/// <summary>Samples a deployment's fleet in the background while a test drives load (bounded: stops when disposed).</summary>
internal sealed class FleetSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<FleetSample> _samples = [];

    public FleetSampler(StackFixture fixture, string deployment) => _loop = Task.Run(async () =>
    {
        while (!_stop.IsCancellationRequested)
        {
            var sample = await SampleAsync(fixture, deployment);
            lock (_samples)
            {
                _samples.Add(sample);
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    });

    public IReadOnlyList<FleetSample> Samples
    {
        get
        {
            lock (_samples)
            {
                return _samples.ToArray();
            }
        }
    }

    public static async Task<FleetSample> SampleAsync(StackFixture fixture, string deployment)
    {
        var pods = await fixture.EnginePodsAsync(deployment);
        int Count(string state, string? role = null) => pods.Count(p => p.Metadata.Labels[WellKnownLabels.State] == state
            && (role is null || (p.Metadata.Labels.TryGetValue(WellKnownLabels.Role, out var r) && r == role)));
        return new FleetSample(DateTime.UtcNow, Count("active", "prefill"), Count("active", "decode"), Count("warm"), Count("standby"), Count("draining"), pods.Count);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
