using System.Net;
using System.Net.Sockets;

namespace Tandem.Operator.Tests.Autoscaling;

/// <summary>
/// A TCP proxy on a loopback address in front of one engine; <see cref="Freeze"/> makes it behave like an engine
/// process stopped with SIGSTOP: connections stay open, bytes stop moving both ways, nothing is refused or reset.
/// </summary>
internal sealed class FreezableProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private volatile TaskCompletionSource _thawed = Thawed();
    private readonly Task _accepting;

    public FreezableProxy(IPEndPoint listen, IPEndPoint upstream)
    {
        _upstream = upstream;
        _listener = new TcpListener(listen);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Bytes stop moving (in flight ones stay where they are) until <see cref="Thaw"/>.</summary>
    public void Freeze() => _thawed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Thaw() => _thawed.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        Thaw();
        _listener.Stop();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }

        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private static TaskCompletionSource Thawed()
    {
        var thawed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        thawed.SetResult();
        return thawed;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var server = new TcpClient();
            await server.ConnectAsync(_upstream, _stop.Token);
            lock (_connections)
            {
                _connections.Add(client);
                _connections.Add(server);
            }

            _ = PumpAsync(client.GetStream(), server.GetStream());
            _ = PumpAsync(server.GetStream(), client.GetStream());
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await _thawed.Task;
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                await _thawed.Task;
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // A side closed, or the proxy stopped.
        }
    }
}
