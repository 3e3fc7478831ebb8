using System.Text.Json;
using InfantCry.Abstractions.Reasons;
using InfantCry.Audio.Reasons;
using InfantCry.Audio.Tests.Support;

namespace InfantCry.Audio.Tests.Reasons;

/// <summary>The C# pipeline against the Python one, on the real exported head (artifacts from 20-yamnet.sh and 50-cryreason.sh).</summary>
public class CryReasonParityTests
{
    /// <summary>
    /// The parity criterion (also recorded as "tolerance" in cryreason_parity.json): 1e-3 per probability.
    /// The pipelines differ by float32 vs float64 resampling and frontend (log-mel within ~1e-4) and ORT vs torch
    /// YAMNet (1e-5); the pooled linear head is smooth, so the probabilities should agree far below 1e-3.
    /// </summary>
    private const float ParityAbsolute = 1e-3f;

    private static readonly Lazy<CryReasonClassifier> s_classifier = new(() =>
    {
        Artifacts.Require("cryreason_head.onnx", "50-cryreason.sh");
        return CryReasonClassifier.Create(Artifacts.ModelsDirectory, new CryReasonClassifierOptions { AlwaysEstimateReasons = true });
    });

    [Category("Models")]
    [Category("SharedAssets")]
    [Test]
    public void Csharp_and_python_probabilities_agree_on_the_parity_clips()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(Artifacts.Require("cryreason_parity.json", "50-cryreason.sh")));
        JsonElement[] clips = doc.RootElement.GetProperty("clips").EnumerateArray().ToArray();
        string dataRoot = Path.Combine(Artifacts.AssetsDirectory, doc.RootElement.GetProperty("data_root").GetString()!);
        Assert.That(clips, Has.Length.EqualTo(20));
        float worst = 0;
        foreach (JsonElement clip in clips)
        {
            string file = Path.Combine(dataRoot, clip.GetProperty("file").GetString()!);
            float[] expected = clip.GetProperty("probabilities").EnumerateArray().Select(e => e.GetSingle()).ToArray();

            CryReasonResult result = s_classifier.Value.Classify(file);

            Assert.That(result.Timeline, Has.Count.EqualTo(clip.GetProperty("patches").GetInt32()), file);
            Assert.That(result.Probabilities, Is.EqualTo(expected).Within(ParityAbsolute), file);
            worst = Math.Max(worst, result.Probabilities.Zip(expected, (a, b) => Math.Abs(a - b)).Max());
        }

        TestContext.Out.WriteLine($"C# vs Python on {clips.Length} clips: max |probability difference| {worst:E2}");
    }

    [Category("Models")]
    [Test]
    public void The_default_models_load_from_the_folder_with_their_reliability_statement()
    {
        CryReasonClassifier classifier = s_classifier.Value;
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(Artifacts.Require("cryreason_reliability.json", "50-cryreason.sh")));

        Assert.That(classifier.Reliability.MacroF1, Is.EqualTo(doc.RootElement.GetProperty("MacroF1").GetDouble()));
        Assert.That(classifier.Reliability.BetterThanChance, Is.EqualTo(doc.RootElement.GetProperty("BetterThanChance").GetBoolean()));
        Assert.That(classifier.Reliability.Summary, Is.Not.Empty);
        Assert.That(classifier.ClassMap, Is.Not.Null);
    }

    [Category("Models")]
    [Test]
    public void Digital_silence_is_not_a_cry_with_the_real_models()
    {
        using CryReasonClassifier classifier = CryReasonClassifier.Create(Artifacts.ModelsDirectory);

        CryReasonResult result = classifier.Classify(new float[8000 * 7], 8000);

        Assert.That(result.IsCry, Is.False);
        Assert.That(result.TopReason, Is.Null);
        Assert.That(result.Probabilities, Is.Empty);
    }
}
