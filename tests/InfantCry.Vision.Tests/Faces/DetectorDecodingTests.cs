using System.Drawing;
using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Faces;
using InfantCry.Abstractions.Imaging;
using InfantCry.Abstractions.Inference;
using InfantCry.Vision.Faces;
using InfantCry.Vision.Imaging;

namespace InfantCry.Vision.Tests.Faces;

public class DetectorDecodingTests
{
    // Box coordinates go through float32 products and a float64 division by the letterbox scale; 1e-3 px is far
    // above that rounding (~1e-5 px at 640 px) and far below any decoding mistake (>= 1 px).
    private const float PixelTolerance = 1e-3f;

    // Normalised input values: (v - 127) / 128 in float32 (exact for integer v) after a float32 resize of a
    // constant image (weights sum to 1 within ~1e-7): 1e-5 bounds the rounding.
    private const float InputTolerance = 1e-5f;

    private const int Anchors = 4420;

    private static FakeSession UltraFaceSession(Action<float[], float[]> fill)
    {
        var scores = new float[Anchors * 2];
        var boxes = new float[Anchors * 4];
        fill(scores, boxes);
        return new FakeSession(
            new TensorInfo("input", TensorElementType.Float32, [1, 3, 240, 320]),
            [(new TensorInfo("scores", TensorElementType.Float32, [1, Anchors, 2]), scores), (new TensorInfo("boxes", TensorElementType.Float32, [1, Anchors, 4]), boxes)]);
    }

    private static void SetAnchor(float[] scores, float[] boxes, int i, float score, float x1, float y1, float x2, float y2)
    {
        scores[2 * i] = 1 - score;
        scores[(2 * i) + 1] = score;
        boxes[4 * i] = x1;
        boxes[(4 * i) + 1] = y1;
        boxes[(4 * i) + 2] = x2;
        boxes[(4 * i) + 3] = y2;
    }

    private static ImageBuffer Solid(int w, int h, byte r, byte g, byte b)
    {
        var px = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++)
        {
            px[3 * i] = r;
            px[(3 * i) + 1] = g;
            px[(3 * i) + 2] = b;
        }

