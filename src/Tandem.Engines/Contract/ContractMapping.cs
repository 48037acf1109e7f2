using Tandem.Engines.Contract.V1;
using Tandem.Scaling.Lifecycle;
using ProtoState = Tandem.Engines.Contract.V1.InstanceState;
using State = Tandem.Scaling.Lifecycle.InstanceState;

namespace Tandem.Engines.Contract;

/// <summary>Maps between the wire enums/messages of <c>tandem.engine.v1</c> and Tandem's own types.</summary>
public static class ContractMapping
{
    public static ProtoState ToProto(State state) => state switch
    {
        State.Pending => ProtoState.Pending,
        State.Standby => ProtoState.Standby,
        State.Loading => ProtoState.Loading,
        State.Active => ProtoState.Active,
        State.Draining => ProtoState.Draining,
        State.Warm => ProtoState.Warm,
        _ => ProtoState.Unspecified,
    };

    /// <summary>The lifecycle state of a wire value; null for UNSPECIFIED or values this build does not know.</summary>
    public static State? FromProto(ProtoState state) => state switch
    {
        ProtoState.Pending => State.Pending,
        ProtoState.Standby => State.Standby,
        ProtoState.Loading => State.Loading,
        ProtoState.Active => State.Active,
        ProtoState.Draining => State.Draining,
        ProtoState.Warm => State.Warm,
        _ => null,
    };

    public static Role ToProto(InstanceRole? role) => role switch
    {
        InstanceRole.Prefill => Role.Prefill,
        InstanceRole.Decode => Role.Decode,
        null => Role.Both,
        _ => Role.Unspecified,
    };

    /// <summary>The role of a wire value; null for BOTH (a plain engine) and UNSPECIFIED.</summary>
    public static InstanceRole? FromProto(Role role) => role switch
    {
        Role.Prefill => InstanceRole.Prefill,
        Role.Decode => InstanceRole.Decode,
        _ => null,
    };

    /// <summary>The one observation type from a native status message.</summary>
    public static EngineObservation ToObservation(InstanceStatus status, string address) => new()
    {
        Address = address,
        Source = "native",
        ObservedAt = status.ObservedAtUnixMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(status.ObservedAtUnixMs) : DateTimeOffset.UtcNow,
        State = FromProto(status.State),
        Role = FromProto(status.Role),
        QueuedPromptTokens = status.QueuedPromptTokens,
        UsedKvBlocks = status.UsedKvBlocks,
        TotalKvBlocks = status.TotalKvBlocks,
        KvCacheUsage = status.TotalKvBlocks > 0 ? (double)status.UsedKvBlocks / status.TotalKvBlocks : 0,
        UnmigratedKvTokens = status.UnmigratedKvTokens,
        RunningRequests = status.RunningRequests,
        WaitingRequests = status.WaitingRequests,
        WeightsLoaded = status.WeightsLoaded,
        ServingAsWeightSource = status.ServingAsWeightSource,
    };
}
