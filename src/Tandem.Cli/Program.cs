using System.CommandLine;
using Tandem.Cli.Commands;

// The one `tandem` program. Each command lives in Commands/<Name>Command.cs and is registered here.
var root = new RootCommand("Tandem: autoscaled, disaggregated LLM serving on Kubernetes.");
foreach (var command in CommandCatalog.All())
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync();
