namespace Tandem.Scaling.Lifecycle;

/// <summary>The instance state machine: which state changes are legal, shared by the policies, the operator and the mock engine.</summary>
public static class InstanceTransitions
{
    private static readonly HashSet<(InstanceState From, InstanceState To)> Allowed =
    [
        (InstanceState.Pending, InstanceState.Standby),
        (InstanceState.Pending, InstanceState.Loading),   // a pod started directly into its role (cold start)
        (InstanceState.Standby, InstanceState.Loading),
        (InstanceState.Loading, InstanceState.Active),
        (InstanceState.Loading, InstanceState.Standby),   // a load that failed or was abandoned
        (InstanceState.Active, InstanceState.Draining),
        (InstanceState.Active, InstanceState.Active),     // a role change under mutate
        (InstanceState.Draining, InstanceState.Active),   // a cancelled drain
        (InstanceState.Draining, InstanceState.Warm),
        (InstanceState.Warm, InstanceState.Active),       // a warm instance reused
        (InstanceState.Warm, InstanceState.Standby),      // scaleDownDelay passed: weights unloaded
    ];

    /// <summary>True when an instance may go from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool IsAllowed(InstanceState from, InstanceState to) => Allowed.Contains((from, to));

    /// <summary>Throws a message naming both states when the change is not legal.</summary>
    public static void Ensure(InstanceState from, InstanceState to)
    {
        if (!IsAllowed(from, to))
        {
            throw new InvalidOperationException($"An instance cannot go from {from} to {to}.");
        }
    }

    /// <summary>States in which an instance's pod must never be deleted (it serves or holds work).</summary>
    public static bool ProtectsPod(InstanceState state) => state is InstanceState.Active or InstanceState.Draining or InstanceState.Loading;
}
