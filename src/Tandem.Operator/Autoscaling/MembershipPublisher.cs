using Microsoft.Extensions.Logging;
using Tandem.Api.V1Alpha1;
using Tandem.Engines.Contract;
using Tandem.Engines.Contract.V1;
using InstanceState = Tandem.Scaling.Lifecycle.InstanceState;

namespace Tandem.Operator.Autoscaling;

/// <summary>
/// Tells every router pod which instances serve which role (active ones take new work; draining ones finish theirs).
/// Sends only when membership changed or a router has not applied it; versions grow strictly, surviving restarts
/// because they start from the clock.
/// </summary>
public sealed class MembershipPublisher(EngineFleet fleet, ILogger<MembershipPublisher> logger)
{
    public async Task PublishAsync(InferenceDeployment deployment, FleetObservation observation, DeploymentScalingState state, DateTimeOffset now, CancellationToken cancel)
    {
        var members = observation.Instances
            .Where(i => i.ServingAddress is not null && i.View.State is InstanceState.Active or InstanceState.Draining && i.View.Role is not null)
            .Select(i => new Member
            {
                Id = i.Pod.Metadata.Name,
                Address = i.ServingAddress!,
                Role = ContractMapping.ToProto(i.View.Role),
                State = ContractMapping.ToProto(i.View.State),
            })
            .ToArray();
        var fingerprint = string.Join(';', members.Select(m => $"{m.Id}|{m.Address}|{m.Role}|{m.State}"));
        var behind = observation.Routers.Any(r => fleet.Router(r.ControlAddress) is not { } load || load.MembershipVersion < state.MembershipVersion);
        if (observation.Routers.Count == 0 || (fingerprint == state.MembershipFingerprint && !behind))
        {
            return;
        }

        if (fingerprint != state.MembershipFingerprint)
        {
            state.MembershipVersion = Math.Max(state.MembershipVersion + 1, now.ToUnixTimeMilliseconds());
        }

        var applied = 0;
        foreach (var (pod, address) in observation.Routers)
        {
            try
            {
                await fleet.RouterClient(address).SetMembershipAsync(state.MembershipVersion, members, cancel).ConfigureAwait(false);
                applied++;
            }
            catch (Exception error) when (error is not OperationCanceledException || !cancel.IsCancellationRequested)
            {
                logger.LogWarning(error, "Router {Pod} did not take membership version {Version}", pod.Metadata.Name, state.MembershipVersion);
            }
        }

        if (applied == observation.Routers.Count)
        {
            state.MembershipFingerprint = fingerprint;
        }
    }
}
