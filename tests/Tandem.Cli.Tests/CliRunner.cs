using System.CommandLine;
using Tandem.Cli.CommandLine;

namespace Tandem.Cli.Tests;

/// <summary>Runs `tandem` commands in-process through the program's entry point, capturing standard output and error.</summary>
internal static class CliRunner
{
    private static readonly SemaphoreSlim ConsoleLock = new(1, 1);

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        // Console is process-wide; tests that capture it take turns.
        await ConsoleLock.WaitAsync();
        var (stdout, stderr) = (Console.Out, Console.Error);
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();
            Console.SetOut(output);
            Console.SetError(error);
            var config = new InvocationConfiguration { Output = output, Error = error };
            var exit = await TandemProgram.InvokeAsync(args, config);
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            ConsoleLock.Release();
        }
    }
}
