using Microsoft.Extensions.Hosting;
using Tandem.Runtime.Controllers;
using Tandem.Runtime.Informers;

namespace Tandem.Runtime.Hosting;

/// <summary>
/// Starts the shared informers of every registered controller and reader at host start, on every replica (leader or
/// not), so a standby's caches are warm when it takes over; stops them last.
/// </summary>
internal sealed class InformersHostedService(
    SharedInformerFactory factory,
    IEnumerable<ControllerRegistration> controllers,
    IEnumerable<InformerRegistration> readers) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var controller in controllers) controller.CreateInformers(factory);
        foreach (var reader in readers) reader.Create(factory);
        factory.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => factory.StopAsync().WaitAsync(cancellationToken);
}

/// <summary>A kind read through <see cref="ICache{T}"/> outside any controller's sources (see AddInformer).</summary>
public sealed record InformerRegistration(Type EntityType, Action<SharedInformerFactory> Create);
