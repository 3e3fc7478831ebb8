using InfantCry.Audio.Tests.Support;
using InfantCry.Audio.Wav;
using InfantCry.Audio.Yamnet;

namespace InfantCry.Audio.Tests.Yamnet;

/// <summary>
/// The whole C# pipeline (WAV, 8 -> 16 kHz, frontend, YAMNet on ONNX Runtime) over all 457 donateacry clips against the
/// figures an independent run of Google's TF Lite YAMNet gave (issue 4): clip scores are the mean over patches.
/// </summary>
[Category("Models")]
[Category("SharedAssets")]
public class DonateACryBehaviourTests
{
    /// <summary>
    /// "Within a few points" (issue 4): 5 percentage points on each corpus share. With 457 clips one clip is 0.22
    /// points; our frontend differs from TF Lite's int8 one by ~0.005 in log-mel on average, which moves clips whose two
    /// best classes are close (crying vs speech) from one side to the other.
    /// </summary>
    private const double SharePoints = 0.05;

    /// <summary>The median "Baby cry" clip score, 0.20 in the reference run: a few hundredths either way.</summary>
    private const double MedianScore = 0.03;

    [Test]
    public void Yamnet_hears_the_corpus_as_the_reference_run_did()
    {
        string[] files = Directory.GetFiles(Artifacts.DonateACry, "*.wav", SearchOption.AllDirectories);
        Assert.That(files, Has.Length.EqualTo(457));
        var top1 = new Dictionary<int, int>();
        int babyTop3 = 0, babyTop1 = 0;
        var baby = new List<float>(files.Length);
        foreach (string file in files)
        {
            AudioClip clip = WavReader.Read(file);
            float[] mean = YamnetFixture.Embedder.Embed(clip.Samples, clip.SampleRate).GetMeanScores();
            IReadOnlyList<YamnetClassScore> top = YamnetFixture.Classes.Top(mean, 3);
            top1[top[0].Class.Index] = top1.GetValueOrDefault(top[0].Class.Index) + 1;
            babyTop3 += top.Any(t => t.Class.Index == YamnetClassMap.BabyCry) ? 1 : 0;
            babyTop1 += top[0].Class.Index == YamnetClassMap.BabyCry ? 1 : 0;
            baby.Add(mean[YamnetClassMap.BabyCry]);
        }

        double Share(string name) => top1.GetValueOrDefault(YamnetFixture.Classes.IndexOf(name)) / (double)files.Length;
        baby.Sort();
        TestContext.Out.WriteLine($"top-1 Crying, sobbing {Share("Crying, sobbing"):P1} (ref 53%), Speech {Share("Speech"):P1} (ref 31%), Silence {Share("Silence"):P1} (ref 6%); " +
            $"Baby cry in top 3 {babyTop3 / (double)files.Length:P1} (ref 61%), top-1 {babyTop1} clips (ref 0), median score {baby[baby.Count / 2]:F3} (ref 0.20)");
        Assert.That(Share("Crying, sobbing"), Is.EqualTo(0.53).Within(SharePoints));
        Assert.That(Share("Speech"), Is.EqualTo(0.31).Within(SharePoints));
        Assert.That(Share("Silence"), Is.EqualTo(0.06).Within(SharePoints));
        Assert.That(babyTop3 / (double)files.Length, Is.EqualTo(0.61).Within(SharePoints));
        Assert.That(babyTop1 / (double)files.Length, Is.EqualTo(0.0).Within(SharePoints));
        Assert.That(baby[baby.Count / 2], Is.EqualTo(0.20).Within(MedianScore));
    }
}
