namespace Tandem.Cli.Tests.Chart;

/// <summary>The chart grants the operator exactly the verbs and resources it uses, cluster-wide or per namespace.</summary>
public class ChartRbacTests
{
    private const string Group = "serving.tandem.dev";

    // What the operator touches (issue 8): the single list the chart must match, grant for grant.
    private static readonly SortedSet<string> OperatorGrants = new(
        RbacRules.All(Group, ["modelprofiles", "inferencedeployments", "enginepools"], "get", "list", "watch")
            .Concat(RbacRules.All(Group, ["inferencedeployments", "enginepools"], "update", "patch"))
            .Concat(RbacRules.All(Group, ["enginepools"], "create", "delete"))
            .Concat(RbacRules.All(Group, ["inferencedeployments/status", "enginepools/status"], "get", "update", "patch"))
            .Concat(RbacRules.All(Group, ["enginepools/scale"], "get", "update", "patch"))
            .Concat(RbacRules.All(Group, ["inferencedeployments/finalizers"], "update"))
            .Concat(RbacRules.All("", ["pods"], "get", "list", "watch", "create", "delete", "patch", "update"))
            .Concat(RbacRules.All("", ["services"], "get", "list", "watch", "create", "update", "patch", "delete"))
            .Concat(RbacRules.All("", ["events"], "create", "patch"))
            .Concat(RbacRules.All("apps", ["deployments"], "get", "list", "watch", "create", "update", "patch", "delete"))
            .Concat(RbacRules.All("events.k8s.io", ["events"], "create", "patch"))
            .Concat(RbacRules.All("discovery.k8s.io", ["endpointslices"], "get", "list", "watch"))
            .Concat(RbacRules.All("", ["secrets"], "get", "create", "update"))
            .Concat(RbacRules.All("networking.k8s.io", ["networkpolicies"], "get", "list", "watch", "create", "update", "patch", "delete")),
        StringComparer.Ordinal);

    private static readonly SortedSet<string> LeaseGrants = new(RbacRules.All("coordination.k8s.io", ["leases"], "get", "create", "update"), StringComparer.Ordinal);

    [Fact]
    public async Task Cluster_mode_grants_exactly_the_operator_rules_through_one_cluster_role()
    {
        var chart = await RenderedChart.RenderAsync();

        var role = chart.Single("ClusterRole", "tandem");
        Assert.Equal(OperatorGrants, RbacRules.Grants(role["rules"]));
        var binding = chart.Single("ClusterRoleBinding", "tandem");
        Assert.Equal("ClusterRole", (string)binding["roleRef"]!["kind"]!);
        Assert.Equal("tandem", (string)binding["roleRef"]!["name"]!);
        AssertBindsOperatorServiceAccount(binding);
        Assert.DoesNotContain(chart.OfKind("Role"), r => RenderedChart.Name(r) == "tandem");
    }

    [Fact]
    public async Task Leader_election_gets_only_lease_rules_in_the_release_namespace()
    {
        var chart = await RenderedChart.RenderAsync();

        var role = chart.Single("Role", "tandem-leader-election");
        Assert.Equal(RenderedChart.Namespace, RenderedChart.NamespaceOf(role));
        Assert.Equal(LeaseGrants, RbacRules.Grants(role["rules"]));
        var binding = chart.Single("RoleBinding", "tandem-leader-election");
        Assert.Equal(RenderedChart.Namespace, RenderedChart.NamespaceOf(binding));
        Assert.Equal("tandem-leader-election", (string)binding["roleRef"]!["name"]!);
        AssertBindsOperatorServiceAccount(binding);
    }

