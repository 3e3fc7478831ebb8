using InfantCry.Audio.Tests.Wav;
using InfantCry.Audio.Decoding;
using System.Text.Json;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Inference;
using InfantCry.Audio.Detection;
using InfantCry.Audio.Resampling;
using InfantCry.Audio.Tests.Support;
using InfantCry.Audio.Tests.Yamnet;
using InfantCry.Audio.Wav;
using InfantCry.Audio.Yamnet;

namespace InfantCry.Audio.Tests.Detection;

public class CryDetectorTests
{
    /// <summary>
    /// Streamed and whole-clip windows see bit-identical patches (the resampler and the frontend are chunking
    /// invariant); only the runtime's batch composition differs, which moves YAMNet's sigmoid outputs by float32
    /// summation-order effects (measured ~1e-6 on O(1) values).
    /// </summary>
    private const float StreamedVsWholeAbsolute = 1e-5f;

    /// <summary>Float32 evaluation of 1 - (1 - a)(1 - b)... against the same product in float64: a few ulps.</summary>
    private const float CombinationAbsolute = 1e-6f;

    /// <summary>
    /// Lowest zero-shot recall accepted on a 1-in-7 sample (66 clips) of the donateacry cries at the default threshold
    /// (0.22, mean of the window scores). The leave-one-source-out evaluation (issue 13) found 59 of 120 donateacry
    /// clips (0.49) at that threshold; the binomial standard deviation for 66 clips is sqrt(0.49 * 0.51 / 66) = 0.062,
    /// so 0.34 is 2.5 standard deviations below it. (Until issue 13 the default was 0.1 on class-mean clip scores,
    /// where the corpus measured 0.735 and this bound was 0.6.)
    /// </summary>
    private const double MinimumSampleRecall = 0.34;

    /// <summary>The shipped head run by ONNX Runtime in C# against the Python outputs stored with it: float32 noise.</summary>
    private const float HeadCheckAbsolute = 1e-5f;

    [Test]
    public void Zero_shot_combinations_follow_their_definitions()
    {
        var scores = new float[YamnetEmbedder.ClassCount];
        scores[19] = 0.5f;
        scores[20] = 0.2f;
        scores[21] = 0.1f;
        scores[22] = 0f;
        scores[0] = 0.99f;   // speech: not in the family

        float max = Detector(new CryDetectorOptions { Combination = CryScoreCombination.Max }).ScoreZeroShot(scores);
        float noisyOr = Detector(new CryDetectorOptions { Combination = CryScoreCombination.NoisyOr }).ScoreZeroShot(scores);
        float mean = Detector(new CryDetectorOptions { Combination = CryScoreCombination.Mean }).ScoreZeroShot(scores);
        float babyOnly = Detector(new CryDetectorOptions { ClassIndices = [20] }).ScoreZeroShot(scores);

        Assert.That(max, Is.EqualTo(0.5f));
        Assert.That(noisyOr, Is.EqualTo(1 - (0.5 * 0.8 * 0.9 * 1.0)).Within(CombinationAbsolute));
        Assert.That(mean, Is.EqualTo((0.5 + 0.2 + 0.1 + 0) / 4).Within(CombinationAbsolute));
        Assert.That(babyOnly, Is.EqualTo(0.2f));
    }

    [Test]
    public void Options_are_validated()
    {
        Assert.That(() => new CryDetectorOptions { Threshold = 0 }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new CryDetectorOptions { Threshold = 1 }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new CryDetectorOptions { Hop = TimeSpan.FromMilliseconds(15) }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new CryDetectorOptions { Hop = TimeSpan.FromMilliseconds(970) }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new CryDetectorOptions { ClassIndices = [] }, Throws.ArgumentException);
        Assert.That(() => new CryDetectorOptions { ClassIndices = [20, 20] }, Throws.ArgumentException);
        Assert.That(() => new CryDetectorOptions { ClassIndices = [521] }, Throws.ArgumentException);
        Assert.That(CryDetectorOptions.Default.ClassIndices, Is.EqualTo(new[] { 19, 20, 21, 22 }));
        Assert.That(CryDetectorOptions.Default.Mode, Is.EqualTo(CryDetectorMode.ZeroShot));
    }

