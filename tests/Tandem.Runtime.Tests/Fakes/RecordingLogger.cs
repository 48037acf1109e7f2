using Microsoft.Extensions.Logging;

namespace Tandem.Runtime.Tests.Fakes;

/// <summary>Keeps every log entry's level and message, so a test can pin what the runtime says and how loudly.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly List<(LogLevel Level, string Message, Exception? Error)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Message, Exception? Error)> Entries
    {
        get { lock (_entries) return [.. _entries]; }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries) _entries.Add((logLevel, formatter(state, exception), exception));
    }
}
