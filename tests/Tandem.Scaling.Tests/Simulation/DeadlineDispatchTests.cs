using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tandem.Scaling.Models;
using Tandem.Scaling.Policies;
using Tandem.Scaling.Simulation;
using Tandem.Scaling.Workload;

namespace Tandem.Scaling.Tests.Simulation;

/// <summary>Random queue operations: prompts (arrival gap ms, tokens) and the instants batches are taken.</summary>
public sealed record QueueScript(int[] GapsMs, int[] Tokens, int[] TakeEvery)
{
    public override string ToString() => $"gaps [{string.Join(",", GapsMs)}] tokens [{string.Join(",", Tokens)}] takes [{string.Join(",", TakeEvery)}]";
}

/// <summary>FsCheck generators for <see cref="QueueScript"/>.</summary>
public static class QueueScriptArbitrary
{
    public static Arbitrary<QueueScript> Scripts() => Arb.From(
        from n in Gen.Choose(1, 40)
        from gaps in Gen.ArrayOf(Gen.Choose(0, 400), n)
        from tokens in Gen.ArrayOf(Gen.Choose(1, 20_000), n)
        from takes in Gen.ArrayOf(Gen.Choose(1, 4), n)
        select new QueueScript(gaps, tokens, takes));
}

public class DeadlineDispatchTests
{
    private static readonly ModelNumbers Model = SeedModels.Get("llama3-8b");
    private static readonly SloTargets Slo = Model.DefaultSlo();

    private static double BatchSeconds(int tokens) => Model.ZeroLoadPrefillSeconds(tokens);

    [Property(Arbitrary = [typeof(QueueScriptArbitrary)], MaxTest = 300)]
    public bool Batches_take_the_earliest_deadlines_first_and_end_by_each_on_time_members_deadline(QueueScript script)
    {
        var queue = new PrefillQueue(DispatchOrder.Deadline);
        var waiting = new List<SimRequest>();
        var served = 0;
        var now = 0.0;
        for (var k = 0; k < script.GapsMs.Length; k++)
        {
            now += script.GapsMs[k] / 1000.0;
            var request = new SimRequest(now, script.Tokens[k], 2, now + Slo.TtftSecondsFor(script.Tokens[k]), k);
            queue.Add(request);
            waiting.Add(request);
            if (k % script.TakeEvery[k] != 0)
            {
                continue;
            }

            // Which prompts can still meet their deadline alone, before the batch is taken.
            var onTime = waiting.Where(r => now + BatchSeconds(r.Input) <= r.TtftDeadline + 1e-9).OrderBy(r => r.TtftDeadline).ThenBy(r => r.Seq).ToList();
            var batch = queue.TakeBatch(now, Model.MaxBatchTokens, BatchSeconds);
            served += batch.Count;
            waiting.RemoveAll(batch.Contains);
            var onTimeInBatch = batch.Where(onTime.Contains).ToList();
            // EDF: the batch's on-time prompts are the queue's earliest on-time deadlines, in order.
            if (!onTimeInBatch.SequenceEqual(onTime.Take(onTimeInBatch.Count)))
            {
                return false;
            }

            // A late prompt is served only when no on-time prompt waits.
            if (batch.Count > onTimeInBatch.Count && onTimeInBatch.Count < onTime.Count && onTimeInBatch.Count == 0)
            {
                return false;
            }

            // A batch of several ends by every on-time member's deadline.
            var end = now + BatchSeconds(batch.Sum(r => r.Input));
            if (batch.Count > 1 && onTimeInBatch.Any(r => end > r.TtftDeadline + 1e-9))
            {
                return false;
            }
        }

        while (queue.Count > 0)
        {
            served += queue.TakeBatch(now, Model.MaxBatchTokens, BatchSeconds).Count;
        }

        return served == script.GapsMs.Length && queue.Tokens == 0;
    }

    [Fact]
    public void A_short_prompt_is_not_batched_behind_a_long_one_that_arrived_first()
    {
        // One prefill instance busy until 0.11 s; a 12000-token prompt then a 1000-token prompt wait for it.
        var trace = new[] { new TraceRequest(0, 1200, 2), new TraceRequest(0.05, 12000, 2), new TraceRequest(0.06, 1000, 2) };
        var options = new SimulationOptions { Model = Model, Bounds = new ScalingBounds { Standby = new StandbySettings(0, TimeSpan.Zero) } };

        var fifo = Simulator.Run(trace, new StaticPolicy(1, 1), options with { Dispatch = DispatchOrder.Fifo });
        var edf = Simulator.Run(trace, new StaticPolicy(1, 1), options);

        var first = BatchSeconds(1200);
        Assert.Equal(first + BatchSeconds(13000), fifo.Outcomes[2].TokenTimes[0], 9);     // FIFO: one batch with the long prompt
        Assert.Equal(first + BatchSeconds(1000), edf.Outcomes[2].TokenTimes[0], 9);       // EDF: alone, first
        Assert.Equal(first + BatchSeconds(1000) + BatchSeconds(12000), edf.Outcomes[1].TokenTimes[0], 9);
        Assert.All(edf.Outcomes, o => Assert.True(o.Ttft <= Slo.TtftSecondsFor(o.InputTokens) + 1e-9));
        Assert.False(Slo.Attained(fifo.Outcomes[2]));
    }
}