    [TestCase(0, 480, 1)]
    [TestCase(15600, 480, 1)]
    [TestCase(15601, 480, 2)]
    [TestCase(112000, 480, 14)]
    [TestCase(112000, 250, 1 + 25)]    // ceil((112000 - 15600) / 4000) = 25 hops after the first window
    [TestCase(40000, 100, 1 + 16)]     // ceil(24400 / 1600) = 16
    public void Whole_clip_windows_follow_the_padding_rule(int samples16k, int hopMs, int expected)
    {
        var detector = Detector(new CryDetectorOptions { Hop = TimeSpan.FromMilliseconds(hopMs) });

        CryDetectionResult result = detector.Detect(new float[samples16k], 16000);

        Assert.That(result.Windows, Has.Count.EqualTo(expected));
        Assert.That(result.Windows.Select(w => w.Start.TotalMilliseconds), Is.EqualTo(Enumerable.Range(0, expected).Select(k => (double)k * hopMs)).Within(1e-6));
        Assert.That(result.Windows.All(w => w.Duration == TimeSpan.FromSeconds(0.96)), Is.True);
    }

    [Category("Models")]
    [Category("SharedAssets")]
    [TestCase(8000, 480, 1)]
    [TestCase(8000, 250, 7)]
    [TestCase(44100, 480, 3)]
    [TestCase(16000, 130, 11)]
    public async Task Streamed_detections_equal_whole_clip_detections(int rate, int hopMs, int seed)
    {
        // A real cry followed by silence and noise, so the timeline has both verdicts.
        AudioClip cry = WavReader.Read(FirstCry());
        float[] cry8k = cry.Samples.Take(4 * cry.SampleRate).ToArray();
        float[] clip = SyntheticAudio.Concat(InfantCry.Audio.Resampling.Resampler.Resample(cry8k, cry.SampleRate, rate), SyntheticAudio.Silence(1.3, rate), SyntheticAudio.WhiteNoise(0.05, 1.1, rate, seed));
        using var detector = new CryDetector(YamnetFixture.Embedder, new CryDetectorOptions { Hop = TimeSpan.FromMilliseconds(hopMs) });

        CryDetectionResult whole = detector.Detect(clip, rate);
        var streamed = new List<CryDetection>();
        await foreach (CryDetection d in detector.DetectAsync(RandomChunks(clip, seed), rate))
        {
            streamed.Add(d);
        }

        Assert.That(streamed, Has.Count.EqualTo(whole.Windows.Count));
        Assert.That(streamed.Select(d => d.Index), Is.EqualTo(whole.Windows.Select(d => d.Index)));
        Assert.That(streamed.Select(d => d.Start), Is.EqualTo(whole.Windows.Select(d => d.Start)));
        Assert.That(streamed.Select(d => d.Score), Is.EqualTo(whole.Windows.Select(d => d.Score)).Within(StreamedVsWholeAbsolute));
        Assert.That(whole.Windows.Any(w => w.IsCry) && whole.Windows.Any(w => !w.IsCry), Is.True, "the clip should give both verdicts");
        Assert.That(streamed.Select(d => d.IsCry), Is.EqualTo(whole.Windows.Select(d => d.IsCry)));
    }

