namespace Tandem.Engines.Router;

/// <summary>
/// The router's versioned membership. An update applies only when its version is higher than the one held, so a
/// retried or reordered older update never overwrites a newer one. The operator puts its lease epoch in the version's
/// high bits, so this same rule fences leaders: an update from a leader that lost the lease is older than any update
/// of the leader after it, whatever their clocks say. Each member has a lease token that is cancelled
/// when the member leaves (or its address changes): work on it is then re-dispatched. A member that stays but turns
/// Draining keeps its lease, so its in-flight work finishes there.
/// </summary>
public sealed class MembershipTable
{
    private readonly object _gate = new();
    private Dictionary<string, Entry> _members = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The highest applied version; -1 before the first update.</summary>
    public long Version { get; private set; } = -1;

    public IReadOnlyList<RouterMember> Members
    {
        get { lock (_gate) { return _members.Values.Select(e => e.Member).OrderBy(m => m.Id, StringComparer.Ordinal).ToArray(); } }
    }

    /// <summary>Completes on the next applied update.</summary>
    public Task Changed
    {
        get { lock (_gate) { return _changed.Task; } }
    }

    /// <summary>
    /// Applies <paramref name="members"/> at <paramref name="version"/>; false (and no change) when <paramref name="version"/>
    /// is not newer, unless <paramref name="replaces"/> is exactly the version held (the operator's correction of a
    /// version it never published).
    /// </summary>
    public bool TryApply(long version, IReadOnlyList<RouterMember> members, long? replaces = null)
    {
        var duplicate = members.GroupBy(m => m.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"instances: id '{duplicate.Key}' appears more than once.", nameof(members));
        }

        var bad = members.FirstOrDefault(m => string.IsNullOrWhiteSpace(m.Id) || string.IsNullOrWhiteSpace(m.Address) || m.Address.Contains("://", StringComparison.Ordinal));
        if (bad is not null)
        {
            throw new ArgumentException($"instances: member '{bad.Id}' needs an id and an address host:port (got '{bad.Address}').", nameof(members));
        }

        var revoked = new List<CancellationTokenSource>();
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (version <= Version && replaces != Version)
            {
                return false;
            }

            var next = new Dictionary<string, Entry>(StringComparer.Ordinal);
            foreach (var member in members)
            {
                next[member.Id] = _members.TryGetValue(member.Id, out var old) && old.Member.Address == member.Address
                    ? old with { Member = member }
                    : new Entry(member, new CancellationTokenSource());
            }

            revoked.AddRange(_members.Where(kv => !next.TryGetValue(kv.Key, out var kept) || kept.Lease != kv.Value.Lease).Select(kv => kv.Value.Lease));
            _members = next;
            Version = version;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        foreach (var lease in revoked)
        {
            lease.Cancel();
        }

        changed.TrySetResult();
        return true;
    }

    /// <summary>The lease of member <paramref name="id"/> at <paramref name="address"/>; an already cancelled token when it is gone.</summary>
    public CancellationToken Lease(string id, string address)
    {
        lock (_gate)
        {
            return _members.TryGetValue(id, out var entry) && entry.Member.Address == address ? entry.Lease.Token : new CancellationToken(canceled: true);
        }
    }

    private sealed record Entry(RouterMember Member, CancellationTokenSource Lease);
}
