using InfantCry.Abstractions.Models;
using System.Text.Json;

using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Reasons;

namespace InfantCry.Audio.Reasons;

/// <summary>Reads the reliability statement that ships next to the cry-reason head.</summary>
/// <remarks>
/// The file is a JSON object with the members of <see cref="ModelReliability"/> by name (<c>Protocol</c>,
/// <c>MacroF1</c>, <c>MacroRocAuc</c>, <c>BaselineMacroF1</c>, <c>PermutationPValue</c> (number or null),
/// <c>BetterThanChance</c>, <c>Summary</c>); other members are ignored. Stateless and thread-safe.
/// </remarks>
public static class ModelReliabilityFile
{
    /// <summary>The file name in a models folder.</summary>
    public const string FileName = "cryreason_reliability.json";

    /// <summary>Reads a reliability file.</summary>
    /// <param name="path">Path of <c>cryreason_reliability.json</c>.</param>
    /// <returns>The statement.</returns>
    /// <exception cref="InvalidModelException">The file is missing (the message names the set-up step) or malformed.</exception>
    public static ModelReliability Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new InvalidModelException($"Cry-reason reliability statement '{path}' not found. It ships beside {CryReasonHead.FileName} in the NuGet package {PackagedModels.CryReasonPackage}; a head without its statement is not loaded.");
        }

        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses reliability JSON.</summary>
    /// <param name="utf8Json">The file's bytes.</param>
    /// <param name="sourceName">Name used in messages.</param>
    /// <returns>The statement.</returns>
    /// <exception cref="InvalidModelException">The JSON is malformed or lacks a member.</exception>
    public static ModelReliability Parse(ReadOnlySpan<byte> utf8Json, string sourceName = "reliability JSON")
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            using JsonDocument doc = JsonDocument.ParseValue(ref reader);
            JsonElement root = doc.RootElement;
            JsonElement p = Member(root, "PermutationPValue", sourceName);
            return new ModelReliability(
                Member(root, "Protocol", sourceName).GetString() ?? string.Empty,
                Member(root, "MacroF1", sourceName).GetDouble(),
                Member(root, "MacroRocAuc", sourceName).GetDouble(),
                Member(root, "BaselineMacroF1", sourceName).GetDouble(),
                p.ValueKind == JsonValueKind.Null ? null : p.GetDouble(),
                Member(root, "BetterThanChance", sourceName).GetBoolean(),
                Member(root, "Summary", sourceName).GetString() ?? string.Empty);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidModelException($"Cry-reason reliability statement '{sourceName}' is malformed: {ex.Message}", ex);
        }
    }

    private static JsonElement Member(JsonElement root, string name, string sourceName) =>
        root.TryGetProperty(name, out JsonElement value)
            ? value
            : throw new InvalidModelException($"Cry-reason reliability statement '{sourceName}' has no '{name}'.");
}
