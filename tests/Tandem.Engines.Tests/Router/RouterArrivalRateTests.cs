using Microsoft.Extensions.Time.Testing;
using Tandem.Engines.Router;

namespace Tandem.Engines.Tests;

public class RouterArrivalRateTests
{
    [Fact]
    public void Arrival_rate_counts_prompt_tokens_of_the_last_window_per_second()
    {
        var time = new FakeTimeProvider();
        var tracker = new RouterLoadTracker(time);

        tracker.Update(m => m.Arrived(1000));
        time.Advance(TimeSpan.FromSeconds(1));
        tracker.Update(m => m.Arrived(500));

        Assert.Equal(1500 / RouterLoadTracker.RateWindow.TotalSeconds, tracker.Snapshot(1).PromptTokensPerSecond, 6);

        // The first arrival leaves the window; the second is still in it.
        time.Advance(RouterLoadTracker.RateWindow - TimeSpan.FromSeconds(0.5));
        Assert.Equal(500 / RouterLoadTracker.RateWindow.TotalSeconds, tracker.Snapshot(1).PromptTokensPerSecond, 6);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, tracker.Snapshot(1).PromptTokensPerSecond);
    }
}
