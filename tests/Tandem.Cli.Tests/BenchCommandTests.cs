using System.Text.Json.Nodes;
using Tandem.Cli.Commands;

namespace Tandem.Cli.Tests;

public sealed class BenchCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("tandem-bench-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static string Shipped => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../examples/bench/e2e-blitz.toml"));

    private string Template(string router, string extra = "")
    {
        var path = Path.Combine(dir, "sweep.toml");
        File.WriteAllText(path, $$"""
            [global]
            policy = "bounds"
            [selection]
            models = ["llama3_8b", "llama2-7b"]
            features = ["plain"]
            datasets = ["conv"]
            [router]
            {{router}}
            [features]
            plain = "ngrok,impl_blitz"
            [datasets.conv]
            dataset_path = "AzureConv2023-5min"
            time_in_secs = 20
            [models.llama3_8b]
            tokens_prefilled_per_sec = 12000
            tokens_transferred_per_sec = 60000
            num_available_blocks = 30000
            {{extra}}
            """);
        return path;
    }

    [Fact]
    public async Task Shipped_template_runs_in_simulation_and_archives_summary_json_and_csv()
    {
        var archive = Path.Combine(dir, "archive");

        var (code, output, error) = await SimCommandTests.Invoke(BenchCommand.Create(), "bench", Shipped, "--checkpoint", archive);

        Assert.True(code == 0, error);
        Assert.Contains("llama3_8b+blitz_ultra+AzureConv2023-5min", output);
        Assert.Contains("ratio to oracle", output);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(archive, "llama3_8b+blitz_ultra+AzureConv2023-5min", "summary.json")))!;
        Assert.True(summary["stats"]!["requests"]!.GetValue<int>() > 0);
        Assert.Equal("INFO", summary["run"]!["extraEnvs"]!["LOG_LEVEL"]!.GetValue<string>());
        var csv = File.ReadAllLines(Path.Combine(archive, "summary.csv"));
        Assert.Equal(2, csv.Length);
        Assert.StartsWith("run,model,features,dataset,policy,", csv[0]);
        Assert.Contains("sloAttainment", csv[0]);
    }

    [Fact]
    public async Task List_valued_router_keys_sweep_and_a_second_run_resumes_from_the_checkpoint()
    {
        var path = Template("max_prefill_num = [2, 4]\nmin_decode_num = 1");
        var archive = Path.Combine(dir, "archive");

        var first = await SimCommandTests.Invoke(BenchCommand.Create(), "bench", path, "--checkpoint", archive);
        Assert.True(first.Code == 0, first.Err);
        Assert.Equal(4, Directory.GetFiles(archive, "summary.json", SearchOption.AllDirectories).Length); // 2 models x 2 values
        Assert.True(File.Exists(Path.Combine(archive, "llama2-7b+plain+conv+max_prefill_num=4", "summary.json")));
        Assert.Equal(5, File.ReadAllLines(Path.Combine(archive, "summary.csv")).Length);

        var again = await SimCommandTests.Invoke(BenchCommand.Create(), "bench", path, "--checkpoint", archive);
        Assert.Equal(4, again.Out.Split("skipped (in checkpoint)").Length - 1);

        var forced = await SimCommandTests.Invoke(BenchCommand.Create(), "bench", path, "--checkpoint", archive, "--force");
        Assert.DoesNotContain("skipped", forced.Out);
    }

    [Fact]
    public async Task Dry_run_lists_the_runs_and_executes_none()
    {
        var path = Template("max_decode_num = [3, 5, 7]");
        var archive = Path.Combine(dir, "archive");

        var (code, output, error) = await SimCommandTests.Invoke(BenchCommand.Create(), "bench", path, "--checkpoint", archive, "--dry-run");

        Assert.True(code == 0, error);
        Assert.Contains("6 run(s)", output);
        Assert.Contains("llama3_8b+plain+conv+max_decode_num=7", output);
        Assert.False(Directory.Exists(archive));
    }

    [Fact]
    public async Task Color_flag_emits_ansi_escapes_and_plain_output_has_none()
    {
        var path = Template("max_decode_num = 3");

        var colored = await SimCommandTests.Invoke(BenchCommand.Create(), "bench", path, "--checkpoint", Path.Combine(dir, "a"), "--dry-run", "--color");
        var plain = await SimCommandTests.Invoke(BenchCommand.Create(), "bench", path, "--checkpoint", Path.Combine(dir, "a"), "--dry-run");

        Assert.Contains("\u001b[", colored.Out);
        Assert.DoesNotContain("\u001b[", plain.Out);
    }

    [Theory]
    [InlineData("max_prefill_num = \"lots\"", "", "[router] max_prefill_num: must be a number")]
    [InlineData("prefill_lower_bound = 0.9\nprefill_upper_bound = 0.5", "", "[router] prefill_lower_bound/prefill_upper_bound: must have 0 <= lower < upper")]
    [InlineData("warp_speed = 9", "", "[router] warp_speed: unknown key")]
    [InlineData("", "tokens_prefilled_per_sec = -1", "[models.llama3_8b] tokens_prefilled_per_sec: must be > 0")]
    [InlineData("", "[datasets.bad]\ndataset_path = \"nowhere.csv\"", "[datasets.bad] dataset_path: 'nowhere.csv' is neither a file")]
    public async Task Template_errors_name_the_section_and_key(string router, string extra, string message)
    {
        var (code, _, error) = await SimCommandTests.Invoke(BenchCommand.Create(), "bench", Template(router, extra), "--checkpoint", Path.Combine(dir, "a"));

        Assert.NotEqual(0, code);
        Assert.Contains(message, error);
    }
}
