using System.Net;

namespace Tandem.Emulator.Kubelet;

/// <summary>Hands out pod IPs from 127.0.0.0/8, starting at a configured address, reusing released ones; never 127.0.0.1.</summary>
public sealed class PodIpPool(IPAddress start)
{
    private readonly object _gate = new();
    private readonly HashSet<uint> _inUse = [];
    private readonly uint _first = ToUInt(start);
    private uint _next = ToUInt(start);

    public IPAddress Allocate()
    {
        lock (_gate)
        {
            const uint last = 0x7FFFFFFE; // 127.255.255.254
            for (long tries = 0; tries < last - _first; tries++)
            {
                var candidate = _next;
                _next = _next >= last ? _first : _next + 1;
                if ((candidate & 0xFF) is 0 or 255 || candidate == 0x7F000001 || !_inUse.Add(candidate)) continue;
                return FromUInt(candidate);
            }
            throw new InvalidOperationException("the pod IP range is exhausted");
        }
    }

    public void Release(IPAddress ip)
    {
        lock (_gate) _inUse.Remove(ToUInt(ip));
    }

    private static uint ToUInt(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }

    private static IPAddress FromUInt(uint v) => new([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
}
