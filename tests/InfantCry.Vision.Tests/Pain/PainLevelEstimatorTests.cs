using System.Drawing;
using System.Runtime.CompilerServices;
using System.Text.Json;

using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Imaging;
using InfantCry.Abstractions.Pain;
using InfantCry.Onnx.Sessions;
using InfantCry.Vision.Pain;
using InfantCry.Vision.Sequencing;
using InfantCry.Vision.Tests.Landmarks;

namespace InfantCry.Vision.Tests.Pain;

/// <summary>End to end on the synthetic dataset (ground-truth landmarks) and on the detector path.</summary>
[TestFixture]
public sealed class PainLevelEstimatorTests
{
    // The Python report's accuracies come from torch on crops aligned in float64 numpy; ours from ONNX Runtime
    // (agrees within 1e-4, pain_check.json) on float32 crops (agree within 3e-5, PainModelTests). A window can only
    // change class when its top two probabilities are that close, which the 156 test windows may contain once or
    // twice: allow 2 windows of difference, i.e. 2/156 of accuracy.
    private const int WindowFlipAllowance = 2;

    // Two estimators fed identical frames run identical float32 code: results are bit-equal.
    private const float SameRunTolerance = 0f;

    private static readonly Lazy<PainLevelEstimatorTests.Shared> s_shared = new(() => new Shared());

    private sealed class Shared
    {
        public Shared()
        {
            JsonElement models = PainTestData.Json(Path.Combine(PainTestData.ModelsFolder, "pain_models.json"));
            JsonElement metrics = models.GetProperty("metrics");
            TestSubjects = metrics.GetProperty("test_subjects").EnumerateArray().Select(e => e.GetString()!).ToArray();
            JsonElement seq = metrics.GetProperty("sequence_test");
            Windows = seq.GetProperty("n").GetInt32();
            CryAccuracy = seq.GetProperty("cry_accuracy").GetDouble();
            PainAccuracy = seq.GetProperty("pain_accuracy").GetDouble();
            CryConfusion = Matrix(seq.GetProperty("cry_confusion"));
            PainConfusion = Matrix(seq.GetProperty("pain_confusion"));
        }

        public int[,] CryConfusion { get; }

        public int[,] PainConfusion { get; }

        private static int[,] Matrix(JsonElement rows)
        {
            int n = rows.GetArrayLength();
            var m = new int[n, n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    m[i, j] = rows[i][j].GetInt32();
                }
            }

            return m;
        }

        public string[] TestSubjects { get; }

        public int Windows { get; }

        public double CryAccuracy { get; }

