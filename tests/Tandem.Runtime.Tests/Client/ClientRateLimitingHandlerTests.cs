using Microsoft.Extensions.Time.Testing;
using Tandem.Runtime.Client;
using Tandem.Runtime.Tests.Fakes;

namespace Tandem.Runtime.Tests.Client;

public sealed class ClientRateLimitingHandlerTests
{
    [Fact]
    public async Task A_burst_passes_at_once_and_further_requests_wait_for_the_qps_refill()
    {
        var time = new FakeTimeProvider();
        var inner = new CountingHandler();
        using var client = new HttpClient(new ClientRateLimitingHandler(qps: 10, burst: 2, time) { InnerHandler = inner });

        var requests = Enumerable.Range(0, 4).Select(_ => client.GetAsync("http://127.0.0.1/")).ToList();
        await Eventually.TrueAsync(() => inner.Count == 2, "the burst");
        Assert.False(requests[2].IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(100));
        await Eventually.TrueAsync(() => inner.Count == 3, "one more after 100 ms at 10 qps");
        time.Advance(TimeSpan.FromMilliseconds(100));
        await Task.WhenAll(requests).WaitAsync(Eventually.DefaultDeadline);
        Assert.Equal(4, inner.Count);
    }

    private sealed class CountingHandler : HttpMessageHandler
    {
        private int _count;
        public int Count => Volatile.Read(ref _count);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        }
    }
}
