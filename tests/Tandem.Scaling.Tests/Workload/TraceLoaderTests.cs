using Tandem.Scaling.Workload;

namespace Tandem.Scaling.Tests.Workload;

public class TraceLoaderTests
{
    [Fact]
    public void Shipped_conversation_window_loads_with_arrivals_from_zero_in_order()
    {
        var trace = TraceLoader.Load("AzureConv2023-5min");

        Assert.Equal(1445, trace.Count);
        Assert.Equal(0, trace[0].ArrivalSeconds);
        Assert.True(trace[^1].ArrivalSeconds < 300);
        Assert.All(trace.Zip(trace.Skip(1)), pair => Assert.True(pair.First.ArrivalSeconds <= pair.Second.ArrivalSeconds));
        Assert.Contains("AzureCode2023-5min", TraceLoader.EmbeddedNames);
    }

    [Fact]
    public void Window_in_seconds_keeps_requests_inside_and_rebases_to_zero()
    {
        var all = TraceLoader.Load("AzureConv2023-5min");
        var window = TraceLoader.Load("AzureConv2023-5min", TraceWindow.Parse("60:120"));

        Assert.Equal(all.Count(r => r.ArrivalSeconds is >= 60 and < 120), window.Count);
        Assert.Equal(0, window[0].ArrivalSeconds);
        Assert.True(window[^1].ArrivalSeconds < 60);
    }

    [Fact]
    public void Load_scale_two_halves_every_gap()
    {
        var one = TraceLoader.Load("AzureCode2023-5min", TraceWindow.Parse("#0:50"));
        var two = TraceLoader.Load("AzureCode2023-5min", TraceWindow.Parse("#0:50"), scale: 2);

        Assert.Equal(50, two.Count);
        Assert.Equal(one[^1].ArrivalSeconds / 2, two[^1].ArrivalSeconds, 9);
    }

    [Theory]
    [InlineData("300")]
    [InlineData("a:b")]
    [InlineData("10:5")]
    public void Bad_window_names_the_flag(string text)
    {
        var error = Assert.Throws<FormatException>(() => TraceWindow.Parse(text));
        Assert.Contains("--window", error.Message);
    }

    [Fact]
    public void Bad_row_names_the_line()
    {
        var csv = "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:47.0,x,1\n";
        var error = Assert.Throws<FormatException>(() => TraceLoader.Parse(new StringReader(csv), "t.csv"));
        Assert.Contains("t.csv:3", error.Message);
    }

    [Fact]
    public void Unknown_trace_names_the_shipped_ones()
    {
        var error = Assert.Throws<FileNotFoundException>(() => TraceLoader.Load("no-such-trace"));
        Assert.Contains("AzureConv2023-5min", error.Message);
    }
}
