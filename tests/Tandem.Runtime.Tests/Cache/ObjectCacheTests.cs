using k8s.Models;
using Tandem.Runtime.Cache;
using Tandem.Runtime.Tests.Fakes;

namespace Tandem.Runtime.Tests.Cache;

public sealed class ObjectCacheTests
{
    private readonly ObjectCache<V1Pod> _cache = new();

    public ObjectCacheTests()
    {
        _cache.Upsert(Objects.Pod("a", "p1", new Dictionary<string, string> { ["role"] = "decode" }, ownerUid: "rs-1"));
        _cache.Upsert(Objects.Pod("a", "p2", new Dictionary<string, string> { ["role"] = "prefill" }, ownerUid: "rs-1"));
        _cache.Upsert(Objects.Pod("b", "p1", new Dictionary<string, string> { ["role"] = "decode" }, ownerUid: "rs-2"));
    }

    [Fact]
    public void Get_finds_an_object_by_namespace_and_name()
    {
        Assert.Equal("uid-b-p1", _cache.Get("b", "p1")?.Metadata.Uid);
        Assert.Null(_cache.Get("c", "p1"));
    }

    [Fact]
    public void List_filters_by_namespace_and_label_selector()
    {
        Assert.Equal(3, _cache.List().Count);
        Assert.Equal(["p1", "p2"], _cache.List("a").Select(p => p.Metadata.Name).Order());
        Assert.Equal(["a", "b"], _cache.List(labelSelector: "role=decode").Select(p => p.Metadata.NamespaceProperty).Order());
        Assert.Equal(["p1"], _cache.List("b", "role in (decode)").Select(p => p.Metadata.Name));
        Assert.Empty(_cache.List("b", "role=prefill"));
    }

    [Fact]
    public void List_by_owner_uses_owner_reference_uids()
    {
        Assert.Equal(["a/p1", "a/p2"], _cache.ListByOwner("rs-1").Select(ObjectCache<V1Pod>.Key).Order());
        Assert.Empty(_cache.ListByOwner("nobody"));
    }

    [Fact]
    public void Updating_an_object_moves_it_between_label_index_entries()
    {
        var old = _cache.Upsert(Objects.Pod("a", "p1", new Dictionary<string, string> { ["role"] = "prefill" }, ownerUid: "rs-3", rv: "2"));

        Assert.Equal("1", old?.Metadata.ResourceVersion);
        Assert.Equal(["p1", "p2"], _cache.List("a", "role=prefill").Select(p => p.Metadata.Name).Order());
        Assert.Equal(["b"], _cache.List(labelSelector: "role=decode").Select(p => p.Metadata.NamespaceProperty));
        Assert.Single(_cache.ListByOwner("rs-1"));
        Assert.Single(_cache.ListByOwner("rs-3"));
    }

    [Fact]
    public void Remove_missing_drops_only_objects_in_scope_that_a_relist_no_longer_has()
    {
        var gone = _cache.RemoveMissing("a", [Objects.Pod("a", "p2")]);

        Assert.Equal(["a/p1"], gone.Select(ObjectCache<V1Pod>.Key));
        Assert.Equal(2, _cache.Count);
        Assert.NotNull(_cache.Get("b", "p1"));
        Assert.DoesNotContain(_cache.List(labelSelector: "role=decode"), p => p.Metadata.NamespaceProperty == "a");
    }

    [Fact]
    public async Task Wait_for_sync_completes_when_marked_synced()
    {
        Assert.False(_cache.HasSynced);
        var wait = _cache.WaitForSyncAsync(CancellationToken.None);
        _cache.MarkSynced();
        await wait.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(_cache.HasSynced);
    }
}
