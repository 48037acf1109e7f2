using Tandem.Api.Seeds;

namespace Tandem.Scaling.Models;

/// <summary>
/// The seed models by name, with the numbers of their ModelProfiles (examples/models/*.yaml, embedded in Tandem.Api),
/// so the simulator runs without a cluster on the same numbers the mock engine emulates.
/// </summary>
public static class SeedModels
{
    private static readonly Lazy<ModelNumbers[]> All = new(() => SeedModelProfiles.All.Select(Numbers).ToArray());

    /// <summary>The names: llama2-7b, llama3-8b, mistral-24b, qwen-72b.</summary>
    public static IReadOnlyList<string> Names => All.Value.Select(m => m.Name).ToArray();

    /// <summary>The numbers of a seed model; <c>_</c> and <c>-</c> are interchangeable (the template writes <c>llama3_8b</c>).</summary>
    public static bool TryGet(string name, out ModelNumbers model)
    {
        var normal = name.Trim().Replace('_', '-').ToLowerInvariant();
        model = All.Value.FirstOrDefault(m => m.Name == normal)!;
        return model is not null;
    }

    /// <summary>The numbers of a seed model, or an error naming <paramref name="field"/> and the known names.</summary>
    public static ModelNumbers Get(string name, string field = "--model") =>
        TryGet(name, out var model)
            ? model
            : throw new ArgumentException($"{field}: unknown model '{name}'; known: {string.Join(", ", Names)}.");

    private static ModelNumbers Numbers(Tandem.Api.V1Alpha1.ModelProfile profile)
    {
        var numbers = ModelProfileNumbers.From(profile);
        numbers.Validate($"ModelProfile '{numbers.Name}'");
        return numbers;
    }
}
