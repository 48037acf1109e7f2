using Tandem.Runtime.Queue;

namespace Tandem.Runtime.Tests.Queue;

public sealed class ExponentialBackoffTests
{
    [Theory]
    [InlineData(0, 0.005)]
    [InlineData(1, 0.010)]
    [InlineData(10, 5.12)]
    [InlineData(17, 655.36)]
    [InlineData(18, 1000)]
    [InlineData(500, 1000)]
    public void Default_backoff_doubles_from_five_milliseconds_and_caps_at_1000_seconds(int failures, double seconds)
    {
        Assert.Equal(seconds, ExponentialBackoff.Default.Delay(failures).TotalSeconds, 6);
    }

    [Fact]
    public void Negative_failure_counts_are_rejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ExponentialBackoff.Default.Delay(-1));
        Assert.Equal("failures", e.ParamName);
    }
}
