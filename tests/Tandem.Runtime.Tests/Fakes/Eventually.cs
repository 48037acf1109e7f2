namespace Tandem.Runtime.Tests.Fakes;

/// <summary>Waits for a condition with a generous deadline (never a fixed sleep), failing with what was awaited.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(30);

    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? DefaultDeadline);
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"timed out waiting for: {what}");
            await Task.Delay(10);
        }
    }
}
