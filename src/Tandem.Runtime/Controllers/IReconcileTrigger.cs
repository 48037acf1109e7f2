namespace Tandem.Runtime.Controllers;

/// <summary>
/// An in-process source of reconcile keys (controller-runtime's source.Channel): something outside the API, such as
/// another controller's published results, that a controller must look at when it changes.
/// </summary>
public interface IReconcileTrigger
{
    /// <summary>Calls <paramref name="enqueue"/> with each key whose inputs changed, from now on.</summary>
    void Subscribe(Action<ReconcileRequest> enqueue);
}
