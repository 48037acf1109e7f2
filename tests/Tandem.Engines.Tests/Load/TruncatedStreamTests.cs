using Tandem.Engines.Load;
using Tandem.Scaling.Workload;

namespace Tandem.Engines.Tests.Load;

/// <summary>A stream cut short counts as failed and truncated, however it was cut: the client judges the events, not only [DONE].</summary>
public sealed class TruncatedStreamTests
{
    [Fact]
    public async Task A_complete_stream_with_finish_reason_usage_and_done_is_ok()
    {
        await using var server = await CuttingStreamServer.StartAsync(StreamEnding.Complete, tokens: 6);
        using var http = new HttpClient();

        var result = await new StreamingCompletionClient(http).StreamAsync(server.Url, "a b c d", 6, () => 0);

        Assert.True(result.Ok, result.Error);
        Assert.False(result.Truncated);
        Assert.Equal(6, result.TokenTimes.Count);
        Assert.Equal("length", result.FinishReason);
    }

    [Theory]
    [InlineData(StreamEnding.Abort, "after 3 token(s)")]
    [InlineData(StreamEnding.EndWithoutDone, "without [DONE]")]
    [InlineData(StreamEnding.NoFinishReason, "no finish_reason")]
    [InlineData(StreamEnding.MissingToken, "usage.completion_tokens says 6")]
    [InlineData(StreamEnding.BadChunk, "bad SSE chunk")]
    public async Task A_stream_cut_short_is_failed_and_truncated(StreamEnding ending, string reason)
    {
        await using var server = await CuttingStreamServer.StartAsync(ending, tokens: 6);
        using var http = new HttpClient();

        var result = await new StreamingCompletionClient(http).StreamAsync(server.Url, "a b c d", 6, () => 0);

        Assert.False(result.Ok);
        Assert.True(result.Truncated, result.Error);
        Assert.StartsWith(CompletionStreamJudge.TruncatedPrefix, result.Error);
        Assert.Contains(reason, result.Error);
    }

    [Theory]
    [InlineData(StreamEnding.Abort)]
    [InlineData(StreamEnding.MissingToken)]
    public async Task The_load_generator_counts_every_cut_stream_as_a_failed_request(StreamEnding ending)
    {
        await using var server = await CuttingStreamServer.StartAsync(ending, tokens: 6);
        using var http = new HttpClient();

        var outcomes = await new LoadGenerator(http).RunAsync(LoadPlan.FixedRate(double.PositiveInfinity, 5, 4, 6), new LoadOptions { Url = server.Url, Concurrency = 2 });

        Assert.Equal(5, RunStatsCalculator.Compute(outcomes).FailedRequests);
        Assert.All(outcomes, o => Assert.StartsWith(CompletionStreamJudge.TruncatedPrefix, o.Error));
    }

    [Fact]
    public void The_judge_refuses_data_after_done_and_takes_chat_deltas()
    {
        var judge = new CompletionStreamJudge();

        Assert.Equal("hi", judge.Read("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}"));
        Assert.Null(judge.Read("[DONE]"));
        Assert.Null(judge.Verdict());
        Assert.Throws<CompletionStreamException>(() => judge.Read("{}"));
    }
}
