using System.Text.Json.Nodes;
using Tandem.Engines.Mock;
using Tandem.Engines.Router;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Engines.Tests.OpenAiSdk;

/// <summary>The official OpenAI Node SDK against the router (P/D and single-role) and the mock engine, all on loopback.</summary>
public sealed class OpenAiSdkTests
{
    public static TheoryData<string> Targets => new() { "router-pd", "router-plain", "engine" };

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task OpenAI_node_sdk_lists_models_chats_streams_usage_and_gets_400_for_n_and_404_for_unknown_model(string target)
    {
        await using var prefill = await MockEngineServer.StartAsync(TestProfiles.Engine(target == "router-pd" ? InstanceRole.Prefill : null));
        await using var decode = await MockEngineServer.StartAsync(TestProfiles.Engine(InstanceRole.Decode));
        RouterMember[] members = target == "router-pd"
            ? [new("p", prefill.HttpAddress, InstanceRole.Prefill, InstanceState.Active), new("d", decode.HttpAddress, InstanceRole.Decode, InstanceState.Active)]
            : [new("x", prefill.HttpAddress, null, InstanceState.Active)];
        await using var router = await RouterServer.StartAsync(new RouterOptions { HttpPort = 0, ControlPort = 0, StaticMembers = members });
        var model = TestProfiles.Fast.Name;

        var seen = await OpenAiSdk.CheckAsync(target == "engine" ? prefill.HttpUri : router.HttpUri, model);

        Assert.Equal([model], seen["models"]!.AsArray().Select(m => m!.GetValue<string>()));
        var chat = seen["chat"]!;
        Assert.Equal("chat.completion", chat["object"]!.GetValue<string>());
        Assert.Equal("assistant", chat["role"]!.GetValue<string>());
        Assert.Equal(" t0 t1 t2 t3 t4", chat["content"]!.GetValue<string>());
        Assert.Equal("length", chat["finish"]!.GetValue<string>());
        Assert.Equal(1, chat["choices"]!.GetValue<int>());
        // Two messages through the chat template: "<|system|> You are terse. <|user|> Say something. <|assistant|>".
        Assert.Equal(8, chat["usage"]!["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(5, chat["usage"]!["completion_tokens"]!.GetValue<int>());
        Assert.Equal(13, chat["usage"]!["total_tokens"]!.GetValue<int>());

        var stream = seen["chatStream"]!;
        Assert.Equal(" t0 t1 t2 t3", stream["content"]!.GetValue<string>());
        Assert.Equal("assistant", stream["role"]!.GetValue<string>());
        Assert.Equal("length", stream["finish"]!.GetValue<string>());
        Assert.Equal(1, stream["ids"]!.GetValue<int>());
        Assert.Equal(5, stream["chunks"]!.GetValue<int>()); // four tokens and the usage chunk
        Assert.Equal(8, stream["usage"]!["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(4, stream["usage"]!["completion_tokens"]!.GetValue<int>());

        Assert.Equal(" t0 t1 t2", seen["chatAccumulated"]!["content"]!.GetValue<string>());
        Assert.Equal("length", seen["chatAccumulated"]!["finish"]!.GetValue<string>());

        var completion = seen["completionStream"]!;
        Assert.Equal(" t0 t1 t2", completion["text"]!.GetValue<string>());
        Assert.Equal("length", completion["finish"]!.GetValue<string>());
        Assert.Equal(3, completion["usage"]!["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(3, completion["usage"]!["completion_tokens"]!.GetValue<int>());

        var errors = seen["errors"]!;
        AssertError(errors["n"], 400, "BadRequestError", "n");
        AssertError(errors["unknownModel"], 404, "NotFoundError", "model");
        AssertError(errors["noMessages"], 400, "BadRequestError", "messages");
    }

    private static void AssertError(JsonNode? error, int status, string type, string param)
    {
        Assert.Equal(status, error!["status"]!.GetValue<int>());
        Assert.Equal(type, error["type"]!.GetValue<string>());
        Assert.Equal(param, error["param"]!.GetValue<string>());
    }
}
