using Tandem.Api.Docs;

namespace Tandem.Api.Tests.Docs;

public class ApiReferenceSyncTests
{
    [Fact]
    public void Committed_api_reference_matches_the_one_generated_from_the_csharp_types()
    {
        var onDisk = File.ReadAllText(RepositoryPaths.Combine(ApiReference.RepositoryPath.Split('/')));

        Assert.True(onDisk == ApiReference.Render(),
            $"{ApiReference.RepositoryPath} is stale: run `dotnet run --project src/Tandem.Cli -- docs --out $PWD/{ApiReference.RepositoryPath}` from the repository root and commit the result.");
    }

    [Fact]
    public void Rendering_twice_gives_the_same_text()
    {
        Assert.Equal(ApiReference.Render(), ApiReference.Render());
    }
}
