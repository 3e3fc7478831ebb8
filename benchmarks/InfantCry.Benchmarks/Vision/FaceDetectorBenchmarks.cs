using BenchmarkDotNet.Attributes;
using InfantCry.Abstractions.Faces;
using InfantCry.Abstractions.Imaging;
using InfantCry.Onnx.Sessions;
using InfantCry.Vision.Faces;

namespace InfantCry.Benchmarks.Vision;

/// <summary>
/// Whole <c>Detect</c> calls (preprocessing, ONNX Runtime on one thread, decoding, NMS) on a 640x480 frame made from
/// ../shared/data/faces/2008_001009.jpg's pixels as dlib decoded them (artifacts/oracle, scripts/setup.d/30-dlib-oracle.sh),
/// centred on a gray canvas. Needs the shared models ($INFANTCRY_ASSETS or ../shared).
/// </summary>
[MemoryDiagnoser]
public class FaceDetectorBenchmarks
{
    private IFaceDetector _detector = null!;
    private byte[] _frame = [];

    /// <summary>Detector: UltraFace RFB-320 (input 320x240) or YuNet s dynamic (input 640x480).</summary>
    [Params("ultraface", "yunet")]
    public string Detector { get; set; } = "ultraface";

    [GlobalSetup]
    public void Setup()
    {
        string root = RepositoryPaths.Root;
        string assets = Environment.GetEnvironmentVariable("INFANTCRY_ASSETS") is { Length: > 0 } a ? a : Path.Combine(root, "..", "shared");
        var single = new OnnxSessionOptions { IntraOpThreads = 1 };
        _detector = Detector == "yunet"
            ? YuNetDetector.Create(Path.Combine(assets, "models/face/yunet/yunet_s_dynamic.onnx"), null, single)
            : UltraFaceDetector.Create(Path.Combine(assets, "models/face/ultraface/version-RFB-320.onnx"), null, single);

        // 2008_001009.jpg is 360x480 RGB (two faces); paste it into the middle of a 640x480 gray frame.
        byte[] photo = File.ReadAllBytes(Path.Combine(root, "artifacts/oracle/faces/2008_001009.jpg.rgb"));
        _frame = new byte[640 * 480 * 3];
        Array.Fill(_frame, (byte)128);
        for (int y = 0; y < 480; y++)
        {
            photo.AsSpan(y * 360 * 3, 360 * 3).CopyTo(_frame.AsSpan(((y * 640) + 140) * 3));
        }
    }

    [GlobalCleanup]
    public void Cleanup() => (_detector as IDisposable)?.Dispose();

    [Benchmark(Baseline = true)]
    public int Detect640x480() => _detector.Detect(new ImageBuffer(_frame, 640, 480, PixelFormat.Rgb24)).Count;
}
