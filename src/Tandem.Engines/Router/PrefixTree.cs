namespace Tandem.Engines.Router;

/// <summary>
/// A token-level prefix tree (radix-cache stand-in) recording which instances have seen which prompt prefixes. Small
/// and hand-written: the first <see cref="MaxDepth"/> tokens of each prompt are kept, and the whole tree is cleared
/// when it grows past <see cref="MaxNodes"/> (a coarse eviction that bounds memory). Not thread-safe; callers lock.
/// </summary>
public sealed class PrefixTree(int maxDepth = 512, int maxNodes = 200_000)
{
    private Node _root = new();
    private int _nodes;

    public int MaxDepth { get; } = maxDepth;

    public int MaxNodes { get; } = maxNodes;

    /// <summary>Records that <paramref name="instance"/> holds the KV of <paramref name="tokens"/>.</summary>
    public void Insert(IReadOnlyList<string> tokens, string instance)
    {
        if (_nodes + Math.Min(tokens.Count, MaxDepth) > MaxNodes)
        {
            _root = new Node();
            _nodes = 0;
        }

        var node = _root;
        for (var i = 0; i < tokens.Count && i < MaxDepth; i++)
        {
            if (!node.Children.TryGetValue(tokens[i], out var child))
            {
                child = new Node();
                node.Children[tokens[i]] = child;
                _nodes++;
            }

            child.Instances.Add(instance);
            node = child;
        }
    }

    /// <summary>For each of <paramref name="instances"/>, how many leading tokens of <paramref name="tokens"/> it has seen.</summary>
    public Dictionary<string, int> MatchLengths(IReadOnlyList<string> tokens, IEnumerable<string> instances)
    {
        var lengths = instances.ToDictionary(i => i, _ => 0, StringComparer.Ordinal);
        var node = _root;
        for (var depth = 0; depth < tokens.Count && node.Children.TryGetValue(tokens[depth], out var child); depth++)
        {
            foreach (var instance in child.Instances)
            {
                if (lengths.ContainsKey(instance))
                {
                    lengths[instance] = depth + 1;
                }
            }

            node = child;
        }

        return lengths;
    }

    private sealed class Node
    {
        public Dictionary<string, Node> Children { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Instances { get; } = new(StringComparer.Ordinal);
    }
}
