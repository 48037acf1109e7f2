namespace Tandem.Emulator.Tests.Support;

/// <summary>Waits on a condition with a generous deadline (never a fixed sleep): polls, then fails with a message.</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T?>> probe, string what, int seconds = 30) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await probe();
            if (value is not null) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {seconds}s waiting for {what}");
            await Task.Yield();
            await Task.Delay(20);
        }
    }

    public static async Task True(Func<Task<bool>> probe, string what, int seconds = 30) =>
        await Until<object>(async () => await probe() ? new object() : null, what, seconds);

    public static Task True(Func<bool> probe, string what, int seconds = 30) => True(() => Task.FromResult(probe()), what, seconds);
}
