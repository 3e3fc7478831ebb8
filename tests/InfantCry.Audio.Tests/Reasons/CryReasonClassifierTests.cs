using System.Text.Json;
using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Inference;
using InfantCry.Abstractions.Reasons;
using InfantCry.Audio.Detection;
using InfantCry.Audio.Reasons;
using InfantCry.Audio.Tests.Support;
using InfantCry.Audio.Tests.Wav;
using InfantCry.Audio.Wav;
using InfantCry.Audio.Yamnet;

namespace InfantCry.Audio.Tests.Reasons;

public class CryReasonClassifierTests
{
    /// <summary>Float32 softmax of the fake head against the same formula in float64.</summary>
    private const float FakeHeadAbsolute = 1e-6f;

    private static readonly ModelReliability s_reliability = new("test protocol", 0.16, 0.45, 0.18, 0.9, false, "Do not rely on it.");

    [Test]
    public void A_cry_gets_probabilities_a_top_reason_a_timeline_and_the_reliability()
    {
        // The quiet YAMNet's embeddings and scores of a patch equal its mean log-mel: loud noise gives scores above the
        // zero-shot threshold (so the detector says "cry"), digital silence ln(0.001) < 0 (not a cry).
        using CryReasonClassifier classifier = CryReasonClassifier.Create(new QuietYamnetSession(), FakeHead(out _), s_reliability);
        float[] loud = SyntheticAudio.WhiteNoise(0.5, 7, 16000, seed: 1);

        CryReasonResult result = classifier.Classify(loud, 16000);

        Assert.That(result.IsCry, Is.True);
        Assert.That(result.Probabilities, Has.Count.EqualTo(5));
        Assert.That(result.Probabilities.Sum(), Is.EqualTo(1f).Within(1e-5f));
        Assert.That(result.TopReason, Is.EqualTo((CryReason)result.Probabilities.ToList().IndexOf(result.Probabilities.Max())));
        Assert.That(result.Timeline, Has.Count.EqualTo(14));
        Assert.That(result.Timeline.Select(s => s.Start.TotalSeconds), Is.EqualTo(Enumerable.Range(0, 14).Select(p => p * 0.48)).Within(1e-9));
        Assert.That(result.Timeline.All(s => s.Probabilities.Count == 5), Is.True);
        Assert.That(result.Duration.TotalSeconds, Is.EqualTo(7).Within(1e-9));
        Assert.That(result.Reliability, Is.SameAs(s_reliability));
    }

    [Test]
    public void Non_cry_audio_says_so_instead_of_inventing_a_reason()
    {
        using CryReasonClassifier classifier = CryReasonClassifier.Create(new QuietYamnetSession(), FakeHead(out FakeSession head), s_reliability);

        CryReasonResult result = classifier.Classify(new float[8000 * 5], 8000);

        Assert.That(result.IsCry, Is.False);
        Assert.That(result.TopReason, Is.Null);
        Assert.That(result.Probabilities, Is.Empty);
        Assert.That(result.Timeline.All(s => s.Probabilities.Count == 0 && s.CryScore < CryDetectorOptions.Default.Threshold), Is.True);
        Assert.That(head.Runs, Is.Zero, "the reason head is not run on non-cry audio");
    }

    [Test]
    public void The_head_sees_the_first_14_patches_and_zero_rows_after_the_last_real_one()
    {
        using CryReasonClassifier classifier = CryReasonClassifier.Create(new QuietYamnetSession(), FakeHead(out _), s_reliability,
            new CryReasonClassifierOptions { AlwaysEstimateReasons = true });
        // 3 s of noise: 6 patches; the fake head's class 0 logit is the mean over non-zero rows of the first value.
        float[] noise = SyntheticAudio.WhiteNoise(0.3, 3, 16000, seed: 4);
        YamnetResult yamnet = new YamnetEmbedder(new QuietYamnetSession()).Embed(noise, 16000);

        CryReasonResult result = classifier.Classify(noise, 16000);

        double mean = Enumerable.Range(0, yamnet.PatchCount).Average(p => yamnet.GetEmbedding(p)[0]);
        Assert.That(yamnet.PatchCount, Is.EqualTo(6));
        Assert.That(result.Probabilities, Is.EqualTo(FakeSoftmax(mean)).Within(FakeHeadAbsolute));
        Assert.That(result.Timeline[2].Probabilities, Is.EqualTo(FakeSoftmax(yamnet.GetEmbedding(2)[0])).Within(FakeHeadAbsolute));
    }

