namespace Tandem.Cli.CommandLine;

/// <summary>A mistake in the command line, reported as <c>error: message</c> with exit code 2 and no stack trace.</summary>
internal sealed class UsageException(string message) : Exception(message);
