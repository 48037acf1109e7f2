using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Tandem.Engines.Load;
using Tandem.Engines.Mock;
using Tandem.Engines.OpenAi;
using Tandem.Engines.Router;
using State = Tandem.Scaling.Lifecycle.InstanceState;

namespace Tandem.Engines.Tests.Router;

/// <summary>
/// An engine that accepts connections and then never answers (a SIGSTOPped process) holds no request forever: the
/// router gives up on it after <see cref="RouterOptions.EngineSilenceTimeout"/> and re-dispatches the request.
/// </summary>
public sealed class RouterSilentEngineTests
{
    [Fact]
    public async Task Requests_sent_to_a_silent_engine_are_re_dispatched_and_all_complete()
    {
        await using var silent = new SilentEngine();
        await using var healthy = await MockEngineServer.StartAsync(TestProfiles.Engine());
        // The router's clock moves only while the silent engine holds a connection (a request's leg, or the router
        // asking it for /v1/models): the router's deadlines for it then pass at once, and the healthy engine can never
        // look silent however slow a loaded machine makes its first answer.
        var routerTime = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var silenceTimeout = TimeSpan.FromMilliseconds(500);
        var pastSilentDeadlines = TimeSpan.FromSeconds(5); // > the silence timeout and the router's 2 s /v1/models question
        await using var router = await RouterServer.StartAsync(new RouterOptions
        {
            HttpPort = 0,
            ControlPort = 0,
            Policy = SelectionPolicy.RoundRobin,
            Seed = 1,
            QueueTimeout = TimeSpan.FromSeconds(30),
            EngineSilenceTimeout = silenceTimeout,
            StaticMembers = [new RouterMember("silent", silent.Address, null, State.Active), new RouterMember("healthy", healthy.HttpAddress, null, State.Active)],
            Time = routerTime,
        });

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var clock = Stopwatch.StartNew();
        var results = new List<Tandem.Engines.Load.CompletionResult>();
        for (var i = 0; i < 4; i++)
        {
            // One at a time: round robin alternates, so every other request goes to the silent engine first.
            var seen = silent.Accepted;
            var request = new StreamingCompletionClient(http).StreamAsync(router.HttpUri, PromptTokens.Build(20, "r" + i), 5, () => clock.Elapsed.TotalSeconds);
            while (!request.IsCompleted)
            {
                // Bounded by the HTTP client's timeout: the request completes (with an error at worst) within 60 s.
                if (silent.Accepted > seen)
                {
                    seen = silent.Accepted;
                    routerTime.Advance(pastSilentDeadlines);
                }

                await Task.WhenAny(request, Task.Delay(10));
            }

            results.Add(await request);
        }

        Assert.All(results, r => Assert.True(r.Ok, r.Error));
        Assert.All(results, r => Assert.Equal(5, r.TokenTimes.Count));
        Assert.Equal(4, healthy.Engine.AdmittedRequests);
        Assert.True(silent.Accepted >= 2, $"round robin sent two requests to the silent engine first (it accepted {silent.Accepted})");
    }

    /// <summary>Accepts TCP connections on 127.0.0.1 and never sends a byte.</summary>
    private sealed class SilentEngine : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> _held = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;

        public SilentEngine()
        {
            _listener.Start();
            _accepting = Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                        lock (_held)
                        {
                            _held.Add(client);
                        }
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    // Stopped.
                }
            });
        }

        public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public int Accepted
        {
            get { lock (_held) return _held.Count; }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            await _accepting;
            lock (_held)
            {
                _held.ForEach(c => c.Dispose());
            }

            _stop.Dispose();
        }
    }
}
