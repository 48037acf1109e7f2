using System.Runtime.InteropServices;

namespace Tandem.Benchmarks.Reliability;

/// <summary>POSIX signals to a child process (Linux numbering): the ways an operator pod dies or stalls.</summary>
internal static class Signals
{
    public const int Term = 15;
    public const int Kill = 9;
    public const int Stop = 19;
    public const int Cont = 18;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process is already gone.</summary>
    public static bool Send(int pid, int signal) => SysKill(pid, signal) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);
}
