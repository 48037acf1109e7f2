using Tandem.Engines.Contract.V1;

namespace Tandem.Engines.Clients;

/// <summary>Builds the <see cref="WeightSource"/> of an Activate call.</summary>
public static class WeightSources
{
    public static WeightSource Storage(string uri = "") => new() { Storage = new WeightSource.Types.Storage { Uri = uri } };

    public static WeightSource HostCache() => new() { HostCache = new WeightSource.Types.HostCache() };

    /// <summary>Weights from a running peer at <paramref name="address"/> (host:port), the <c>fast-load</c> feature.</summary>
    public static WeightSource Peer(string address) => new() { Peer = new WeightSource.Types.Peer { Address = address } };
}
