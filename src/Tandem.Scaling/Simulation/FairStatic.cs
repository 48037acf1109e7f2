using System.Globalization;
using Tandem.Scaling.Policies;
using Tandem.Scaling.Workload;

namespace Tandem.Scaling.Simulation;

/// <summary>The fair static fleet found for a run: its counts, its simulated run, and how many runs the search took.</summary>
public sealed record FairStaticFleet(int Prefill, int Decode, double Target, SimulationResult Result, int Runs)
{
    /// <summary>The policy name that reproduces this fleet (<c>static:P:D</c>).</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"static:{Prefill}:{Decode}");

    /// <summary>The fleet's attainment on the run.</summary>
    public double Attainment => Result.Stats().SloAttainment ?? 0;
}

/// <summary>
/// The fair static baseline: the smallest fixed prefill:decode fleet, without standby, that reaches the attainment
/// target on the same trace, model and SLO, found by simulating fixed fleets. Search: double an n:n fleet until it
/// reaches the target; with the other role at n, the fewest instances of each role that still reach it; from that
/// corner add the instance that raises attainment most until the target is met; then remove instances while the
/// target still holds. The result reaches the target and neither role can lose an instance without missing it.
/// </summary>
public static class FairStatic
{
    /// <summary>The largest fleet per role the search tries before it refuses with a message.</summary>
    public const int Limit = 512;

    /// <summary>Finds the fleet; throws an ArgumentException naming the target when no fleet up to <see cref="Limit"/> reaches it.</summary>
    public static FairStaticFleet Find(IReadOnlyList<TraceRequest> trace, SimulationOptions options, double target)
    {
        if (!(target > 0 && target <= 1))
        {
            throw new ArgumentException($"--target: attainment target must be in (0, 1] (got {target.ToString(CultureInfo.InvariantCulture)}).");
        }

        var runs = new Dictionary<(int, int), SimulationResult>();
        SimulationResult Run(int p, int d)
        {
            if (!runs.TryGetValue((p, d), out var result))
            {
                runs[(p, d)] = result = Simulator.Run(trace, new StaticPolicy(p, d), options);
            }

            return result;
        }

        double Attainment(int p, int d) => trace.Count == 0 ? 1 : Run(p, d).Stats().SloAttainment ?? 0;
        bool Reaches(int p, int d) => Attainment(p, d) >= target - 1e-12;

        var n = 1;
        while (!Reaches(n, n))
        {
            n *= 2;
            if (n > Limit)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"--target: no static fleet up to {Limit}:{Limit} reaches {target:P1} attainment ({Limit / 2}:{Limit / 2} reaches {Attainment(Limit / 2, Limit / 2):P1})."));
            }
        }

        var p = Smallest(n, k => Reaches(k, n));
        var d = Smallest(n, k => Reaches(n, k));
        while (!Reaches(p, d))
        {
            var (moreP, moreD) = (Attainment(p + 1, d), Attainment(p, d + 1));
            if (moreP >= moreD)
            {
                p++;
            }
            else
            {
                d++;
            }
        }

        while (true)
        {
            if (p > 1 && Reaches(p - 1, d))
            {
                p--;
            }
            else if (d > 1 && Reaches(p, d - 1))
            {
                d--;
            }
            else
            {
                break;
            }
        }

        return new FairStaticFleet(p, d, target, Run(p, d), runs.Count);
    }

    /// <summary>The smallest k in [1, max] with <paramref name="reaches"/> (assumed monotone; true at max).</summary>
    private static int Smallest(int max, Func<int, bool> reaches)
    {
        var (lo, hi) = (1, max);
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (reaches(mid))
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }
}
