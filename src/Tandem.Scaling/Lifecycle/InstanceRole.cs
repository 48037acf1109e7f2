namespace Tandem.Scaling.Lifecycle;

/// <summary>The phase an instance serves; the value of the pod label <c>serving.tandem.dev/role</c> (lower case).</summary>
public enum InstanceRole
{
    Prefill,
    Decode,
}
