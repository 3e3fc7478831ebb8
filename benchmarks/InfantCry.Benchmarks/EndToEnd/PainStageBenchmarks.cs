using System.Drawing;
using BenchmarkDotNet.Attributes;
using InfantCry.Abstractions.Faces;
using InfantCry.Abstractions.Imaging;
using InfantCry.Abstractions.Inference;
using InfantCry.Abstractions.Pain;
using InfantCry.Onnx.Sessions;
using InfantCry.Vision.Alignment;
using InfantCry.Vision.Faces;
using InfantCry.Vision.Landmarks;
using InfantCry.Vision.Pain;
using InfantCry.Vision.Quality;

namespace InfantCry.Benchmarks.EndToEnd;

/// <summary>
/// Where a 1280x720 frame of <see cref="PainEndToEndBenchmarks"/> spends its time: each stage of
/// <see cref="PainLevelEstimator"/> on its own, on the same frame, one intra-op thread, beside the whole frame
/// (rotation search off) as the baseline. The upright stages add up to about the whole frame; the rotating
/// detector replaces the upright one when <see cref="PainEstimatorOptions.RotationSearch"/> is on.
/// </summary>
[MemoryDiagnoser]
public class PainStageBenchmarks
{
    private PainLevelEstimator _estimator = null!;
    private UltraFaceDetector _detector = null!;
    private RotatingFaceDetector _rotating = null!;
    private FaceLandmarker _landmarker = null!;
    private OnnxInferenceSession _encoder = null!, _sequence = null!;
    private readonly FaceAligner _aligner = new();
    private byte[][] _frames = [];
    private FaceDetection _face = null!;
    private readonly PointF[] _points = new PointF[68];
    private float _roll;
    private readonly float[] _ultraInput = new float[3 * 320 * 240];
    private float[] _aligned = [], _latent = [], _window = [];
    private readonly float[] _crying = new float[2], _pain = new float[3];
    private readonly long[] _cryingShape = [1, 2], _painShape = [1, 3];
    private long[] _encoderInputShape = [], _encoderOutputShape = [], _windowShape = [];
    private int _next;

    /// <summary>The face in the frame.</summary>
    [Params(FaceInput.Photo, FaceInput.SyntheticInfant)]
    public FaceInput Face { get; set; }

    /// <summary>ONNX Runtime intra-op threads (issue 14's target is one thread).</summary>
    [Params(1)]
    public int IntraOpThreads { get; set; } = 1;

    private ImageBuffer Image => new(_frames[0], EndToEndInputs.FrameWidth, EndToEndInputs.FrameHeight, PixelFormat.Rgb24);

