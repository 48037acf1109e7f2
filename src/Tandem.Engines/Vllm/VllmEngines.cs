using System.Collections.Concurrent;

namespace Tandem.Engines.Vllm;

/// <summary>The operator's vLLM controls, one per engine address, so what it asked of an instance outlives a single call.</summary>
public sealed class VllmEngines(HttpClient http, TimeSpan pollInterval, TimeProvider? time = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, VllmEngineControl> _controls = new(StringComparer.Ordinal);

    /// <summary>
    /// The control of <paramref name="address"/>, made on first use with what the pod records of an earlier process's
    /// intent (<paramref name="recorded"/>); the sleep level follows the deployment's features.
    /// </summary>
    public VllmEngineControl Use(string address, int sleepLevel, (VllmIntent Intent, Tandem.Scaling.Lifecycle.InstanceRole? Role)? recorded = null)
    {
        var made = false;
        var control = _controls.GetOrAdd(address, a =>
        {
            made = true;
            return new VllmEngineControl(http, a, sleepLevel, pollInterval, time);
        });
        control.SleepLevel = sleepLevel;
        if (made && recorded is { } r)
        {
            control.Restore(r.Intent, r.Role);
        }

        return control;
    }

    /// <summary>The control of <paramref name="address"/> when it is a vLLM engine.</summary>
    public VllmEngineControl? Find(string address) => _controls.GetValueOrDefault(address);

    /// <summary>Forgets addresses not in <paramref name="live"/> (their pods went away).</summary>
    public void Retain(IReadOnlySet<string> live)
    {
        foreach (var gone in _controls.Keys.Where(a => !live.Contains(a)).ToArray())
        {
            _controls.TryRemove(gone, out _);
        }
    }

    public void Dispose() => http.Dispose();
}