        public double PainAccuracy { get; }
    }

    private static PainLevelEstimator LandmarkEstimator(PainEstimatorOptions? options = null)
    {
        PainTestData.Artifact(Path.Combine(PainTestData.ModelsFolder, PainLevelEstimator.EncoderFileName));
        return PainLevelEstimator.CreateWithoutDetector(PainTestData.ModelsFolder, options);
    }

    private static VideoFrame Frame(PainTestData.Clip clip, int i) => new(clip.Image(i), TimeSpan.FromSeconds(i / 3.0));

    [Category("Models")]
    [Test]
    public void Test_subjects_windows_reach_the_python_reports_accuracy()
    {
        Shared s = s_shared.Value;
        using PainLevelEstimator estimator = LandmarkEstimator();
        int windows = 0, cryRight = 0, painRight = 0;
        var cry = new int[2, 2];
        var pain = new int[3, 3];
        foreach (string name in PainTestData.ClipNames.Order().Where(c => s.TestSubjects.Contains(PainTestData.SubjectOf(c))))
        {
            PainTestData.Clip clip = PainTestData.LoadClip(name);

            estimator.Reset();
            for (int i = 0; i < clip.Frames.Count; i++)
            {
                PainFrameResult r = estimator.Process(Frame(clip, i), clip.Landmarks[i]);
                if (!r.HasEstimate)
                {
                    continue;
                }

                windows++;
                cry[clip.Cry[i], r.CryingProbability > 0.5f ? 1 : 0]++;
                pain[clip.Pain[i], (int)r.Level!.Value]++;
                cryRight += (r.CryingProbability > 0.5f ? 1 : 0) == clip.Cry[i] ? 1 : 0;
                painRight += (int)r.Level!.Value == clip.Pain[i] ? 1 : 0;
            }
        }

        TestContext.Out.WriteLine($"{windows} windows: cry accuracy {cryRight / (double)windows:F4} (python {s.CryAccuracy:F4}), pain accuracy {painRight / (double)windows:F4} (python {s.PainAccuracy:F4})");
        Assert.That(windows, Is.EqualTo(s.Windows), "the same windows as the Python test split");
        Assert.That(cryRight, Is.EqualTo((int)Math.Round(s.CryAccuracy * s.Windows)).Within(WindowFlipAllowance), "crying windows right");
        Assert.That(painRight, Is.EqualTo((int)Math.Round(s.PainAccuracy * s.Windows)).Within(WindowFlipAllowance), "pain windows right");

        // Confusion matrices (rows truth, columns prediction, as training/pain/metrics.py): every cell within the allowance.
        for (int t = 0; t < 3; t++)
        {
            for (int p = 0; p < 3; p++)
            {
                if (t < 2 && p < 2)
                {
                    Assert.That(cry[t, p], Is.EqualTo(s.CryConfusion[t, p]).Within(WindowFlipAllowance), $"crying confusion [{t}, {p}]");
                }

                Assert.That(pain[t, p], Is.EqualTo(s.PainConfusion[t, p]).Within(WindowFlipAllowance), $"pain confusion [{t}, {p}]");
            }
        }
    }

    [Category("Models")]
    [Test]
    public void Estimates_start_at_the_T_th_frame_and_carry_the_face()
    {
        PainTestData.Clip clip = PainTestData.LoadClip(PainTestData.ClipNames.Order().First());
        using PainLevelEstimator estimator = LandmarkEstimator();
        int t = estimator.Options.Sequence.Length;
        for (int i = 0; i < clip.Frames.Count; i++)
        {
            PainFrameResult r = estimator.Process(Frame(clip, i), clip.Landmarks[i]);
            Assert.That(r.FrameIndex, Is.EqualTo(i));
            Assert.That(r.Timestamp, Is.EqualTo(TimeSpan.FromSeconds(i / 3.0)));
            Assert.That(r.FaceFound, Is.True);
            Assert.That(r.Landmarks, Is.EqualTo(clip.Landmarks[i]));
            Assert.That(r.FaceBox!.Value.Left, Is.EqualTo(clip.Landmarks[i].Min(p => p.X)));
            Assert.That(r.HasEstimate, Is.EqualTo(i >= t - 1), $"frame {i}");
            if (r.HasEstimate)
            {
                Assert.That(r.PainProbabilities, Has.Count.EqualTo(3));
                Assert.That(r.PainProbabilities.Sum(), Is.EqualTo(1f).Within(1e-5f), "softmax output sums to 1 (float32 rounding)");
                Assert.That(r.CryingProbability, Is.InRange(0f, 1f));
                Assert.That((int)r.Level!.Value, Is.EqualTo(r.PainProbabilities.ToList().IndexOf(r.PainProbabilities.Max())));
            }
            else
            {
                Assert.That(r.PainProbabilities, Is.Empty);
                Assert.That(r.Level, Is.Null);
            }
        }
    }

    [Category("Models")]
    [Test]
    public void No_face_frames_follow_the_sequencer_policy()
    {
        PainTestData.Clip clip = PainTestData.LoadClip(PainTestData.ClipNames.Order().First());
        const int gap = 6;

        using PainLevelEstimator reset = LandmarkEstimator();
        using PainLevelEstimator hold = LandmarkEstimator(new PainEstimatorOptions { Sequence = new SequenceOptions { NoFace = NoFacePolicy.HoldLast } });
        for (int i = 0; i < clip.Frames.Count; i++)
        {
            PointF[] marks = i == gap ? [] : clip.Landmarks[i];
            PainFrameResult r = reset.Process(Frame(clip, i), marks);
            PainFrameResult h = hold.Process(Frame(clip, i), marks);
            Assert.That(r.FaceFound, Is.EqualTo(i != gap));
            Assert.That(r.FaceBox.HasValue, Is.EqualTo(i != gap));
            Assert.That(r.Landmarks, i == gap ? Is.Empty : Has.Count.EqualTo(68));

            // Reset: estimates from frame 3, none at the gap nor for the 3 faces after it.
            Assert.That(r.HasEstimate, Is.EqualTo(i is >= 3 and < gap or >= gap + 4), $"reset policy, frame {i}");

            // HoldLast: the gap repeats the previous latent, so estimates never stop.
            Assert.That(h.HasEstimate, Is.EqualTo(i >= 3), $"hold-last policy, frame {i}");
            Assert.That(h.FaceFound, Is.EqualTo(i != gap));
        }
    }

    [Category("Models")]
    [Test]
    public void Reset_starts_a_new_stream_that_matches_a_fresh_estimator()
    {
        PainTestData.Clip clip = PainTestData.LoadClip(PainTestData.ClipNames.Order().Skip(1).First());
        using PainLevelEstimator reused = LandmarkEstimator();
        using PainLevelEstimator fresh = LandmarkEstimator();
        for (int i = 0; i < 6; i++)
        {
            reused.Process(Frame(clip, clip.Frames.Count - 1 - i), clip.Landmarks[clip.Frames.Count - 1 - i]);
        }

        reused.Reset();
        for (int i = 0; i < clip.Frames.Count; i++)
        {
            PainFrameResult a = reused.Process(Frame(clip, i), clip.Landmarks[i]);
            PainFrameResult b = fresh.Process(Frame(clip, i), clip.Landmarks[i]);
            Assert.That(a.FrameIndex, Is.EqualTo(i));
            Assert.That(a.HasEstimate, Is.EqualTo(b.HasEstimate), $"frame {i}");
            Assert.That(a.CryingProbability, Is.EqualTo(b.CryingProbability).Within(SameRunTolerance), $"frame {i}");
            Assert.That(a.PainProbabilities, Is.EqualTo(b.PainProbabilities).Within(SameRunTolerance), $"frame {i}");
        }
    }

    [Category("Models")]
    [Test]
    public void Steady_state_allocates_only_the_results()
    {
        // A result with an estimate is the PainFrameResult record (~90 B), its 68 landmarks (PointF[68]: 568 B) and its
        // 3 probabilities (40 B): ~700 B on x64. Anything per frame beyond that (a copied window, a rented-and-lost
        // buffer, a boxed tensor) adds at least a 640-float latent (2.5 kB), so 1 kB per frame separates the two.
        const long ResultBytesBound = 1024;
        PainTestData.Clip clip = PainTestData.LoadClip(PainTestData.ClipNames.Order().First());
        using PainLevelEstimator estimator = LandmarkEstimator();
        var frames = Enumerable.Range(0, clip.Frames.Count).Select(i => Frame(clip, i)).ToArray();
        var kept = new PainFrameResult[frames.Length];
        long perFrame = Allocations.PerPass(() =>
        {
            for (int i = 0; i < frames.Length; i++)
            {
                kept[i] = estimator.Process(frames[i], clip.Landmarks[i]);
            }
        }) / frames.Length;
        TestContext.Out.WriteLine($"{perFrame} B allocated per frame with an estimate");
        Assert.That(kept.All(r => r.HasEstimate), Is.True);
        Assert.That(perFrame, Is.LessThanOrEqualTo(ResultBytesBound));
    }

    [Category("Models")]
    [Test]
    public async Task Estimators_sharing_sessions_on_parallel_streams_match_their_sequential_runs()
    {
        PainTestData.Artifact(Path.Combine(PainTestData.ModelsFolder, PainLevelEstimator.EncoderFileName));
        using var encoder = InfantCry.Onnx.Sessions.OnnxInferenceSession.Create(Path.Combine(PainTestData.ModelsFolder, PainLevelEstimator.EncoderFileName));
        using var sequence = InfantCry.Onnx.Sessions.OnnxInferenceSession.Create(Path.Combine(PainTestData.ModelsFolder, PainLevelEstimator.SequenceFileName));
        PainTestData.Clip[] clips = PainTestData.ClipNames.Order().Take(2).Select(PainTestData.LoadClip).ToArray();

        float[][] Run(PainTestData.Clip clip)
        {
            using var estimator = new PainLevelEstimator(encoder, sequence, null, null);
            return Enumerable.Range(0, clip.Frames.Count)
                .Select(i => estimator.Process(Frame(clip, i), clip.Landmarks[i]))
                .Where(r => r.HasEstimate)
                .Select(r => r.PainProbabilities.Append(r.CryingProbability).ToArray())
                .ToArray();
        }

        float[][][] sequential = clips.Select(Run).ToArray();
        float[][][] parallel = await Task.WhenAll(clips.Select(c => Task.Run(() => Run(c))));
        for (int c = 0; c < clips.Length; c++)
        {
            Assert.That(parallel[c], Has.Length.EqualTo(sequential[c].Length));
            for (int i = 0; i < sequential[c].Length; i++)
            {
                Assert.That(parallel[c][i], Is.EqualTo(sequential[c][i]).Within(SameRunTolerance), $"clip {clips[c].Name}, estimate {i}");
            }
        }

        // Estimators that do not own the sessions leave them usable when disposed.
        using var again = new PainLevelEstimator(encoder, sequence, null, null);
        Assert.That(() => again.Process(Frame(clips[0], 0), clips[0].Landmarks[0]), Throws.Nothing);
    }

    [Category("Models")]
    [Test]
    public void Wrong_landmark_counts_are_rejected()
    {
        PainTestData.Clip clip = PainTestData.LoadClip(PainTestData.ClipNames.Order().First());
        using PainLevelEstimator estimator = LandmarkEstimator();
        Assert.That(() => estimator.Process(Frame(clip, 0), clip.Landmarks[0].AsSpan(0, 5)), Throws.ArgumentException.With.Message.Contains("68"));
        Assert.That(() => estimator.Process(Frame(clip, 0)), Throws.InvalidOperationException.With.Message.Contains("landmarks"));
    }

    [Category("MachineTools")]
    [Category("Models")]
    [Category("SharedAssets")]
    [Test]
    public void Missing_model_file_is_named_with_the_package_or_terms_that_bring_it()
    {
        string empty = Path.Combine(Path.GetTempPath(), "infantcry-no-models-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(empty);
        try
        {
            Assert.That(() => PainLevelEstimator.Create(empty, PainTestData.UltraFacePath),
                Throws.TypeOf<InvalidModelException>().With.Message.Contains(PainLevelEstimator.EncoderFileName).And.Message.Contains("InfantCry.Models.Pain"));
            Assert.That(() => PainLevelEstimator.Create(PainTestData.ModelsFolder, Path.Combine(empty, "detector.onnx")),
                Throws.TypeOf<InvalidModelException>().With.Message.Contains("detector.onnx").And.Message.Contains("InfantCry.Models.FaceDetection"));
            // dlib's model: no default package carries it (research use only); the message says where to get it and on what terms.
            Assert.That(() => PainLevelEstimator.Create(PainTestData.ModelsFolder, PainTestData.UltraFacePath, Path.Combine(empty, "shape_predictor_68_face_landmarks.dat")),
                Throws.TypeOf<InvalidModelException>().With.Message.Contains("research use only").And.Message.Contains("InfantCry.Models.Dlib68"));
            Assert.That(() => PainLevelEstimator.CreateDefault(), Throws.TypeOf<InvalidModelException>().With.Message.Contains("dotnet add package InfantCry.Models.Pain"));
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Test]
    public void Options_validate_their_values()
    {
        Assert.That(PainEstimatorOptions.Default.Sequence.Length, Is.EqualTo(4));
        Assert.That(PainEstimatorOptions.Default.Sequence.NoFace, Is.EqualTo(NoFacePolicy.Reset));
        Assert.That(PainEstimatorOptions.Default.MinFaceConfidence, Is.Zero);
        Assert.That(() => new PainEstimatorOptions { MinFaceConfidence = 1.5f }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new PainEstimatorOptions { Sequence = null! }, Throws.TypeOf<ArgumentNullException>());
    }

    [Category("MachineTools")]
    [Category("Models")]
    [Category("SharedAssets")]
    [Test]
    public async Task Detector_path_streams_a_clip_and_stops_on_cancellation()
    {
        PainTestData.Clip clip = PainTestData.LoadClip(PainTestData.ClipNames.Order().First());
        if (!File.Exists(PainTestData.UltraFacePath))
        {
            Assert.Fail($"{PainTestData.UltraFacePath} is missing: the shared assets (../shared/models/face) are needed.");
        }

        using PainLevelEstimator estimator = PainLevelEstimator.Create(PainTestData.ModelsFolder, PainTestData.UltraFacePath, LandmarkTestData.ModelPath, refinerModelPath: PainTestData.YuNetPath);
        var results = new List<PainFrameResult>();
        await foreach (PainFrameResult r in estimator.ProcessAsync(Frames(clip, CancellationToken.None)))
        {
            results.Add(r);
        }

        Assert.That(results.Select(r => r.FrameIndex), Is.EqualTo(Enumerable.Range(0, clip.Frames.Count).Select(i => (long)i)));
        int found = results.Count(r => r.FaceFound);
        TestContext.Out.WriteLine($"UltraFace found a face in {found} of {results.Count} synthetic frames of {clip.Name}");
        double error = 0;
        foreach (PainFrameResult r in results.Where(r => r.FaceFound))
        {
            // The detected face is the synthetic face: the centre of its ground-truth landmarks is inside the box.
            PointF[] truth = clip.Landmarks[r.FrameIndex];
            var centre = new PointF(truth.Average(p => p.X), truth.Average(p => p.Y));
            Assert.That(r.FaceBox!.Value.Contains(centre), Is.True, $"frame {r.FrameIndex}: box {r.FaceBox} misses the face centre {centre}");
            Assert.That(r.Landmarks, Has.Count.EqualTo(68));
            error += r.Landmarks.Zip(truth, (a, b) => Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)))).Average();
        }

        TestContext.Out.WriteLine($"dlib landmarks vs the generator's: mean point distance {error / Math.Max(1, found):F2} px (faces about {clip.Landmarks[0].Max(p => p.X) - clip.Landmarks[0].Min(p => p.X):F0} px wide)");

        estimator.Reset();
        using var cts = new CancellationTokenSource();
        int seen = 0;
        Assert.That(
            async () =>
            {
                await foreach (PainFrameResult r in estimator.ProcessAsync(Frames(clip, CancellationToken.None), cts.Token))
                {
                    if (++seen == 2)
                    {
                        await cts.CancelAsync();
                    }
                }
            },
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(seen, Is.EqualTo(2), "no frame after the cancellation");
    }

    [Category("MachineTools")]
    [Category("Models")]
    [Category("SharedAssets")]
    [Test]
    public void Detector_path_reports_no_face_on_an_empty_frame()
    {
        PainTestData.Artifact(Path.Combine(PainTestData.ModelsFolder, PainLevelEstimator.EncoderFileName));
        using PainLevelEstimator estimator = PainLevelEstimator.Create(PainTestData.ModelsFolder, PainTestData.UltraFacePath, LandmarkTestData.ModelPath, refinerModelPath: PainTestData.YuNetPath);
        var blank = new byte[320 * 240 * 3];
        Array.Fill(blank, (byte)128);
        for (int i = 0; i < 6; i++)
        {
            PainFrameResult r = estimator.Process(new VideoFrame(new ImageBuffer(blank, 320, 240, PixelFormat.Rgb24), TimeSpan.FromSeconds(i)));
            Assert.That(r.FaceFound, Is.False);
            Assert.That(r.HasEstimate, Is.False);
            Assert.That(r.FaceBox, Is.Null);
            Assert.That(r.Landmarks, Is.Empty);
            Assert.That(r.FrameIndex, Is.EqualTo(i));
        }
    }

    private static async IAsyncEnumerable<VideoFrame> Frames(PainTestData.Clip clip, [EnumeratorCancellation] CancellationToken ct)
    {
        for (int i = 0; i < clip.Frames.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return Frame(clip, i);
        }
    }
}
