using k8s.Models;
using Tandem.Runtime.Controllers;
using Tandem.Runtime.Helpers;
using Tandem.Runtime.Resources;
using Tandem.Runtime.Tests.Fakes;

namespace Tandem.Runtime.Tests.Controllers;

public sealed class UpdateFiltersTests
{
    private static V1Deployment Deployment(long generation) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = "d", NamespaceProperty = "ns", Generation = generation, Uid = "u" },
        Status = new V1DeploymentStatus { Replicas = 1 },
    };

    [Fact]
    public void A_status_only_change_is_filtered_out()
    {
        var old = Deployment(3);
        var changed = EntityCopy.Clone(old);
        changed.Status.Replicas = 2;
        Assert.False(UpdateFilters.SpecOrMetadataChanged(old, changed));
    }

    [Fact]
    public void Spec_label_finalizer_and_deletion_changes_pass()
    {
        var old = Deployment(3);
        Assert.True(UpdateFilters.SpecOrMetadataChanged(old, Deployment(4)));

        var labelled = EntityCopy.Clone(old);
        labelled.Metadata.Labels = new Dictionary<string, string> { ["x"] = "y" };
        Assert.True(UpdateFilters.SpecOrMetadataChanged(old, labelled));

        var finalized = EntityCopy.Clone(old);
        finalized.Metadata.Finalizers = ["serving.tandem.dev/cleanup"];
        Assert.True(UpdateFilters.SpecOrMetadataChanged(old, finalized));

        var deleting = EntityCopy.Clone(old);
        deleting.Metadata.DeletionTimestamp = DateTime.UtcNow;
        Assert.True(UpdateFilters.SpecOrMetadataChanged(old, deleting));
    }

    [Fact]
    public void Kinds_without_a_generation_always_pass()
    {
        var old = Objects.Pod("ns", "p");
        var changed = EntityCopy.Clone(old);
        changed.Status = new V1PodStatus { Phase = "Running" };
        Assert.True(UpdateFilters.SpecOrMetadataChanged(old, changed));
    }

    [Fact]
    public void A_child_maps_to_its_controlling_owner_of_the_owner_kind_only()
    {
        var pod = Objects.Pod("ns", "p");
        pod.Metadata.OwnerReferences =
        [
            new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "rs", Uid = "1", Controller = true },
            new V1OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "not-controller", Uid = "2", Controller = false },
        ];

        Assert.Equal([new ReconcileRequest("ns", "rs")], UpdateFilters.ControllerOwner(pod, ResourceType.Of<V1ReplicaSet>()));
        Assert.Empty(UpdateFilters.ControllerOwner(pod, ResourceType.Of<V1Deployment>()));
        Assert.Empty(UpdateFilters.ControllerOwner(pod, new ResourceType("other.group", "v1", "ReplicaSet", "replicasets")));
    }
}
