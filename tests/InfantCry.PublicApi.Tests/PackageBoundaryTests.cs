using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace InfantCry.PublicApi.Tests;

/// <summary>
/// House rules for the runtime packages, checked on their sources and assemblies: the namespace is the assembly name
/// plus the folder path, no type is named like its namespace's last segment, and no library message sends the app
/// developer to this repository's scripts, folders or a machine path.
/// </summary>
public sealed partial class PackageBoundaryTests
{
    private static readonly string[] Packages = ["InfantCry.Abstractions", "InfantCry.Onnx", "InfantCry.Audio", "InfantCry.Vision"];

    public static IEnumerable<string> PackageNames => Packages;

    [TestCaseSource(nameof(PackageNames))]
    public void Namespace_is_assembly_plus_folder(string assemblyName)
    {
        string project = Path.Combine(RepositoryRoot(), "src", assemblyName);
        var wrong = new List<string>();
        foreach (string file in SourceFiles(project))
        {
            string relative = Path.GetRelativePath(project, Path.GetDirectoryName(file)!);
            string expected = relative == "." ? assemblyName : assemblyName + "." + relative.Replace(Path.DirectorySeparatorChar, '.');
            Match m = NamespaceDeclaration().Match(File.ReadAllText(file));
            if (!m.Success || m.Groups[1].Value != expected)
            {
                wrong.Add($"{Path.GetRelativePath(project, file)}: namespace {(m.Success ? m.Groups[1].Value : "(none)")}, expected {expected}");
            }
        }

        Assert.That(project, Does.Exist);
        Assert.That(wrong, Is.Empty);
    }

    [TestCaseSource(nameof(PackageNames))]
    public void No_public_type_is_named_like_its_namespace(string assemblyName)
    {
        var clashes = Assembly.Load(assemblyName).GetExportedTypes()
            .Where(t => !t.IsNested && t.Namespace is not null && t.Namespace.Split('.')[^1] == t.Name)
            .Select(t => t.FullName)
            .ToArray();
        Assert.That(clashes, Is.Empty);
    }

    [TestCaseSource(nameof(PackageNames))]
    public void Library_strings_name_no_repository_path(string assemblyName)
    {
        // Messages speak to the app developer: the CLI and the tests may add set-up hints, the packages may not.
        string project = Path.Combine(RepositoryRoot(), "src", assemblyName);
        var hits = new List<string>();
        foreach (string file in SourceFiles(project).Append(Path.Combine(RepositoryRoot(), "src", "Shared", "DisposeOnFailure.cs")))
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string code = lines[i].TrimStart();
                if (code.StartsWith("//", StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (Match literal in StringLiteral().Matches(code))
                {
                    if (RepositoryPath().IsMatch(literal.Value))
                    {
                        hits.Add($"{Path.GetFileName(file)}:{i + 1}: {literal.Value}");
                    }
                }
            }
        }

        Assert.That(hits, Is.Empty);
    }

    private static IEnumerable<string> SourceFiles(string project) =>
        Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static string RepositoryRoot([CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex("\\$?@?\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"scripts/|setup\.d|setup\.sh|\.\./shared|/usr/share|artifacts/|INFANTCRY_ASSETS|npm")]
    private static partial Regex RepositoryPath();
}
