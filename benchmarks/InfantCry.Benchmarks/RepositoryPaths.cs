namespace InfantCry.Benchmarks;

/// <summary>Where the benchmarks find the repository (and through it artifacts/ and ../shared).</summary>
internal static class RepositoryPaths
{
    /// <summary>The folder holding InfantCry.sln: <c>INFANTCRY_ROOT</c> if it is one, else the first such folder above the benchmark's binaries.</summary>
    /// <exception cref="DirectoryNotFoundException">No such folder was found.</exception>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("INFANTCRY_ROOT");
        if (!string.IsNullOrEmpty(fromEnvironment) && File.Exists(Path.Combine(fromEnvironment, "InfantCry.sln")))
        {
            return fromEnvironment;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "InfantCry.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"Cannot find the repository root (InfantCry.sln) above {AppContext.BaseDirectory}; set INFANTCRY_ROOT.");
    }
}
