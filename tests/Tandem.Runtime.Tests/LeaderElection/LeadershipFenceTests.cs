using k8s.LeaderElection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tandem.Runtime.LeaderElection;

namespace Tandem.Runtime.Tests.LeaderElection;

/// <summary>Leadership is fenced by time: without a renewal that began within the renew deadline, this replica does not lead.</summary>
public sealed class LeadershipFenceTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 16, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_leader_paused_past_its_renew_deadline_stops_leading_at_once_and_leads_again_only_after_a_renewal()
    {
        var leadership = Leadership();
        var lease = new FencingLeaseLock(new SlowLock(_time, TimeSpan.FromSeconds(3)), leadership, _time);

        Assert.True(await lease.UpdateAsync(new LeaderElectionRecord { HolderIdentity = "me", LeaderTransitions = 4 }));
        leadership.Set(true);
        Assert.True(leadership.IsLeader);
        Assert.Equal(4, leadership.Epoch);

        // The renewal was sent 3 s ago (it took that long): it is good for 10 s from when it was sent, not from its answer.
        _time.Advance(TimeSpan.FromSeconds(6.9));
        Assert.True(leadership.IsLeader);
        _time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.False(leadership.IsLeader);

        Assert.True(await lease.UpdateAsync(new LeaderElectionRecord { HolderIdentity = "me", LeaderTransitions = 4 }));
        Assert.True(leadership.IsLeader);
    }

    [Fact]
    public async Task A_write_naming_another_holder_or_refused_does_not_extend_leadership()
    {
        var leadership = Leadership();
        leadership.Set(true);
        var refused = new FencingLeaseLock(new SlowLock(_time, TimeSpan.Zero, answer: false), leadership, _time);
        var other = new FencingLeaseLock(new SlowLock(_time, TimeSpan.Zero), leadership, _time);

        await refused.UpdateAsync(new LeaderElectionRecord { HolderIdentity = "me" });
        await other.UpdateAsync(new LeaderElectionRecord { HolderIdentity = "someone-else" });

        Assert.False(leadership.IsLeader);
    }

    [Fact]
    public void Without_leader_election_the_replica_leads_once_set_whatever_the_clock()
    {
        var leadership = new Leadership(Options.Create(new RuntimeOptions()), _time);
        leadership.Set(true);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.True(leadership.IsLeader);
        Assert.Equal(0, leadership.Epoch);
    }

    private Leadership Leadership() => new(Options.Create(new RuntimeOptions
    {
        LeaderElection = new LeaderElectionOptions { Enabled = true, Identity = "me", RenewDeadline = TimeSpan.FromSeconds(10), LeaseDuration = TimeSpan.FromSeconds(15) },
    }), _time);

    /// <summary>A lease lock whose writes take <paramref name="takes"/> on the fake clock and answer <paramref name="answer"/>.</summary>
    private sealed class SlowLock(FakeTimeProvider time, TimeSpan takes, bool answer = true) : ILock
    {
        public string Identity => "me";

        public Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(new LeaderElectionRecord());

        public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) => UpdateAsync(record, cancellationToken);

        public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default)
        {
            time.Advance(takes);
            return Task.FromResult(answer);
        }

        public string Describe() => "test lease";
    }
}
