using Microsoft.AspNetCore.Builder;

namespace Tandem.Engines;

/// <summary>
/// <see cref="WebApplication.CreateSlimBuilder()"/> without watching appsettings files for changes. Tandem's servers
/// take their settings from flags, never from appsettings, and the emulator runs hundreds of them in one process:
/// each watcher would hold one of the user's inotify instances (128 by default on Linux), and the 129th server fails
/// to start.
/// </summary>
public static class SlimWebApplication
{
    public static WebApplicationBuilder CreateBuilder() =>
        WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
}
