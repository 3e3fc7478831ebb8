using InfantCry.Abstractions.Errors;

namespace InfantCry.Cli;

/// <summary>
/// Finds the models folder: <c>--models DIR</c>, else <c>$INFANTCRY_MODELS</c>, else <c>artifacts/models</c> in the
/// first directory at or above the executable that has one, else <c>./models</c>. Remembers where it looked so that a
/// missing folder can be reported precisely.
/// </summary>
internal sealed class ModelsFolder
{
    /// <summary>The environment variable that names the models folder.</summary>
    public const string Variable = "INFANTCRY_MODELS";

    private ModelsFolder(string path, string source, IReadOnlyList<string> searched)
    {
        Path = path;
        Source = source;
        Searched = searched;
    }

    /// <summary>The chosen folder (it may not exist).</summary>
    public string Path { get; }

    /// <summary>How it was chosen.</summary>
    public string Source { get; }

    /// <summary>Every place looked at, in order.</summary>
    public IReadOnlyList<string> Searched { get; }

    /// <summary>Whether the chosen folder exists.</summary>
    public bool Exists => Directory.Exists(Path);

    /// <summary>Resolves the folder.</summary>
    public static ModelsFolder Resolve(string? option)
    {
        if (!string.IsNullOrEmpty(option))
        {
            string full = System.IO.Path.GetFullPath(option);
            return new ModelsFolder(full, "--models", [full]);
        }

        string? env = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(env))
        {
            string full = System.IO.Path.GetFullPath(env);
            return new ModelsFolder(full, $"${Variable}", [full]);
        }

        var searched = new List<string>();
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = System.IO.Path.Combine(d.FullName, "artifacts", "models");
            searched.Add(candidate);
            if (Directory.Exists(candidate))
            {
                return new ModelsFolder(candidate, "artifacts/models above the executable", searched);
            }
        }

        string local = System.IO.Path.GetFullPath("models");
        searched.Add(local);
        return new ModelsFolder(local, "./models", searched);
    }

    /// <summary>Throws a message that lists where the folder was looked for, when it does not exist.</summary>
    public void EnsureExists()
    {
        if (!Exists)
        {
            throw new InfantCryException($"No models folder found. Looked at: {string.Join(", ", Searched)}. Run scripts/setup.sh (it writes artifacts/models/), set ${Variable}, or pass --models DIR.");
        }
    }
}
