using System.Security.Cryptography;
using System.Text.Json;
using InfantCry.Abstractions.Errors;

namespace InfantCry.Abstractions.Models;

/// <summary>
/// Where a packaged model comes from and how far it was tested: the manifest (<c>&lt;name&gt;.provenance.json</c>) that
/// every InfantCry model package carries beside its files. Apps can show it, log it, or check the files against it.
/// </summary>
/// <remarks>Immutable and thread-safe. Read with <see cref="Load"/>.</remarks>
public sealed class ModelProvenance
{
    /// <summary>The manifest file name's ending: <c>.provenance.json</c>.</summary>
    public const string FileSuffix = ".provenance.json";

    private ModelProvenance(string manifestPath, JsonElement root)
    {
        ManifestPath = manifestPath;
        Name = RequiredString(root, "name", manifestPath);
        Version = OptionalString(root, "version");
        Description = OptionalString(root, "description") ?? string.Empty;
        Source = RequiredString(root, "source", manifestPath);
        Licence = RequiredString(root, "licence", manifestPath);
        LicenceNotes = OptionalString(root, "licenceNotes") ?? string.Empty;
        CommercialUse = root.TryGetProperty("commercialUse", out JsonElement c) && c.ValueKind == JsonValueKind.True;
        Files = Array(root, "files").Select(f => new ModelFile(RequiredString(f, "name", manifestPath), RequiredString(f, "sha256", manifestPath), f.TryGetProperty("bytes", out JsonElement b) && b.TryGetInt64(out long n) ? n : -1)).ToArray();
        TrainingData = Array(root, "trainingData").Select(d => new ModelDataSource(RequiredString(d, "name", manifestPath), OptionalString(d, "licence") ?? string.Empty, OptionalString(d, "notes") ?? string.Empty)).ToArray();
        if (root.TryGetProperty("evaluation", out JsonElement e) && e.ValueKind == JsonValueKind.Object)
        {
            EvaluationProtocol = OptionalString(e, "protocol") ?? string.Empty;
            EvaluationData = OptionalString(e, "dataSource") ?? string.Empty;
            Figures = Array(e, "figures").Select(f => new ModelFigure(RequiredString(f, "name", manifestPath), OptionalString(f, "value") ?? string.Empty)).ToArray();
        }
        else
        {
            EvaluationProtocol = string.Empty;
            EvaluationData = string.Empty;
            Figures = [];
        }

        Notes = OptionalString(root, "notes") ?? string.Empty;
    }

    /// <summary>Where the manifest was read from.</summary>
    public string ManifestPath { get; }

    /// <summary>The model package's name, for example <c>InfantCry.Models.Yamnet</c>.</summary>
    public string Name { get; }

    /// <summary>The package version the manifest was written for; <see langword="null"/> when not recorded.</summary>
    public string? Version { get; }

    /// <summary>What the model does, in a sentence.</summary>
    public string Description { get; }

    /// <summary>Where the model comes from (upstream project, conversion, training run).</summary>
    public string Source { get; }

    /// <summary>The model's licence (an SPDX expression where one exists).</summary>
    public string Licence { get; }

    /// <summary>Terms beyond the licence expression, for example non-commercial training data; empty when none.</summary>
    public string LicenceNotes { get; }

    /// <summary>Whether the manifest states that the model may be shipped in a commercial app (false when it says otherwise or is silent).</summary>
    public bool CommercialUse { get; }

    /// <summary>The model files with their SHA-256.</summary>
    public IReadOnlyList<ModelFile> Files { get; }

    /// <summary>The data the model was trained on, with their licences.</summary>
    public IReadOnlyList<ModelDataSource> TrainingData { get; }

    /// <summary>How the model was evaluated (the protocol, in words); empty when it was not.</summary>
    public string EvaluationProtocol { get; }

    /// <summary>Which data the evaluation used.</summary>
    public string EvaluationData { get; }

    /// <summary>The headline figures of that evaluation.</summary>
    public IReadOnlyList<ModelFigure> Figures { get; }

    /// <summary>Anything else a user should know.</summary>
    public string Notes { get; }

    /// <summary>Reads a manifest.</summary>
    /// <param name="path">The <c>*.provenance.json</c> file.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="InvalidModelException">The file is missing, is not JSON, or lacks a required field.</exception>
    public static ModelProvenance Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new InvalidModelException($"Model provenance manifest '{path}' not found.");
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidModelException($"Model provenance manifest '{path}' is not a JSON object.");
            }

            return new ModelProvenance(path, doc.RootElement.Clone());
        }
        catch (JsonException ex)
        {
            throw new InvalidModelException($"Model provenance manifest '{path}' is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Checks every listed file in <paramref name="folder"/> against its recorded SHA-256.</summary>
    /// <param name="folder">The folder holding the files; <see langword="null"/> for the manifest's own folder.</param>
    /// <returns>One line per file that is missing or differs; empty when all match.</returns>
    public IReadOnlyList<string> Verify(string? folder = null)
    {
        folder ??= Path.GetDirectoryName(Path.GetFullPath(ManifestPath))!;
        var problems = new List<string>();
        foreach (ModelFile file in Files)
        {
            string path = Path.Combine(folder, file.Name);
            if (!File.Exists(path))
            {
                problems.Add($"{file.Name}: missing from '{folder}'");
                continue;
            }

            using FileStream stream = File.OpenRead(path);
            string actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (!string.Equals(actual, file.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{file.Name}: SHA-256 {actual}, manifest says {file.Sha256}");
            }
        }

        return problems;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Version} ({Licence}): {Source}";

    private static string RequiredString(JsonElement element, string name, string path) =>
        OptionalString(element, name) ?? throw new InvalidModelException($"Model provenance manifest '{path}' lacks the string field '{name}'.");

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonElement[] Array(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : [];
}

/// <summary>A model file named in a <see cref="ModelProvenance"/> manifest.</summary>
/// <param name="Name">The file name.</param>
/// <param name="Sha256">Its SHA-256, lower-case hex.</param>
/// <param name="Bytes">Its size in bytes; -1 when not recorded.</param>
public sealed record ModelFile(string Name, string Sha256, long Bytes);

/// <summary>A data set a model was trained on.</summary>
/// <param name="Name">The data set and its origin.</param>
/// <param name="Licence">Its licence.</param>
/// <param name="Notes">How it was used, or terms to know.</param>
public sealed record ModelDataSource(string Name, string Licence, string Notes);

/// <summary>One headline figure of a model's evaluation.</summary>
/// <param name="Name">What was measured, with the protocol and the data source.</param>
/// <param name="Value">The value as reported.</param>
public sealed record ModelFigure(string Name, string Value);
