namespace Tandem.Cli.CommandLine;

/// <summary>How the serving commands (engine, router, cluster up) wait: until Ctrl-C, or a test's token, cancels.</summary>
internal static class Serving
{
    public static async Task UntilCancelledAsync(CancellationToken cancel)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Interrupted: stop serving.
        }
    }
}
