using System.Text.Json;

using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Reasons;

namespace InfantCry.Evaluation;

/// <summary>One evaluation fold: the head trained without its test clips, the clips and the Python figures.</summary>
/// <param name="SeedIndex">Index of the split seed.</param>
/// <param name="Fold">Fold number within the seed.</param>
/// <param name="ModelPath">Full path of the fold's head (.onnx).</param>
/// <param name="TestFiles">File names of the test clips (found under the data folder's label sub-folders).</param>
/// <param name="TestLabels">True reason of each test clip.</param>
/// <param name="PythonMacroF1">Macro-F1 the Python pipeline measured on this fold.</param>
/// <param name="PythonMacroRocAuc">Macro ROC AUC the Python pipeline measured.</param>
/// <param name="PythonAccuracy">Accuracy the Python pipeline measured.</param>
public sealed record CryReasonFold(int SeedIndex, int Fold, string ModelPath, IReadOnlyList<string> TestFiles, IReadOnlyList<CryReason> TestLabels,
    double PythonMacroF1, double PythonMacroRocAuc, double PythonAccuracy);

/// <summary>One evaluation protocol of the manifest (for example "paper" or "grouped").</summary>
/// <param name="Name">The protocol's key.</param>
/// <param name="Description">What the protocol is.</param>
/// <param name="Folds">Its folds.</param>
/// <param name="PythonMeanMacroF1">Mean macro-F1 over folds, Python.</param>
/// <param name="PythonMeanMacroRocAuc">Mean macro ROC AUC over folds, Python.</param>
/// <param name="PythonMeanAccuracy">Mean accuracy over folds, Python.</param>
public sealed record CryReasonProtocol(string Name, string Description, IReadOnlyList<CryReasonFold> Folds,
    double PythonMeanMacroF1, double PythonMeanMacroRocAuc, double PythonMeanAccuracy);

/// <summary>
/// The per-fold heads' manifest that scripts/setup.d/50-cryreason.sh writes to
/// <c>artifacts/models/cryreason_folds/manifest.json</c>: labels (in <see cref="CryReason"/> order), the heads' input
/// sequence length and, per protocol, the folds with their ONNX heads, test clips and Python figures.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class CryReasonFoldManifest
{
    /// <summary>The manifest's path relative to a models folder.</summary>
    public static readonly string RelativePath = Path.Combine("cryreason_folds", "manifest.json");

    private static readonly string[] s_labels = ["hungry", "discomfort", "tired", "belly_pain", "burping"];

    private CryReasonFoldManifest(string path, string variant, int sequenceLength, IReadOnlyDictionary<string, CryReasonProtocol> protocols)
    {
        ManifestPath = path;
        Variant = variant;
        SequenceLength = sequenceLength;
        Protocols = protocols;
    }

    /// <summary>The label of each <see cref="CryReason"/> in the corpus' folder names.</summary>
    public static IReadOnlyList<string> Labels => s_labels;

    /// <summary>The manifest file.</summary>
    public string ManifestPath { get; }

    /// <summary>The head variant the folds were trained with.</summary>
    public string Variant { get; }

    /// <summary>Patches per clip the heads read.</summary>
    public int SequenceLength { get; }

    /// <summary>The protocols by name.</summary>
    public IReadOnlyDictionary<string, CryReasonProtocol> Protocols { get; }

    /// <summary>Reads a manifest.</summary>
    /// <param name="path">Path of manifest.json.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="InvalidModelException">The file is missing (the message names the set-up step) or malformed.</exception>
    public static CryReasonFoldManifest Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new InvalidModelException($"Fold manifest '{path}' not found; scripts/setup.d/50-cryreason.sh writes the per-fold heads and artifacts/models/{RelativePath}.");
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = doc.RootElement;
            string[] labels = root.GetProperty("labels").EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToArray();
            if (!labels.SequenceEqual(s_labels))
            {
                throw new InvalidModelException($"Fold manifest '{path}' lists labels [{string.Join(", ", labels)}]; InfantCry expects [{string.Join(", ", s_labels)}] (CryReason order).");
            }

            string directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
            var protocols = new Dictionary<string, CryReasonProtocol>(StringComparer.OrdinalIgnoreCase);
            foreach (JsonProperty p in root.GetProperty("protocols").EnumerateObject())
            {
                var folds = p.Value.GetProperty("folds").EnumerateArray().Select(f => new CryReasonFold(
                    f.GetProperty("seed_index").GetInt32(),
                    f.GetProperty("fold").GetInt32(),
                    System.IO.Path.Combine(directory, f.GetProperty("onnx").GetString()!),
                    f.GetProperty("test_files").EnumerateArray().Select(e => e.GetString()!).ToArray(),
                    f.GetProperty("test_labels").EnumerateArray().Select(e => ParseLabel(e.GetString(), path)).ToArray(),
                    f.GetProperty("python_macro_f1").GetDouble(),
                    ReadDouble(f.GetProperty("python_macro_auc")),
                    f.GetProperty("python_accuracy").GetDouble())).ToArray();
                protocols[p.Name] = new CryReasonProtocol(p.Name, p.Value.GetProperty("description").GetString() ?? string.Empty, folds,
                    p.Value.GetProperty("python_mean_macro_f1").GetDouble(), ReadDouble(p.Value.GetProperty("python_mean_macro_auc")),
                    p.Value.GetProperty("python_mean_accuracy").GetDouble());
            }

            return new CryReasonFoldManifest(path, root.GetProperty("variant").GetString() ?? string.Empty, root.GetProperty("sequence_length").GetInt32(), protocols);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidModelException($"Fold manifest '{path}' is malformed: {ex.Message}", ex);
        }
    }

    private static double ReadDouble(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetDouble() : double.NaN;

    private static CryReason ParseLabel(string? label, string path)
    {
        int index = Array.IndexOf(s_labels, label);
        return index >= 0 ? (CryReason)index : throw new InvalidModelException($"Fold manifest '{path}' has an unknown label '{label}'.");
    }
}
