using System.CommandLine;

namespace Tandem.Cli.CommandLine;

/// <summary>
/// The one way <c>tandem</c> reports a problem: <c>error: ...</c> on standard error, exit code 2 for a user's mistake
/// (no stack trace) and 1 for a failed run. Command actions run through <see cref="SetGuardedAction"/>.
/// </summary>
internal static class CliErrors
{
    public const string Prefix = "error: ";

    /// <summary>Sets <paramref name="action"/> as the command's action; a user's mistake it throws becomes exit code 2.</summary>
    public static void SetGuardedAction(this Command command, Func<ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, cancel) =>
        {
            try
            {
                return await action(parse, cancel).ConfigureAwait(false);
            }
            catch (Exception error) when (IsUserMistake(error))
            {
                await WriteAsync(parse, Describe(error)).ConfigureAwait(false);
                return ExitCodes.Usage;
            }
        });

    /// <summary>Writes <c>error: message</c> and returns <paramref name="exitCode"/>.</summary>
    public static async Task<int> FailAsync(ParseResult parse, string message, int exitCode)
    {
        await WriteAsync(parse, message).ConfigureAwait(false);
        return exitCode;
    }

    /// <summary>Exceptions that mean the input is wrong, not the program: bad values, missing or unreadable files.</summary>
    public static bool IsUserMistake(Exception error) => error is UsageException or ArgumentException or FormatException
        or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or UnauthorizedAccessException;

    /// <summary>The message without .NET's "(Parameter 'x')" suffix, which names a C# parameter, not a flag.</summary>
    public static string Describe(Exception error)
    {
        var message = error.Message;
        if (error is ArgumentException { ParamName: { } name })
        {
            // ArgumentOutOfRangeException adds "Actual value was ..." on a second line; the message already says it.
            message = message.Split('\n')[0].Replace($" (Parameter '{name}')", "", StringComparison.Ordinal).TrimEnd();
        }

        return message;
    }

    private static Task WriteAsync(ParseResult parse, string message) =>
        parse.InvocationConfiguration.Error.WriteLineAsync(Prefix + message);
}
