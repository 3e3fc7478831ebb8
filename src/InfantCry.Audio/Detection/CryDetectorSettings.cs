using System.Text.Json;
using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Models;

namespace InfantCry.Audio.Detection;

/// <summary>
/// What the cry detector's evaluation shipped with it (<c>crydetector.json</c> of the <c>InfantCry.Models.CryDetector</c>
/// package): the detector that won the leave-one-source-out protocol, its threshold (chosen on training sources only),
/// a Platt calibration of its clip score fitted on held-out sources, and the reliability statement.
/// </summary>
/// <remarks>Immutable and thread-safe. Read with <see cref="Load"/>.</remarks>
public sealed class CryDetectorSettings
{
    /// <summary>The settings' file name in a models folder and in the package.</summary>
    public const string FileName = "crydetector.json";

    private CryDetectorSettings(CryDetectorOptions options, double? plattA, double? plattB, string reliability, string protocol)
    {
        Options = options;
        PlattA = plattA;
        PlattB = plattB;
        Reliability = reliability;
        Protocol = protocol;
    }

    /// <summary>The detector options the evaluation chose (mode, crying classes, threshold, pooling).</summary>
    public CryDetectorOptions Options { get; }

    /// <summary>Platt calibration slope on the logit of the clip score; <see langword="null"/> when the file has none.</summary>
    public double? PlattA { get; }

    /// <summary>Platt calibration offset; <see langword="null"/> when the file has none.</summary>
    public double? PlattB { get; }

    /// <summary>The reliability statement: recall per cry source and false alarms per category of real sound, measured on sources the detector never saw.</summary>
    public string Reliability { get; }

    /// <summary>The evaluation protocol, in words.</summary>
    public string Protocol { get; }

    /// <summary>
    /// The calibrated probability of a cry for a clip score S: 1 / (1 + exp(-(a·ln(S'/(1-S')) + b))) with
    /// S' = S clamped to [1e-6, 1 - 1e-6]. Fitted where about a quarter of the clips were cries: in a home, where cries
    /// are rarer, the same score means a lower chance.
    /// </summary>
    /// <param name="clipScore">The clip score, 0..1.</param>
    /// <returns>The probability, or <see langword="null"/> without a calibration.</returns>
    public float? Calibrate(float clipScore)
    {
        if (PlattA is not { } a || PlattB is not { } b)
        {
            return null;
        }

        double s = Math.Clamp(clipScore, 1e-6, 1 - 1e-6);
        return (float)(1.0 / (1.0 + Math.Exp(-((a * Math.Log(s / (1 - s))) + b))));
    }

    /// <summary>Reads the settings file.</summary>
    /// <param name="path">The <c>crydetector.json</c> file.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="InvalidModelException">The file is missing, not JSON, or names an unknown mode or pooling.</exception>
    public static CryDetectorSettings Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new InvalidModelException($"Cry detector settings '{path}' not found. The NuGet package {PackagedModels.CryDetectorPackage} carries {FileName}.");
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = doc.RootElement;
            string mode = root.GetProperty("mode").GetString() ?? string.Empty;
            string pooling = root.TryGetProperty("pooling", out JsonElement p) ? p.GetString() ?? "mean" : "mean";
            if (pooling != "mean")
            {
                throw new InvalidModelException($"Cry detector settings '{path}': pooling '{pooling}' is not supported (only 'mean').");
            }

            float threshold = (float)root.GetProperty("threshold").GetDouble();
            float headThreshold = CryDetectorOptions.Default.TrainedHeadThreshold;
            if (root.TryGetProperty("heads", out JsonElement heads) && heads.ValueKind == JsonValueKind.Object
                && heads.TryGetProperty("head-embedding", out JsonElement head) && head.TryGetProperty("threshold", out JsonElement ht))
            {
                headThreshold = (float)ht.GetDouble();
            }

            var options = new CryDetectorOptions
            {
                Mode = mode switch
                {
                    "zero-shot" => CryDetectorMode.ZeroShot,
                    "head" => CryDetectorMode.TrainedHead,
                    _ => throw new InvalidModelException($"Cry detector settings '{path}': mode '{mode}' is not 'zero-shot' or 'head'."),
                },
                ClassIndices = root.TryGetProperty("class_indices", out JsonElement ci) ? [.. ci.EnumerateArray().Select(e => e.GetInt32())] : CryDetectorOptions.Default.ClassIndices,
                Pooling = CryClipPooling.MeanOfWindowScores,
                Threshold = mode == "zero-shot" ? threshold : CryDetectorOptions.Default.Threshold,
                TrainedHeadThreshold = mode == "head" ? threshold : headThreshold,
            };
            double? a = null, b = null;
            if (root.TryGetProperty("calibration", out JsonElement cal) && cal.ValueKind == JsonValueKind.Object && cal.TryGetProperty("a", out JsonElement ca) && cal.TryGetProperty("b", out JsonElement cb))
            {
                a = ca.GetDouble();
                b = cb.GetDouble();
            }

            string reliability = root.TryGetProperty("reliability", out JsonElement r) ? r.GetString() ?? string.Empty : string.Empty;
            string protocol = root.TryGetProperty("protocol", out JsonElement pr) ? pr.GetString() ?? string.Empty : string.Empty;
            return new CryDetectorSettings(options, a, b, reliability, protocol);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidModelException($"Cry detector settings '{path}' are not valid: {ex.Message}", ex);
        }
    }
}
