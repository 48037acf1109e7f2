namespace Tandem.Testing;

/// <summary>
/// Waits on a condition with a deadline (never a fixed sleep): polls until it holds, else fails with what was awaited
/// (and, for <see cref="HoldsAsync{T}"/>, the last value seen).
/// </summary>
public static class Eventually
{
    /// <summary>The deadline of <see cref="TrueAsync"/> when the caller gives none.</summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(30);

    /// <summary>Polls a synchronous condition every few milliseconds until it is true.</summary>
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? DefaultDeadline);
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"timed out waiting for: {what}");
            }

            await Task.Delay(5, CancellationToken.None);
        }
    }

    /// <summary>Polls an asynchronous probe every 200 ms until its value meets the condition; returns that value.</summary>
    public static async Task<T> HoldsAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan deadline, string what)
    {
        var until = DateTime.UtcNow + deadline;
        T last = await probe();
        while (!condition(last))
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"{what} did not happen within {deadline.TotalSeconds:F0} s; last seen: {Describe(last)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
            last = await probe();
        }

        return last;
    }

    /// <summary>Polls a probe every 20 ms until it returns a value (not null); returns that value.</summary>
    public static async Task<T> Until<T>(Func<Task<T?>> probe, string what, int seconds = 30) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await probe();
            if (value is not null)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {seconds}s waiting for {what}");
            }

            await Task.Yield();
            await Task.Delay(20);
        }
    }

    /// <summary>Polls an asynchronous condition every 20 ms until it is true.</summary>
    public static async Task True(Func<Task<bool>> probe, string what, int seconds = 30) =>
        await Until<object>(async () => await probe() ? new object() : null, what, seconds);

    /// <summary>Polls a synchronous condition every 20 ms until it is true.</summary>
    public static Task True(Func<bool> probe, string what, int seconds = 30) => True(() => Task.FromResult(probe()), what, seconds);

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        System.Collections.IEnumerable items and not string => string.Join(", ", items.Cast<object?>()),
        _ => value.ToString() ?? "",
    };
}