    [GlobalSetup]
    public void Setup()
    {
        _frames = EndToEndInputs.Frames(Face);
        string models = EndToEndInputs.Models;
        var session = new OnnxSessionOptions { IntraOpThreads = IntraOpThreads };
        string ultraFace = Path.Combine(models, "version-RFB-320.onnx"), dlib = Path.Combine(models, PainLevelEstimator.ShapePredictorFileName);
        _estimator = PainLevelEstimator.Create(models, ultraFace, dlib, options: new PainEstimatorOptions { RotationSearch = null }, sessionOptions: session);
        _detector = UltraFaceDetector.Create(ultraFace, sessionOptions: session);
        _rotating = new RotatingFaceDetector(_detector, RotationSearchOptions.Default);
        _landmarker = new FaceLandmarker(ShapePredictor.Load(dlib), DlibFaceBox.FromUltraFace);
        _encoder = OnnxInferenceSession.Create(Path.Combine(models, PainLevelEstimator.EncoderFileName), session);
        _sequence = OnnxInferenceSession.Create(Path.Combine(models, PainLevelEstimator.SequenceFileName), session);

        TensorInfo input = _encoder.Inputs[0];
        _encoderInputShape = [1, 1, input.Shape[2], input.Shape[3]];
        _aligned = new float[input.Shape[2] * input.Shape[3]];
        _latent = new float[_encoder.Outputs[0].Shape[1]];
        _encoderOutputShape = [1, _latent.Length];
        int t = _estimator.Options.Sequence.Length;
        _window = new float[t * _latent.Length];
        _windowShape = [1, t, _latent.Length];

        _face = _detector.Detect(Image).MaxBy(f => f.Confidence) ?? throw new InvalidOperationException($"{Face}: UltraFace finds no face in the frame.");
        _roll = Landmarks();
        Align();
        Encoder();
        Sequence();
        for (int i = 0; i < 2 * _frames.Length + 8; i++)
        {
            Frame();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _estimator.Dispose();
        _detector.Dispose();
        _encoder.Dispose();
        _sequence.Dispose();
    }

    /// <summary>The whole frame (rotation search off), as in <see cref="PainEndToEndBenchmarks"/>.</summary>
    [Benchmark(Baseline = true, Description = "whole frame (upright)")]
    public PainFrameResult Frame()
    {
        int i = _next++ % _frames.Length;
        return _estimator.Process(new VideoFrame(new ImageBuffer(_frames[i], EndToEndInputs.FrameWidth, EndToEndInputs.FrameHeight, PixelFormat.Rgb24), TimeSpan.Zero));
    }

    /// <summary>UltraFace RFB-320 on the frame (letterbox to 320x240, model, decoding, NMS).</summary>
    [Benchmark(Description = "detect: UltraFace upright")]
    public IReadOnlyList<FaceDetection> DetectUpright() => _detector.Detect(Image);

    /// <summary>The detector's input alone: the 1280x720 RGB frame letterboxed to UltraFace's 320x240 planes, (v - 127) / 128.</summary>
    [Benchmark(Description = "detect: letterbox to 320x240 (part of the above)")]
    public LetterboxTransform Letterbox1280x720() => Letterbox.Prepare(Image, _ultraInput, 320, 240, ChannelOrder.Rgb, 127f, 1f / 128f, 0f);

    /// <summary>The rotation search's full search: 18 UltraFace passes on turned copies, merged (no refiner).</summary>
    [Benchmark(Description = "detect: rotation search (18 passes)")]
    public IReadOnlyList<FaceDetection> DetectRotating() => _rotating.Detect(Image, 0f);

    /// <summary>dlib's 68 landmarks in the face's frame (with the refit when the eyes disagree with the roll).</summary>
    [Benchmark(Description = "landmarks: dlib 68")]
    public float Landmarks() => _landmarker.Fit(Image, _face, _points);

    /// <summary>The quality measures the gate reads (sharpness, contrast, asymmetry, key points).</summary>
    [Benchmark(Description = "quality measures")]
    public FaceQuality Quality() => FaceQualityGate.Measure(Image, _face, _points, _roll);

    /// <summary>The study's alignment to a 64x64 gray face.</summary>
    [Benchmark(Description = "alignment 64x64")]
    public AlignmentGeometry Align() => _aligner.Align(Image, _points, _aligned);

    /// <summary>The convolutional encoder on one aligned face.</summary>
    [Benchmark(Description = "encoder (ONNX Runtime)")]
    public void Encoder() => _encoder.Run(
        [TensorInput.Float32(_encoder.Inputs[0].Name, _aligned, _encoderInputShape)],
        [TensorOutput.Float32(_encoder.Outputs[0].Name, _latent, _encoderOutputShape)]);

    /// <summary>The LSTM on a window of 4 latents.</summary>
    [Benchmark(Description = "LSTM (ONNX Runtime)")]
    public void Sequence() => _sequence.Run(
        [TensorInput.Float32(_sequence.Inputs[0].Name, _window, _windowShape)],
        [TensorOutput.Float32("crying", _crying, _cryingShape), TensorOutput.Float32("pain", _pain, _painShape)]);
}
