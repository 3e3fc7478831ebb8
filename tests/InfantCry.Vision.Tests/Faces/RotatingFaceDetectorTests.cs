using System.Drawing;
using InfantCry.Abstractions.Faces;
using InfantCry.Abstractions.Imaging;
using InfantCry.Vision.Faces;

namespace InfantCry.Vision.Tests.Faces;

/// <summary>How <see cref="RotatingFaceDetector"/> maps a pass's face back to the image, with a detector that always finds one face in the middle of what it sees.</summary>
[TestFixture]
public sealed class RotatingFaceDetectorTests
{
    /// <summary>Mapping is arithmetic on floats: a pixel's thousandth.</summary>
    private const float MappingTolerance = 1e-3f;

    [TestCase(90, 1.0)]
    [TestCase(45, 0.5)]
    public void A_face_found_on_a_turned_pass_keeps_its_size_in_image_pixels(int angle, double canvasScale)
    {
        // 1280x720 with CanvasMaxSide 640: a 45-degree pass sees the image at half size, a quarter turn at full size.
        var image = new ImageBuffer(new byte[1280 * 720 * 3], 1280, 720, PixelFormat.Rgb24);
        var detector = new RotatingFaceDetector(new MiddleFace(40), new RotationSearchOptions { Angles = [angle], CanvasMaxSide = 640 });

        FaceDetection face = detector.Detect(image).Single();

        float side = (float)(40 / canvasScale);
        Assert.That(face.Box.Width, Is.EqualTo(side).Within(MappingTolerance), "a face 40 canvas pixels wide is 40 / scale image pixels wide");
        Assert.That(face.Box.Height, Is.EqualTo(side).Within(MappingTolerance));
        Assert.That(face.Box.X + (face.Box.Width / 2), Is.EqualTo(639.5f).Within(MappingTolerance), "the canvas centre is the image centre");
        Assert.That(face.Box.Y + (face.Box.Height / 2), Is.EqualTo(359.5f).Within(MappingTolerance));
        Assert.That(face.Roll, Is.EqualTo(angle).Within(MappingTolerance), "without key points the roll is the pass's angle");
    }

    [Test]
    public void Default_search_passes_every_20_degrees_and_refines_at_16_turns()
    {
        RotationSearchOptions d = RotationSearchOptions.Default;
        Assert.That(d.Angles, Is.EqualTo(Enumerable.Range(0, 18).Select(i => i * 20)));
        Assert.That((d.RefineTurns, d.RefineSteps, d.RefineCropSize, d.FullSearchInterval, d.SearchPassesPerFrame), Is.EqualTo((16, 2, 160, 30, 1)));
        Assert.That(() => new RotationSearchOptions { SearchPassesPerFrame = 0 }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new RotationSearchOptions { RefineTurns = 3 }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new RotationSearchOptions { RefineTurns = 37 }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(new RotationSearchOptions { RefineTurns = 8 }.RefineTurns, Is.EqualTo(8));
    }

    [Test]
    public void Passes_run_in_parts_then_settled_give_the_whole_search()
    {
        var image = new ImageBuffer(new byte[320 * 240 * 3], 320, 240, PixelFormat.Rgb24);
        var inner = new MiddleFace(40);
        var detector = new RotatingFaceDetector(inner, new RotationSearchOptions { Angles = [0, 90, 45, 180] });
        FaceDetection whole = detector.Detect(image).Single();
        Assert.That(inner.Calls, Is.EqualTo(4));

        var candidates = new List<FaceDetection>();
        detector.DetectPasses(image, 0, 3, candidates);
        Assert.That(inner.Calls, Is.EqualTo(7), "three passes");
        detector.DetectPasses(image, 3, 5, candidates);
        Assert.That(inner.Calls, Is.EqualTo(8), "the one pass left; a count past the end stops there");
        Assert.That(candidates, Has.Count.EqualTo(4), "one face per pass, not merged");
        FaceDetection settled = detector.Settle(image, candidates, 0f).Single();
        Assert.That((settled.Box, settled.Roll, settled.Confidence), Is.EqualTo((whole.Box, whole.Roll, whole.Confidence)));

        Assert.That(() => detector.DetectPasses(image, 4, 1, candidates), Throws.TypeOf<ArgumentOutOfRangeException>(), "no fifth pass");
        Assert.That(() => detector.DetectPasses(image, 0, -1, candidates), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => detector.DetectPasses(image, 0, 1, null!), Throws.TypeOf<ArgumentNullException>());
        Assert.That(() => detector.Settle(default, candidates, 0f), Throws.TypeOf<ArgumentException>());
    }

    /// <summary>Finds one square face of the given side in the middle of any image.</summary>
    private sealed class MiddleFace(float side) : IFaceDetector
    {
        public int Calls { get; private set; }

        public IReadOnlyList<FaceDetection> Detect(in ImageBuffer image, CancellationToken cancellationToken = default)
        {
            Calls++;
            float cx = (image.Width - 1) / 2f, cy = (image.Height - 1) / 2f;
            return [new FaceDetection(new RectangleF(cx - (side / 2), cy - (side / 2), side, side), 0.9f, [])];
        }
    }
}
