using BenchmarkDotNet.Attributes;
using InfantCry.Faces;
using InfantCry.Imaging;

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

    /// <summary>UltraFace RFB-320 input: letterbox 640x480 to 320x240, RGB planes, (v - 127) / 128.</summary>
    [Benchmark]
    public LetterboxTransform UltraFacePreprocess() =>
        Letterbox.Prepare(Frame, _ultraInput, 320, 240, ChannelOrder.Rgb, 127f, 1f / 128f, 0f);

    /// <summary>YuNet input at 640x480: BGR planes, 0..255 (no scaling needed).</summary>
    [Benchmark]
    public LetterboxTransform YuNetPreprocess() =>
        Letterbox.Prepare(Frame, _yunetInput, 640, 480, ChannelOrder.Bgr, 0f, 1f, 0f);
}
