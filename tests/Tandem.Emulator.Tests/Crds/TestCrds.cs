using System.Text.Json.Nodes;

namespace Tandem.Emulator.Tests.Crds;

/// <summary>A small CRD of the tests' own (Widget, short name `wd`), shaped like Tandem's EnginePool.</summary>
public static class TestCrds
{
    public const string WidgetsPath = "/apis/test.tandem.dev/v1/namespaces/default/widgets";

    public const string WidgetCrdYaml = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.test.tandem.dev
        spec:
          group: test.tandem.dev
          scope: Namespaced
          names:
            plural: widgets
            singular: widget
            kind: Widget
            shortNames: [wd]
            categories: [tandem]
          versions:
          - name: v1
            served: true
            storage: true
            subresources:
              status: {}
              scale:
                specReplicasPath: .spec.replicas
                statusReplicasPath: .status.replicas
                labelSelectorPath: .status.selector
            additionalPrinterColumns:
            - name: Desired
              type: integer
              jsonPath: .spec.replicas
            - name: Ready
              type: string
              jsonPath: .status.conditions[?(@.type=="Ready")].status
            - name: Age
              type: date
              jsonPath: .metadata.creationTimestamp
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    required: [size]
                    properties:
                      replicas: {type: integer, minimum: 0, default: 1}
                      size: {type: string, enum: [small, large]}
                      color: {type: string, default: blue}
                      tags:
                        type: array
                        items: {type: string}
                        x-kubernetes-list-type: set
                      slots:
                        type: array
                        items:
                          type: object
                          properties:
                            n: {type: integer}
                  status:
                    type: object
                    properties:
                      replicas: {type: integer}
                      selector: {type: string}
                      conditions:
                        type: array
                        items:
                          type: object
                          properties:
                            type: {type: string}
                            status: {type: string}
        """;

    public static JsonObject Widget(string name, int replicas = 1, string size = "small") => new()
    {
        ["apiVersion"] = "test.tandem.dev/v1", ["kind"] = "Widget",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject { ["replicas"] = replicas, ["size"] = size },
    };

    public static JsonObject WidgetCrd() => Tandem.Api.Serialization.YamlJson.ParseAll(WidgetCrdYaml).Single().AsObject();
}
