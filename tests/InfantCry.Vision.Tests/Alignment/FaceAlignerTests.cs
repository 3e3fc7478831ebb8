using System.Drawing;
using InfantCry.Abstractions.Imaging;
using InfantCry.Vision.Alignment;
using InfantCry.Vision.Imaging;

namespace InfantCry.Vision.Tests.Alignment;

public class FaceAlignerTests
{
    // Output values are on 0..1. Differences from the float64 reference: float32 gray (~1e-5 of 255), bilinear
    // weights from float32 landmarks converted the same way on both sides, and the float32 resize
    // (<= 1e-3 of 255, see GeometryTests) -> <= 5e-6 after the 1/255 scale; 2e-5 covers their sum.
    private const double AlignTolerance = 2e-5;

    // Direct sampling: one bilinear sample of float32 gray values (rounding ~1.5e-5 of 255) with float64 weights,
    // scaled by 1/255 in float32: differences from the float64 reference stay below ~1e-7; 1e-6 bounds them.
    private const double DirectTolerance = 1e-6;

    // Geometry is computed in float64 from the same float32 landmarks on both sides: only rounding differs.
    private const double GeometryTolerance = 1e-9;

    private static PointF[] Landmarks(System.Text.Json.JsonElement c) =>
        c.GetProperty("landmarks").EnumerateArray().Select(p => new PointF((float)p[0].GetDouble(), (float)p[1].GetDouble())).ToArray();

    [TestCaseSource(typeof(GoldenData), nameof(GoldenData.CaseData), new object[] { "align" })]
    public void Matches_numpy_reference_of_the_same_geometry(string name)
    {
        var c = GoldenData.Case("align", name);
        int w = c.GetProperty("width").GetInt32(), h = c.GetProperty("height").GetInt32();
        var image = new ImageBuffer(GoldenData.Bytes(c.GetProperty("image").GetString()!), w, h, PixelFormat.Rgb24);
        bool direct = c.GetProperty("sampling").GetString() == "direct";
        var aligner = new FaceAligner(new AlignmentOptions
        {
            Width = c.GetProperty("out_width").GetInt32(),
            Height = c.GetProperty("out_height").GetInt32(),
            Sampling = direct ? AlignmentSampling.Direct : AlignmentSampling.RotateCropResize,
        });
        var output = new float[aligner.OutputLength];
        AlignmentGeometry g = aligner.Align(image, Landmarks(c), output);

        var eg = c.GetProperty("geometry");
        Assert.That(g.AngleRadians, Is.EqualTo(eg.GetProperty("angle").GetDouble()).Within(GeometryTolerance));
        Assert.That(g.CenterX, Is.EqualTo(eg.GetProperty("cx").GetDouble()).Within(GeometryTolerance));
        Assert.That(g.CenterY, Is.EqualTo(eg.GetProperty("cy").GetDouble()).Within(GeometryTolerance));
        Assert.That(g.BoxLeft, Is.EqualTo(eg.GetProperty("box_left").GetDouble()).Within(GeometryTolerance));
        Assert.That(g.BoxTop, Is.EqualTo(eg.GetProperty("box_top").GetDouble()).Within(GeometryTolerance));
        Assert.That(g.BoxRight, Is.EqualTo(eg.GetProperty("box_right").GetDouble()).Within(GeometryTolerance));
        Assert.That(g.BoxBottom, Is.EqualTo(eg.GetProperty("box_bottom").GetDouble()).Within(GeometryTolerance));
        if (!direct)
        {
            Assert.That(g.PixelCrop, Is.EqualTo((eg.GetProperty("left").GetInt32(), eg.GetProperty("top").GetInt32(), eg.GetProperty("width").GetInt32(), eg.GetProperty("height").GetInt32())));
        }

        double[] expected = GoldenData.Float64(c.GetProperty("ref").GetString()!);
        TestContext.Out.WriteLine($"{name}: max |ours - numpy| = {output.Select((v, i) => Math.Abs(v - expected[i])).Max():E2}");
        Assert.That(output.Select(v => (double)v), Is.EqualTo(expected).Within(direct ? DirectTolerance : AlignTolerance));
    }

    [Test]
    public void Direct_sampling_is_the_default_as_in_the_pain_training()
    {
        Assert.That(AlignmentOptions.Default.Sampling, Is.EqualTo(AlignmentSampling.Direct));
        Assert.That((AlignmentOptions.Default.Width, AlignmentOptions.Default.Height), Is.EqualTo((64, 64)));
    }

    [Test]
    public void Eyes_are_level_after_rotation()
    {
        var c = GoldenData.Cases("align").First();
        PointF[] pts = Landmarks(c);
        AlignmentGeometry g = AlignmentGeometry.FromLandmarks(pts);
        AffineTransform t = g.ImageToRotated;
        double ly = pts[36..42].Average(p => t.Apply(p.X, p.Y).Y);
        double ry = pts[42..48].Average(p => t.Apply(p.X, p.Y).Y);
        Assert.That(ly, Is.EqualTo(ry).Within(1e-4)); // float32 landmark coordinates (~1e-5 px) rotated
    }

    [Test]
    public void Rotate_crop_resize_pads_a_face_partly_outside_the_frame_with_black_and_steady_calls_do_not_allocate()
    {
        var c = GoldenData.Cases("align").First();
        PointF[] pts = Landmarks(c).Select(p => new PointF(p.X - 60, p.Y)).ToArray(); // jaw now left of x = 0
        var image = new ImageBuffer(GoldenData.Bytes("align_input.rgb"), 200, 160, PixelFormat.Rgb24);
        var aligner = new FaceAligner(new AlignmentOptions { Sampling = AlignmentSampling.RotateCropResize });
        var output = new float[aligner.OutputLength];
        aligner.Align(image, pts, output);
        Assert.That(output[(32 * 64) + 0], Is.EqualTo(0f), "left edge comes from outside the frame");
        Assert.That(output.Max(), Is.GreaterThan(0f));

        var direct = new FaceAligner();
        long allocated = Allocations.PerPass(() =>
        {
            aligner.Align(image, pts, output);
            direct.Align(image, pts, output);
        });
        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void Wrong_landmark_count_or_degenerate_landmarks_are_rejected()
    {
        var image = new ImageBuffer(new byte[16 * 16 * 3], 16, 16, PixelFormat.Rgb24);
        var aligner = new FaceAligner();
        var ex = Assert.Throws<ArgumentException>(() => aligner.Align(image, new PointF[5]));
        Assert.That(ex!.Message, Does.Contain("68"));
        Assert.Throws<ArgumentException>(() => aligner.Align(image, new PointF[68])); // all at (0,0): empty box
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new AlignmentOptions { Width = 0 });
    }
}
