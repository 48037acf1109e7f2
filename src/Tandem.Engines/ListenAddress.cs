using System.Globalization;
using System.Net;

namespace Tandem.Engines;

/// <summary>Parses a <c>--listen</c> value: an IP with an optional port (<c>127.0.0.5</c>, <c>127.0.0.5:8000</c>, <c>[::1]:8000</c>).</summary>
public static class ListenAddress
{
    public static (IPAddress Address, int Port) Parse(string text, int defaultPort, string flag = "--listen")
    {
        var value = text.Trim();
        if (IPAddress.TryParse(value, out var bare) && !value.Contains("]:", StringComparison.Ordinal) && (value.Count(c => c == ':') != 1))
        {
            return (bare, defaultPort);
        }

        var colon = value.LastIndexOf(':');
        if (colon > 0
            && IPAddress.TryParse(value[..colon].Trim('[', ']'), out var address)
            && int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && port is >= 0 and <= 65535)
        {
            return (address, port);
        }

        throw new FormatException($"{flag}: '{text}' is not an IP address with an optional port (e.g. 127.0.0.5 or 127.0.0.5:8000).");
    }
}
