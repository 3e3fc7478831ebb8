using System.Drawing;
using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Imaging;
using InfantCry.Vision.Landmarks;

namespace InfantCry.Vision.Tests.Landmarks;

/// <summary>
/// The algorithm and the loader on tiny hand-built models whose results can be worked out on paper: two landmarks,
/// one or two cascade levels, an 11x11 gray image and the face box (0,0)-(10,10) in dlib's terms, so a shape
/// coordinate u lands at pixel 10u.
/// </summary>
[TestFixture]
public sealed class ShapePredictorSyntheticTests
{
    /// <summary>
    /// Expected points are written in decimal (3.5 = 10 x (0.25 + 0.1)) while the model holds float32 sums: the float
    /// rounding of 0.1 and of the sums is below 1e-7 in shape units, 1e-6 px at 10 px per unit; 1e-5 px leaves room.
    /// </summary>
    private const float PointTolerancePixels = 1e-5f;

    private static readonly RectangleF Box = ShapePredictor.FromDlibRectangle(0, 0, 10, 10);

    private static float[] Shift(float dx, float dy) => [dx, dy, dx, dy];

    /// <summary>Parts (0.25, 0.5) and (0.75, 0.5); one level whose tree compares the pixels under the two parts.</summary>
    private static SyntheticModel TwoPartModel(float threshold = 10) => new()
    {
        InitialShape = [0.25f, 0.5f, 0.75f, 0.5f],
        Cascades =
        [
            new([(0, 0, 0), (1, 0, 0)], [new([(0, 1, threshold)], [Shift(0.1f, 0), Shift(0, -0.1f)])]),
        ],
    };

    private static ImageBuffer Gray(params (int X, int Y, byte Value)[] pixels) => Gray(0, pixels);

    private static ImageBuffer Gray(byte background, params (int X, int Y, byte Value)[] pixels)
    {
        var data = new byte[11 * 11];
        Array.Fill(data, background);
        foreach ((int x, int y, byte v) in pixels)
        {
            data[y * 11 + x] = v;
        }

        return new ImageBuffer(data, 11, 11, PixelFormat.Gray8);
    }

    private static ShapePredictor Load(SyntheticModel model, bool textFloats = false) =>
        ShapePredictor.Load(new MemoryStream(model.Serialize(textFloats)));

