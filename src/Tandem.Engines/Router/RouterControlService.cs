using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Tandem.Engines.Contract;
using Tandem.Engines.Contract.V1;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Engines.Router;

/// <summary>RouterControl served by the router: versioned SetMembership and the WatchLoad stream.</summary>
internal sealed class RouterControlService(MembershipTable members, RouterLoadTracker load, RouterOptions options, IHostApplicationLifetime lifetime) : RouterControl.RouterControlBase
{
    public override Task<SetMembershipResponse> SetMembership(SetMembershipRequest request, ServerCallContext context)
    {
        var converted = new List<RouterMember>();
        foreach (var member in request.Instances)
        {
            var state = ContractMapping.FromProto(member.State)
                ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"instances[{member.Id}].state: must be set (PENDING..WARM)."));
            if (member.Role == Role.Unspecified)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"instances[{member.Id}].role: must be PREFILL, DECODE or BOTH."));
            }

            converted.Add(new RouterMember(member.Id, member.Address, ContractMapping.FromProto(member.Role), state));
        }

        try
        {
            var applied = members.TryApply(request.Version, converted, request.HasReplacesVersion ? request.ReplacesVersion : null);
            if (applied)
            {
                load.Update(_ => { });
            }

            return Task.FromResult(new SetMembershipResponse { Applied = applied, CurrentVersion = members.Version });
        }
        catch (ArgumentException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
    }

    public override async Task WatchLoad(WatchLoadRequest request, IServerStreamWriter<RouterLoad> responseStream, ServerCallContext context)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            while (!done.IsCancellationRequested)
            {
                var changed = load.Changed;
                await responseStream.WriteAsync(load.Snapshot(members.Version), done.Token).ConfigureAwait(false);
                try
                {
                    await changed.WaitAsync(options.LoadHeartbeat, options.Time, done.Token).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // Heartbeat: send the load again.
                }
            }
        }
        catch (OperationCanceledException) when (done.IsCancellationRequested)
        {
            // The client went away or the router is stopping.
        }
    }
}
