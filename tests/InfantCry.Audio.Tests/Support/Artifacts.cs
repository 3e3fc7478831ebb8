namespace InfantCry.Audio.Tests.Support;

/// <summary>
/// Locates files that the set-up writes to artifacts/models (git-ignored): <c>$INFANTCRY_ARTIFACTS/models</c>, else
/// <c>artifacts/models</c> under the repository root found by walking up from the test assembly to InfantCry.sln.
/// </summary>
public static class Artifacts
{
    public static string ModelsDirectory { get; } = FindModels();

    /// <summary>The asset root (<c>$INFANTCRY_ASSETS</c>, else <c>../shared</c> beside the repository root).</summary>
    public static string AssetsDirectory { get; } = FindAssets();

    /// <summary>The donateacry corpus (../shared/data/donateacry); fails the test when absent.</summary>
    public static string DonateACry
    {
        get
        {
            string dir = Path.Combine(AssetsDirectory, "data", "donateacry");
            if (!Directory.Exists(dir))
            {
                Assert.Fail($"The donateacry corpus is missing at {dir} (asset root: $INFANTCRY_ASSETS or ../shared).");
            }

            return dir;
        }
    }

    /// <summary>The full path of an artifact; fails the test (never skips) naming the set-up step when it is missing.</summary>
    public static string Require(string fileName, string setupStep)
    {
        string path = Path.Combine(ModelsDirectory, fileName);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            Assert.Fail($"Artifact '{path}' is missing; it is produced by scripts/setup.d/{setupStep} (run scripts/setup.sh).");
        }

        return path;
    }

    public static bool Exists(string fileName) => File.Exists(Path.Combine(ModelsDirectory, fileName));

    private static string? RepoRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "InfantCry.sln")))
            {
                return d.FullName;
            }
        }

        return null;
    }

    private static string FindAssets()
    {
        string? env = Environment.GetEnvironmentVariable("INFANTCRY_ASSETS");
        return !string.IsNullOrEmpty(env) ? env : Path.GetFullPath(Path.Combine(RepoRoot() ?? AppContext.BaseDirectory, "..", "shared"));
    }

    private static string FindModels()
    {
        string? env = Environment.GetEnvironmentVariable("INFANTCRY_ARTIFACTS");
        if (!string.IsNullOrEmpty(env))
        {
            return Path.Combine(env, "models");
        }

        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "InfantCry.sln")))
            {
                return Path.Combine(d.FullName, "artifacts", "models");
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "artifacts", "models");
    }
}
