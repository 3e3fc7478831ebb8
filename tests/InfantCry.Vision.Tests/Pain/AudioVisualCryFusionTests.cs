using InfantCry.Abstractions.Pain;
using InfantCry.Vision.Pain;

namespace InfantCry.Vision.Tests.Pain;

/// <summary>The audio-visual fusion rule, the audio lookup per frame and the fused state's hysteresis (no models).</summary>
[TestFixture]
public sealed class AudioVisualCryFusionTests
{
    // Float rounding of logit and sigmoid in single precision.
    private const float Tolerance = 1e-5f;

    private static readonly TimeSpan Window = TimeSpan.FromSeconds(0.96);
    private static readonly TimeSpan Hop = TimeSpan.FromSeconds(0.48);

    private static float Sigmoid(double x) => (float)(1 / (1 + Math.Exp(-x)));

    private static double Logit(double p) => Math.Log(p / (1 - p));

    private static PainFrameResult Face(long i, double fps, float? crying) => new()
    {
        FrameIndex = i, Timestamp = TimeSpan.FromSeconds(i / fps), FaceFound = crying is not null, HasEstimate = crying is not null,
        CryingProbability = crying ?? 0f, PainProbabilities = crying is null ? [] : [1, 0, 0], Level = crying is null ? null : PainLevel.None,
    };

    /// <summary>Feeds cry-detector-like windows (0.96 s every 0.48 s) with the given scores.</summary>
    private static void FeedAudio(AudioVisualCryFusion fusion, params float[] scores)
    {
        for (int w = 0; w < scores.Length; w++)
        {
            fusion.ProcessAudio(w * Hop, Window, scores[w]);
        }
    }

    [Test]
    public void The_fused_probability_is_the_weighted_sum_of_centred_clamped_log_odds()
    {
        var fusion = new AudioVisualCryFusion();
        AudioVisualCryFusionOptions o = fusion.Options;
        foreach ((float audio, float face) in new[] { (0.3f, 0.6f), (0.15f, 0.9f), (0.5f, 0.2f), (0.9999f, 0.0001f), (0.22f, 0.5f) })
        {
            double a = Math.Clamp(Logit(audio) - Logit(o.AudioThreshold), -o.EvidenceLimit, o.EvidenceLimit);
            double f = Math.Clamp(Logit(face) - Logit(o.FaceThreshold), -o.EvidenceLimit, o.EvidenceLimit);
            Assert.That(fusion.Fuse(audio, face), Is.EqualTo(Sigmoid((o.AudioWeight * a) + (o.FaceWeight * f))).Within(Tolerance), $"audio {audio}, face {face}");
        }
    }

    [Test]
    public void Sound_decides_first_a_silent_crying_face_is_not_crying_and_a_loud_cry_with_a_calm_face_is()
    {
        var fusion = new AudioVisualCryFusion();
        Assert.That(fusion.Fuse(0.001f, 0.999f), Is.LessThan(0.5f), "silent room, crying face");
        Assert.That(fusion.Fuse(0.07f, 1f), Is.LessThan(0.5f), "below 0.078 the face cannot make crying (defaults)");
        Assert.That(fusion.Fuse(0.95f, 0.001f), Is.GreaterThan(0.5f), "loud cry, calm face");
        Assert.That(fusion.Fuse(0.49f, 0f), Is.GreaterThanOrEqualTo(0.5f), "from 0.484 the face cannot stop crying (defaults)");
        // Around the detector's threshold the face tips the balance.
        Assert.That(fusion.Fuse(0.15f, 0.95f), Is.GreaterThan(0.5f));
        Assert.That(fusion.Fuse(0.30f, 0.05f), Is.LessThan(0.5f));
        Assert.That(fusion.Fuse(0.15f, 0.05f), Is.LessThan(0.5f));
        Assert.That(fusion.Fuse(0.30f, 0.95f), Is.GreaterThan(0.5f));
    }

    [Test]
    public void One_source_alone_gives_its_own_probability_centred_on_its_threshold()
    {
        var fusion = new AudioVisualCryFusion();
        foreach (float p in new[] { 0f, 0.1f, 0.5f, 0.73f, 1f })
        {
            Assert.That(fusion.Fuse(null, p), Is.EqualTo(p).Within(Tolerance), "no audio: the face's own probability");
        }

        Assert.That(fusion.Fuse(0.22f, null), Is.EqualTo(0.5f).Within(Tolerance), "the detector's threshold is even odds");
        Assert.That(fusion.Fuse(0.9f, null), Is.EqualTo(Sigmoid(Logit(0.9) - Logit(0.22))).Within(Tolerance));
        Assert.That(fusion.Fuse(null, null), Is.Null);
    }

