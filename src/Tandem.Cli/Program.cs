using Tandem.Cli.CommandLine;

// The one `tandem` program. Each command lives in Commands/<Name>Command.cs and is registered in CommandCatalog.
return await TandemProgram.InvokeAsync(args);
