namespace Tandem.Cli.CommandLine;

/// <summary>What every <c>tandem</c> command returns: 0 done, 1 the run failed, 2 the command line (or a file it names) is wrong.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command ran and something in the run failed (a request, an endpoint, a deadline).</summary>
    public const int Failed = 1;

    /// <summary>The user's mistake: a bad flag value, a missing input file, an output path that cannot be written.</summary>
    public const int Usage = 2;
}