    [Category("Models")]
    [Test]
    public async Task A_channel_fed_like_a_microphone_streams_windows_and_stops_on_cancellation()
    {
        var channel = Channel.CreateBounded<ReadOnlyMemory<float>>(4);
        using var cts = new CancellationTokenSource();
        float[] noise = SyntheticAudio.WhiteNoise(0.05, 10, 16000, seed: 5);
        var producer = Task.Run(async () =>
        {
            for (int i = 0; i + 1600 <= noise.Length; i += 1600)
            {
                await channel.Writer.WriteAsync(noise.AsMemory(i, 1600), CancellationToken.None);   // 100 ms chunks
            }
        });

        var seen = new List<CryDetection>();
        Assert.That(async () =>
        {
            await foreach (CryDetection d in new CryDetector(YamnetFixture.Embedder).DetectAsync(channel.Reader, 16000, cts.Token))
            {
                seen.Add(d);
                if (seen.Count == 3)
                {
                    cts.Cancel();
                }
            }
        }, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(seen, Has.Count.EqualTo(3));
        Assert.That(seen.Select(d => d.Start.TotalSeconds), Is.EqualTo(new[] { 0.0, 0.48, 0.96 }).Within(1e-9));
        channel.Writer.TryComplete();
        while (channel.Reader.TryRead(out _))
        {
        }

        await Task.WhenAny(producer, Task.Delay(TimeSpan.FromSeconds(30)));
    }

    [Category("Models")]
    [Category("SharedAssets")]
    [Test]
    public void Detecting_from_precomputed_yamnet_output_equals_detecting_from_samples()
    {
        AudioClip cry = WavReader.Read(FirstCry());
        using var detector = new CryDetector(YamnetFixture.Embedder);

        CryDetectionResult fromSamples = detector.Detect(cry.Samples, cry.SampleRate);
        CryDetectionResult fromYamnet = detector.Detect(YamnetFixture.Embedder.Embed(cry.Samples, cry.SampleRate));

        Assert.That(fromYamnet.Score, Is.EqualTo(fromSamples.Score).Within(StreamedVsWholeAbsolute));
        Assert.That(fromYamnet.Windows.Select(w => w.Score), Is.EqualTo(fromSamples.Windows.Select(w => w.Score)).Within(StreamedVsWholeAbsolute));
        Assert.That(fromYamnet.Duration, Is.EqualTo(fromSamples.Duration));
    }

    [Category("Models")]
    [Category("SharedAssets")]
    [Test]
    public void Zero_shot_detects_most_donateacry_cries_and_no_synthetic_non_cry()
    {
        string[] files = Directory.GetFiles(Artifacts.DonateACry, "*.wav", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Where((_, i) => i % 7 == 0).ToArray();
        Assert.That(files, Has.Length.EqualTo(66), "1 in 7 of the 457 donateacry clips");
        using var detector = new CryDetector(YamnetFixture.Embedder);

        int detected = files.Count(f => { AudioClip c = WavReader.Read(f); return detector.Detect(c.Samples, c.SampleRate).IsCry; });
        var negatives = new Dictionary<string, float[]>
        {
            ["silence"] = SyntheticAudio.Silence(7, 8000),
            ["1 kHz sine"] = SyntheticAudio.Sine(1000, 7, 8000),
            ["white noise"] = SyntheticAudio.WhiteNoise(0.1, 7, 16000, seed: 2),
            ["chord"] = SyntheticAudio.Sine(261.6, 7, 8000, 0.2).Zip(SyntheticAudio.Sine(329.6, 7, 8000, 0.2), SyntheticAudio.Sine(392, 7, 8000, 0.2)).Select(t => t.First + t.Second + t.Third).ToArray(),
        };

        double recall = detected / (double)files.Length;
        TestContext.Out.WriteLine($"zero-shot recall on {files.Length} donateacry clips: {recall:F3}");
        Assert.That(recall, Is.GreaterThanOrEqualTo(MinimumSampleRecall));
        foreach ((string name, float[] x) in negatives)
        {
            CryDetectionResult r = detector.Detect(x, name == "white noise" ? 16000 : 8000);
            Assert.That(r.IsCry, Is.False, $"{name} scored {r.Score}");
        }
    }

    [Category("Models")]
    [Category("SharedAssets")]
    [Test]
    public void The_trained_head_gives_the_python_outputs_and_is_not_shipped_when_it_hears_synthetic_sounds_as_cries()
    {
        // crydetector_head.onnx (25-crydetector.sh) ships with check vectors (4 embeddings and the head's outputs from
        // the trained weights in Python) and its own threshold in crydetector.json: C# must feed it as Python did.
        // Whether the head calls silence a cry depends on the training configuration (CI's small one often does: the
        // failure the brief reports); what must hold is that such a head is never the shipped mode.
        string headPath = Artifacts.Require(CryDetector.TrainedHeadFileName, "25-crydetector.sh");
        CryDetectorSettings settings = CryDetectorSettings.Load(Artifacts.Require(CryDetectorSettings.FileName, "25-crydetector.sh"));
        using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Artifacts.ModelsDirectory, CryDetectorSettings.FileName)));
        JsonElement check = json.RootElement.GetProperty("heads").GetProperty("head-embedding").GetProperty("check");
        float[] embeddings = [.. check.GetProperty("embeddings").EnumerateArray().Select(e => e.GetSingle())];
        float[] expected = [.. check.GetProperty("cry").EnumerateArray().Select(e => e.GetSingle())];
        using (var session = InfantCry.Onnx.Sessions.OnnxInferenceSession.Create(headPath))
        {
            var output = new float[expected.Length];
            TensorInput input = TensorInput.Float32(session.Inputs[0].Name, embeddings, new long[] { expected.Length, 1024 });
            long[] outShape = session.Outputs[0].Shape.Count == 2 ? [expected.Length, 1] : [expected.Length];
            TensorOutput result = TensorOutput.Float32(session.Outputs[0].Name, output, outShape);
            session.Run([input], [result]);
            Assert.That(output, Is.EqualTo(expected).Within(HeadCheckAbsolute));
        }

