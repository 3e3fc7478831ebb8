using System.Drawing;
using BenchmarkDotNet.Attributes;
using InfantCry.Abstractions.Imaging;
using InfantCry.Vision.Alignment;
using InfantCry.Vision.Faces;
using InfantCry.Vision.Imaging;

namespace InfantCry.Benchmarks.Vision;

/// <summary>Per-frame imaging work on a 640x480 RGB frame: BT.601 gray, rotation, resize to 64x64, and detector preprocessing.</summary>
[MemoryDiagnoser]
public class FramePipelineBenchmarks
{
    private const int W = 640, H = 480;
    private byte[] _rgb = [];
    private float[] _gray = [];
    private float[] _rotated = [];
    private float[] _face = [];
    private float[] _ultraInput = [];
    private float[] _yunetInput = [];
    private AffineTransform _inverseRotation;
    private PointF[] _landmarks = [];
    private FaceAligner _direct = null!;
    private FaceAligner _rotateCropResize = null!;

    [GlobalSetup]
    public void Setup()
    {
        _rgb = new byte[W * H * 3];
        new Random(2).NextBytes(_rgb);
        _gray = new float[W * H];
        _rotated = new float[W * H];
        _face = new float[64 * 64];
        _ultraInput = new float[3 * 240 * 320];
        _yunetInput = new float[3 * 480 * 640];
        _inverseRotation = AffineTransform.Rotation(0.2, W / 2.0, H / 2.0).Invert();
        _landmarks = SyntheticFace(320, 240, 90, 0.15);
        _direct = new FaceAligner();
        _rotateCropResize = new FaceAligner(new AlignmentOptions { Sampling = AlignmentSampling.RotateCropResize });
    }

    // 68 iBUG-ordered points of a face of the given half-width, tilted by angle radians (only the groups alignment reads are shaped).
    private static PointF[] SyntheticFace(float cx, float cy, float scale, double angle)
    {
        var p = new PointF[68];
        for (int i = 0; i < 17; i++)
        {
            double t = (i / 8.0) - 1;
            p[i] = new PointF((float)(0.95 * t), (float)(0.05 + (0.9 * Math.Sqrt(1 - (t * t)))));
        }

        for (int i = 17; i < 27; i++)
        {
            p[i] = new PointF((float)(-0.75 + (0.15 * (i - 17))), -0.6f);
        }

        for (int i = 27; i < 36; i++)
        {
            p[i] = new PointF(0, 0.1f);
        }

        for (int i = 0; i < 6; i++)
        {
            double a = i * Math.PI / 3;
            p[36 + i] = new PointF((float)(-0.42 + (0.17 * Math.Cos(a))), (float)(-0.33 + (0.07 * Math.Sin(a))));
            p[42 + i] = new PointF((float)(0.42 + (0.17 * Math.Cos(a))), (float)(-0.33 + (0.07 * Math.Sin(a))));
        }

        for (int i = 48; i < 68; i++)
        {
            p[i] = new PointF(0, 0.45f);
        }

        double c = Math.Cos(angle), s = Math.Sin(angle);
        return p.Select(q => new PointF((float)(cx + (scale * ((c * q.X) - (s * q.Y)))), (float)(cy + (scale * ((s * q.X) + (c * q.Y)))))).ToArray();
    }

    private ImageBuffer Frame => new(_rgb, W, H, PixelFormat.Rgb24);

    /// <summary>BT.601 gray of the whole frame (SIMD path).</summary>
    [Benchmark(Baseline = true)]
    public void Grayscale640x480() => Grayscale.Convert(Frame, _gray);

    /// <summary>Gray, rotate the whole frame about its centre, resize to 64x64: the alignment chain done naively on a full frame.</summary>
    [Benchmark]
    public void GrayWarpResize640x480To64()
    {
        Grayscale.Convert(Frame, _gray);
        Warp.Affine(_gray, W, H, _rotated, W, H, _inverseRotation);
        Resize.Bilinear(_rotated, W, H, _face, 64, 64);
    }

    /// <summary>One face of a 640x480 frame aligned to 64x64 the default way (Direct sampling, as the pain training).</summary>
    [Benchmark]
    public void AlignFaceDirect() => _direct.Align(Frame, _landmarks, _face);

    /// <summary>The same face with rotate, whole-pixel crop and area-aware resize.</summary>
    [Benchmark]
    public void AlignFaceRotateCropResize() => _rotateCropResize.Align(Frame, _landmarks, _face);

    /// <summary>UltraFace RFB-320 input: letterbox 640x480 to 320x240, RGB planes, (v - 127) / 128.</summary>
    [Benchmark]
    public LetterboxTransform UltraFacePreprocess() =>
        Letterbox.Prepare(Frame, _ultraInput, 320, 240, ChannelOrder.Rgb, 127f, 1f / 128f, 0f);

    /// <summary>YuNet input at 640x480: BGR planes, 0..255 (no scaling needed).</summary>
    [Benchmark]
    public LetterboxTransform YuNetPreprocess() =>
        Letterbox.Prepare(Frame, _yunetInput, 640, 480, ChannelOrder.Bgr, 0f, 1f, 0f);
}
