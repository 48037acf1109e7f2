using Tandem.Scaling.Lifecycle;

namespace Tandem.Scaling.Policies;

/// <summary>
/// Carries desired active counts out as instance actions, the same for every policy (DESIGN §2 lifecycle):
/// a scale-up is filled from, in order, cancelled drains, warm instances, a mutation (decode only, when prefill
/// shrinks), standby instances, pods already pending, and finally new pods (cold starts); a scale-down (none while the role
/// has an instance loading) drains the instances with the least live work, never a weight source; warm instances past scaleDownDelay unload to standby;
/// the slow tier keeps <c>standby.replicas</c> standby pods and deletes extra ones idle past <c>idleTimeout</c>.
/// </summary>
public static class FleetPlanner
{
    /// <summary>
    /// The actions for the desired counts; <paramref name="standbyBuffer"/> is the standby pods to keep (at most
    /// <c>standby.replicas</c>; null keeps exactly <c>standby.replicas</c>).
    /// </summary>
    public static IReadOnlyList<ScalingAction> Plan(ScalingInput input, int desiredPrefill, int desiredDecode, int maxRemovalsPerRole, int? standbyBuffer = null)
    {
        var run = new Run(input, maxRemovalsPerRole, Math.Clamp(standbyBuffer ?? input.Bounds.Standby.Replicas, 0, input.Bounds.Standby.Replicas));
        var m = FleetMeasures.Of(input);
        run.NeedPrefill = desiredPrefill - m.ServingPrefill;
        run.NeedDecode = desiredDecode - m.ServingDecode;

        run.Grow(InstanceRole.Prefill);
        run.Grow(InstanceRole.Decode);
        run.Shrink(InstanceRole.Prefill);
        run.Shrink(InstanceRole.Decode);
        run.ExpireWarm();
        run.KeepStandbyBuffer();
        return run.Actions;
    }

    /// <summary>The working state of one plan: what is already spoken for, and what each role still needs.</summary>
    private sealed class Run(ScalingInput input, int maxRemovals, int buffer)
    {
        public List<ScalingAction> Actions { get; } = [];

        public int NeedPrefill { get; set; }

        public int NeedDecode { get; set; }

        private readonly HashSet<string> taken = [];
        private readonly Dictionary<InstanceRole, int> removals = new() { [InstanceRole.Prefill] = 0, [InstanceRole.Decode] = 0 };
        private int pendingLeft = input.Instances.Count(i => i.State == InstanceState.Pending);
        private int unloaded;

        private ScalingFeatures Features => input.Bounds.Features;

        public void Grow(InstanceRole role)
        {
            var need = role == InstanceRole.Prefill ? NeedPrefill : NeedDecode;
            var why = $"{Lower(role)} scale-up by {need}";
            if (need <= 0)
            {
                return;
            }

            // 1. A draining instance of the role still holds its weights and work: take it back first (most work first).
            foreach (var i in Free(InstanceState.Draining).Where(i => i.Role == role).OrderByDescending(i => i.UsedKvBlocks).ThenBy(i => i.Id, StringComparer.Ordinal))
            {
                if (need == 0)
                {
                    break;
                }

                Take(new CancelDrain(i.Id, $"{why}: cancel the drain of {i.Id}"), i.Id);
                need--;
            }

            // 2. Warm instances have weights resident (same role first, then the most recently warmed).
            foreach (var i in Free(InstanceState.Warm).OrderBy(i => i.Role == role ? 0 : 1).ThenByDescending(i => i.StateSince).ThenBy(i => i.Id, StringComparer.Ordinal))
            {
                if (need == 0)
                {
                    break;
                }

                Take(new ReuseWarm(i.Id, role, $"{why}: reuse warm {i.Id}"), i.Id);
                need--;
            }

            // 3. Mutation: only when prefill must shrink while decode grows; the prefill instance's KV stays local.
            while (role == InstanceRole.Decode && need > 0 && Features.HasFlag(ScalingFeatures.Mutate) && NeedPrefill < 0
                   && removals[InstanceRole.Prefill] < maxRemovals && RemovalCandidate(InstanceRole.Prefill) is { } victim)
            {
                Take(new Mutate(victim.Id, $"{why} while prefill shrinks: mutate {victim.Id} prefill -> decode"), victim.Id);
                removals[InstanceRole.Prefill]++;
                NeedPrefill++;
                need--;
            }

            // 4. Standby instances load weights from the fastest allowed source.
            foreach (var i in Free(InstanceState.Standby).OrderBy(i => i.Id, StringComparer.Ordinal))
            {
                if (need == 0)
                {
                    break;
                }

                var source = ChooseSource();
                Take(new ActivateStandby(i.Id, role, source, $"{why}: activate standby {i.Id} from {source}"), i.Id);
                need--;
            }

            // 5. Pods already starting will become standby; count them before creating more.
            var fromPending = Math.Min(need, pendingLeft);
            pendingLeft -= fromPending;
            need -= fromPending;

            // 6. The fast tier ran dry: cold-start pods.
            if (need > 0)
            {
                Actions.Add(new CreatePods(need, role, $"{why}: fast tier has no instance left, cold-start {need} pod(s)"));
            }

            if (role == InstanceRole.Prefill)
            {
                NeedPrefill = 0;
            }
            else
            {
                NeedDecode = 0;
            }
        }