    private static void AssertPoints(PointF[] actual, params (float X, float Y)[] expected)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.That(actual[i].X, Is.EqualTo(expected[i].X).Within(PointTolerancePixels), $"point {i} x");
            Assert.That(actual[i].Y, Is.EqualTo(expected[i].Y).Within(PointTolerancePixels), $"point {i} y");
        }
    }

    [Test]
    public void Predict_GoesLeft_WhenThePixelDifferenceExceedsTheThreshold_AndRoundsHalvesUp()
    {
        // The parts sit at pixels 2.5 and 7.5 on row 5; dlib rounds with floor(v + 0.5) to columns 3 and 8 (banker's
        // rounding would read column 2 for the first). 200 - 50 > 10: left leaf, shift (+0.1, 0).
        ShapePredictor model = Load(TwoPartModel());
        AssertPoints(model.Predict(Gray((3, 5, 200), (8, 5, 50)), Box), (3.5f, 5f), (8.5f, 5f));

        // 50 - 200 is not > 10: right leaf, shift (0, -0.1).
        AssertPoints(model.Predict(Gray((3, 5, 50), (8, 5, 200)), Box), (2.5f, 4f), (7.5f, 4f));
    }

    [Test]
    public void Predict_GoesRight_WhenTheDifferenceEqualsTheThreshold()
    {
        ShapePredictor model = Load(TwoPartModel(threshold: 150));
        AssertPoints(model.Predict(Gray((3, 5, 200), (8, 5, 50)), Box), (2.5f, 4f), (7.5f, 4f));
    }

    [Test]
    public void Predict_PlacesFeaturePixels_ThroughTheSimilarityTransformOfTheCurrentShape()
    {
        // Level 0 always takes its only leaf, which turns the shape to (0.5, 0)-(0.5, 1): twice as long and rotated by
        // +90 degrees from the mean shape. Level 1's first feature is anchored at part 0 with offset (0.2, 0) in the
        // mean shape's frame, so it must be read at (0.5, 0) + 2 x rot90(0.2, 0) = (0.5, 0.4), pixel (5, 4); without
        // the transform it would be read at (0.7, 0), pixel (7, 0). Its second feature is under part 1, pixel (5, 10).
        var spec = new SyntheticModel
        {
            InitialShape = [0.25f, 0.5f, 0.75f, 0.5f],
            Cascades =
            [
                new([(0, 0, 0)], [new([], [[0.25f, -0.5f, -0.25f, 0.5f]])]),
                new([(0, 0.2f, 0), (1, 0, 0)], [new([(0, 1, 10)], [Shift(0.1f, 0), Shift(-0.1f, 0)])]),
            ],
        };
        ShapePredictor model = Load(spec);
        AssertPoints(model.Predict(Gray((5, 4, 200), (7, 0, 0)), Box), (6f, 0f), (6f, 10f));
        AssertPoints(model.Predict(Gray((5, 4, 0), (7, 0, 200)), Box), (4f, 0f), (4f, 10f));
    }

    [Test]
    public void Predict_ReadsZero_OutsideTheImage()
    {
        // Feature 0 is at u = -0.25 (pixel -2.5, outside), feature 1 under part 0. On a white image dlib reads 0 - 255,
        // which is not > -100: right leaf. Clamping to the border would read 255 - 255 = 0 > -100: left.
        var spec = new SyntheticModel
        {
            InitialShape = [0.25f, 0.5f, 0.75f, 0.5f],
            Cascades = [new([(0, -0.5f, 0), (0, 0, 0)], [new([(0, 1, -100)], [Shift(0.1f, 0), Shift(-0.1f, 0)])])],
        };
        AssertPoints(Load(spec).Predict(Gray(255), Box), (1.5f, 5f), (6.5f, 5f));
    }

    [Test]
    public void Load_ReadsTheOldTextFloatFormat_AsTheBinaryOne()
    {
        ShapePredictor binary = Load(TwoPartModel(threshold: 12.75f));
        ShapePredictor text = Load(TwoPartModel(threshold: 12.75f), textFloats: true);
        foreach (ImageBuffer image in new[] { Gray((3, 5, 60), (8, 5, 47)), Gray((3, 5, 60), (8, 5, 48)) })
        {
            Assert.That(text.Predict(image, Box), Is.EqualTo(binary.Predict(image, Box)));
        }
    }

    [Test]
    public void Load_ReportsTheModelsSize()
    {
        ShapePredictor model = Load(TwoPartModel());
        Assert.That((model.PartCount, model.CascadeCount, model.TreeCount), Is.EqualTo((2, 1, 1)));
    }

    [Test]
    public void Load_WorksFromANonSeekableStream()
    {
        using var stream = new NonSeekableStream(TwoPartModel().Serialize());
        ShapePredictor model = ShapePredictor.Load(stream);
        AssertPoints(model.Predict(Gray((3, 5, 200), (8, 5, 50)), Box), (3.5f, 5f), (8.5f, 5f));
    }

    [Test]
    public void Load_RejectsEveryTruncation()
    {
        byte[] bytes = TwoPartModel().Serialize();
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.That(() => ShapePredictor.Load(new MemoryStream(bytes, 0, length)),
                Throws.TypeOf<InvalidModelException>(), $"first {length} of {bytes.Length} bytes");
            Assert.That(() => ShapePredictor.Load(new NonSeekableStream(bytes[..length])),
                Throws.TypeOf<InvalidModelException>(), $"first {length} of {bytes.Length} bytes, not seekable");
        }
    }

    [Test]
    public void Load_RejectsAnotherVersion()
    {
        var spec = new SyntheticModel { Version = 2, InitialShape = [0.25f, 0.5f, 0.75f, 0.5f], Cascades = [] };
        Assert.That(() => Load(spec), Throws.TypeOf<InvalidModelException>().With.Message.Contains("version 2"));
    }

    [Test]
    public void Load_RejectsATreeWhoseLeavesDoNotMatchItsSplits()
    {
        var spec = new SyntheticModel
        {
            InitialShape = [0.25f, 0.5f, 0.75f, 0.5f],
            Cascades = [new([(0, 0, 0), (1, 0, 0)], [new([(0, 1, 0), (0, 1, 0)], [Shift(0, 0), Shift(0, 0), Shift(0, 0)])])],
        };
        Assert.That(() => Load(spec), Throws.TypeOf<InvalidModelException>().With.Message.Contains("3 leaves for 2 splits"));
    }

    [Test]
    public void Load_RejectsALeafOfTheWrongLength()
    {
        var spec = new SyntheticModel
        {
            InitialShape = [0.25f, 0.5f, 0.75f, 0.5f],
            Cascades = [new([(0, 0, 0), (1, 0, 0)], [new([(0, 1, 0)], [Shift(0, 0), [1f, 2f]])])],
        };
        Assert.That(() => Load(spec), Throws.TypeOf<InvalidModelException>().With.Message.Contains("2x1 matrix where a 4x1"));
    }

    [Test]
    public void Load_RejectsAnAnchorBeyondTheShape()
    {
        var spec = new SyntheticModel
        {
            InitialShape = [0.25f, 0.5f, 0.75f, 0.5f],
            Cascades = [new([(0, 0, 0), (2, 0, 0)], [new([(0, 1, 0)], [Shift(0, 0), Shift(0, 0)])])],
        };
        Assert.That(() => Load(spec), Throws.TypeOf<InvalidModelException>().With.Message.Contains("landmark 2 but the shape has 2"));
    }

    [Test]
    public void Load_RejectsASplitOnAFeatureTheLevelDoesNotHave()
    {
        var spec = new SyntheticModel
        {
            InitialShape = [0.25f, 0.5f, 0.75f, 0.5f],
            Cascades = [new([(0, 0, 0), (1, 0, 0)], [new([(0, 5, 0)], [Shift(0, 0), Shift(0, 0)])])],
        };
        Assert.That(() => Load(spec), Throws.TypeOf<InvalidModelException>().With.Message.Contains("use index 5"));
    }

    [Test]
    public void Load_RejectsAbsurdSizes_WithoutAllocatingThem()
    {
        // A 2^40 x 1 initial shape, and a valid shape followed by 2^40 forests.
        byte[] hugeShape = new DlibModelWriter().Signed(1).Signed(-(1L << 40)).Signed(-1).ToArray();
        Assert.That(() => ShapePredictor.Load(new MemoryStream(hugeShape)), Throws.TypeOf<InvalidModelException>().With.Message.Contains("cannot hold"));

        byte[] hugeForest = new DlibModelWriter().Signed(1).Column(0.25f, 0.5f, 0.75f, 0.5f).Unsigned(1UL << 40).ToArray();
        Assert.That(() => ShapePredictor.Load(new MemoryStream(hugeForest)), Throws.TypeOf<InvalidModelException>().With.Message.Contains("cannot hold"));
    }

    [Test]
    public void Load_RejectsAbsurdCounts_InAStreamThatHidesItsLength()
    {
        // Without a length to check against, arrays grow only with data actually read: each of these ends as a
        // truncated model after a few bytes, not as an attempt to allocate 2^30 elements.
        byte[][] cases =
        [
            new DlibModelWriter().Signed(1).Signed(-(1L << 30)).Signed(-1).Float(0.5f).ToArray(),
            new DlibModelWriter().Signed(1).Column(0.25f, 0.5f, 0.75f, 0.5f).Unsigned(1UL << 30).Unsigned(0).ToArray(),
            new DlibModelWriter().Signed(1).Column(0.25f, 0.5f, 0.75f, 0.5f).Unsigned(1).Unsigned(1).Unsigned(1UL << 30).ToArray(),
        ];
        foreach (byte[] bytes in cases)
        {
            Assert.That(() => ShapePredictor.Load(new NonSeekableStream(bytes)),
                Throws.TypeOf<InvalidModelException>().With.Message.Contains("truncated"));
        }
    }

    [Test]
    public void Load_RejectsInvalidIntegerControlBytes()
    {
        // 0x00 declares a zero-byte integer; 0x05 a five-byte C++ int.
        Assert.That(() => ShapePredictor.Load(new MemoryStream([0x00])), Throws.TypeOf<InvalidModelException>().With.Message.Contains("control byte 0x00"));
        Assert.That(() => ShapePredictor.Load(new MemoryStream([0x05, 1, 0, 0, 0, 0])), Throws.TypeOf<InvalidModelException>().With.Message.Contains("control byte 0x05"));

        // An unsigned count with the sign bit set (forest count after a valid header).
        byte[] signedCount = new DlibModelWriter().Signed(1).Column(0.25f, 0.5f, 0.75f, 0.5f).Raw(0x81, 0x01).ToArray();
        Assert.That(() => ShapePredictor.Load(new MemoryStream(signedCount)), Throws.TypeOf<InvalidModelException>().With.Message.Contains("forest count"));
    }

    [Test]
    public void Load_StopsWhenCancelled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.That(() => ShapePredictor.Load(new MemoryStream(TwoPartModel().Serialize()), cancelled.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Load_RejectsAMissingFile_NamingIt()
    {
        string path = Path.Combine(Path.GetTempPath(), $"no-such-model-{Guid.NewGuid():N}.dat");
        Assert.That(() => ShapePredictor.Load(path), Throws.TypeOf<InvalidModelException>().With.Message.Contains(path));
    }

    [Test]
    public void Predict_RejectsBadArguments()
    {
        ShapePredictor model = Load(TwoPartModel());
        ImageBuffer image = Gray();
        Assert.That(() => model.Predict(image, new RectangleF(0, 0, 0, 5)), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => model.Predict(image, new RectangleF(float.NaN, 0, 5, 5)), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => model.Predict(image, Box, new PointF[1]), Throws.ArgumentException.With.Message.Contains("places 2"));
        Assert.That(() => model.Predict(default(ImageBuffer), Box), Throws.ArgumentException.With.Message.Contains("default ImageBuffer"));
    }

    [Test]
    public void FromDlibRectangle_IncludesTheRightColumnAndBottomRow()
    {
        Assert.That(ShapePredictor.FromDlibRectangle(126, 206, 215, 295), Is.EqualTo(new RectangleF(126, 206, 90, 90)));
    }

    /// <summary>A stream that hides its length, as a network stream does.</summary>
    private sealed class NonSeekableStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        // Hand out at most 3 bytes per call, so the reader's refill path runs often.
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 3));

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
