using System.Diagnostics;
using System.Drawing;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using InfantCry.Abstractions.Imaging;
using InfantCry.Abstractions.Pain;
using InfantCry.Onnx.Sessions;
using InfantCry.Vision.Pain;

namespace InfantCry.Benchmarks.Pain;

/// <summary>
/// One steady-state frame of <see cref="PainLevelEstimator"/> on 640x480 RGB video (frames per second = 1 / mean):
/// the full pipeline (UltraFace RFB-320, dlib's 68 landmarks, alignment, encoder, 4-frame LSTM every frame) and, as
/// the baseline, the same with the dataset's landmarks supplied (alignment, encoder, LSTM). The frames are the first
/// 8 of the synthetic clip s00_c00 (artifacts/data/pain-synth-small, scripts/setup.d/40-pain.sh) scaled from 320x240
/// to 640x480 by ffmpeg; landmarks are scaled with them. Needs the pain models (artifacts/models), UltraFace
/// ($INFANTCRY_ASSETS or ../shared) and dlib's model (libdlib-data).
/// </summary>
[MemoryDiagnoser]
public class PainPipelineBenchmarks
{
    private const int W = 640, H = 480, Frames = 8;
    private PainLevelEstimator _full = null!;
    private PainLevelEstimator _marked = null!;
    private byte[][] _frames = [];
    private PointF[][] _landmarks = [];
    private int _next;

    /// <summary>ONNX Runtime intra-op threads for the three models: 1 (single-threaded) or 2 (both cores of the machine).</summary>
    [Params(1, 2)]
    public int IntraOpThreads { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        string root = RepositoryPaths.Root;
        string artifacts = Environment.GetEnvironmentVariable("INFANTCRY_ARTIFACTS") is { Length: > 0 } a ? a : Path.Combine(root, "artifacts");
        string assets = Environment.GetEnvironmentVariable("INFANTCRY_ASSETS") is { Length: > 0 } s ? s : Path.Combine(root, "..", "shared");
        string clip = Path.Combine(artifacts, "data", "pain-synth-small", "clips", "s00_c00");
        var options = new OnnxSessionOptions { IntraOpThreads = IntraOpThreads };
        string models = Path.Combine(artifacts, "models");
        _full = PainLevelEstimator.Create(models, Path.Combine(assets, "models/face/ultraface/version-RFB-320.onnx"), options: new PainEstimatorOptions { RotationSearch = null }, sessionOptions: options);
        _marked = PainLevelEstimator.CreateWithoutDetector(models, sessionOptions: options);
        _frames = Decode640x480(Path.Combine(clip, "%05d.png"));
        _landmarks = File.ReadLines(Path.Combine(artifacts, "data", "pain-synth-small", "landmarks.csv")).Skip(1)
            .Where(l => l.StartsWith("s00_c00,", StringComparison.Ordinal)).Take(Frames)
            .Select(l => l.Split(',').Skip(2).Select(v => 2f * float.Parse(v, CultureInfo.InvariantCulture)).Chunk(2).Select(p => new PointF(p[0], p[1])).ToArray())
            .ToArray();

        // Fill the windows so every measured frame runs the sequence model.
        for (int i = 0; i < 2 * Frames; i++)
        {
            FullFrame();
            LandmarkFrame();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _full.Dispose();
        _marked.Dispose();
    }

    /// <summary>Alignment + encoder + LSTM with caller-supplied landmarks.</summary>
    [Benchmark(Baseline = true)]
    public PainFrameResult LandmarkFrame()
    {
        int i = _next++ % Frames;
        return _marked.Process(new VideoFrame(new ImageBuffer(_frames[i], W, H, PixelFormat.Rgb24), TimeSpan.Zero), _landmarks[i]);
    }

    /// <summary>The whole pipeline: detection, landmarks, alignment, encoder, LSTM.</summary>
    [Benchmark]
    public PainFrameResult FullFrame()
    {
        int i = _next++ % Frames;
        return _full.Process(new VideoFrame(new ImageBuffer(_frames[i], W, H, PixelFormat.Rgb24), TimeSpan.Zero));
    }

    private static byte[][] Decode640x480(string pattern)
    {
        var psi = new ProcessStartInfo("ffmpeg", $"-v error -i \"{pattern}\" -frames:v {Frames} -vf scale={W}:{H}:flags=bilinear -f rawvideo -pix_fmt rgb24 pipe:1") { RedirectStandardOutput = true };
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start ffmpeg.");
        var frames = new byte[Frames][];
        for (int i = 0; i < Frames; i++)
        {
            frames[i] = new byte[W * H * 3];
            p.StandardOutput.BaseStream.ReadExactly(frames[i]);
        }

        p.WaitForExit();
        return frames;
    }
}
