using Tandem.Benchmarks.Reliability;

namespace Tandem.Cli.Tests.EndToEnd;

/// <summary>
/// The reliability benchmark's reduced scenario set, through the same code as
/// <c>dotnet run -c Release --project tests/Tandem.Benchmarks -- reliability</c>: two leader-elected operator processes,
/// scale events under a checking load, SIGKILLs of the leader, API faults injected over HTTP and the refused hostile
/// specs. No request may fail or be cut short and no object may be orphaned.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class ReliabilityEndToEndTests
{
    [Fact]
    public async Task Reduced_reliability_run_loses_no_request_truncates_none_and_orphans_nothing()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var log = TextWriter.Synchronized(new StringWriter());

        var rows = await new ReliabilityRun(ReliabilityPlan.Ci, log).RunAsync(cancel.Token);

        var table = ReliabilityBenchmark.Render(rows) + log;
        Assert.All(rows, r => Assert.True(r.Passed && r.Failed == 0 && r.Truncated == 0 && r.Orphans == 0, table));
        Assert.True(rows.Sum(r => r.Requests) > 0, table);
        Assert.Contains(rows, r => r.Scenario.StartsWith("scale", StringComparison.Ordinal) && r.Events >= ReliabilityPlan.Ci.ScaleEvents);
        Assert.Contains(rows, r => r.Scenario.StartsWith("operator SIGKILL", StringComparison.Ordinal) && r.Events == ReliabilityPlan.Ci.OperatorKills);
        Assert.Contains(rows, r => r.Scenario.StartsWith("hostile", StringComparison.Ordinal) && r.Events > 10);
    }
}
