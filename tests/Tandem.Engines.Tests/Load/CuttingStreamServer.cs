using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Tandem.Engines.Tests.Load;

/// <summary>How <see cref="CuttingStreamServer"/> ends each streamed completion.</summary>
public enum StreamEnding
{
    /// <summary>Every token, a finish_reason, usage, then [DONE].</summary>
    Complete,
    /// <summary>Three tokens, then the connection closes in the middle of the chunked body.</summary>
    Abort,
    /// <summary>Three tokens, then the response ends cleanly without finish_reason or [DONE].</summary>
    EndWithoutDone,
    /// <summary>Every token and [DONE], but no finish_reason.</summary>
    NoFinishReason,
    /// <summary>Finish and [DONE], but one token fewer than usage.completion_tokens says.</summary>
    MissingToken,
    /// <summary>Two tokens, then a chunk that is not JSON.</summary>
    BadChunk,
}

/// <summary>A loopback OpenAI-style streaming server that cuts its answers short in a chosen way.</summary>
internal sealed class CuttingStreamServer : IAsyncDisposable
{
    private readonly WebApplication? _app;
    private readonly TcpListener? _listener;
    private readonly Task? _accepting;

    private CuttingStreamServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    private CuttingStreamServer(TcpListener listener, Task accepting)
    {
        _listener = listener;
        _accepting = accepting;
        Url = new Uri($"http://{listener.LocalEndpoint}/");
    }

    public Uri Url { get; }

    public static async Task<CuttingStreamServer> StartAsync(StreamEnding ending, int tokens = 6)
    {
        if (ending == StreamEnding.Abort)
        {
            // Kestrel's Abort() may drop output not yet on the socket: a raw listener sends three chunks for sure, then closes mid-body.
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return new CuttingStreamServer(listener, AcceptAsync(listener));
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/v1/completions", async context =>
        {
            context.Response.ContentType = "text/event-stream";
            var sent = ending switch
            {
                StreamEnding.Abort or StreamEnding.EndWithoutDone => 3,
                StreamEnding.BadChunk => 2,
                StreamEnding.MissingToken => tokens - 1,
                _ => tokens,
            };
            for (var i = 0; i < sent; i++)
            {
                var finish = i == sent - 1 && ending is StreamEnding.Complete or StreamEnding.MissingToken ? "\"length\"" : "null";
                await context.Response.WriteAsync($"data: {{\"choices\":[{{\"index\":0,\"text\":\" w{i}\",\"finish_reason\":{finish}}}]}}\n\n");
                await context.Response.Body.FlushAsync();
            }

            switch (ending)
            {
                case StreamEnding.EndWithoutDone:
                    return;
                case StreamEnding.BadChunk:
                    await context.Response.WriteAsync("data: {\"choices\":[{\"text\n\n");
                    return;
            }

            await context.Response.WriteAsync($"data: {{\"choices\":[],\"usage\":{{\"prompt_tokens\":4,\"completion_tokens\":{tokens},\"total_tokens\":{tokens + 4}}}}}\n\n");
            await context.Response.WriteAsync("data: [DONE]\n\n");
        });
        await app.StartAsync();
        return new CuttingStreamServer(app, new Uri(app.Urls.First().TrimEnd('/') + "/"));
    }

    private static async Task AcceptAsync(TcpListener listener)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return; // stopped
            }

            _ = Task.Run(async () =>
            {
                using (socket)
                {
                    await using var stream = new NetworkStream(socket);
                    await ReadRequestAsync(stream);
                    var response = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
                    for (var i = 0; i < 3; i++)
                    {
                        var data = $"data: {{\"choices\":[{{\"index\":0,\"text\":\" w{i}\",\"finish_reason\":null}}]}}\n\n";
                        response.Append(Encoding.UTF8.GetByteCount(data).ToString("x")).Append("\r\n").Append(data).Append("\r\n");
                    }

                    await stream.WriteAsync(Encoding.UTF8.GetBytes(response.ToString()));
                    await stream.FlushAsync();
                    socket.Shutdown(SocketShutdown.Send);
                }
            });
        }
    }

    /// <summary>Reads the request head and its Content-Length body.</summary>
    private static async Task ReadRequestAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n') && await stream.ReadAsync(one) == 1)
        {
            head.Add(one[0]);
        }

        var length = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n")
            .Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)).Select(l => int.Parse(l[15..].Trim())).FirstOrDefault();
        await stream.ReadExactlyAsync(new byte[length]);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_listener is not null)
        {
            _listener.Stop();
            await _accepting!;
        }
    }
}