    [Test]
    public async Task File_stream_span_and_async_overloads_agree_and_async_honours_cancellation()
    {
        using CryReasonClassifier classifier = CryReasonClassifier.Create(new QuietYamnetSession(), FakeHead(out _), s_reliability);
        float[] noise = SyntheticAudio.WhiteNoise(0.4, 4, 8000, seed: 9);
        string path = Path.Combine(Path.GetTempPath(), $"infantcry-{Guid.NewGuid():N}.wav");
        File.WriteAllBytes(path, WavBuilder.Simple(noise.Select(v => (double)v).ToArray(), AudioSampleFormat.Pcm16, 1, 8000));
        try
        {
            float[] decoded = WavReader.Read(path).Samples;
            CryReasonResult fromSpan = classifier.Classify(decoded, 8000);
            CryReasonResult fromFile = classifier.Classify(path);
            CryReasonResult fromFileAsync = await classifier.ClassifyAsync(path);
            await using FileStream stream = File.OpenRead(path);
            CryReasonResult fromStream = await classifier.ClassifyAsync(stream);
            using var cts = new CancellationTokenSource();
            cts.Cancel();

            foreach (CryReasonResult r in new[] { fromFile, fromFileAsync, fromStream })
            {
                Assert.That(r.Probabilities, Is.EqualTo(fromSpan.Probabilities));
                Assert.That(r.CryScore, Is.EqualTo(fromSpan.CryScore));
            }

            Assert.That(async () => await classifier.ClassifyAsync(decoded, 8000, cts.Token), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(() => classifier.Classify(decoded, 999), Throws.TypeOf<ArgumentOutOfRangeException>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Concurrent_classification_is_safe()
    {
        using CryReasonClassifier classifier = CryReasonClassifier.Create(new QuietYamnetSession(), FakeHead(out _), s_reliability);
        float[][] clips = Enumerable.Range(0, 8).Select(i => SyntheticAudio.WhiteNoise(0.1 * (i + 1), 3, 16000, seed: i)).ToArray();
        CryReasonResult[] sequential = clips.Select(c => classifier.Classify(c, 16000)).ToArray();

        CryReasonResult[] parallel = Task.WhenAll(clips.Select(c => classifier.ClassifyAsync(c, 16000))).GetAwaiter().GetResult();

        for (int i = 0; i < clips.Length; i++)
        {
            Assert.That(parallel[i].Probabilities, Is.EqualTo(sequential[i].Probabilities));
        }
    }

    [Test]
    public void A_head_with_the_wrong_signature_is_rejected()
    {
        using var flat = new FakeSession([new TensorInfo("embeddings", TensorElementType.Float32, [-1, 1024])], [new TensorInfo("probabilities", TensorElementType.Float32, [-1, 5])], _ => new Dictionary<string, float[]>());
        using var four = new FakeSession([new TensorInfo("embeddings", TensorElementType.Float32, [-1, 14, 1024])], [new TensorInfo("probabilities", TensorElementType.Float32, [-1, 4])], _ => new Dictionary<string, float[]>());

        Assert.That(() => CryReasonClassifier.Create(new QuietYamnetSession(), flat, s_reliability), Throws.TypeOf<InvalidModelException>().With.Message.Contains("[N, T, 1024]"));
        Assert.That(() => CryReasonClassifier.Create(new QuietYamnetSession(), four, s_reliability), Throws.TypeOf<InvalidModelException>().With.Message.Contains("[N, 5]"));
    }

    [Category("Models")]
    [Test]
    public void Create_from_a_folder_names_the_missing_file_and_the_package_that_carries_it()
    {
        string dir = Directory.CreateTempSubdirectory("infantcry-models-").FullName;
        try
        {
            Assert.That(() => CryReasonClassifier.Create(Path.Combine(dir, "nope")), Throws.TypeOf<InvalidModelException>().With.Message.Contains("does not exist"));
            Assert.That(() => CryReasonClassifier.Create(dir), Throws.TypeOf<InvalidModelException>().With.Message.Contains("cryreason_head.onnx").And.Message.Contains("InfantCry.Models.CryReason"));
            File.WriteAllText(Path.Combine(dir, "cryreason_head.onnx"), "x");
            Assert.That(() => CryReasonClassifier.Create(dir), Throws.TypeOf<InvalidModelException>().With.Message.Contains("yamnet_class_map.csv").And.Message.Contains("InfantCry.Models.Yamnet"));
            File.Copy(Artifacts.Require(YamnetClassMap.FileName, "20-yamnet.sh"), Path.Combine(dir, YamnetClassMap.FileName));
            Assert.That(() => CryReasonClassifier.Create(dir), Throws.TypeOf<InvalidModelException>().With.Message.Contains("cryreason_reliability.json").And.Message.Contains("InfantCry.Models.CryReason"));
            File.WriteAllText(Path.Combine(dir, "cryreason_reliability.json"), """{"Protocol":"p","MacroF1":0.1,"MacroRocAuc":0.5,"BaselineMacroF1":0.2,"PermutationPValue":null,"BetterThanChance":false,"Summary":"s"}""");
            Assert.That(() => CryReasonClassifier.Create(dir), Throws.TypeOf<InvalidModelException>().With.Message.Contains("yamnet.onnx").And.Message.Contains("InfantCry.Models.Yamnet"));
            File.Copy(Artifacts.Require(YamnetEmbedder.ModelFileName, "20-yamnet.sh"), Path.Combine(dir, YamnetEmbedder.ModelFileName));
            var trained = new CryReasonClassifierOptions { Detector = new CryDetectorOptions { Mode = CryDetectorMode.TrainedHead } };
            Assert.That(() => CryReasonClassifier.Create(dir, trained), Throws.TypeOf<InvalidModelException>().With.Message.Contains(CryDetector.TrainedHeadFileName).And.Message.Contains("ZeroShot").And.Message.Contains("InfantCry.Models.CryDetector"));
            Assert.That(() => CryReasonClassifier.Create(dir), Throws.InstanceOf<InferenceException>(), "the head file is not an ONNX model");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Reliability_json_is_parsed_and_malformed_json_is_reported()
    {
        ModelReliability r = ModelReliabilityFile.Parse("""{"Protocol":"grouped","MacroF1":0.16,"MacroRocAuc":0.45,"BaselineMacroF1":0.18,"PermutationPValue":0.94,"BetterThanChance":false,"Summary":"no","Extra":1}"""u8, "r.json");

        Assert.That(r, Is.EqualTo(new ModelReliability("grouped", 0.16, 0.45, 0.18, 0.94, false, "no")));
        Assert.That(() => ModelReliabilityFile.Parse("""{"Protocol":"grouped"}"""u8, "r.json"), Throws.TypeOf<InvalidModelException>().With.Message.Contains("has no '"));
        Assert.That(() => ModelReliabilityFile.Parse("{"u8, "r.json"), Throws.TypeOf<InvalidModelException>().With.Message.Contains("r.json"));
    }

    /// <summary>
    /// A fake head: logits [m, 0, -m, 0, 0] with m the mean over non-zero rows of each row's first value, softmaxed;
    /// it checks what the classifier feeds the head (sequence length, zero padding) through a known function.
    /// </summary>
    private static FakeSession FakeHead(out FakeSession head)
    {
        head = new FakeSession(
            [new TensorInfo("embeddings", TensorElementType.Float32, [-1, 14, 1024])],
            [new TensorInfo("probabilities", TensorElementType.Float32, [-1, 5])],
            inputs =>
            {
                (long[] shape, float[] data) = inputs["embeddings"];
                int n = (int)shape[0];
                var output = new float[n * 5];
                for (int i = 0; i < n; i++)
                {
                    double sum = 0;
                    int rows = 0;
                    for (int t = 0; t < 14; t++)
                    {
                        ReadOnlySpan<float> row = data.AsSpan(((i * 14) + t) * 1024, 1024);
                        if (row.ContainsAnyExcept(0f))
                        {
                            sum += row[0];
                            rows++;
                        }
                    }

                    FakeSoftmax(rows == 0 ? 0 : sum / rows).CopyTo(output, i * 5);
                }

                return new Dictionary<string, float[]> { ["probabilities"] = output };
            });
        return head;
    }

    private static float[] FakeSoftmax(double m)
    {
        double[] logits = [m, 0, -m, 0, 0];
        double max = logits.Max();
        double[] e = logits.Select(l => Math.Exp(l - max)).ToArray();
        return e.Select(v => (float)(v / e.Sum())).ToArray();
    }
}
