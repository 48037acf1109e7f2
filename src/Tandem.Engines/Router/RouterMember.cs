using Tandem.Scaling.Lifecycle;

namespace Tandem.Engines.Router;

/// <summary>One instance the router may send work to: its id, OpenAI address (host:port), role (null = both phases) and state.</summary>
public sealed record RouterMember(string Id, string Address, InstanceRole? Role, InstanceState State)
{
    /// <summary>Takes new prefill work: Active and serving prefill (or both phases).</summary>
    public bool TakesPrefill => State == InstanceState.Active && Role is InstanceRole.Prefill or null;

    /// <summary>Takes new decode work: Active and a decode instance.</summary>
    public bool TakesDecode => State == InstanceState.Active && Role == InstanceRole.Decode;
}
