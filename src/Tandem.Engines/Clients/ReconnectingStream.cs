using System.Runtime.CompilerServices;
using Grpc.Core;

namespace Tandem.Engines.Clients;

/// <summary>
/// Reads a gRPC server stream forever: when it breaks or ends, waits a backoff (reset by every message) and opens it
/// again, until the caller cancels. Reconnect errors go to <paramref name="onError"/> rather than ending the read.
/// </summary>
internal static class ReconnectingStream
{
    public static async IAsyncEnumerable<T> ReadAsync<T>(
        Func<CancellationToken, AsyncServerStreamingCall<T>> open,
        ControlClientOptions options,
        Action<Exception>? onError,
        [EnumeratorCancellation] CancellationToken cancel)
    {
        var failures = 0;
        while (!cancel.IsCancellationRequested)
        {
            using var call = open(cancel);
            while (true)
            {
                bool more;
                Exception? broke = null;
                try
                {
                    more = await call.ResponseStream.MoveNext(cancel).ConfigureAwait(false);
                }
                catch (RpcException e) when (!cancel.IsCancellationRequested)
                {
                    more = false;
                    broke = e;
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                    yield break;
                }
                catch (RpcException) when (cancel.IsCancellationRequested)
                {
                    yield break;
                }

                if (!more)
                {
                    failures++;
                    onError?.Invoke(broke ?? new RpcException(new Status(StatusCode.Unavailable, "The stream ended.")));
                    break;
                }

                failures = 0;
                yield return call.ResponseStream.Current;
            }

            try
            {
                await Task.Delay(ControlRetry.Backoff(options, failures), options.Time, cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }
}
