namespace Tandem.Cli.Tests.EndToEnd;

/// <summary>Waits on a condition with a deadline (never a fixed sleep): polls until it holds or the deadline passes.</summary>
internal static class Eventually
{
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

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        System.Collections.IEnumerable items and not string => string.Join(", ", items.Cast<object?>()),
        _ => value.ToString() ?? "",
    };
}
