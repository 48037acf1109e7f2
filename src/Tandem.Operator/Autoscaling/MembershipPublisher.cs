using Microsoft.Extensions.Logging;
using Tandem.Api.V1Alpha1;
using Tandem.Engines.Clients;
using Tandem.Operator.Conditions;
using Tandem.Runtime;
using Tandem.Engines.Contract;
using Tandem.Engines.Contract.V1;
using InstanceState = Tandem.Scaling.Lifecycle.InstanceState;

namespace Tandem.Operator.Autoscaling;

/// <summary>
/// Tells every router pod which instances serve which role (active ones take new work; draining ones finish theirs).
/// Sends only when membership changed or a router has not applied it, to all routers at once. Versions are fenced by
/// the lease epoch (<see cref="MembershipVersions"/>): a stale leader's update can never win over a newer leader's.
/// Instances whose engine is Unknown are left out until they answer again. The operator owns the versions: a router
/// holding one above the operator's (which the operator never published: only it can call RouterControl) is a fault,
/// reported (Warning event, Degraded) and corrected with a compare-and-replace of the version the router holds.
/// </summary>
public sealed class MembershipPublisher(EngineFleet fleet, ILogger<MembershipPublisher> logger, LeaderFence? fence = null, IEventRecorder? events = null)
{
    /// <summary>Event and condition reason of a router found ahead of the operator's membership.</summary>
    public const string RouterMembershipAhead = ConditionTypes.Reasons.RouterMembershipAhead;

    /// <summary>
    /// Publishes the observed membership; instances in <paramref name="drainingNext"/> are already shown as draining, so
    /// routers stop sending them new work before the Drain call reaches them (stop routing, then drain). Returns false
    /// when a router did not take it.
    /// </summary>
    public async Task<bool> PublishAsync(InferenceDeployment deployment, FleetObservation observation, DeploymentScalingState state, DateTimeOffset now, CancellationToken cancel,
        IReadOnlySet<string>? drainingNext = null)
    {
        var members = observation.Instances
            .Where(i => !i.Unknown && i.ServingAddress is not null && i.View.State is InstanceState.Active or InstanceState.Draining && i.View.Role is not null)
            .Select(i => new Member
            {
                Id = i.Pod.Metadata.Name,
                Address = i.ServingAddress!,
                Role = ContractMapping.ToProto(i.View.Role),
                State = ContractMapping.ToProto(drainingNext?.Contains(i.Pod.Metadata.Name) == true ? InstanceState.Draining : i.View.State),
            })
            .ToArray();
        var fingerprint = string.Join(';', members.Select(m => $"{m.Id}|{m.Address}|{m.Role}|{m.State}"));
        var behind = observation.Routers.Any(r => fleet.Router(r.ControlAddress) is not { } load || load.MembershipVersion < state.MembershipVersion);
        var ahead = state.MembershipVersion != 0 && observation.Routers.Any(r => fleet.Router(r.ControlAddress) is { } load && load.MembershipVersion > state.MembershipVersion);
        if (observation.Routers.Count == 0 || (fingerprint == state.MembershipFingerprint && !behind && !ahead))
        {
            return true;
        }

        if (fingerprint != state.MembershipFingerprint || state.MembershipVersion == 0)
        {
            state.MembershipVersion = MembershipVersions.Next(state.MembershipVersion, fence?.Epoch ?? 0, now);
        }

        var version = state.MembershipVersion;
        var sent = await Task.WhenAll(observation.Routers.Select(async router =>
        {
            try
            {
                fence?.Check($"router membership version {version}");
                var client = fleet.RouterClient(router.ControlAddress);
                var answer = await client.SetMembershipAsync(version, members, cancel).ConfigureAwait(false);
                return answer.Applied || answer.CurrentVersion <= version
                    || await CorrectAsync(deployment, router.Pod.Metadata.Name, client, version, members, answer.CurrentVersion, state, now, cancel).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not LeadershipLostException && (error is not OperationCanceledException || !cancel.IsCancellationRequested))
            {
                logger.LogWarning(error, "Router {Pod} did not take membership version {Version}", router.Pod.Metadata.Name, version);
                return false;
            }
        })).ConfigureAwait(false);

        if (sent.All(ok => ok))
        {
            state.MembershipFingerprint = fingerprint;
            return true;
        }

        return false;
    }

    /// <summary>
    /// A router answered with a version above the one just sent: replaces exactly that version (so a newer legitimate
    /// write in between is never undone), after checking this replica still leads, and reports the fault.
    /// </summary>
    private async Task<bool> CorrectAsync(InferenceDeployment deployment, string pod, RouterControlClient client, long version, Member[] members, long held, DeploymentScalingState state,
        DateTimeOffset now, CancellationToken cancel)
    {
        fence?.Check($"correct router {pod}'s membership version {held}");
        var corrected = await client.SetMembershipAsync(version, members, replaces: held, cancel).ConfigureAwait(false);
        var outcome = corrected.Applied || corrected.CurrentVersion == version ? "replaced it" : $"could not replace it (it now holds {corrected.CurrentVersion})";
        var message = $"router pod {pod} held membership version {held} (epoch {MembershipVersions.EpochOf(held)}), above the operator's {version} "
            + $"(epoch {MembershipVersions.EpochOf(version)}), which the operator never published; the operator {outcome}";
        state.RouterAhead = (message, now);
        logger.LogWarning("{Kind}/{Namespace}/{Name}: {Message}", InferenceDeployment.KubeKind, deployment.Metadata.NamespaceProperty, deployment.Metadata.Name, message);
        if (events is not null)
        {
            await events.RecordAsync(deployment, EventTypes.Warning, RouterMembershipAhead, message, "Publish", cancel).ConfigureAwait(false);
        }

        return corrected.Applied || corrected.CurrentVersion == version;
    }
}

/// <summary>
/// Router membership versions: the lease epoch in the high bits, the clock in milliseconds below, and strictly growing.
/// A new leader's epoch is higher, so none of its versions can be beaten by one a stale leader computes later; without
/// leader election (epoch 0) the clock alone keeps versions growing across restarts.
/// </summary>
public static class MembershipVersions
{
    /// <summary>Bits below the epoch: milliseconds since 1970 fit until the year 2109.</summary>
    public const int EpochShift = 42;

    /// <summary>The version after <paramref name="previous"/> for a leader of <paramref name="epoch"/> at <paramref name="now"/>.</summary>
    public static long Next(long previous, long epoch, DateTimeOffset now) =>
        Math.Max(previous + 1, (epoch << EpochShift) + Math.Max(0, now.ToUnixTimeMilliseconds()));

    /// <summary>The epoch a version was published under.</summary>
    public static long EpochOf(long version) => version >> EpochShift;
}
