using System.Diagnostics;
using System.Drawing;

using InfantCry.Abstractions.Faces;
using InfantCry.Abstractions.Imaging;
using InfantCry.Vision.Faces;
using InfantCry.Vision.Landmarks;
using InfantCry.Vision.Quality;
using InfantCry.Vision.Tests.Landmarks;
using InfantCry.Vision.Tests.Pain;

namespace InfantCry.Vision.Tests.Quality;

/// <summary>
/// The quality gate: its rule on made-up measurements, and on faces the tests spoil themselves (blurred, occluded,
/// tiny copies of dlib's example photos; a synthetic infant turned towards profile by the project's renderer).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class FaceQualityGateTests
{
    /// <summary>Faces of the photos at least this wide between the outer eye corners are spoiled (smaller ones are already near the size threshold).</summary>
    private const float LargeFace = 40f;

    private static readonly FaceQuality Good = new()
    {
        DetectorScore = 0.99f, Roll = 0, InterOcularDistance = 60, KeyPointDisagreement = float.NaN, Asymmetry = 0.05f, Sharpness = 0.05f, RegionContrast = 0.1f, EyeDetail = 1.5f,
    };

    [Test]
    public void Each_threshold_gives_its_reason()
    {
        var gate = new FaceQualityGate();
        Assert.That(gate.Check(Good), Is.Null);
        Assert.That(gate.Check(Good with { DetectorScore = 0.5f }), Does.StartWith("face not clearly detected"));
        Assert.That(gate.Check(Good with { InterOcularDistance = 9 }), Does.StartWith("face too small"));
        Assert.That(gate.Check(Good with { KeyPointDisagreement = 0.8f }), Does.StartWith("landmarks disagree"));
        Assert.That(gate.Check(Good with { KeyPointDisagreement = 0.1f }), Is.Null);
        Assert.That(gate.Check(Good with { Asymmetry = 0.9f }), Does.StartWith("face turned towards profile"));
        Assert.That(gate.Check(Good with { Sharpness = 0.001f }), Does.StartWith("face blurred"));
        Assert.That(gate.Check(Good with { RegionContrast = 0.001f }), Does.StartWith("eyes or mouth hidden"));
        Assert.That(gate.Check(Good with { EyeDetail = 0.3f }), Does.StartWith("eyes hidden"));
        Assert.That(new FaceQualityGate(new FaceQualityOptions { MinSharpness = 0 }).Check(Good with { Sharpness = 0 }), Is.Null);
    }

    [Test]
    public void Options_validate_their_values()
    {
        FaceQualityOptions d = FaceQualityOptions.Default;
        Assert.That((d.MinDetectorScore, d.MinInterOcularDistance, d.MaxKeyPointDisagreement, d.MaxAsymmetry, d.MinSharpness, d.MinRegionContrast, d.MinEyeDetail), Is.EqualTo((0.75f, 24f, 0.35f, 0.6f, 0.03f, 0.02f, 0.75f)));
        Assert.That(() => new FaceQualityOptions { MinDetectorScore = 2 }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new FaceQualityOptions { MaxAsymmetry = -1 }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new FaceQualityOptions { MinInterOcularDistance = float.NaN }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new FaceQualityOptions { MinEyeDetail = -0.1f }, Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Category("MachineTools")]
    [Category("Models")]
    [Category("SharedAssets")]
    [Category("Models")]
    [TestCase("rotation search", "blurred")]
    [TestCase("rotation search", "tiny")]
    [TestCase("rotation search", "occluded")]
    [TestCase("upright", "blurred", Explicit = true, Reason = "The study's upright path (UltraFace, no key points), for comparison; run with NUnit.Where (README).")]
    [TestCase("upright", "tiny", Explicit = true, Reason = "The study's upright path, for comparison; run with NUnit.Where (README).")]
    [TestCase("upright", "occluded", Explicit = true, Reason = "The study's upright path, for comparison: without the detector's eye key points the gate lets 2 of 32 occluded faces through (its landmarks guess the eyes beside the cover); run with NUnit.Where (README).")]
    public void Spoiled_photo_faces_are_refused_and_clean_ones_pass(string frontEnd, string kind)
    {
        using UltraFaceDetector detector = UltraFaceDetector.Create(PainTestData.Artifact(PainTestData.UltraFacePath));
        using YuNetDetector refiner = YuNetDetector.Create(PainTestData.Artifact(PainTestData.YuNetPath), new FaceDetectorOptions { InputWidth = RotationSearchOptions.Default.RefineCropSize, InputHeight = RotationSearchOptions.Default.RefineCropSize });
        FrontEnd find = frontEnd == "upright"
            ? Upright(detector, new FaceLandmarker(LandmarkTestData.Model, DlibFaceBox.FromUltraFace))
            : Rotating(new RotatingFaceDetector(detector, refiner: refiner), new FaceLandmarker(LandmarkTestData.Model, DlibFaceBox.FromYuNet, FaceLandmarkerOptions.Levelled));
        var gate = new FaceQualityGate();
        int faces = 0;
        var clean = new List<string>();
        var refused = new List<string>();
        foreach (OracleImage photo in LandmarkTestData.Oracle)
        {
            // The faces of dlib's HOG detector (the oracle), found by the front end at their centre.
            foreach (OracleFace known in photo.Faces)
            {
                RectangleF box = known.Box;
                PointF centre = new(box.X + (box.Width / 2), box.Y + (box.Height / 2));
                if (find(photo.Image, centre) is not { } seen)
                {
                    continue;
                }

                (FaceDetection face, PointF[] points, float roll) = seen;
                FaceQuality q = FaceQualityGate.Measure(photo.Image, face, points, roll);
                if (q.InterOcularDistance < LargeFace)
                {
                    continue;
                }

                faces++;
                string? reason = gate.Check(q);
                TestContext.Out.WriteLine($"{photo.Name} {face.Box}: {q} -> {reason ?? "ok"}");
                if (reason is not null)
                {
                    clean.Add($"{photo.Name}: {reason}");
                }

                int factor = (int)MathF.Ceiling(q.InterOcularDistance / 10);
                refused.Add(kind switch
                {
                    "blurred" => Outcome(find, gate, BoxBlur(photo.Image, (int)MathF.Round(q.InterOcularDistance / 6)), centre, 1f),
                    "occluded" => Outcome(find, gate, Occlude(photo.Image, points), centre, 1f),
                    _ => Outcome(find, gate, Shrink(photo.Image, factor), centre, 1f / factor),
                });
            }
        }

        TestContext.Out.WriteLine($"{kind}: {string.Join("; ", refused)}");
        Assert.That(faces, Is.GreaterThanOrEqualTo(10), "enough large faces for the test to mean something");
        Assert.Multiple(() =>
        {
            Assert.That(clean, Is.Empty, "clean faces the gate refuses");
            Assert.That(refused.Where(o => o == "ok"), Is.Empty, $"{kind} faces the gate lets through");
        });
    }

    [Category("MachineTools")]
    [Category("Models")]
    [Category("SharedAssets")]
    [Test]
    [Category("Models")]
    public void A_synthetic_infant_turned_to_profile_is_refused()
    {
        // The project's renderer at yaw 0 (frontal) and 75 degrees (towards profile), same subject, scene and expression.
        List<byte[]> frames = Render("0,75");
        using UltraFaceDetector detector = UltraFaceDetector.Create(PainTestData.Artifact(PainTestData.UltraFacePath));
        var landmarker = new FaceLandmarker(LandmarkTestData.Model, DlibFaceBox.FromUltraFace);
        var gate = new FaceQualityGate();
        var centre = new PointF(160, 120);
        FrontEnd find = Upright(detector, landmarker);
        string frontal = Outcome(find, gate, new ImageBuffer(frames[0], 320, 240, PixelFormat.Rgb24), centre, 1f);
        string profile = Outcome(find, gate, new ImageBuffer(frames[1], 320, 240, PixelFormat.Rgb24), centre, 1f);
        TestContext.Out.WriteLine($"frontal: {frontal}; profile: {profile}");
        Assert.That(frontal, Is.EqualTo("ok"));
        Assert.That(profile, Is.Not.EqualTo("ok"));
    }

    /// <summary>A front end: the face whose box holds <c>centre</c>, its 68 points and the roll they were fitted at; null when it finds none.</summary>
    private delegate (FaceDetection Face, PointF[] Points, float Roll)? FrontEnd(ImageBuffer image, PointF centre);

    /// <summary>The study's upright path: UltraFace, dlib on its converted box.</summary>
    private static FrontEnd Upright(UltraFaceDetector detector, FaceLandmarker landmarker) => (image, centre) =>
    {
        FaceDetection? face = detector.Detect(image).FirstOrDefault(f => f.Box.Contains(centre));
        if (face is null)
        {
            return null;
        }

        var points = new PointF[68];
        return (face, points, landmarker.Fit(image, face, points));
    };

    /// <summary>The estimator's default front end: the rotation search with YuNet's refinement (key points), levelled fits.</summary>
    private static FrontEnd Rotating(RotatingFaceDetector detector, FaceLandmarker landmarker) => (image, centre) =>
    {
        FaceDetection? face = detector.Detect(image).FirstOrDefault(f => f.Box.Contains(centre));
        if (face is null)
        {
            return null;
        }

        var points = new PointF[68];
        (FaceDetection fitted, float roll) = detector.FitLandmarks(image, face, landmarker, points);
        return (fitted, points, roll);
    };

    /// <summary>"ok" when the face near <paramref name="centre"/> is found and passes the gate, otherwise why not.</summary>
    private static string Outcome(FrontEnd find, FaceQualityGate gate, ImageBuffer image, PointF centre, float scale)
    {
        if (find(image, new PointF(centre.X * scale, centre.Y * scale)) is not { } seen)
        {
            return "no face";
        }

        FaceQuality q = FaceQualityGate.Measure(image, seen.Face, seen.Points, seen.Roll);
        string? reason = gate.Check(q);
        if (reason is null)
        {
            TestContext.Out.WriteLine($"  passed: {q}");
        }

        return reason ?? "ok";
    }

    private static List<byte[]> Render(string yaws)
    {
        string script =
            "import sys, numpy as np\n" +
            "from training.pain import synth\n" +
            "sb = synth.make_subject(0, 7); rng = np.random.default_rng(1); scene = synth.make_scene(rng)\n" +
            "ex = synth.expression_at(synth.make_plan(rng, 16, 0), 0)\n" +
            "for y in sys.argv[1].split(','):\n" +
            "    img, _ = synth.render_frame(sb, ex, synth.Pose(yaw=np.radians(float(y)), scale=60), scene, np.random.default_rng(2))\n" +
            "    sys.stdout.buffer.write(np.ascontiguousarray(img, np.uint8).tobytes())\n";
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = LandmarkTestData.RepositoryRoot };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(yaws);
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start python3 (the training toolchain, installed by scripts/setup.sh).");
        Task<string> err = p.StandardError.ReadToEndAsync();
        var frames = new List<byte[]>();
        Stream s = p.StandardOutput.BaseStream;
        while (true)
        {
            var f = new byte[320 * 240 * 3];
            if (s.ReadAtLeast(f, f.Length, throwOnEndOfStream: false) != f.Length)
            {
                break;
            }

            frames.Add(f);
        }

        p.WaitForExit();
        Assert.That(p.ExitCode, Is.Zero, $"the synthetic renderer failed: {err.Result}");
        return frames;
    }

    private static ImageBuffer BoxBlur(in ImageBuffer image, int radius)
    {
        int w = image.Width, h = image.Height;
        var src = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
        {
            image.GetRow(y).CopyTo(src.AsSpan(y * w * 3));
        }

        var tmp = new byte[src.Length];
        var dst = new byte[src.Length];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                for (int k = 0; k < 3; k++)
                {
                    int sum = 0, n = 0;
                    for (int d = -radius; d <= radius; d++)
                    {
                        int xx = Math.Clamp(x + d, 0, w - 1);
                        sum += src[(((y * w) + xx) * 3) + k];
                        n++;
                    }

                    tmp[(((y * w) + x) * 3) + k] = (byte)(sum / n);
                }
            }
        }

        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                for (int k = 0; k < 3; k++)
                {
                    int sum = 0, n = 0;
                    for (int d = -radius; d <= radius; d++)
                    {
                        int yy = Math.Clamp(y + d, 0, h - 1);
                        sum += tmp[(((yy * w) + x) * 3) + k];
                        n++;
                    }

                    dst[(((y * w) + x) * 3) + k] = (byte)(sum / n);
                }
            }
        }

        return new ImageBuffer(dst, w, h, PixelFormat.Rgb24);
    }

    /// <summary>A flat skin-coloured block over both eyes (the box of landmarks 36-47 grown by half the eye width), like a hand or a cloth.</summary>
    private static ImageBuffer Occlude(in ImageBuffer image, PointF[] points)
    {
        int w = image.Width, h = image.Height;
        var dst = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
        {
            image.GetRow(y).CopyTo(dst.AsSpan(y * w * 3));
        }

        float x0 = points[36..48].Min(p => p.X), x1 = points[36..48].Max(p => p.X), y0 = points[36..48].Min(p => p.Y), y1 = points[36..48].Max(p => p.Y);
        float grow = (points[39].X - points[36].X) / 2;
        int cheek = ((int)points[29].Y * w) + (int)points[29].X; // the nose bridge's colour
        for (int y = Math.Max(0, (int)(y0 - grow)); y <= Math.Min(h - 1, (int)(y1 + grow)); y++)
        {
            for (int x = Math.Max(0, (int)(x0 - grow)); x <= Math.Min(w - 1, (int)(x1 + grow)); x++)
            {
                for (int k = 0; k < 3; k++)
                {
                    dst[(((y * w) + x) * 3) + k] = image.GetRow(cheek / w)[((cheek % w) * 3) + k];
                }
            }
        }

        return new ImageBuffer(dst, w, h, PixelFormat.Rgb24);
    }

    /// <summary>The image shrunk by an integer factor (mean of each factor x factor block).</summary>
    private static ImageBuffer Shrink(in ImageBuffer image, int factor)
    {
        int w = image.Width / factor, h = image.Height / factor;
        var dst = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                for (int k = 0; k < 3; k++)
                {
                    int sum = 0;
                    for (int dy = 0; dy < factor; dy++)
                    {
                        ReadOnlySpan<byte> row = image.GetRow((y * factor) + dy);
                        for (int dx = 0; dx < factor; dx++)
                        {
                            sum += row[((((x * factor) + dx) * 3) + k)];
                        }
                    }

                    dst[(((y * w) + x) * 3) + k] = (byte)(sum / (factor * factor));
                }
            }
        }

        return new ImageBuffer(dst, w, h, PixelFormat.Rgb24);
    }
}
