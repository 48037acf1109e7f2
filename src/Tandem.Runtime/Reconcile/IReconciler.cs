using k8s;
using k8s.Models;

namespace Tandem.Runtime;

/// <summary>
/// The level-triggered reconcile contract: read the world for <see cref="ReconcileRequest"/>, converge it, say when to
/// look again. Throwing retries with per-key backoff; throwing <see cref="TerminalReconcileException"/> does not retry.
/// </summary>
/// <typeparam name="TEntity">The kind this reconciler owns (the controller's "For" kind).</typeparam>
public interface IReconciler<TEntity> where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    Task<ReconcileResult> ReconcileAsync(ReconcileRequest request, CancellationToken cancellationToken);
}
