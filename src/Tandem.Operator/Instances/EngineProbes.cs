using Tandem.Api.Schema;
using Tandem.Api.V1Alpha1;
using k8s.Models;

namespace Tandem.Operator.Instances;

/// <summary>
/// Probes of an engine container. A startupProbe sized from the model's load time holds liveness back until the
/// engine has loaded (a liveness probe from second 0 kills an engine still loading a large model); then readiness and
/// liveness on /health, which vLLM and the mock answer while asleep as well.
/// </summary>
public static class EngineProbes
{
    /// <summary>Seconds between startup probes.</summary>
    public const int StartupPeriodSeconds = 5;

    /// <summary>How long an engine may take to start: twice the storage load time, plus what the engine spends besides loading weights (vLLM: CUDA graph capture and compilation).</summary>
    public static TimeSpan StartupBudget(EngineAdapter adapter, ModelProfile profile) =>
        2 * GoDuration.Parse(profile.Spec.LoadTime.Storage) + (adapter == EngineAdapter.Vllm ? TimeSpan.FromMinutes(5) : TimeSpan.FromSeconds(30));

    /// <summary>Startup, readiness and liveness probes on /health of the serving port.</summary>
    public static (V1Probe Startup, V1Probe Readiness, V1Probe Liveness) For(EngineSpec engine, ModelProfile profile)
    {
        var budget = StartupBudget(engine.Adapter, profile);
        V1HTTPGetAction Health() => new() { Path = "/health", Port = engine.Ports.Serving };
        return (
            new V1Probe { HttpGet = Health(), PeriodSeconds = StartupPeriodSeconds, FailureThreshold = (int)Math.Ceiling(budget.TotalSeconds / StartupPeriodSeconds), TimeoutSeconds = 5 },
            new V1Probe { HttpGet = Health(), PeriodSeconds = 5, TimeoutSeconds = 5 },
            new V1Probe { HttpGet = Health(), PeriodSeconds = 10, FailureThreshold = 6, TimeoutSeconds = 5 });
    }
}