        public void Shrink(InstanceRole role)
        {
            var need = role == InstanceRole.Prefill ? NeedPrefill : NeedDecode;

            // While a scale-up of the role is still loading, removing an active instance could leave it with no capacity.
            if (input.Instances.Any(i => i.State == InstanceState.Loading && i.Role == role))
            {
                return;
            }

            while (need < 0 && removals[role] < maxRemovals)
            {
                if (RemovalCandidate(role) is not { } victim)
                {
                    break;
                }

                Take(new Drain(victim.Id, $"{Lower(role)} scale-down: drain {victim.Id}, the instance with the least live work ({victim.UsedKvBlocks} KV blocks, {victim.RunningRequests + victim.WaitingRequests} in flight)"), victim.Id);
                removals[role]++;
                need++;
            }
        }

        public void ExpireWarm()
        {
            foreach (var i in Free(InstanceState.Warm).Where(i => input.Now - i.StateSince >= input.Bounds.ScaleDownDelay).OrderBy(i => i.Id, StringComparer.Ordinal))
            {
                Take(new Unload(i.Id, $"warm for {(input.Now - i.StateSince).TotalSeconds:0.#} s >= scaleDownDelay: unload {i.Id} to standby"), i.Id);
                unloaded++;
            }
        }

        public void KeepStandbyBuffer()
        {
            var settings = input.Bounds.Standby;
            var idleStandby = Free(InstanceState.Standby).ToList();
            // A warm instance is better than a standby one (no load) and becomes standby within scaleDownDelay, so it
            // fills the buffer too; cold-starting a pod beside it would only add an idle pod.
            var warm = Free(InstanceState.Warm).Count();
            var supply = idleStandby.Count + warm + unloaded + pendingLeft;
            if (supply < buffer)
            {
                var count = buffer - supply;
                Actions.Add(new CreatePods(count, null, $"standby buffer {supply} < standby buffer target {buffer}: create {count} pod(s)"));
                return;
            }

            // Deletion counts only instances without weights: a warm instance is often taken back (a drain undone within
            // the hold), and counting it here deleted a standby pod that the next scale-up then had to cold-start again.
            var excess = idleStandby.Count + unloaded + pendingLeft - buffer;
            foreach (var i in idleStandby.Where(i => input.Now - i.StateSince >= settings.IdleTimeout).OrderBy(i => i.StateSince).ThenBy(i => i.Id, StringComparer.Ordinal))
            {
                if (excess <= 0)
                {
                    break;
                }

                Take(new DeletePod(i.Id, $"standby buffer {supply - warm} > standby buffer target {buffer} and {i.Id} idle past idleTimeout: delete its pod"), i.Id);
                excess--;
            }
        }

        private IEnumerable<InstanceView> Free(InstanceState state) =>
            input.Instances.Where(i => i.State == state && !taken.Contains(i.Id));

        private InstanceView? RemovalCandidate(InstanceRole role) =>
            Free(InstanceState.Active)
                .Where(i => i.Role == role && !i.IsWeightSource)
                .OrderBy(i => i.UsedKvBlocks)
                .ThenBy(i => i.RunningRequests + i.WaitingRequests)
                .ThenBy(i => i.Id, StringComparer.Ordinal)
                .FirstOrDefault();

        private WeightSource ChooseSource()
        {
            var model = input.Model;
            var best = (Source: WeightSource.Storage, Time: model.LoadFromStorage);
            if (Features.HasFlag(ScalingFeatures.HostCache) && model.LoadFromHostCache < best.Time)
            {
                best = (WeightSource.HostCache, model.LoadFromHostCache);
            }

            if (Features.HasFlag(ScalingFeatures.FastLoad) && model.LoadFromPeer < best.Time)
            {
                var peer = input.Instances
                    .Where(i => i.State == InstanceState.Active)
                    .OrderBy(i => i.IsWeightSource ? 1 : 0)
                    .ThenBy(i => i.UsedKvBlocks)
                    .ThenBy(i => i.Id, StringComparer.Ordinal)
                    .FirstOrDefault();
                if (peer is not null)
                {
                    best = (WeightSource.Peer(peer.Id), model.LoadFromPeer);
                }
            }

            return best.Source;
        }

        private void Take(ScalingAction action, string id)
        {
            taken.Add(id);
            Actions.Add(action);
        }

        private static string Lower(InstanceRole role) => role == InstanceRole.Prefill ? "prefill" : "decode";
    }
}
