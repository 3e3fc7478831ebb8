using System.Globalization;
using System.Text;

using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Models;

namespace InfantCry.Audio.Yamnet;

/// <summary>One of YAMNet's AudioSet classes: its index in the score vector, its AudioSet id and its display name.</summary>
/// <param name="Index">Index in YAMNet's 521-way score vector.</param>
/// <param name="Mid">AudioSet machine id, for example <c>/t/dd00002</c>.</param>
/// <param name="DisplayName">Human-readable name, for example <c>Baby cry, infant cry</c>.</param>
public sealed record YamnetClass(int Index, string Mid, string DisplayName);

/// <summary>A class with its score, as returned by <see cref="YamnetClassMap.Top"/>.</summary>
/// <param name="Class">The class.</param>
/// <param name="Score">Its score, 0..1.</param>
public readonly record struct YamnetClassScore(YamnetClass Class, float Score);

/// <summary>
/// YAMNet's class names from <c>yamnet_class_map.csv</c> (header <c>index,mid,display_name</c>, one row per class in
/// index order, RFC 4180 quoting), with lookups by index and name and a top-k helper over a score vector.
/// </summary>
/// <remarks>Immutable and thread-safe once loaded.</remarks>
public sealed class YamnetClassMap
{
    /// <summary>The class map's file name in a models folder (shipped with yamnet.onnx in the <c>InfantCry.Models.Yamnet</c> package).</summary>
    public const string FileName = "yamnet_class_map.csv";

    /// <summary>Index of "Crying, sobbing".</summary>
    public const int CryingSobbing = 19;

    /// <summary>Index of "Baby cry, infant cry".</summary>
    public const int BabyCry = 20;

    /// <summary>Index of "Whimper".</summary>
    public const int Whimper = 21;

    /// <summary>Index of "Wail, moan".</summary>
    public const int WailMoan = 22;

    private readonly YamnetClass[] _classes;
    private readonly Dictionary<string, int> _byName;

    private YamnetClassMap(YamnetClass[] classes)
    {
        _classes = classes;
        _byName = new Dictionary<string, int>(classes.Length, StringComparer.OrdinalIgnoreCase);
        foreach (YamnetClass c in classes)
        {
            _byName.TryAdd(c.DisplayName, c.Index);
        }
    }

    /// <summary>The number of classes (521 for YAMNet).</summary>
    public int Count => _classes.Length;

    /// <summary>Every class in index order.</summary>
    public IReadOnlyList<YamnetClass> Classes => _classes;

    /// <summary>The class at <paramref name="index"/>.</summary>
    /// <param name="index">0 to <see cref="Count"/> - 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public YamnetClass this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _classes.Length);
            return _classes[index];
        }
    }

    /// <summary>Reads a class map file.</summary>
    /// <param name="path">Path of <c>yamnet_class_map.csv</c>.</param>
    /// <returns>The class map.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="InvalidModelException">The file is missing or malformed; the message names it and the set-up step that writes it.</exception>
    public static YamnetClassMap Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new InvalidModelException($"YAMNet class map '{path}' not found. The NuGet package {PackagedModels.YamnetPackage} carries {FileName} beside yamnet.onnx; YAMNet's upstream repository publishes it as yamnet_class_map.csv.");
        }

        using var reader = new StreamReader(path, Encoding.UTF8);
        return Parse(reader, path);
    }

    /// <summary>Parses class map text.</summary>
    /// <param name="reader">The CSV text; read to its end and not disposed.</param>
    /// <param name="sourceName">Name used in messages.</param>
    /// <returns>The class map.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is null.</exception>
    /// <exception cref="InvalidModelException">The header, a row or the index sequence is malformed.</exception>
    public static YamnetClassMap Parse(TextReader reader, string sourceName = "class map")
    {
        ArgumentNullException.ThrowIfNull(reader);
        string? header = reader.ReadLine();
        if (header is null || !header.Trim().Equals("index,mid,display_name", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidModelException($"YAMNet class map '{sourceName}': expected the header 'index,mid,display_name', got '{header}'.");
        }

        var classes = new List<YamnetClass>(521);
        int line = 1;
        var fields = new List<string>(3);
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            SplitCsv(text, fields, sourceName, line);
            if (fields.Count != 3)
            {
                throw new InvalidModelException($"YAMNet class map '{sourceName}' line {line}: expected 3 fields (index, mid, display_name), got {fields.Count}.");
            }

            if (!int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index != classes.Count)
            {
                throw new InvalidModelException($"YAMNet class map '{sourceName}' line {line}: expected index {classes.Count}, got '{fields[0]}'.");
            }

            classes.Add(new YamnetClass(index, fields[1], fields[2]));
        }

        if (classes.Count == 0)
        {
            throw new InvalidModelException($"YAMNet class map '{sourceName}' has no classes.");
        }

        return new YamnetClassMap([.. classes]);
    }

    /// <summary>The index of the class with this display name (case-insensitive), or -1.</summary>
    /// <param name="displayName">For example <c>"Baby cry, infant cry"</c>.</param>
    /// <returns>The index or -1.</returns>
    public int IndexOf(string displayName)
    {
        ArgumentNullException.ThrowIfNull(displayName);
        return _byName.TryGetValue(displayName, out int index) ? index : -1;
    }

    /// <summary>The <paramref name="count"/> highest-scoring classes, best first (ties by lower index).</summary>
    /// <param name="scores">One score per class (<see cref="Count"/> values).</param>
    /// <param name="count">How many to return, 1 to <see cref="Count"/>.</param>
    /// <returns>The classes with their scores.</returns>
    /// <exception cref="ArgumentException"><paramref name="scores"/> does not have <see cref="Count"/> values.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is out of range.</exception>
    public IReadOnlyList<YamnetClassScore> Top(ReadOnlySpan<float> scores, int count)
    {
        if (scores.Length != _classes.Length)
        {
            throw new ArgumentException($"Expected {_classes.Length} scores (one per class), got {scores.Length}.", nameof(scores));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _classes.Length);
        var best = new List<YamnetClassScore>(count + 1);
        for (int i = 0; i < scores.Length; i++)
        {
            float s = scores[i];
            if (best.Count == count && !(s > best[^1].Score))
            {
                continue;
            }

            int at = best.Count;
            while (at > 0 && s > best[at - 1].Score)
            {
                at--;
            }

            best.Insert(at, new YamnetClassScore(_classes[i], s));
            if (best.Count > count)
            {
                best.RemoveAt(best.Count - 1);
            }
        }

        return best;
    }

    private static void SplitCsv(string text, List<string> fields, string sourceName, int line)
    {
        fields.Clear();
        var field = new StringBuilder();
        int i = 0;
        while (true)
        {
            field.Clear();
            if (i < text.Length && text[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new InvalidModelException($"YAMNet class map '{sourceName}' line {line}: unterminated quoted field.");
                    }

                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(text[i++]);
                }
            }
            else
            {
                while (i < text.Length && text[i] != ',')
                {
                    field.Append(text[i++]);
                }
            }

            fields.Add(field.ToString());
            if (i >= text.Length)
            {
                return;
            }

            if (text[i] != ',')
            {
                throw new InvalidModelException($"YAMNet class map '{sourceName}' line {line}: unexpected '{text[i]}' after a quoted field.");
            }

            i++;
        }
    }
}
