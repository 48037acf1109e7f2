namespace Tandem.Cli.Tests.EndToEnd;

/// <summary>A small, fast model and deployment for end-to-end tests: short timers so scaling shows within seconds.</summary>
internal static class TestDeployments
{
    public const string Profile = """
        apiVersion: serving.tandem.dev/v1alpha1
        kind: ModelProfile
        metadata:
          name: tiny
        spec:
          source: {uri: hf://example/tiny}
          tensorParallelSize: 1
          numHiddenLayers: 4
          kvCacheBlocks: 64
          throughput: {prefillTokensPerSecond: 4000, transferTokensPerSecond: 200000, decodeStepMillis: 5, decodeStepMillisPerRequest: 0.1}
          loadTime: {storage: 400ms, hostCache: 150ms, peer: 150ms}
        """;

    public static string Deployment(string name = "chat", string mode = "operator", int prefillMax = 3, int decodeMax = 3, string features = "[fast-load]", int standby = 1) => $$$"""
        apiVersion: serving.tandem.dev/v1alpha1
        kind: InferenceDeployment
        metadata:
          name: {{{name}}}
        spec:
          model: tiny
          features: {{{features}}}
          engine: {adapter: mock}
          scaling:
            mode: {{{mode}}}
            interval: 200ms
            prefill: {min: 1, max: {{{prefillMax}}}, utilization: {lower: 0.05, upper: 0.3}}
            decode: {min: 1, max: {{{decodeMax}}}, utilization: {lower: 0.2, upper: 0.7}}
            migration: {lower: 0, upper: 0.4}
            scaleDownDelay: 1s
            standby: {replicas: {{{standby}}}, idleTimeout: 2s}
        """;
}
