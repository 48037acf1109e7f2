using System.Text.Json.Nodes;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Crds;

/// <summary>Admission of custom resources: a resource with a status subresource drops status on create, like the apiserver.</summary>
public sealed class CustomResourceAdmission : IStoreHook
{
    public void BeforeWrite(WriteContext c)
    {
        if (!c.Type.IsCustom) return;
        if (c.Operation == WriteOperation.Create && c.Type.HasStatus) c.Object.Remove("status");
    }

    public void AfterCommit(ResourceType type, JsonObject? old, JsonObject? current) { }
}
