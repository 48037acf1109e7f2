using k8s.Models;
using Tandem.Api.Schema;

namespace Tandem.Api.V1Alpha1;

/// <summary>What the operator observed and decided for an InferenceDeployment.</summary>
public sealed class InferenceDeploymentStatus
{
    /// <summary>The spec generation this status describes.</summary>
    public long? ObservedGeneration { get; set; }

    /// <summary>Ready, Progressing, Degraded, AbleToScale, ScalingActive, ScalingLimited (and InvalidSpec reasons).</summary>
    [ListType("map", "type")]
    public List<V1Condition>? Conditions { get; set; }

    /// <summary>The prefill pool.</summary>
    public RoleStatus? Prefill { get; set; }

    /// <summary>The decode pool.</summary>
    public RoleStatus? Decode { get; set; }

    /// <summary>Migration load: seconds to move unmigrated KV to decode instances.</summary>
    public double? Migration { get; set; }

    /// <summary>Instances holding GPUs without weights.</summary>
    public int StandbyReplicas { get; set; }

    /// <summary>Drained instances with weights resident, waiting out scaleDownDelay.</summary>
    public int WarmReplicas { get; set; }

    /// <summary>Pods waiting for a node with free GPUs.</summary>
    public int PendingPods { get; set; }

    /// <summary>When the autoscaler last changed a pool.</summary>
    public DateTime? LastScaleTime { get; set; }

    /// <summary>The last scaling decision and why.</summary>
    public DecisionRecord? LastDecision { get; set; }

    /// <summary>Membership version last accepted by the router.</summary>
    public long? RouterMembershipVersion { get; set; }
}

/// <summary>One role's pool as observed.</summary>
public sealed class RoleStatus
{
    /// <summary>Active instances.</summary>
    public int Replicas { get; set; }

    /// <summary>Active instances whose pods are Ready.</summary>
    public int ReadyReplicas { get; set; }

    /// <summary>What the autoscaler (or an external scaler, clamped) wants.</summary>
    public int DesiredReplicas { get; set; }

    /// <summary>Current utilization in the role's unit (see spec.scaling).</summary>
    public double? Utilization { get; set; }

    /// <summary>"ready/desired", for the printer columns.</summary>
    public string? Summary { get; set; }
}

/// <summary>A scaling decision, as shown in status and events.</summary>
public sealed class DecisionRecord
{
    /// <summary>When it was made.</summary>
    public DateTime? Time { get; set; }

    /// <summary>prefill or decode.</summary>
    [EnumValues("prefill", "decode")]
    public string? Role { get; set; }

    /// <summary>up, down or none.</summary>
    [EnumValues("up", "down", "none")]
    public string? Direction { get; set; }

    /// <summary>Active instances before.</summary>
    public int From { get; set; }

    /// <summary>Active instances wanted after.</summary>
    public int To { get; set; }

    /// <summary>A CamelCase reason (e.g. AboveBand, BelowBand, ClampedToMax).</summary>
    public string? Reason { get; set; }

    /// <summary>Plain words.</summary>
    public string? Message { get; set; }
}
