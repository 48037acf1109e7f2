using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Tandem.Engines.Load;
using Tandem.Api.Schema;
using Tandem.Cli.CommandLine;
using Tandem.Scaling.Workload;

namespace Tandem.Cli.Commands;

/// <summary><c>tandem load</c>: replays a trace window or a fixed rate against an OpenAI-compatible endpoint and prints the stats table.</summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "Base URL of the OpenAI-compatible server (router, mock engine or vLLM), e.g. http://127.0.0.1:11236", Required = true };
        var trace = new Option<string?>("--trace") { Description = $"Trace CSV path or a shipped window ({string.Join(", ", TraceLoader.EmbeddedNames)})." };
        var window = new Option<string?>("--window") { Description = "Trace window START:END in seconds, or #FIRST:LAST in request indices." };
        var scale = new Option<double>("--scale") { Description = "Load scale: 2 doubles the trace's request rate.", DefaultValueFactory = _ => 1.0 };
        var rate = new Option<string?>("--rate") { Description = "Requests per second (Poisson arrivals), or 'inf' to send all at once." };
        var requests = new Option<int?>("--requests") { Description = "Number of requests at --rate." };
        var inputLen = new Option<int?>("--input-len") { Description = "Prompt length in tokens (words) at --rate." };
        var outputLen = new Option<int?>("--output-len") { Description = "Output length in tokens at --rate (sent as max_tokens with ignore_eos)." };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at most.", DefaultValueFactory = _ => 256 };
        var duration = new Option<string?>("--duration") { Description = "Stop sending new requests after this long (e.g. 60s, 5m); requests in flight finish." };
        var sloTtft = new Option<double?>("--slo-ttft") { Description = "TTFT target in ms (with --slo-tpot: report SLO attainment)." };
        var sloTpot = new Option<double?>("--slo-tpot") { Description = "TPOT target in ms (with --slo-ttft)." };
        var model = new Option<string?>("--model") { Description = "The model field sent (vLLM needs its served model name)." };
        var json = new Option<string?>("--json") { Description = "Write the stats as JSON to this file." };
        scale.Validators.Add(r => { if (r.GetValueOrDefault<double>() is not (> 0 and < double.PositiveInfinity)) r.AddError("--scale must be a positive number (2 doubles the request rate)."); });
        var command = new Command("load", "Replay a trace or a fixed request rate against an OpenAI-compatible endpoint and print the stats table.");
        foreach (var option in new Option[] { url, trace, window, scale, rate, requests, inputLen, outputLen, concurrency, duration, sloTtft, sloTpot, model, json })
        {
            command.Options.Add(option);
        }

        command.SetGuardedAction(async (parse, cancel) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var plan = Plan(parse, trace, window, scale, rate, requests, inputLen, outputLen);
            var slo = Slo(parse.GetValue(sloTtft), parse.GetValue(sloTpot));
            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
            {
                throw new UsageException($"--url: '{parse.GetValue(url)}' is not an http(s) URL.");
            }

            var slots = parse.GetValue(concurrency);
            if (slots < 1)
            {
                throw new UsageException($"--concurrency: must be >= 1 (got {slots}).");
            }

            var options = new LoadOptions
            {
                Url = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/"),
                Concurrency = slots,
                Duration = parse.GetValue(duration) is { } d ? ParseDuration(d) : null,
                Model = parse.GetValue(model),
            };
            var jsonPath = parse.GetValue(json) is { } given ? OutputPath.Check("--json", given) : null;

            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var outcomes = await new LoadGenerator(http).RunAsync(plan, options, cancel);
            var stats = RunStatsCalculator.Compute(outcomes, slo);
            var output = parse.InvocationConfiguration.Output;
            await output.WriteAsync(StatsTable.Render([("load", stats)]));
            foreach (var failure in outcomes.Where(o => o.Failed).Select(o => o.Error).Distinct().Take(3))
            {
                await error.WriteLineAsync("failed request: " + failure);
            }

            // A stream cut short is a failed request, never a short success: say how many were.
            var truncated = outcomes.Count(o => o.Error?.StartsWith(CompletionStreamJudge.TruncatedPrefix, StringComparison.Ordinal) == true);
            if (truncated > 0)
            {
                await error.WriteLineAsync($"{truncated} of {outcomes.Count} request(s) were cut short (counted as failed).");
            }

            if (jsonPath is not null)
            {
                await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(stats, StatsTable.JsonOptions), cancel);
                await output.WriteLineAsync($"json: {jsonPath}");
            }

            // A failed run when nothing got through: the endpoint is down or rejects everything.
            return outcomes.Count > 0 && stats.FailedRequests == outcomes.Count
                ? await CliErrors.FailAsync(parse, $"all {outcomes.Count} request(s) failed.", ExitCodes.Failed)
                : ExitCodes.Ok;
        });
        return command;
    }

    private static LoadPlan Plan(ParseResult parse, Option<string?> trace, Option<string?> window, Option<double> scale, Option<string?> rate, Option<int?> requests, Option<int?> inputLen, Option<int?> outputLen)
    {
        var traceName = parse.GetValue(trace);
        var rateText = parse.GetValue(rate);
        if ((traceName is null) == (rateText is null))
        {
            throw new ArgumentException("Give either --trace (with --window, --scale) or --rate with --requests, --input-len and --output-len.");
        }

        if (traceName is not null)
        {
            var fixedFlags = new (string Flag, object? Value)[] { ("--requests", parse.GetValue(requests)), ("--input-len", parse.GetValue(inputLen)), ("--output-len", parse.GetValue(outputLen)) };
            if (fixedFlags.FirstOrDefault(f => f.Value is not null) is { Flag: { } extra })
            {
                throw new ArgumentException($"{extra}: only goes with --rate, not with --trace.");
            }

            return LoadPlan.FromTrace(traceName, TraceWindow.Parse(parse.GetValue(window)), parse.GetValue(scale));
        }

        var perSecond = rateText!.Trim().ToLowerInvariant() is "inf" or "infinity"
            ? double.PositiveInfinity
            : double.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) ? r : throw new FormatException($"--rate: '{rateText}' is not a number or 'inf'.");
        return LoadPlan.FixedRate(
            perSecond,
            parse.GetValue(requests) ?? throw new ArgumentException("--requests: required with --rate."),
            parse.GetValue(inputLen) ?? throw new ArgumentException("--input-len: required with --rate."),
            parse.GetValue(outputLen) ?? throw new ArgumentException("--output-len: required with --rate."));
    }

    private static SloTargets? Slo(double? ttft, double? tpot)
    {
        if (ttft is null && tpot is null)
        {
            return null;
        }

        if (ttft is not > 0 || tpot is not > 0)
        {
            throw new ArgumentException("--slo-ttft and --slo-tpot: give both, each > 0 milliseconds.");
        }

        return new SloTargets(TimeSpan.FromMilliseconds(ttft.Value), TimeSpan.FromMilliseconds(tpot.Value));
    }

    private static TimeSpan ParseDuration(string text)
    {
        var value = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : GoDuration.Parse(text, "--duration");
        return value > TimeSpan.Zero ? value : throw new ArgumentException($"--duration: must be > 0 (got '{text}').");
    }
}
