using Tandem.Engines.Load;
using Tandem.Engines.Mock;
using Tandem.Engines.OpenAi;

namespace Tandem.Engines.Tests.Mock;

/// <summary>The mock's hang switch (<c>POST /_mock/hang</c>): a hung engine answers nothing until <c>/_mock/resume</c>, as a stopped process.</summary>
public sealed class MockEngineHangTests
{
    [Fact]
    public async Task A_hung_engine_holds_requests_and_streams_until_resumed_then_serves_them_whole()
    {
        await using var engine = await MockEngineServer.StartAsync(TestProfiles.Engine());
        using var http = new HttpClient();

        (await http.PostAsync(new Uri(engine.HttpUri, "_mock/hang"), null)).EnsureSuccessStatusCode();
        var health = http.GetAsync(new Uri(engine.HttpUri, "health"));
        var completion = new StreamingCompletionClient(http).StreamAsync(engine.HttpUri, PromptTokens.Build(10), 5, () => 0);

        // A negative observation needs some time to pass; while hung nothing may answer, however long we look.
        var looked = Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Same(looked, await Task.WhenAny(health, completion, looked));
        Assert.True(engine.Engine.Hang.Hung);
        (await http.PostAsync(new Uri(engine.HttpUri, "_mock/resume"), null)).EnsureSuccessStatusCode();

        Assert.True((await health).IsSuccessStatusCode);
        var result = await completion;
        Assert.True(result.Ok, result.Error);
        Assert.Equal(5, result.TokenTimes.Count);
        Assert.False(engine.Engine.Hang.Hung);
    }
}
