using Tandem.Engines.Router;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Engines.Tests.Router;

public sealed class MembershipTableTests
{
    private static RouterMember M(string id, InstanceState state = InstanceState.Active, string? address = null) =>
        new(id, address ?? $"127.0.0.1:{8000 + id[0]}", InstanceRole.Prefill, state);

    [Fact]
    public void Older_or_equal_version_never_overwrites_a_newer_one()
    {
        var table = new MembershipTable();

        Assert.True(table.TryApply(2, [M("a"), M("b")]));
        Assert.False(table.TryApply(1, [M("c")]));
        Assert.False(table.TryApply(2, [M("c")]));

        Assert.Equal(2, table.Version);
        Assert.Equal(["a", "b"], table.Members.Select(m => m.Id));
    }

    [Fact]
    public void A_correction_replaces_exactly_the_version_held_even_when_it_is_lower()
    {
        var table = new MembershipTable();
        table.TryApply(long.MaxValue, [M("thief")]);

        Assert.False(table.TryApply(5, [M("a")], replaces: long.MaxValue - 1));
        Assert.Equal(long.MaxValue, table.Version);
        Assert.True(table.TryApply(5, [M("a")], replaces: long.MaxValue));

        Assert.Equal(5, table.Version);
        Assert.Equal(["a"], table.Members.Select(m => m.Id));
        Assert.False(table.TryApply(4, [M("b")]));
    }

    [Fact]
    public void Removing_a_member_cancels_its_lease_while_draining_keeps_it()
    {
        var table = new MembershipTable();
        table.TryApply(1, [M("a"), M("b")]);
        var a = table.Lease("a", M("a").Address);
        var b = table.Lease("b", M("b").Address);

        table.TryApply(2, [M("b", InstanceState.Draining)]);

        Assert.True(a.IsCancellationRequested);
        Assert.False(b.IsCancellationRequested);
        Assert.False(table.Members.Single().TakesPrefill);
    }

    [Fact]
    public void A_member_whose_address_changes_loses_its_old_lease()
    {
        var table = new MembershipTable();
        table.TryApply(1, [M("a", address: "127.0.0.1:1")]);
        var old = table.Lease("a", "127.0.0.1:1");

        table.TryApply(2, [M("a", address: "127.0.0.1:2")]);

        Assert.True(old.IsCancellationRequested);
        Assert.False(table.Lease("a", "127.0.0.1:2").IsCancellationRequested);
        Assert.True(table.Lease("a", "127.0.0.1:1").IsCancellationRequested);
    }

    [Fact]
    public void Duplicate_ids_are_rejected_naming_the_id()
    {
        var table = new MembershipTable();

        var error = Assert.Throws<ArgumentException>(() => table.TryApply(1, [M("a"), M("a")]));

        Assert.Contains("'a'", error.Message);
        Assert.Equal(-1, table.Version);
    }

    [Fact]
    public void Static_instances_flag_parses_roles_and_rejects_bad_items()
    {
        var members = StaticMembership.Parse("127.0.0.2:8000=prefill, 127.0.0.3:8000=decode,127.0.0.4:8000=both");

        Assert.Equal([InstanceRole.Prefill, InstanceRole.Decode, (InstanceRole?)null], members.Select(m => m.Role));
        Assert.Contains("--instances", Assert.Throws<FormatException>(() => StaticMembership.Parse("127.0.0.2:8000=gpu")).Message);
        Assert.Contains("host:port", Assert.Throws<FormatException>(() => StaticMembership.Parse("http://x:1=prefill")).Message);
    }
}
