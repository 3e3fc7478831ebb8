using System.Diagnostics;
using InfantCry.Audio.Tests.Support;

namespace InfantCry.Cli.Tests;

/// <summary>The exit code and the two output streams of one run of the <c>infantcry</c> program.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// Runs the built <c>infantcry</c> (copied beside the tests by the project reference) in a child process with
/// <c>dotnet exec</c>, as a user would: arguments, environment, exit code, stdout and stderr are all real.
/// </summary>
public static class CliRunner
{
    /// <summary>A generous bound for one command; a hang fails the test instead of stalling the run.</summary>
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(5);

    /// <summary>This run's scratch root under the system temp folder, deleted by <see cref="CliTestRun"/> at the end.</summary>
    internal static readonly string ScratchRoot = Path.Combine(Path.GetTempPath(), "infantcry-cli-tests", Guid.NewGuid().ToString("N"));

    /// <summary>A new empty folder under <see cref="ScratchRoot"/>.</summary>
    public static string TempDir()
    {
        string dir = Path.Combine(ScratchRoot, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static CliRun Run(params string[] args) => Run(null, args);

    public static CliRun Run(IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        ProcessStartInfo start = StartInfo(environment, defaultInterrupt: false, args);
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"infantcry {string.Join(' ', args)} did not finish within {s_timeout}");
        }

        return new CliRun(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// Starts <c>infantcry</c> and returns at once, for a command that runs until it is stopped (<c>monitor</c> on a
    /// live stream): the caller reads its output and ends it. SIGINT is at its default disposition
    /// (<c>env --default-signal=INT</c>), as a terminal's foreground program gets it: a test run started in the
    /// background (<c>.ci/run &amp;</c>) passes SIGINT on ignored, and a program started so never sees Ctrl+C.
    /// </summary>
    public static Process Start(params string[] args) => Process.Start(StartInfo(null, defaultInterrupt: true, args))!;

    private static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string?>? environment, bool defaultInterrupt, string[] args)
    {
        string program = Path.Combine(AppContext.BaseDirectory, "infantcry.dll");
        Assert.That(File.Exists(program), Is.True, $"{program} is missing: the project reference should copy it");
        var start = new ProcessStartInfo(defaultInterrupt ? "env" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        if (defaultInterrupt)
        {
            start.ArgumentList.Add("--default-signal=INT");
            start.ArgumentList.Add("dotnet");
        }

        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(program);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["INFANTCRY_ASSETS"] = Artifacts.AssetsDirectory;
        start.Environment.Remove("INFANTCRY_MODELS");
        foreach ((string key, string? value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        return start;
    }
}

/// <summary>Deletes the scratch folders of the whole run once every test has finished.</summary>
[SetUpFixture]
public sealed class CliTestRun
{
    [OneTimeTearDown]
    public void DeleteScratch()
    {
        if (Directory.Exists(CliRunner.ScratchRoot))
        {
            Directory.Delete(CliRunner.ScratchRoot, recursive: true);
        }
    }
}
