namespace Tandem.Emulator.Storage;

/// <summary>The built-in kinds the emulator serves as generic JSON objects (what the operator, kubectl and helm use).</summary>
public static class BuiltinResources
{
    private static readonly ResourceType CoreEvents = new("", "v1", "events", "event", "Event", true) { ShortNames = ["ev"] };

    private static readonly ScaleMapping WorkloadScale = new(".spec.replicas", ".status.replicas", ".spec.selector");

    public static IEnumerable<ResourceType> All()
    {
        // core/v1
        yield return new("", "v1", "namespaces", "namespace", "Namespace", false) { ShortNames = ["ns"], HasStatus = true };
        yield return new("", "v1", "nodes", "node", "Node", false) { ShortNames = ["no"], HasStatus = true };
        yield return new("", "v1", "pods", "pod", "Pod", true) { ShortNames = ["po"], Categories = ["all"], HasStatus = true };
        yield return new("", "v1", "services", "service", "Service", true) { ShortNames = ["svc"], Categories = ["all"], HasStatus = true };
        yield return new("", "v1", "endpoints", "endpoints", "Endpoints", true) { ShortNames = ["ep"] };
        yield return new("", "v1", "configmaps", "configmap", "ConfigMap", true) { ShortNames = ["cm"] };
        yield return new("", "v1", "secrets", "secret", "Secret", true);
        yield return new("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true) { ShortNames = ["sa"] };
        yield return CoreEvents;
        yield return new("", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true) { ShortNames = ["pvc"], HasStatus = true };
        yield return new("", "v1", "resourcequotas", "resourcequota", "ResourceQuota", true) { ShortNames = ["quota"], HasStatus = true };
        yield return new("", "v1", "limitranges", "limitrange", "LimitRange", true) { ShortNames = ["limits"] };
        // apps/v1
        yield return new("apps", "v1", "deployments", "deployment", "Deployment", true) { ShortNames = ["deploy"], Categories = ["all"], HasStatus = true, Scale = WorkloadScale };
        yield return new("apps", "v1", "statefulsets", "statefulset", "StatefulSet", true) { ShortNames = ["sts"], Categories = ["all"], HasStatus = true, Scale = WorkloadScale };
        yield return new("apps", "v1", "replicasets", "replicaset", "ReplicaSet", true) { ShortNames = ["rs"], Categories = ["all"], HasStatus = true, Scale = WorkloadScale };
        yield return new("apps", "v1", "daemonsets", "daemonset", "DaemonSet", true) { ShortNames = ["ds"], Categories = ["all"], HasStatus = true };
        yield return new("apps", "v1", "controllerrevisions", "controllerrevision", "ControllerRevision", true);
        // batch/v1
        yield return new("batch", "v1", "jobs", "job", "Job", true) { Categories = ["all"], HasStatus = true };
        yield return new("batch", "v1", "cronjobs", "cronjob", "CronJob", true) { ShortNames = ["cj"], Categories = ["all"], HasStatus = true };
        // autoscaling/v2
        yield return new("autoscaling", "v2", "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", true) { ShortNames = ["hpa"], Categories = ["all"], HasStatus = true };
        // coordination, events, policy, discovery, networking
        yield return new("coordination.k8s.io", "v1", "leases", "lease", "Lease", true);
        yield return new("events.k8s.io", "v1", "events", "event", "Event", true)
        {
            ShortNames = ["ev"], StorageType = CoreEvents, ToStorage = EventConversion.ToCore, FromStorage = EventConversion.FromCore,
        };
        yield return new("policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", true) { ShortNames = ["pdb"], HasStatus = true };
        yield return new("discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true);
        yield return new("networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", true) { ShortNames = ["ing"], HasStatus = true };
        yield return new("networking.k8s.io", "v1", "networkpolicies", "networkpolicy", "NetworkPolicy", true) { ShortNames = ["netpol"] };
        // rbac
        yield return new("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true);
        yield return new("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true);
        yield return new("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false);
        yield return new("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false);
        // scheduling, CRDs
        yield return new("scheduling.k8s.io", "v1", "priorityclasses", "priorityclass", "PriorityClass", false) { ShortNames = ["pc"] };
        yield return new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false) { ShortNames = ["crd", "crds"], HasStatus = true };
    }
}