    [Fact]
    public async Task Namespace_scoped_mode_renders_a_role_per_watched_namespace_and_no_cluster_role()
    {
        var chart = await RenderedChart.RenderAsync("watchNamespaces={team-a,team-b}");

        // Only the ClusterRoles that aggregate into the built-in edit/view roles; nothing bound to the operator.
        Assert.Equal(["tandem-edit", "tandem-view"], chart.OfKind("ClusterRole").Select(RenderedChart.Name).Order(StringComparer.Ordinal));
        Assert.Empty(chart.OfKind("ClusterRoleBinding"));
        foreach (var ns in new[] { "team-a", "team-b" })
        {
            var role = Assert.Single(chart.OfKind("Role"), r => RenderedChart.NamespaceOf(r) == ns);
            Assert.Equal(OperatorGrants, RbacRules.Grants(role["rules"]));
            var binding = Assert.Single(chart.OfKind("RoleBinding"), b => RenderedChart.NamespaceOf(b) == ns);
            Assert.Equal(("Role", RenderedChart.Name(role)), ((string)binding["roleRef"]!["kind"]!, (string)binding["roleRef"]!["name"]!));
            AssertBindsOperatorServiceAccount(binding);
        }

        // In the release namespace: the lease Role, and the control-plane CA Secret's Role; nothing else.
        var inRelease = chart.OfKind("Role").Where(r => RenderedChart.NamespaceOf(r) == RenderedChart.Namespace).ToDictionary(RenderedChart.Name);
        Assert.Equal(["tandem-control-ca", "tandem-leader-election"], inRelease.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(LeaseGrants, RbacRules.Grants(inRelease["tandem-leader-election"]["rules"]));
        Assert.Equal(new SortedSet<string>(RbacRules.All("", ["secrets"], "get", "create", "update"), StringComparer.Ordinal), RbacRules.Grants(inRelease["tandem-control-ca"]["rules"]));
        AssertBindsOperatorServiceAccount(chart.Single("RoleBinding", "tandem-control-ca"));
        var args = chart.OperatorArgs();
        Assert.Equal(["--namespace", "team-a", "--namespace", "team-b"], args.SkipWhile(a => a != "--namespace").ToArray());
    }

    [Fact]
    public async Task Status_and_scale_rules_name_subresources_the_crds_declare()
    {
        var chart = await RenderedChart.RenderAsync();
        var crds = chart.OfKind("CustomResourceDefinition").ToDictionary(c => (string)c["spec"]!["names"]!["plural"]!);

        // finalizers is RBAC's own subresource (OwnerReferencesPermissionEnforcement checks it), not a CRD one.
        var subresourceGrants = RbacRules.Grants(chart.Single("ClusterRole", "tandem")["rules"]).Select(g => g.Split(' '))
            .Where(g => g[0] == Group && g[1].Contains('/') && !g[1].EndsWith("/finalizers", StringComparison.Ordinal));
        foreach (var grant in subresourceGrants)
        {
            var (plural, subresource) = (grant[1].Split('/')[0], grant[1].Split('/')[1]);
            var version = Assert.Single(crds[plural]["spec"]!["versions"]!.AsArray());
            Assert.True(version!["subresources"]?[subresource] is not null, $"{grant[1]} is granted but {plural} has no {subresource} subresource");
        }
    }

    [Fact]
    public async Task No_rule_uses_a_wildcard()
    {
        var chart = await RenderedChart.RenderAsync("watchNamespaces={team-a}");
        var rules = chart.OfKind("Role").Concat(chart.OfKind("ClusterRole")).SelectMany(r => RbacRules.Grants(r["rules"]));

        Assert.DoesNotContain(rules, g => g.Contains('*'));
    }

    [Fact]
    public async Task Rbac_create_false_renders_no_roles_or_bindings()
    {
        var chart = await RenderedChart.RenderAsync("rbac.create=false");

        Assert.DoesNotContain(chart.Objects, o => RenderedChart.Kind(o) is "ClusterRole" or "ClusterRoleBinding" or "Role" or "RoleBinding");
        Assert.Single(chart.OfKind("Deployment"));
    }

    private static void AssertBindsOperatorServiceAccount(System.Text.Json.Nodes.JsonNode binding)
    {
        var subject = Assert.Single(binding["subjects"]!.AsArray())!;
        Assert.Equal("ServiceAccount", (string)subject["kind"]!);
        Assert.Equal("tandem", (string)subject["name"]!);
        Assert.Equal(RenderedChart.Namespace, (string)subject["namespace"]!);
    }
}