        using CryDetector detector = CryDetector.Create(Artifacts.ModelsDirectory, new CryDetectorOptions { Mode = CryDetectorMode.TrainedHead, TrainedHeadThreshold = settings.Options.TrainedHeadThreshold });
        CryDetectionResult silence = detector.Detect(SyntheticAudio.Silence(7, 8000), 8000);
        CryDetectionResult tone = detector.Detect(SyntheticAudio.Sine(1000, 7, 8000), 8000);
        CryDetectionResult noise = detector.Detect(SyntheticAudio.WhiteNoise(0.1, 7, 16000, seed: 2), 16000);
        TestContext.Out.WriteLine($"shipped head at {settings.Options.TrainedHeadThreshold:F4}: silence {silence.Score:F3}, 1 kHz {tone.Score:F3}, noise {noise.Score:F3}");
        if (silence.IsCry || tone.IsCry || noise.IsCry)
        {
            Assert.That(settings.Options.Mode, Is.EqualTo(CryDetectorMode.ZeroShot), "a head that hears synthetic silence, a tone or noise as a cry must not be the shipped mode");
        }

        Assert.That(silence.Mode, Is.EqualTo(CryDetectorMode.TrainedHead));
        Assert.That(silence.Probability, Is.Null, "the calibration was fitted for the shipped (zero-shot) detector, not the head");
    }

    [Category("Models")]
    [Test]
    public void The_shipped_settings_make_the_default_detector_and_attach_calibration_and_reliability()
    {
        CryDetectorSettings settings = CryDetectorSettings.Load(Artifacts.Require(CryDetectorSettings.FileName, "25-crydetector.sh"));
        using CryDetector detector = CryDetector.Create(Artifacts.ModelsDirectory);
        Assert.That(detector.Options.Mode, Is.EqualTo(settings.Options.Mode));
        Assert.That(detector.Options.ActiveThreshold, Is.EqualTo(settings.Options.ActiveThreshold));
        Assert.That(detector.Options.Pooling, Is.EqualTo(CryClipPooling.MeanOfWindowScores));
        CryDetectionResult r = detector.Detect(SyntheticAudio.Silence(3, 16000), 16000);
        Assert.That(r.Reliability, Is.EqualTo(settings.Reliability).And.Contains("leave-one-source-out").Or.Contains("never trained on"));
        Assert.That(r.Probability, Is.EqualTo(settings.Calibrate(r.Score)));
        Assert.That(r.Probability, Is.InRange(0f, 1f));
        // Platt's formula at S = 0.5 (logit 0) is the sigmoid of the offset alone.
        Assert.That(settings.Calibrate(0.5f), Is.EqualTo(1 / (1 + Math.Exp(-settings.PlattB!.Value))).Within(1e-6));
    }

    [Test]
    public void The_trained_head_is_optional_and_used_when_asked_for()
    {
        // A fake head: probability = first embedding value (the quiet YAMNet writes each patch's mean log-mel there).
        using var head = new FakeSession(
            [new TensorInfo("embeddings", TensorElementType.Float32, [-1, 1024])],
            [new TensorInfo("cry", TensorElementType.Float32, [-1, 1])],
            inputs =>
            {
                (long[] shape, float[] data) = inputs["embeddings"];
                return new Dictionary<string, float[]> { ["cry"] = Enumerable.Range(0, (int)shape[0]).Select(i => 1f / (1f + MathF.Exp(-data[i * 1024]))).ToArray() };
            });
        var embedder = new YamnetEmbedder(new QuietYamnetSession());
        var trained = new CryDetector(embedder, new CryDetectorOptions { Mode = CryDetectorMode.TrainedHead, TrainedHeadThreshold = 0.3f }, head);

        CryDetectionResult r = trained.Detect(SyntheticAudio.Silence(3, 16000), 16000);

        float expected = 1f / (1f + MathF.Exp(-MathF.Log(0.001f)));   // log-mel of silence is ln(0.001) everywhere
        Assert.That(r.Mode, Is.EqualTo(CryDetectorMode.TrainedHead));
        Assert.That(r.Windows.Select(w => w.Score), Is.All.EqualTo(expected).Within(CombinationAbsolute));
        Assert.That(r.Score, Is.EqualTo(expected).Within(CombinationAbsolute));
        Assert.That(r.Threshold, Is.EqualTo(0.3f));
        Assert.That(() => new CryDetector(embedder, new CryDetectorOptions { Mode = CryDetectorMode.TrainedHead }), Throws.TypeOf<InvalidModelException>().With.Message.Contains("ZeroShot"));
        Assert.That(() => CryDetector.Create(Path.GetTempPath(), new CryDetectorOptions { Mode = CryDetectorMode.TrainedHead }), Throws.TypeOf<InvalidModelException>());
    }

    [Test]
    public void A_head_with_the_wrong_signature_is_rejected()
    {
        using var wrong = new FakeSession(
            [new TensorInfo("x", TensorElementType.Float32, [-1, 512])],
            [new TensorInfo("cry", TensorElementType.Float32, [-1])],
            _ => new Dictionary<string, float[]>());

        Assert.That(() => new CryDetector(new YamnetEmbedder(new QuietYamnetSession()), new CryDetectorOptions { Mode = CryDetectorMode.TrainedHead }, wrong),
            Throws.TypeOf<InvalidModelException>().With.Message.Contains("1024"));
    }

    [Test]
    public void The_push_stream_rejects_writes_after_completion()
    {
        using var stream = Detector(CryDetectorOptions.Default).CreateStreaming(8000);
        var sink = new List<CryDetection>();
        stream.Process(new float[4000], sink);
        stream.Flush(sink);

        Assert.That(sink, Has.Count.EqualTo(1));
        Assert.That(() => stream.Process(new float[10], sink), Throws.InvalidOperationException);
        Assert.That(() => stream.Flush(sink), Throws.InvalidOperationException);
    }

    [TestCase(8000)]
    [TestCase(16000)]
    public void The_push_stream_allocates_nothing_in_steady_state(int rate)
    {
        // The pipeline alone (resampler, frames, batching, scoring) over a YAMNet that allocates nothing.
        using var stream = Detector(CryDetectorOptions.Default).CreateStreaming(rate);
        var sink = new List<CryDetection>(capacity: 64);
        float[] chunk = SyntheticAudio.WhiteNoise(0.1, 0.1, rate, seed: 3);   // 100 ms chunks, as a microphone delivers
        for (int i = 0; i < 30; i++)
        {
            stream.Process(chunk, sink);
        }

        long allocated = Allocations.PerPass(() =>
        {
            sink.Clear();
            for (int i = 0; i < 20; i++)   // 2 s: completes about 4 windows
            {
                stream.Process(chunk, sink);
            }
        });
        Assert.That(sink, Is.Not.Empty);
        Assert.That(allocated, Is.Zero);
    }

    [TestCase(22050, AudioSampleFormat.Float32)]
    [TestCase(16000, AudioSampleFormat.Pcm16)]
    public void A_reader_streamed_in_chunks_gives_the_whole_clip_verdict(int rate, AudioSampleFormat format)
    {
        // The same recording, once decoded whole and once streamed from its WAV bytes in blocks (flat memory).
        float[] x = SyntheticAudio.WhiteNoise(0.1, 9.3, rate, seed: 5);
        byte[] wav = WavBuilder.Simple([.. x.Select(v => (double)v)], format, 1, rate);
        CryDetector detector = Detector(CryDetectorOptions.Default);
        CryDetectionResult whole = detector.Detect(WavReader.Read(new MemoryStream(wav)).Samples, rate);

        using var reader = AudioReader.Open(new MemoryStream(wav), "noise.wav");
        CryDetectionResult streamed = detector.Detect(reader);

        Assert.That(streamed.Windows, Has.Count.EqualTo(whole.Windows.Count));
        Assert.That(streamed.Windows.Select(w => w.Score), Is.EqualTo(whole.Windows.Select(w => w.Score)).Within(StreamedVsWholeAbsolute));
        Assert.That(streamed.Windows.Select(w => w.Start), Is.EqualTo(whole.Windows.Select(w => w.Start)));
        Assert.That(streamed.Score, Is.EqualTo(whole.Score).Within(StreamedVsWholeAbsolute));
        Assert.That(streamed.IsCry, Is.EqualTo(whole.IsCry));
        Assert.That(streamed.Duration, Is.EqualTo(whole.Duration));
        Assert.That(() => detector.Detect((AudioReader)null!), Throws.ArgumentNullException);
    }

    private static CryDetector Detector(CryDetectorOptions options) => new(new YamnetEmbedder(new QuietYamnetSession()), options);

    private static string FirstCry()
    {
        string dir = Path.Combine(Artifacts.DonateACry, "hungry");
        return Directory.GetFiles(dir, "*.wav").Order(StringComparer.Ordinal).First();
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<float>> RandomChunks(float[] x, int seed, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var random = new Random(seed);
        for (int i = 0; i < x.Length;)
        {
            int n = Math.Min(x.Length - i, random.Next(0, 9000));
            yield return x.AsMemory(i, n);
            i += n;
            await Task.Yield();
        }
    }
}