    [Test]
    public void A_face_weight_of_zero_lets_the_audio_decide_alone()
    {
        var fusion = new AudioVisualCryFusion(new AudioVisualCryFusionOptions { FaceWeight = 0f, EvidenceLimit = 20f });
        Assert.That(fusion.Fuse(0.4f, 0f), Is.EqualTo(fusion.Fuse(0.4f, 1f)).Within(Tolerance));
        Assert.That(fusion.Fuse(0.4f, 0.5f), Is.EqualTo(fusion.Fuse(0.4f, null)).Within(Tolerance));
    }

    [Test]
    public void Each_frame_gets_the_window_whose_centre_is_nearest_then_the_latest_within_the_hold_then_none()
    {
        var fusion = new AudioVisualCryFusion();
        FeedAudio(fusion, 0.1f, 0.2f, 0.3f);   // windows [0, 0.96), [0.48, 1.44), [0.96, 1.92): centres 0.48, 0.96, 1.44
        double[] times = [0.0, 0.70, 0.75, 1.0, 1.30, 1.91, 2.5, 2.91, 2.93, 4.0];
        float?[] expected = [0.1f, 0.1f, 0.2f, 0.2f, 0.3f, 0.3f, 0.3f, 0.3f, null, null];
        for (int i = 0; i < times.Length; i++)
        {
            AudioVisualCryFrame r = fusion.Process(i, TimeSpan.FromSeconds(times[i]), null);
            Assert.That(r.AudioScore, Is.EqualTo(expected[i]), $"t = {times[i]} s (hold 1 s after the last window's end at 1.92 s)");
            Assert.That(r.FaceCryingProbability, Is.Null);
        }
    }

    [Test]
    public void A_frame_before_any_audio_has_none_and_no_fused_value_without_a_face()
    {
        var fusion = new AudioVisualCryFusion();
        fusion.ProcessAudio(TimeSpan.FromSeconds(5), Window, 0.9f);
        AudioVisualCryFrame r = fusion.Process(0, TimeSpan.FromSeconds(1), null);
        Assert.That(r.AudioScore, Is.Null);
        Assert.That(r.CryingProbability, Is.Null);
        Assert.That(r.IsCurrent, Is.False);
        Assert.That(fusion.Process(1, TimeSpan.FromSeconds(5.5), 0.2f).AudioScore, Is.EqualTo(0.9f));
    }

    [Test]
    public void A_crying_face_in_a_silent_room_never_starts_crying_and_the_same_face_alone_does()
    {
        // 10 s at 30 frames/s, the face crying throughout.
        const double Fps = 30;
        var withSilence = new AudioVisualCryFusion();
        FeedAudio(withSilence, [.. Enumerable.Repeat(0.005f, 21)]);
        var faceOnly = new AudioVisualCryFusion();
        var started = new List<long>();
        withSilence.CryingStarted += (_, f) => started.Add(f.FrameIndex);

        AudioVisualCryFrame[] silent = [.. Enumerable.Range(0, 300).Select(i => withSilence.Process(Face(i, Fps, 0.95f)))];
        AudioVisualCryFrame[] alone = [.. Enumerable.Range(0, 300).Select(i => faceOnly.Process(Face(i, Fps, 0.95f)))];

        Assert.That(silent.All(r => r.AudioScore == 0.005f && r.CryingProbability < 0.5f && !r.Crying), Is.True);
        Assert.That(started, Is.Empty);
        Assert.That(alone.All(r => r.AudioScore is null), Is.True);
        Assert.That(alone[5].Crying, Is.False);
        Assert.That(alone[6].Crying, Is.True, "the 7th estimate of a sustained change (PainStateOptions.Default)");
    }

    [Test]
    public void An_audio_cry_starts_and_stops_the_fused_state_with_the_documented_hysteresis()
    {
        // 3 frames/s for 12 s; audio windows: silence, then a cry in the windows starting at 2.88-6.72 s, then silence.
        const double Fps = 3;
        var fusion = new AudioVisualCryFusion();
        float[] scores = [.. Enumerable.Range(0, 25).Select(w => w is >= 6 and <= 14 ? 0.95f : 0.01f)];
        FeedAudio(fusion, scores);
        var events = new List<string>();
        fusion.CryingStarted += (_, f) => events.Add($"started@{f.FrameIndex}");
        fusion.CryingStopped += (_, f) => events.Add($"stopped@{f.FrameIndex}");

        // The face is calm all along: the sound decides.
        AudioVisualCryFrame[] frames = [.. Enumerable.Range(0, 36).Select(i => fusion.Process(Face(i, Fps, 0.1f)))];

        // Frame i at i/3 s takes the window whose centre (0.48 w + 0.48 s) is nearest: crying windows 6..14 cover the
        // frames from 3.2 s (frame 10) to 7.3 s (frame 22), 13 frames. The state starts at their 7th (frame 16) and stops
        // at the 7th calm frame after them (frame 29).
        int[] loud = [.. frames.Where(r => r.CryingProbability >= 0.5f).Select(r => (int)r.FrameIndex)];
        Assert.That(loud, Is.EqualTo(Enumerable.Range(10, 13)), string.Join(", ", frames.Select(r => $"{r.FrameIndex}:{r.AudioScore}")));
        Assert.That(events, Is.EqualTo(new[] { "started@16", "stopped@29" }));
        Assert.That(frames.Where(r => r.Crying).Select(r => r.FrameIndex), Is.EqualTo(Enumerable.Range(16, 13).Select(i => (long)i)));
    }

