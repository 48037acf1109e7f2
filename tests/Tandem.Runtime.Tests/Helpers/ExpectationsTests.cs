using Microsoft.Extensions.Time.Testing;
using Tandem.Runtime.Helpers;

namespace Tandem.Runtime.Tests.Helpers;

public sealed class ExpectationsTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_key_with_no_expectations_is_satisfied()
    {
        Assert.True(new Expectations(_time).Satisfied("ns/x"));
    }

    [Fact]
    public void Expectations_are_unmet_until_every_creation_and_deletion_is_observed()
    {
        var e = new Expectations(_time);
        e.Expect("ns/x", adds: 2, deletes: 1);

        e.CreationObserved("ns/x");
        e.DeletionObserved("ns/x");
        Assert.False(e.Satisfied("ns/x"));

        e.CreationObserved("ns/x");
        Assert.True(e.Satisfied("ns/x"));
    }

    [Fact]
    public void Unmet_expectations_expire_after_five_minutes_so_a_lost_event_cannot_wedge_a_key()
    {
        var e = new Expectations(_time);
        e.Expect("ns/x", adds: 1);

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.False(e.Satisfied("ns/x"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(e.Satisfied("ns/x"));
    }

    [Fact]
    public void Delete_forgets_a_key()
    {
        var e = new Expectations(_time);
        e.Expect("ns/x", adds: 3);
        e.Delete("ns/x");
        Assert.True(e.Satisfied("ns/x"));
    }
}
