using Microsoft.Extensions.Logging;

namespace Tandem.Emulator;

/// <summary>Settings of an <see cref="EmulatedCluster"/>.</summary>
public sealed class EmulatedClusterOptions
{
    /// <summary>Loopback address the API server listens on (must be in 127.0.0.0/8).</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";
    /// <summary>0 picks a free port.</summary>
    public int Port { get; set; }
    /// <summary>Virtual nodes created at start.</summary>
    public int Nodes { get; set; } = 2;
    /// <summary>`nvidia.com/gpu` capacity of each virtual node.</summary>
    public int GpusPerNode { get; set; } = 8;
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
    /// <summary>Hook that starts a process or in-process server for each scheduled pod on its IP; null = pods run nothing.</summary>
    public IPodRuntime? PodRuntime { get; set; }
    /// <summary>How often a watch with allowWatchBookmarks gets a BOOKMARK.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>Change events kept for watch resume before the oldest half is compacted away.</summary>
    public int MaxHistory { get; set; } = 50_000;
    /// <summary>
    /// First pod IP; pods get consecutive addresses from here (never 127.0.0.1). Null (the default) picks 127.N.0.2 with
    /// N different for each cluster of the process (and varied by process id), so clusters running side by side in
    /// tests do not hand out the same pod IPs.
    /// </summary>
    public string? PodCidrStart { get; set; }

    private static int _clusters;

    internal string ResolvePodCidrStart()
    {
        if (PodCidrStart is not null) return PodCidrStart;
        var n = Interlocked.Increment(ref _clusters);
        var octet = 10 + (Environment.ProcessId * 37 + n) % 240;
        return $"127.{octet}.0.2";
    }
    /// <summary>Logs of the emulator itself; null = silent.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    internal void Validate()
    {
        if (!System.Net.IPAddress.TryParse(ListenAddress, out var ip) || !System.Net.IPAddress.IsLoopback(ip))
            throw new ArgumentException($"ListenAddress \"{ListenAddress}\" must be a loopback address (127.0.0.0/8)", nameof(ListenAddress));
        if (Port is < 0 or > 65535) throw new ArgumentException($"Port {Port} must be 0..65535", nameof(Port));
        if (Nodes < 0) throw new ArgumentException($"Nodes {Nodes} must be >= 0", nameof(Nodes));
        if (GpusPerNode < 0) throw new ArgumentException($"GpusPerNode {GpusPerNode} must be >= 0", nameof(GpusPerNode));
        if (BookmarkInterval <= TimeSpan.Zero) throw new ArgumentException("BookmarkInterval must be positive", nameof(BookmarkInterval));
        if (PodCidrStart is not null && (!System.Net.IPAddress.TryParse(PodCidrStart, out var pod) || pod.GetAddressBytes()[0] != 127 || PodCidrStart == "127.0.0.1"))
            throw new ArgumentException($"PodCidrStart \"{PodCidrStart}\" must be in 127.0.0.0/8 and not 127.0.0.1", nameof(PodCidrStart));
    }
}
