using Tandem.Scaling.Lifecycle;

namespace Tandem.Engines.Router;

/// <summary>Parses <c>--instances ADDR=ROLE,...</c> (role prefill, decode or both) into active members named by address.</summary>
public static class StaticMembership
{
    public static IReadOnlyList<RouterMember> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var members = new List<RouterMember>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('=');
            if (parts.Length != 2 || !parts[0].Contains(':', StringComparison.Ordinal) || parts[0].Contains("://", StringComparison.Ordinal))
            {
                throw new FormatException($"--instances: '{item}' is not ADDR=ROLE with ADDR as host:port (e.g. 127.0.0.2:8000=prefill).");
            }

            InstanceRole? role = parts[1].Trim().ToLowerInvariant() switch
            {
                "prefill" => InstanceRole.Prefill,
                "decode" => InstanceRole.Decode,
                "both" => null,
                _ => throw new FormatException($"--instances: role '{parts[1]}' in '{item}' must be prefill, decode or both."),
            };
            members.Add(new RouterMember(parts[0].Trim(), parts[0].Trim(), role, InstanceState.Active));
        }

        return members;
    }
}
