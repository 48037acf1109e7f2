using Microsoft.Extensions.Hosting;
using Grpc.Core;
using Tandem.Engines.Contract;
using Tandem.Engines.Contract.V1;

namespace Tandem.Engines.Mock;

/// <summary>EngineControl served by the mock engine; an illegal state change answers FAILED_PRECONDITION naming the states.</summary>
internal sealed class MockEngineControlService(MockEngine engine, MockEngineOptions options, IHostApplicationLifetime lifetime) : EngineControl.EngineControlBase
{
    public override async Task WatchStatus(WatchStatusRequest request, IServerStreamWriter<InstanceStatus> responseStream, ServerCallContext context)
    {
        // Ending the stream on shutdown lets the server stop at once instead of waiting for clients to hang up.
        using var done = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            await foreach (var status in engine.WatchAsync(options.StatusHeartbeat, done.Token).ConfigureAwait(false))
            {
                await engine.Hang.WhileHungAsync(done.Token).ConfigureAwait(false);
                await responseStream.WriteAsync(status, done.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (done.IsCancellationRequested)
        {
            // The client went away or the engine is stopping.
        }
    }

    public override Task<ActivateResponse> Activate(ActivateRequest request, ServerCallContext context) =>
        Guard(() => new ActivateResponse { State = ContractMapping.ToProto(engine.Activate(RoleOf(request.Role), request.WeightSource)) });

    public override Task<SetRoleResponse> SetRole(SetRoleRequest request, ServerCallContext context) =>
        Guard(() =>
        {
            engine.SetRole(RoleOf(request.Role));
            return new SetRoleResponse { Role = request.Role };
        });

    public override Task<DrainResponse> Drain(DrainRequest request, ServerCallContext context) =>
        Guard(() =>
        {
            var remaining = engine.Drain();
            return new DrainResponse { State = ContractMapping.ToProto(engine.State), RemainingRequests = remaining };
        });

    public override Task<UnloadResponse> Unload(UnloadRequest request, ServerCallContext context) =>
        Guard(() => new UnloadResponse { State = ContractMapping.ToProto(engine.Unload()) });

    public override Task<HealthResponse> Health(HealthRequest request, ServerCallContext context) =>
        Task.FromResult(new HealthResponse { Healthy = true, Status = engine.Status() });

    private static Scaling.Lifecycle.InstanceRole? RoleOf(Role role) => role == Role.Unspecified
        ? throw new RpcException(new Status(StatusCode.InvalidArgument, "role: must be ROLE_PREFILL, ROLE_DECODE or ROLE_BOTH."))
        : ContractMapping.FromProto(role);

    private static Task<T> Guard<T>(Func<T> action)
    {
        try
        {
            return Task.FromResult(action());
        }
        catch (InvalidOperationException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }
    }
}
