using Tandem.Cli.Embedded;

namespace Tandem.Cli.Tests.EndToEnd;

/// <summary>The embedded stack cleans up after itself: what the demo and the end-to-end tests start leaves nothing behind.</summary>
[Collection(EndToEndCollection.Name)]
public class EmbeddedStackTests
{
    [Fact]
    public async Task The_temporary_kubeconfig_folder_is_deleted_when_the_stack_is_disposed()
    {
        var stack = await EmbeddedStack.StartAsync(new EmbeddedStackOptions { Nodes = 1, GpusPerNode = 1 });
        var folder = Path.GetDirectoryName(stack.KubeconfigPath)!;
        var existedWhileRunning = File.Exists(stack.KubeconfigPath);

        await stack.DisposeAsync();

        Assert.True(existedWhileRunning);
        Assert.False(Directory.Exists(folder));
    }
}
