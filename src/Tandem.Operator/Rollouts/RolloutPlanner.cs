using Tandem.Scaling.Lifecycle;

namespace Tandem.Operator.Rollouts;

/// <summary>
/// Decides the next steps of replacing engine pods built from an outdated template, one instance at a time and never
/// below the serving capacity (a Deployment's RollingUpdate with maxSurge 1, maxUnavailable 0): for an outdated active
/// instance a replacement pod is created, activated in its role once it reports, and only when it serves is the outdated
/// one taken out of routing, drained and deleted. Outdated instances that serve nothing (standby, warm, never started)
/// are deleted, one per tick. Instances whose engine is Unknown are never acted on. Pure: the clock is an argument.
/// </summary>
public static class RolloutPlanner
{
    /// <summary>How long a replacement may take to serve before the rollout reports itself stalled (a Deployment's default).</summary>
    public static readonly TimeSpan DefaultProgressDeadline = TimeSpan.FromMinutes(10);

    public static RolloutPlan Plan(IReadOnlyList<RolloutInstance> instances, string templateHash, DateTimeOffset now, TimeSpan? progressDeadline = null)
    {
        var deadline = progressDeadline ?? DefaultProgressDeadline;
        var byName = instances.ToDictionary(i => i.Name, StringComparer.Ordinal);
        bool IsOutdated(RolloutInstance i) => i.TemplateHash != templateHash;
        var outdatedCount = instances.Count(IsOutdated);
        if (outdatedCount == 0)
        {
            return RolloutPlan.Idle with { Updated = instances.Count, Total = instances.Count };
        }

        var steps = new List<RolloutStep>();
        var hidden = new HashSet<string>(StringComparer.Ordinal);
        var stopRouting = new HashSet<string>(StringComparer.Ordinal);
        var paired = new HashSet<string>(StringComparer.Ordinal);
        var surging = false;
        RolloutStall? stall = null;

        // Replacements in flight: current pods created for an outdated instance that still exists. The first by name
        // wins if a restart ever made two.
        foreach (var replacement in instances.Where(i => !IsOutdated(i) && i.Replaces is not null).OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            if (!byName.TryGetValue(replacement.Replaces!, out var old) || !IsOutdated(old) || !paired.Add(old.Name))
            {
                continue;
            }

            if (replacement.State == InstanceState.Active && !replacement.Unknown)
            {
                // The replacement serves: the outdated instance leaves routing, drains, and goes.
                hidden.Add(old.Name);
                if (old.Unknown)
                {
                    continue;
                }

                switch (old.State)
                {
                    case InstanceState.Active:
                        stopRouting.Add(old.Name);
                        steps.Add(new RetireOutdated(old.Name, replacement.Name));
                        break;
                    case InstanceState.Draining:
                        stopRouting.Add(old.Name);
                        break;
                    case InstanceState.Warm or InstanceState.Standby or InstanceState.Pending:
                        steps.Add(new DeleteOutdated(old.Name, replacement.Name));
                        break;
                }

                continue;
            }

            if (old.State is not (InstanceState.Active or InstanceState.Loading) || old.Role is null)
            {
                // The policy took the outdated instance out of service meanwhile: the replacement is an ordinary pod now.
                paired.Remove(old.Name);
                continue;
            }

            // The outdated instance still serves; the replacement is on its way and invisible to the policy until it serves.
            hidden.Add(replacement.Name);
            surging = true;
            if (!replacement.Unknown && replacement.State is InstanceState.Standby or InstanceState.Warm)
            {
                steps.Add(new ActivateReplacement(replacement.Name, old.Role.Value, old.Name));
            }

            var waited = replacement.Created is { } created ? now - created : TimeSpan.Zero;
            if (replacement.Problem is { } problem)
            {
                stall = new RolloutStall(replacement.Name, $"replacement {replacement.Name} for {old.Name} cannot start: {problem}", waited >= deadline);
            }
            else if (waited >= deadline)
            {
                stall = new RolloutStall(replacement.Name,
                    $"replacement {replacement.Name} for {old.Name} has not served within {deadline.TotalMinutes:0.#} min (it is {replacement.State.ToString().ToLowerInvariant()})", true);
            }
        }

        var unpaired = instances.Where(i => IsOutdated(i) && !i.Unknown && !paired.Contains(i.Name)).OrderBy(i => i.Name, StringComparer.Ordinal).ToArray();
        if (unpaired.FirstOrDefault(i => i.State is InstanceState.Standby or InstanceState.Warm or InstanceState.Pending) is { } idle)
        {
            // Not serving: nothing to hand over. One per tick, so the standby buffer is rebuilt gradually by the policy.
            steps.Add(new DeleteOutdated(idle.Name, null));
        }

        if (!surging && unpaired.FirstOrDefault(i => i.State == InstanceState.Active && i.Role is not null) is { } next)
        {
            steps.Add(new CreateReplacement(next.Name, next.Role!.Value));
        }

        var visible = instances.Where(i => !hidden.Contains(i.Name)).ToArray();
        return new RolloutPlan(steps, hidden, stopRouting, visible.Count(i => !IsOutdated(i)), visible.Length, outdatedCount, stall);
    }
}