        return new ImageBuffer(px, w, h, PixelFormat.Rgb24);
    }

    private static void AssertBox(RectangleF actual, float l, float t, float r, float b)
    {
        Assert.That(actual.Left, Is.EqualTo(l).Within(PixelTolerance));
        Assert.That(actual.Top, Is.EqualTo(t).Within(PixelTolerance));
        Assert.That(actual.Right, Is.EqualTo(r).Within(PixelTolerance));
        Assert.That(actual.Bottom, Is.EqualTo(b).Within(PixelTolerance));
    }

    [Test]
    public void UltraFace_thresholds_suppresses_overlaps_and_maps_boxes_to_the_image()
    {
        using var session = UltraFaceSession((s, b) =>
        {
            SetAnchor(s, b, 10, 0.95f, 0.1f, 0.2f, 0.3f, 0.5f);
            SetAnchor(s, b, 11, 0.90f, 0.11f, 0.21f, 0.31f, 0.5f); // IoU ~0.8 with anchor 10: suppressed
            SetAnchor(s, b, 12, 0.80f, 0.6f, 0.1f, 0.8f, 0.4f);
            SetAnchor(s, b, 13, 0.69f, 0.0f, 0.6f, 0.2f, 0.9f); // below 0.7
        });
        var detector = new UltraFaceDetector(session);
        IReadOnlyList<FaceDetection> faces = detector.Detect(Solid(640, 480, 10, 20, 30));
        Assert.That(faces, Has.Count.EqualTo(2));
        Assert.That(faces[0].Confidence, Is.EqualTo(0.95f));
        Assert.That(faces[1].Confidence, Is.EqualTo(0.80f));
        AssertBox(faces[0].Box, 64, 96, 192, 240); // 640x480 -> 320x240 is a factor 2
        AssertBox(faces[1].Box, 384, 48, 512, 192);
        Assert.That(faces[0].KeyPoints, Is.Empty);
        Assert.That(session.LastInputShape, Is.EqualTo(new long[] { 1, 3, 240, 320 }));
    }

    [Test]
    public void UltraFace_letterboxes_wide_images_and_normalises_rgb()
    {
        using var session = UltraFaceSession((s, b) => SetAnchor(s, b, 0, 0.99f, 0.5f, 0.25f, 0.75f, 0.5f));
        var detector = new UltraFaceDetector(session);
        IReadOnlyList<FaceDetection> faces = detector.Detect(Solid(100, 50, 255, 127, 0)); // scale 3.2: content 320x160
        float[] input = session.LastInput!;
        const int plane = 320 * 240;
        Assert.That(input[(100 * 320) + 50], Is.EqualTo(1f).Within(InputTolerance), "R = (255 - 127) / 128");
        Assert.That(input[plane + (100 * 320) + 50], Is.EqualTo(0f).Within(InputTolerance), "G = (127 - 127) / 128");
        Assert.That(input[(2 * plane) + (100 * 320) + 50], Is.EqualTo(-127f / 128f).Within(InputTolerance), "B");
        Assert.That(input[(200 * 320) + 50], Is.EqualTo(0f), "padding below the content");
        AssertBox(faces[0].Box, 50, 18.75f, 75, 37.5f); // input (160, 60)..(240, 120) divided by 3.2
    }

    [Test]
    public void UltraFace_returns_an_empty_list_when_nothing_scores()
    {
        using var session = UltraFaceSession((s, b) => { });
        Assert.That(new UltraFaceDetector(session).Detect(Solid(64, 48, 0, 0, 0)), Is.Empty);
    }

    [Test]
    public void Detectors_reject_sessions_of_other_models_and_impossible_sizes()
    {
        using var wrong = new FakeSession(new TensorInfo("input", TensorElementType.Float32, [1, 3, 240, 320]), [(new TensorInfo("logits", TensorElementType.Float32, [1, 10, 2]), new float[20])]);
        var ex = Assert.Throws<InvalidModelException>(() => _ = new UltraFaceDetector(wrong));
        Assert.That(ex!.Message, Does.Contain("'scores' not found"));
        using var session = UltraFaceSession((s, b) => { });
        Assert.Throws<ArgumentException>(() => _ = new UltraFaceDetector(session, new FaceDetectorOptions { InputWidth = 640 }));
        Assert.Throws<InvalidModelException>(() => _ = new YuNetDetector(session));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FaceDetectorOptions { ScoreThreshold = 1f });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FaceDetectorOptions { IouThreshold = 0f });
    }

    private static FakeSession YuNetSession(int w, int h, bool dynamic, Action<Dictionary<string, float[]>> fill)
    {
        var data = new Dictionary<string, float[]>();
        var outputs = new List<(TensorInfo, float[])>();
        foreach (string kind in new[] { "cls", "obj", "bbox", "kps" })
        {
            foreach (int s in new[] { 8, 16, 32 })
            {
                int cells = (w / s) * (h / s), d = kind switch { "bbox" => 4, "kps" => 10, _ => 1 };
                var arr = new float[cells * d];
                data[$"{kind}_{s}"] = arr;
                outputs.Add((new TensorInfo($"{kind}_{s}", TensorElementType.Float32, [dynamic ? -1 : 1, dynamic ? -1 : cells, d]), arr));
            }
        }

        fill(data);
        long[] inShape = dynamic ? [-1, 3, -1, -1] : [1, 3, h, w];
        return new FakeSession(new TensorInfo("input", TensorElementType.Float32, inShape), outputs);
    }

    [Test]
    public void YuNet_decodes_boxes_scores_and_key_points_per_stride()
    {
        const int col = 7, row = 5, stride = 16, cols = 320 / 16;
        int cell = (row * cols) + col;
        using var session = YuNetSession(320, 320, dynamic: false, d =>
        {
            d["cls_16"][cell] = 0.81f;
            d["obj_16"][cell] = 1.0f; // score sqrt(0.81) = 0.9
            float[] bbox = [0.5f, 0.25f, MathF.Log(4f), MathF.Log(5f)];
            bbox.CopyTo(d["bbox_16"], cell * 4);
            for (int k = 0; k < 5; k++)
            {
                d["kps_16"][(cell * 10) + (2 * k)] = 0.1f * k;
                d["kps_16"][(cell * 10) + (2 * k) + 1] = -0.2f * k;
            }

            d["cls_8"][3] = 0.4f; // score sqrt(0.4 * 0.9) = 0.6: below threshold
            d["obj_8"][3] = 0.9f;
        });
        var detector = new YuNetDetector(session);
        var bgr = new byte[640 * 640 * 3];
        IReadOnlyList<FaceDetection> faces = detector.Detect(new ImageBuffer(bgr, 640, 640, PixelFormat.Bgr24));
        Assert.That(faces, Has.Count.EqualTo(1));
        Assert.That(faces[0].Confidence, Is.EqualTo(0.9f).Within(1e-6f)); // sqrt in float32
        // Input: centre (7.5, 5.25) x 16 = (120, 84), size 64 x 80; the image is twice the input.
        AssertBox(faces[0].Box, 2 * (120 - 32), 2 * (84 - 40), 2 * (120 + 32), 2 * (84 + 40));
        Assert.That(faces[0].KeyPoints, Has.Count.EqualTo(5));
        for (int k = 0; k < 5; k++)
        {
            Assert.That(faces[0].KeyPoints[k].X, Is.EqualTo(2 * (col + (0.1f * k)) * stride).Within(PixelTolerance));
            Assert.That(faces[0].KeyPoints[k].Y, Is.EqualTo(2 * (row - (0.2f * k)) * stride).Within(PixelTolerance));
        }
    }

    [Test]
    public void YuNet_with_a_free_input_size_runs_at_640x480_in_bgr_order()
    {
        using var session = YuNetSession(640, 480, dynamic: true, d => { });
        var detector = new YuNetDetector(session);
        Assert.That((detector.InputWidth, detector.InputHeight), Is.EqualTo((640, 480)));
        var rgb = new byte[64 * 48 * 3];
        for (int i = 0; i < 64 * 48; i++)
        {
            rgb[3 * i] = 200; // red
        }

        Assert.That(detector.Detect(new ImageBuffer(rgb, 64, 48, PixelFormat.Rgb24)), Is.Empty);
        float[] input = session.LastInput!;
        Assert.That(input[0], Is.EqualTo(0f).Within(InputTolerance * 255), "plane 0 is blue");
        Assert.That(input[(2 * 640 * 480) + 1000], Is.EqualTo(200f).Within(InputTolerance * 255), "plane 2 is red, 0..255");
        Assert.Throws<ArgumentException>(() => _ = new YuNetDetector(session, new FaceDetectorOptions { InputWidth = 100, InputHeight = 96 }));
    }

    [TestCase(PixelFormat.Rgb24, ChannelOrder.Rgb)]
    [TestCase(PixelFormat.Bgr24, ChannelOrder.Rgb)]
    [TestCase(PixelFormat.Rgba32, ChannelOrder.Bgr)]
    [TestCase(PixelFormat.Bgra32, ChannelOrder.Bgr)]
    [TestCase(PixelFormat.Gray8, ChannelOrder.Bgr)]
    public void Image_that_fits_is_copied_normalised_into_planes_in_the_requested_order(PixelFormat format, ChannelOrder order)
    {
        // A 40x30 image into a 40x32 input needs no scaling: every value is exactly (byte - mean) * scale in float32.
        int bpp = format.BytesPerPixel();
        var px = new byte[40 * 30 * bpp];
        new Random(9).NextBytes(px);
        var image = new ImageBuffer(px, 40, 30, format);
        var tensor = new float[3 * 40 * 32];
        LetterboxTransform t = Letterbox.Prepare(image, tensor, 40, 32, order, 127f, 1f / 128f, -5f);
        Assert.That((t.ContentWidth, t.ContentHeight, t.ScaleX, t.ScaleY), Is.EqualTo((40, 30, 1.0, 1.0)));
        bool bgrSource = format is PixelFormat.Bgr24 or PixelFormat.Bgra32;
        for (int y = 0; y < 32; y++)
        {
            for (int x = 0; x < 40; x++)
            {
                for (int plane = 0; plane < 3; plane++)
                {
                    float actual = tensor[(plane * 40 * 32) + (y * 40) + x];
                    if (y >= 30)
                    {
                        Assert.That(actual, Is.EqualTo(-5f), "padding");
                        continue;
                    }

                    int rgb = order == ChannelOrder.Rgb ? plane : 2 - plane; // 0 red, 1 green, 2 blue
                    int offset = format == PixelFormat.Gray8 ? 0 : bgrSource ? 2 - rgb : rgb;
                    byte v = px[(((y * 40) + x) * bpp) + offset];
                    Assert.That(actual, Is.EqualTo((v - 127f) * (1f / 128f)), $"plane {plane} ({x},{y})");
                }
            }
        }
    }

    [TestCase(PixelFormat.Rgb24, ChannelOrder.Rgb, 640, 480, 320, 240)]
    [TestCase(PixelFormat.Bgr24, ChannelOrder.Rgb, 97, 203, 320, 240)]
    [TestCase(PixelFormat.Rgba32, ChannelOrder.Bgr, 333, 111, 128, 96)]
    [TestCase(PixelFormat.Gray8, ChannelOrder.Bgr, 50, 40, 160, 160)]
    public void Scaled_letterbox_equals_resizing_each_channel_then_normalising(PixelFormat format, ChannelOrder order, int w, int h, int inW, int inH)
    {
        // Reference: the channels as float planes through Resize.Bilinear (golden-tested against numpy), then
        // (v - mean) * scale. Both run in float32 over the same taps; summation order may differ, so allow the
        // float32 rounding of <= ~25 taps of values <= 255, scaled by 1/128: 25 * 255 * 6e-8 / 128 ~ 3e-6 -> 1e-5.
        const float Float32Rounding = 1e-5f;
        int bpp = format.BytesPerPixel();
        var px = new byte[w * h * bpp];
        new Random(w + h).NextBytes(px);
        var tensor = new float[3 * inW * inH];
        LetterboxTransform t = Letterbox.Prepare(new ImageBuffer(px, w, h, format), tensor, inW, inH, order, 127f, 1f / 128f, 9f);
        int cw = t.ContentWidth, ch = t.ContentHeight;
        bool bgrSource = format is PixelFormat.Bgr24 or PixelFormat.Bgra32;
        for (int plane = 0; plane < 3; plane++)
        {
            int rgb = order == ChannelOrder.Rgb ? plane : 2 - plane;
            int offset = format == PixelFormat.Gray8 ? 0 : bgrSource ? 2 - rgb : rgb;
            float[] src = Enumerable.Range(0, w * h).Select(i => (float)px[(i * bpp) + offset]).ToArray();
            var scaled = new float[cw * ch];
            Resize.Bilinear(src, w, h, scaled, cw, ch);
            for (int y = 0; y < inH; y++)
            {
                for (int x = 0; x < inW; x++)
                {
                    float expected = x < cw && y < ch ? (scaled[(y * cw) + x] - 127f) * (1f / 128f) : 9f;
                    Assert.That(tensor[(plane * inW * inH) + (y * inW) + x], Is.EqualTo(expected).Within(Float32Rounding), $"plane {plane} ({x},{y})");
                }
            }
        }
    }

    [Test]
    public void Letterbox_preprocessing_of_a_640x480_frame_allocates_nothing_in_steady_state()
    {
        ImageBuffer frame = Solid(640, 480, 1, 2, 3);
        var tensor = new float[3 * 240 * 320];
        long allocated = Allocations.PerPass(() => Letterbox.Prepare(frame, tensor, 320, 240, ChannelOrder.Rgb, 127f, 1f / 128f, 0f));
        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void Nms_keeps_the_best_of_overlapping_boxes_and_respects_the_limit()
    {
        Candidate Box(float x, float score) => new() { X1 = x, Y1 = 0, X2 = x + 10, Y2 = 10, Score = score };
        Candidate[] c = [Box(0, 0.5f), Box(1, 0.9f), Box(20, 0.7f), Box(40, 0.6f)];
        int kept = NonMaxSuppression.Apply(c, 0.3f, 10);
        Assert.That(kept, Is.EqualTo(3));
        Assert.That(c.Take(kept).Select(x => x.Score), Is.EqualTo(new[] { 0.9f, 0.7f, 0.6f }));
        Assert.That(NonMaxSuppression.Apply(c.AsSpan(0, 3), 0.3f, 2), Is.EqualTo(2));
        Assert.That(NonMaxSuppression.IoU(new RectangleF(0, 0, 10, 10), new RectangleF(5, 0, 10, 10)), Is.EqualTo(1f / 3f).Within(1e-6f));
    }
}
