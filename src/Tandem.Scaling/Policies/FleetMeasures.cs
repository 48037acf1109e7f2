using Tandem.Scaling.Lifecycle;

namespace Tandem.Scaling.Policies;

/// <summary>
/// The quantities of DESIGN §2 measured from a <see cref="ScalingInput"/>: serving instances per role (active +
/// loading), W (queued prompt tokens), B (used KV blocks of serving instances), P (unmigrated KV tokens) and the three
/// utilizations.
/// </summary>
public sealed record FleetMeasures(int ServingPrefill, int ServingDecode, long QueuedPromptTokens, long UsedKvBlocks, long UnmigratedKvTokens,
    double PrefillUtilization, double DecodeUtilization, double MigrationUtilization)
{
    public int Serving(InstanceRole role) => role == InstanceRole.Prefill ? ServingPrefill : ServingDecode;

    /// <summary>Measures the input; utilizations divide by at least one instance so an empty role reads as loaded.</summary>
    public static FleetMeasures Of(ScalingInput input)
    {
        var prefill = 0;
        var decode = 0;
        long blocks = 0;
        long unmigrated = 0;
        foreach (var instance in input.Instances)
        {
            if (instance.Role == InstanceRole.Prefill)
            {
                unmigrated += instance.UnmigratedKvTokens;
            }

            if (!instance.IsServing)
            {
                continue;
            }

            blocks += instance.UsedKvBlocks;
            if (instance.Role == InstanceRole.Prefill)
            {
                prefill++;
            }
            else if (instance.Role == InstanceRole.Decode)
            {
                decode++;
            }
        }

        var model = input.Model;
        var w = input.Load.QueuedPromptTokens;
        return new FleetMeasures(prefill, decode, w, blocks, unmigrated,
            w / (Math.Max(prefill, 1) * model.PrefillTokensPerSecond),
            blocks / ((double)Math.Max(decode, 1) * model.KvBlocksPerInstance),
            unmigrated / (Math.Max(decode, 1) * model.TransferTokensPerSecond));
    }
}
