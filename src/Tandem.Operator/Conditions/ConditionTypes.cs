namespace Tandem.Operator.Conditions;

/// <summary>The condition types of an InferenceDeployment (the HPA's own three included) and their reasons.</summary>
public static class ConditionTypes
{
    public const string Ready = "Ready";
    public const string Progressing = "Progressing";
    public const string Degraded = "Degraded";
    public const string AbleToScale = "AbleToScale";
    public const string ScalingActive = "ScalingActive";
    public const string ScalingLimited = "ScalingLimited";

    /// <summary>EnginePool: True when something outside the operator may set spec.replicas (scaling.mode external).</summary>
    public const string ExternalScaling = "ExternalScaling";

    /// <summary>kstatus: True while the operator is still converging (helm --wait and Flux keep waiting).</summary>
    public const string Reconciling = "Reconciling";

    /// <summary>kstatus: True when the operator cannot converge without a change from someone (helm --wait and Flux fail fast).</summary>
    public const string Stalled = "Stalled";

    /// <summary>How long engine pods may stay unschedulable before the deployment reports Stalled.</summary>
    public static readonly TimeSpan StallAfter = TimeSpan.FromMinutes(5);

    /// <summary>How long Degraded keeps saying that a router was found ahead of the operator's membership after it was corrected.</summary>
    public static readonly TimeSpan RouterAheadShownFor = TimeSpan.FromMinutes(5);

    /// <summary>Reasons used across conditions.</summary>
    public static class Reasons
    {
        public const string InvalidSpec = "InvalidSpec";
        public const string ModelProfileNotFound = "ModelProfileNotFound";
        public const string AllReplicasReady = "AllReplicasReady";
        public const string ReplicasNotReady = "ReplicasNotReady";
        public const string Scaling = "Scaling";
        public const string Converged = "Converged";
        public const string InsufficientCapacity = "InsufficientCapacity";

        /// <summary>Degraded: engines whose status stream is Unknown or that did not answer an action at the last tick.</summary>
        public const string EnginesNotResponding = "EnginesNotResponding";

        /// <summary>
        /// Degraded: a router held a membership version the operator never published (above the operator's); the
        /// operator replaced it. Shown for <see cref="RouterAheadShownFor"/> after the last time it was found.
        /// </summary>
        public const string RouterMembershipAhead = "RouterMembershipAhead";
        public const string TooFewReplicas = "TooFewReplicas";
        public const string TooManyReplicas = "TooManyReplicas";
        public const string RatioGuard = "RatioGuard";
        public const string WithinBounds = "WithinBounds";
        public const string ValidMetrics = "ValidMetrics";
        public const string NoMetrics = "NoMetrics";
        public const string ExternalMode = "ExternalMode";
        public const string ReadyForNewScale = "ReadyForNewScale";
        public const string OperatorMode = "OperatorMode";
        public const string ScaleReverted = "ScaleReverted";

        /// <summary>Progressing/Reconciling: engine pods built from an outdated template are being replaced one by one.</summary>
        public const string RollingOut = "RollingOut";

        /// <summary>Degraded (and Stalled past the deadline): a rollout's replacement pod cannot start or serve.</summary>
        public const string RolloutStalled = "RolloutStalled";
    }
}