    [Test]
    public void Short_audio_bursts_never_start_crying()
    {
        // One cry window among silence at 6 frames/s: it is the nearest window for 0.48 s, 3 frames, fewer than the
        // EnterCount (7) that starts the state.
        const double Fps = 6;
        var fusion = new AudioVisualCryFusion();
        FeedAudio(fusion, 0.01f, 0.01f, 0.01f, 0.01f, 0.9f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f);
        AudioVisualCryFrame[] frames = [.. Enumerable.Range(0, 30).Select(i => fusion.Process(Face(i, Fps, 0.2f)))];
        Assert.That(frames.Count(r => r.CryingProbability >= 0.5f), Is.EqualTo(3), "the raw values do say crying");
        Assert.That(frames.Any(r => r.Crying), Is.False);
    }

    [Test]
    public void A_long_stretch_without_any_source_makes_the_state_not_current_without_an_event()
    {
        var fusion = new AudioVisualCryFusion();
        var events = 0;
        fusion.CryingStopped += (_, _) => events++;
        for (int i = 0; i < 10; i++)
        {
            fusion.Process(Face(i, 30, 0.9f));
        }

        AudioVisualCryFrame last = default;
        for (int i = 10; i < 40; i++)
        {
            last = fusion.Process(Face(i, 30, null));
        }

        Assert.That(last.Crying, Is.True, "the last state known");
        Assert.That(last.IsCurrent, Is.False, "after MaxGap (30) frames without a source");
        Assert.That(events, Is.Zero);
    }

    [Test]
    public void Steady_state_allocates_nothing()
    {
        // 40 windows ahead of the frames (the queue grows to 64 here, before the measurement), then one new window per
        // 0.47 s while the frames drop the windows they have passed: the queue never needs to grow again.
        var fusion = new AudioVisualCryFusion();
        int windows = 0;
        for (; windows < 40; windows++)
        {
            fusion.ProcessAudio(windows * Hop, Window, 0.5f);
        }

        for (int i = 0; i < 30; i++)
        {
            fusion.Process(i, TimeSpan.FromSeconds(i / 30.0), 0.5f);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 30; i < 600; i++)
        {
            if (i % 14 == 0)
            {
                fusion.ProcessAudio(windows++ * Hop, Window, 0.5f);
            }

            fusion.Process(i, TimeSpan.FromSeconds(i / 30.0), i % 3 == 0 ? null : 0.7f);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void Reset_forgets_audio_and_state()
    {
        var fusion = new AudioVisualCryFusion();
        FeedAudio(fusion, 0.9f, 0.9f, 0.9f);
        for (int i = 0; i < 10; i++)
        {
            fusion.Process(i, TimeSpan.FromSeconds(i / 10.0), null);
        }

        fusion.Reset();
        AudioVisualCryFrame r = fusion.Process(0, TimeSpan.Zero, null);
        Assert.That(r.AudioScore, Is.Null);
        Assert.That(r.Crying, Is.False);
        Assert.That(r.IsCurrent, Is.False);
    }

    [Test]
    public void Inputs_out_of_order_or_range_are_rejected()
    {
        var fusion = new AudioVisualCryFusion();
        fusion.ProcessAudio(TimeSpan.FromSeconds(1), Window, 0.5f);
        Assert.Throws<ArgumentException>(() => fusion.ProcessAudio(TimeSpan.FromSeconds(0.5), Window, 0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => fusion.ProcessAudio(TimeSpan.FromSeconds(2), TimeSpan.Zero, 0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => fusion.ProcessAudio(TimeSpan.FromSeconds(2), Window, float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => fusion.ProcessAudio(TimeSpan.FromSeconds(2), Window, 1.5f));
        fusion.Process(0, TimeSpan.FromSeconds(1), 0.5f);
        Assert.Throws<ArgumentException>(() => fusion.Process(1, TimeSpan.FromSeconds(0.5), 0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => fusion.Process(1, TimeSpan.FromSeconds(2), -0.1f));
        Assert.Throws<ArgumentNullException>(() => fusion.Process(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => fusion.Fuse(1.1f, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => fusion.Fuse(null, float.NaN));
        Assert.Throws<ArgumentException>(() => new AudioVisualCryFusion(new AudioVisualCryFusionOptions { States = new PainStateOptions { Window = 5, EnterCount = 7 } }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new AudioVisualCryFusionOptions { AudioThreshold = 1f });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new AudioVisualCryFusionOptions { FaceWeight = -1f });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new AudioVisualCryFusionOptions { AudioHold = TimeSpan.FromSeconds(-1) });
        Assert.Throws<ArgumentNullException>(() => _ = new AudioVisualCryFusionOptions { States = null! });
    }
}
