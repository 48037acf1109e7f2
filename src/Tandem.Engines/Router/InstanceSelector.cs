namespace Tandem.Engines.Router;

/// <summary>
/// Picks one instance among candidates by a <see cref="SelectionPolicy"/>. Pure decision code apart from the router's
/// I/O: the caller passes the candidates, the prompt's tokens and each instance's outstanding load.
/// </summary>
public sealed class InstanceSelector(SelectionPolicy policy, int? seed = null, int minPrefixMatch = 8)
{
    private readonly object _gate = new();
    private readonly Random _random = seed is { } s ? new Random(s) : new Random();
    private readonly PrefixTree _tree = new();
    private long _next;

    public SelectionPolicy Policy { get; } = policy;

    /// <summary>The chosen member, or null when there are no candidates.</summary>
    public RouterMember? Pick(IReadOnlyList<RouterMember> candidates, IReadOnlyList<string> promptTokens, Func<string, long> load)
    {
        if (candidates.Count == 0)
        {
            return null;
        }

        var ordered = candidates.OrderBy(c => c.Id, StringComparer.Ordinal).ToArray();
        lock (_gate)
        {
            switch (Policy)
            {
                case SelectionPolicy.RoundRobin:
                    return ordered[(int)(_next++ % ordered.Length)];
                case SelectionPolicy.Random:
                    return ordered[_random.Next(ordered.Length)];
                case SelectionPolicy.LeastLoaded:
                    return LeastLoaded(ordered, load);
                default:
                    var lengths = _tree.MatchLengths(promptTokens, ordered.Select(c => c.Id));
                    var best = ordered.MaxBy(c => lengths[c.Id])!;
                    // A short shared prefix (e.g. a common system word) is not worth giving up load balance for.
                    var chosen = lengths[best.Id] >= Math.Min(minPrefixMatch, promptTokens.Count) && lengths[best.Id] > 0 ? best : LeastLoaded(ordered, load);
                    _tree.Insert(promptTokens, chosen.Id);
                    return chosen;
            }
        }
    }

    private static RouterMember LeastLoaded(RouterMember[] ordered, Func<string, long> load) => ordered.MinBy(c => load(c.Id))!;
}
